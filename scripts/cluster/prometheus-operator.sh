#!/usr/bin/env bash
# Runs the Prometheus Operator (make prometheus-operator) as a process against the cluster of
# up.sh, in the place of the Deployment prometheus.operator.deploy renders: kwok runs no
# container, so the cluster layer runs the real operator here with that Deployment's own
# arguments. The operator checks its CRDs when it starts, so it starts after the chart has
# installed them (the test calls this script), not at cluster-up.
#
# usage: CLUSTER_DIR=... PROMETHEUS_OPERATOR=binary scripts/cluster/prometheus-operator.sh ARGS...
#   ARGS: the Deployment's arguments (with --as=<its service account> to be judged by its RBAC);
#   --web.listen-address is replaced by a free 127.0.0.1 port.
# Prints "<pid> <port>". Like every component it runs under `timeout` with its pid in
# CLUSTER_DIR/pids, so down.sh stops it even when the test fails; its log is
# CLUSTER_DIR/logs/prometheus-operator.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
who=prometheus-operator
# shellcheck source=scripts/lib/processes.sh
. "$root/scripts/lib/processes.sh"
dir=${CLUSTER_DIR:-$root/.work/cluster}
ttl=${CLUSTER_TTL:-3600}
[ -x "${PROMETHEUS_OPERATOR:-}" ] || { echo "$who: PROMETHEUS_OPERATOR='${PROMETHEUS_OPERATOR:-}' is not an executable: run 'make prometheus-operator'" >&2; exit 1; }
[ -f "$dir/pids" ] || { echo "$who: no cluster runs in $dir (run make cluster-up)" >&2; exit 1; }
args=()
for arg in "$@"; do
  case "$arg" in --web.listen-address=*) ;; *) args+=("$arg") ;; esac
done
port=$(free_port)
# The operator reads KUBECONFIG (the administrator, who may impersonate the chart's account).
KUBECONFIG="$dir/kubeconfig" launch prometheus-operator "$PROMETHEUS_OPERATOR" "${args[@]}" --web.listen-address "127.0.0.1:$port"
pid=$(awk '$1 == "prometheus-operator" { p = $2 } END { print p }' "$dir/pids")
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && { echo "$pid $port"; exit 0; }
  kill -0 "$pid" 2>/dev/null || { echo "$who: exited:" >&2; tail -20 "$dir/logs/prometheus-operator.log" >&2; exit 1; }
  sleep 1
done
echo "$who: not healthy after 60s" >&2; tail -20 "$dir/logs/prometheus-operator.log" >&2; exit 1
