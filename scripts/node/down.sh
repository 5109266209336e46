#!/usr/bin/env bash
# Stops the node of scripts/node/up.sh and undoes what it did to the host, whatever state a
# failed or killed run left: the kubelet and the node's other processes (by the pids up.sh
# recorded, each checked to be the `timeout` wrapper it started), the containers (every process
# in the kubepods cgroups) and containerd's shims (only those serving our containerd socket),
# the mounts under NODE_DIR, the network links, then host-state.sh restores the recorded kernel
# settings, folders, cgroups and nftables tables, and prints what still differs (exit 1 if any).
# The node's objects (Node, the kubernetes Service's EndpointSlice, a binding, its storage class
# and volumes; kwok's class is the default again) are removed from
# the cluster when it still runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${NODE_DIR:-$root/.work/node}
[ -d "$dir/host" ] || { echo "node-down: no node recorded in $dir"; exit 0; }
[ -s "$dir/host/before" ] || { echo "node-down: $dir/host/before is empty: nothing was changed yet"; rm -f "$dir/pids"; exit 0; }

# The watchdog, unless this is the watchdog.
if [ -z "${NODE_WATCHDOG:-}" ] && [ -f "$dir/watchdog" ]; then
  watchdog=$(cat "$dir/watchdog")
  if [ -r "/proc/$watchdog/cmdline" ] && tr '\0' ' ' <"/proc/$watchdog/cmdline" | grep -qF "NODE_DIR='$dir'"; then
    pkill -TERM -P "$watchdog" 2>/dev/null || true; kill -TERM "$watchdog" 2>/dev/null || true
  fi
fi

# The processes up.sh launched, newest first: a pid is ours while it runs `timeout ... binary`.
ours() { # pid binary
  local args
  [ -r "/proc/$1/cmdline" ] || return 1
  mapfile -d '' -t args <"/proc/$1/cmdline"
  [ "${args[0]:-}" = timeout ] && [[ " ${args[*]} " == *" $2 "* ]]
}
entries=()
[ -f "$dir/pids" ] && mapfile -t entries < <(tac "$dir/pids")
for entry in "${entries[@]}"; do
  read -r name pid binary <<<"$entry"
  # containerd last: the kubelet stops first so it restarts nothing.
  [ "$name" = containerd ] && continue
  if ours "$pid" "$binary"; then kill -TERM "$pid"; fi
done
wait_gone() { # seconds pid binary...
  local seconds=$1; shift
  for _ in $(seq $((seconds * 2))); do
    local running=0
    while [ $# -ge 2 ]; do ! ours "$1" "$2" || running=1; shift 2; done
    [ $running -eq 0 ] && return 0
    sleep 0.5
  done
  return 1
}
pairs=()
for entry in "${entries[@]}"; do read -r name pid binary <<<"$entry"; [ "$name" = containerd ] || pairs+=("$pid" "$binary"); done
wait_gone 15 "${pairs[@]}" || true

# Containers: every process in the kubelet's cgroups (only the node's pods live there).
for _ in $(seq 20); do
  pids=$(cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs \
    /sys/fs/cgroup/pids/kubepods/*/*/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/*/*/cgroup.procs 2>/dev/null | sort -u || true)
  [ -z "$pids" ] && break
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  sleep 0.5
done
# Shims: ours serve our containerd's socket (their command line names it).
socket="$dir/run/containerd.sock"
for proc in /proc/[0-9]*; do
  [ -r "$proc/cmdline" ] || continue
  if tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -qE "^[^ ]*containerd-shim-runc-v2[^ ]* .*-address $socket( |$)"; then kill -KILL "${proc#/proc/}" 2>/dev/null || true; fi
done
for entry in "${entries[@]}"; do
  read -r name pid binary <<<"$entry"
  [ "$name" = containerd ] && ours "$pid" "$binary" && kill -TERM "$pid" && { wait_gone 15 "$pid" "$binary" || true; }
done
for entry in "${entries[@]}"; do
  read -r name pid binary <<<"$entry"
  if ours "$pid" "$binary"; then echo "node-down: $name ($pid) ignored SIGTERM; killing it"; pkill -KILL -P "$pid" || true; kill -KILL "$pid" || true; fi
done
rm -f "$dir/pids"

# Mounts: pod volumes, container root filesystems, network namespaces; deepest first.
for _ in 1 2 3; do
  mapfile -t mounts < <(awk -v d="$dir/" -v r="/run/containerd/" 'index($2, d) == 1 || index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -ru)
  [ ${#mounts[@]} -eq 0 ] && break
  for mount in "${mounts[@]}"; do umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true; done
done
# The node's address and any pod link left (ptp's host ends carry the pods' gateway address).
ip link del promstack0 2>/dev/null || true
for link in $(ip -o -4 addr show | awk '$4 ~ /^10\.89\.0\./ { sub(/@.*/, "", $2); print $2 }' | sort -u); do ip link del "$link" 2>/dev/null || true; done

# binfmt_misc: the arm64 node's registration (and mount), once no emulated program runs.
"$root/scripts/node/binfmt.sh" unregister "$dir/host"
"$root/scripts/node/host-state.sh" restore "$dir/host"
if [ -n "${CLUSTER_DIR:-}" ] && [ -f "$CLUSTER_DIR/pids" ] && [ -x "${KUBECTL:-}" ]; then
  cluster_kubectl() { "$KUBECTL" --kubeconfig "$CLUSTER_DIR/kubeconfig" "$@" >/dev/null 2>&1 || true; }
  for object in "node/${NODE_NAME:-promstack-node}" endpointslice/kubernetes-promstack-node clusterrolebinding/promstack-node-kube-network-policies storageclass/promstack-node-local; do
    cluster_kubectl delete "$object" --namespace default --ignore-not-found --wait=false
  done
  cluster_kubectl delete persistentvolume --selector promstack.dev/node-volume=true --wait=false
  cluster_kubectl annotate storageclass kwok-volume storageclass.kubernetes.io/is-default-class=true --overwrite
fi
differences=$("$root/scripts/node/host-state.sh" compare "$dir/host")
# Any process still serving our containerd socket is a leak too.
for proc in /proc/[0-9]*; do
  if [ -r "$proc/cmdline" ] && tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -qF -- "-address $socket"; then
    differences+=$'\n'"process: ${proc#/proc/} $(tr '\0' ' ' <"$proc/cmdline")"
  fi
done
differences=$(echo "$differences" | sed '/^$/d')
if [ -n "$differences" ]; then
  echo "node-down: stopped, but the host differs from before node-up:" >&2; echo "$differences" >&2; exit 1
fi
echo "node-down: stopped; the host's settings, folders, cgroups, nftables tables, links and mounts are as before node-up"
