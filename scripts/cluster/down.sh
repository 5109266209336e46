#!/usr/bin/env bash
# Stops the cluster of scripts/cluster/up.sh: every process it recorded, newest first, by pid.
# Each pid is checked to still be the `timeout` wrapper up.sh started before it is signalled.
# Logs stay in CLUSTER_DIR/logs for a post-mortem; the next cluster-up removes them.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${CLUSTER_DIR:-$root/.work/cluster}
pids="$dir/pids"
[ -f "$pids" ] || { echo "cluster-down: no cluster recorded in $dir"; exit 0; }

# pids holds "name pid binary" lines; a pid is ours while it runs `timeout ... binary`.
ours() { # pid binary
  local args
  [ -r "/proc/$1/cmdline" ] || return 1
  mapfile -d '' -t args <"/proc/$1/cmdline"
  [ "${args[0]:-}" = timeout ] && [[ " ${args[*]} " == *" $2 "* ]]
}
mapfile -t entries < <(tac "$pids")
for entry in "${entries[@]}"; do
  read -r name pid binary <<<"$entry"
  if ours "$pid" "$binary"; then kill -TERM "$pid"; fi # timeout passes the signal on to the component
done
for _ in $(seq 20); do
  running=0
  for entry in "${entries[@]}"; do read -r name pid binary <<<"$entry"; ! ours "$pid" "$binary" || running=1; done
  [ $running -eq 1 ] || break
  sleep 0.5
done
for entry in "${entries[@]}"; do
  read -r name pid binary <<<"$entry"
  if ours "$pid" "$binary"; then echo "cluster-down: $name ($pid) ignored SIGTERM; killing it"; pkill -KILL -P "$pid" || true; kill -KILL "$pid" || true; fi
done
rm -f "$pids"
echo "cluster-down: stopped ${#entries[@]} processes; logs in $dir/logs"
