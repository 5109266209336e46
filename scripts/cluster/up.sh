#!/usr/bin/env bash
# Starts a Kubernetes control plane on 127.0.0.1 with fake nodes, for the cluster test layer:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler (real binaries at the pinned
# version), and kwok, which plays the kubelets: it keeps its nodes Ready, moves scheduled pods
# to Running, completes `helm test` pods and binds volume claims (see stages/).
#
# Every process listens on 127.0.0.1 only, on free ports picked at start, and runs under
# `timeout`, so the cluster ends after CLUSTER_TTL seconds even if nobody stops it.
# scripts/cluster/down.sh stops it earlier. State, logs and the kubeconfig live in
# CLUSTER_DIR (default .work/cluster); `source $CLUSTER_DIR/env` gives KUBECONFIG.
#
# usage: make cluster-up (which sets the variables below and builds the binaries first)
#   ETCD, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, KUBECTL, KWOK: binaries
#   KWOK_STAGES: kwok's stage files (kustomize/stage of its module)
#   CLUSTER_DIR (default .work/cluster), CLUSTER_TTL (seconds, default 3600)
#   FLUX_CRDS, SOURCE_CONTROLLER, HELM_CONTROLLER (optional, all three or none): Flux's CRDs
#     are applied and its source-controller and helm-controller run as processes against
#     the cluster (see flux.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/cluster"
who=cluster-up
# shellcheck source=scripts/lib/processes.sh
. "$here/../lib/processes.sh"
dir=${CLUSTER_DIR:-$root/.work/cluster}
ttl=${CLUSTER_TTL:-3600}
for variable in ETCD KUBE_APISERVER KUBE_CONTROLLER_MANAGER KUBE_SCHEDULER KUBECTL KWOK; do
  [ -x "${!variable:-}" ] || { echo "cluster-up: $variable='${!variable:-}' is not an executable: run 'make cluster-tools' and start the cluster through make" >&2; exit 1; }
done
[ -d "${KWOK_STAGES:-}" ] || { echo "cluster-up: KWOK_STAGES='${KWOK_STAGES:-}' is not kwok's stage folder" >&2; exit 1; }
kwok_stages=$KWOK_STAGES
if [ -f "$dir/pids" ]; then
  echo "cluster-up: a cluster seems to run already ($dir/pids exists); run scripts/cluster/down.sh first" >&2
  exit 1
fi

start=$(date +%s)
rm -rf "$dir" && mkdir -p "$dir/pki" "$dir/logs"
# If anything below fails, stop what has started.
stop_on_failure() {
  local status=$?
  [ "$status" -eq 0 ] && return
  echo "cluster-up: failed; logs in $dir/logs" >&2
  "$here/down.sh" >/dev/null || true
}
trap stop_on_failure EXIT

etcd_port=$(free_port) etcd_peer_port=$(free_port) api_port=$(free_port)

# --- Certificates: a throwaway CA, the API server's serving certificate, one client
# certificate in system:masters for the administrator and the components, and the key pair
# that signs service account tokens. Valid for two days; regenerated at every start.
pki="$dir/pki"
ec() { echo "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"; }
# shellcheck disable=SC2046 # ec() prints several options on purpose
openssl req -x509 $(ec) -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 2 -subj "/CN=promstack-test-ca" 2>/dev/null
sign() { # name subject extensions
  # shellcheck disable=SC2046
  openssl req $(ec) -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
    -extfile <(printf '%s\n' "$3") -out "$pki/$1.crt" 2>/dev/null
}
sign apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth"
sign admin "/O=system:masters/CN=promstack-admin" "extendedKeyUsage=clientAuth"
# For the chart servers the tests start (the OCI registry): HTTPS on 127.0.0.1, trusted by
# source-controller through this CA, so Flux's sources need no `insecure: true`.
sign charts "/CN=promstack-test-charts" "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
openssl ecparam -name prime256v1 -genkey -noout -out "$pki/sa.key"
openssl ec -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null

kubeconfig="$dir/kubeconfig"
cat >"$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: promstack-test
    cluster:
      server: https://127.0.0.1:$api_port
      certificate-authority: $pki/ca.crt
