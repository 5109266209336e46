# Sourced by scripts/cluster/up.sh and scripts/node/up.sh: their long-running processes, each
# under timeout (the lifetime bound $ttl), logged to $dir/logs/<name>.log, its pid in $dir/pids
# (which the matching down.sh reads). $who names the script in messages.
launch() { # name binary args...
  local name=$1; shift
  timeout --kill-after=10s "$ttl" "$@" >"$dir/logs/$name.log" 2>&1 &
  echo "$name $! $1" >>"$dir/pids"
}
alive() { # fail early, with its log, when a component has exited
  local name pid
  while read -r name pid _; do
    kill -0 "$pid" 2>/dev/null || { echo "$who: $name exited:" >&2; tail -20 "$dir/logs/$name.log" >&2; return 1; }
  done <"$dir/pids"
}
wait_for() { # what seconds command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq "$seconds"); do
    "$@" >/dev/null 2>&1 && return 0
    alive || return 1
    sleep 1
  done
  echo "$who: $what not ready after ${seconds}s" >&2; return 1
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