users:
  - name: promstack-admin
    user:
      client-certificate: $pki/admin.crt
      client-key: $pki/admin.key
contexts:
  - name: promstack-test
    context: { cluster: promstack-test, user: promstack-admin }
current-context: promstack-test
EOF
printf 'export KUBECONFIG=%q\n' "$kubeconfig" >"$dir/env"

# --- Processes: launch, alive and wait_for (scripts/lib/processes.sh).
launch etcd "$ETCD" --name promstack --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "promstack=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync --log-level warn
wait_for etcd 30 curl -fsS "http://127.0.0.1:$etcd_port/health"

# PodSecurity is among the default admission plugins; namespaces choose their level by label.
# A real node (scripts/node/up.sh) serves logs and exec on its InternalIP to the administrator's
# certificate.
# No endpoint reconciler: it would publish 127.0.0.1 as the kubernetes Service's endpoint,
# which Endpoints validation rejects.
launch kube-apiserver "$KUBE_APISERVER" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 --authorization-mode RBAC --allow-privileged \
  --endpoint-reconciler-type none --profiling=false \
  --kubelet-preferred-address-types InternalIP,Hostname \
  --kubelet-client-certificate "$pki/admin.crt" --kubelet-client-key "$pki/admin.key"
kubectl() { "$KUBECTL" --kubeconfig "$kubeconfig" "$@"; }
wait_for kube-apiserver 90 kubectl get --raw /readyz
alive

# Both serve nothing (--secure-port 0): the tests do not need their health endpoints.
launch kube-controller-manager "$KUBE_CONTROLLER_MANAGER" --kubeconfig "$kubeconfig" \
  --secure-port 0 --leader-elect=false --use-service-account-credentials=false \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --controllers '*,-csrsigning,-nodeipam'
launch kube-scheduler "$KUBE_SCHEDULER" --kubeconfig "$kubeconfig" --secure-port 0 --leader-elect=false

# kwok's stages, from its module: nodes become Ready and keep a lease; pods run, Job pods
# complete, deleted pods go; claims get a volume and bind. kwok's volume stages act on its
# own storage class only; they are widened to both classes of storage-classes.yaml. Our own
# stages (stages/) complete `helm test` pods.
volume_class="self.spec.storageClassName == 'kwok-volume'"
{
  for file in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
              pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$kwok_stages/$file"
  done
  for file in pvc-provision pv-bind pv-delete pvc-delete; do
    grep -qF "$volume_class" "$kwok_stages/volume/fast/$file.yaml" ||
      { echo "cluster-up: kwok's volume/fast/$file.yaml no longer selects by \"$volume_class\"" >&2; exit 1; }
    echo "---"; sed "s/$volume_class/self.spec.storageClassName in ['kwok-volume', 'local-path']/" "$kwok_stages/volume/fast/$file.yaml"
  done
  for file in "$here"/stages/*.yaml; do echo "---"; cat "$file"; done
} >"$dir/kwok.yaml"
launch kwok "$KWOK" --kubeconfig "$kubeconfig" --config "$dir/kwok.yaml" \
  --manage-all-nodes=false --manage-nodes-with-label-selector type=kwok \
  --node-lease-duration-seconds 40 --cidr 10.244.0.0/16

# Fake nodes (several of each architecture the profiles target) and storage classes.
kubectl apply -f "$here/nodes.yaml" >/dev/null
kubectl wait --for condition=Ready node --all --timeout 60s >/dev/null
kubectl apply -f "$here/storage-classes.yaml" >/dev/null
wait_for "default service account" 60 kubectl get serviceaccount default --namespace default
alive

if [ -n "${SOURCE_CONTROLLER:-}${HELM_CONTROLLER:-}" ]; then
  # shellcheck source=scripts/cluster/flux.sh
  . "$here/flux.sh"
fi

echo "cluster-up: Kubernetes $(kubectl version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])') at https://127.0.0.1:$api_port, $(kubectl get nodes --no-headers | wc -l) kwok nodes, ready in $(( $(date +%s) - start ))s, stops itself after ${ttl}s"
echo "cluster-up: KUBECONFIG=$kubeconfig"
