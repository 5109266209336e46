#!/usr/bin/env bash
# A real Kubernetes node joins the control plane of scripts/cluster/up.sh: containerd (with
# runc and seccomp), the kubelet, the CNI ptp plugin (every pod packet is routed through the
# host, where kube-proxy's nftables rules and kube-network-policies see it), kube-proxy in
# nftables mode, CoreDNS for Service names, and kube-network-policies enforcing NetworkPolicies.
#
# The node lives in the host's network namespace on private addresses: its own address
# 10.88.0.1 on a port-less bridge (promstack0; the kubelet refuses 127.0.0.1), pods in
# 10.89.0.0/24. Everything else (state, sockets, logs, pod volumes, network namespaces, CNI
# state) is under NODE_DIR. What cannot be kept there (kubelet: /var/lib/kubelet/device-plugins,
# /var/log/containers; containerd: /run/containerd; cgroups kubepods; sysctls; nft tables) is
# recorded before start and undone by scripts/node/down.sh, which runs on any failure here and
# from a watchdog after NODE_TTL seconds (default 3600) at the latest.
#
# NODE_ARCH=arm64 (make node-up-arm64): KUBELET is the kubelet's arm64 build and the images
# are arm64 builds (NODE_IMAGES); binfmt_misc runs every arm64 program under qemu-aarch64-static
# (scripts/node/binfmt.sh, F flag), the kubelet and the containers' programs alike, so the Node
# reports kubernetes.io/arch=arm64 and nodeInfo.architecture arm64 by itself (checked below).
# containerd, its shim and runc are whatever CONTAINERD, CONTAINERD_SHIM and RUNC name (the
# Makefile: containerd's arm64 build under qemu; see its arm64 section for what that measured).
#
# usage: make node-up (after make cluster-up; the variables come from the Makefile's NODE_ENV)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/node"
who=node-up
# shellcheck source=scripts/lib/processes.sh
. "$here/../lib/processes.sh"
dir=${NODE_DIR:?} cluster=${CLUSTER_DIR:?}
ttl=${NODE_TTL:-3600}
node_name=${NODE_NAME:-promstack-node}
node_ip=10.88.0.1 pod_subnet=10.89.0.0/24 bridge=promstack0
arch=${NODE_ARCH:-amd64}
case $arch in
  amd64) ready_seconds=120 ;;
  # Everything the kubelet does is emulated: it registers and becomes Ready more slowly.
  arm64) ready_seconds=300; [ -x "${QEMU_AARCH64:-}" ] || { echo "node-up: QEMU_AARCH64='${QEMU_AARCH64:-}' is not an executable: run 'make arm-tools'" >&2; exit 1; } ;;
  *) echo "node-up: NODE_ARCH='$arch' is not amd64 or arm64" >&2; exit 1 ;;
esac
for variable in KUBECTL KUBELET KUBE_PROXY CONTAINERD CTR CONTAINERD_SHIM RUNC COREDNS KUBE_NETWORK_POLICIES; do
  [ -x "${!variable:-}" ] || { echo "node-up: $variable='${!variable:-}' is not an executable: run 'make node-tools'" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "node-up: needs root (containers, mounts, cgroups, nftables)" >&2; exit 1; }
[ -f "$cluster/pids" ] && [ -f "$cluster/kubeconfig" ] || { echo "node-up: no cluster in $cluster: run 'make cluster-up' first" >&2; exit 1; }
[ ! -f "$dir/pids" ] || { echo "node-up: a node seems to run already ($dir/pids exists); run 'make node-down' first" >&2; exit 1; }
images=${NODE_IMAGES:?}/images.txt
[ -f "$images" ] || { echo "node-up: no image list at $images" >&2; exit 1; }
ip -4 addr show | grep -qE "inet (10\.88\.0\.1|10\.89\.0\.)" && { echo "node-up: 10.88.0.1 or 10.89.0.0/24 is already in use on this host" >&2; exit 1; }

start=$(date +%s)
rm -rf "$dir" && mkdir -p "$dir"/{host,logs,bin,run,cni/conf,cni/bin,cni/state,containerd,kubelet,pod-logs,volumes}
# --- What the host looks like before: down.sh restores exactly this.
"$here/host-state.sh" record "$dir/host"
stop_on_failure() {
  local status=$?
  [ "$status" -eq 0 ] && return
  echo "node-up: failed; logs in $dir/logs" >&2
  "$here/down.sh" >&2 || true
}
trap stop_on_failure EXIT
# arm64 programs run under qemu from here on (down.sh removes the registration).
[ "$arch" = amd64 ] || "$here/binfmt.sh" register "$dir/host"

# --- node-exporter mounts the host's `/` with HostToContainer propagation, which the kubelet
# refuses unless `/` is a shared or slave mount (as on systemd hosts). Where it is private,
# only the root mount itself (not the mounts below it) becomes shared; down.sh makes it
# private again (host-state.sh recorded it).
if grep -qxF "propagation / private" "$dir/host/before"; then mount --make-shared /; fi

# --- The lifetime bound: a watchdog undoes everything after the TTL, whoever is left.
setsid bash -c "sleep $ttl; NODE_DIR='$dir' CONTAINERD_SHIM='$CONTAINERD_SHIM' NODE_WATCHDOG=1 '$here/down.sh'" \
  >"$dir/logs/watchdog.log" 2>&1 </dev/null &
echo "$!" >"$dir/watchdog"

kubectl() { "$KUBECTL" --kubeconfig "$cluster/kubeconfig" "$@"; }

# --- The node's address, on a bridge with no ports (there is no dummy device here).
ip link add "$bridge" type bridge
ip addr add "$node_ip/32" dev "$bridge"
ip link set "$bridge" up

# --- Programs under the names containerd and the CNI look them up by.
ln -s "$CONTAINERD_SHIM" "$dir/bin/containerd-shim-runc-v2"
ln -s "$RUNC" "$dir/bin/runc"
for plugin in $CNI_BIN; do name=$(basename "$plugin"); name=${name#cni-}; ln -s "$plugin" "$dir/cni/bin/${name%-v*}"; done
cat >"$dir/cni/conf/10-promstack.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "promstack",
  "plugins": [
    { "type": "ptp", "mtu": 1500, "ipMasq": false,
      "ipam": { "type": "host-local", "dataDir": "$dir/cni/state", "ranges": [[{ "subnet": "$pod_subnet" }]], "routes": [{ "dst": "0.0.0.0/0" }] } }
  ]
}
CNI

# --- containerd: state, sockets and network namespaces under NODE_DIR. Processes here lack
# CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj: restrict_oom_score_adj keeps it in range.
socket="$dir/run/containerd.sock"
cat >"$dir/containerd/config.toml" <<TOML
version = 3
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.nri.v1.nri", "io.containerd.tracing.processor.v1.otlp", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.blockfile", "io.containerd.snapshotter.v1.erofs"]
[grpc]
  address = "$socket"
[ttrpc]
  address = "$dir/run/containerd.sock.ttrpc"
[debug]
  address = ""
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$PAUSE_IMAGE"
[plugins.'io.containerd.cri.v1.runtime']
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  cdi_spec_dirs = ["$dir/cdi"]
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
    BinaryName = "$RUNC"
    SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$dir/cni/bin"]
    conf_dir = "$dir/cni/conf"
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
TOML
PATH="$dir/bin:$PATH" launch containerd "$CONTAINERD" --config "$dir/containerd/config.toml"
wait_for containerd 30 "$CTR" --address "$socket" version
while read -r reference archive; do
  "$CTR" --address "$socket" --namespace k8s.io images import --local --platform "linux/$arch" "$archive" >>"$dir/logs/images.log" 2>&1 ||
    { echo "node-up: importing $reference from $archive failed:" >&2; tail -5 "$dir/logs/images.log" >&2; exit 1; }
  "$CTR" --address "$socket" --namespace k8s.io images check "name==$reference" 2>/dev/null | grep -q complete ||
    { echo "node-up: $reference is not in containerd after the import" >&2; exit 1; }
done <"$images"

# --- kubelet: a throwaway node, credentials of the cluster's administrator, the API server
# authenticated by the cluster's CA for logs and exec. Other clients (Prometheus scraping
# /metrics and /metrics/cadvisor) are judged as on a production node: their token by a
# TokenReview, their permission (nodes/metrics, the chart's RBAC) by a SubjectAccessReview.
kubelet_port=$(free_port) kubelet_healthz=$(free_port)
: >"$dir/resolv.conf"
cat >"$dir/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$socket
imageServiceEndpoint: unix://$socket
failSwapOn: false
address: $node_ip
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $kubelet_healthz
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true, cacheTTL: 30s }
  x509: { clientCAFile: $cluster/pki/ca.crt }
authorization: { mode: Webhook }
clusterDNS: [$node_ip]
clusterDomain: cluster.local
resolvConf: $dir/resolv.conf
podLogsDir: $dir/pod-logs
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
protectKernelDefaults: false
serializeImagePulls: false
maxPods: 110
shutdownGracePeriod: 0s
YAML
launch kubelet "$KUBELET" --config "$dir/kubelet/config.yaml" --kubeconfig "$cluster/kubeconfig" \
  --root-dir "$dir/kubelet/root" --cert-dir "$dir/kubelet/pki" --volume-plugin-dir "$dir/kubelet/volume-plugins" \
  --hostname-override "$node_name" --node-ip "$node_ip" --node-labels "promstack.dev/node=real"
wait_for "node $node_name" "$ready_seconds" kubectl wait --for condition=Ready "node/$node_name" --timeout 1s
# The architecture is the kubelet's own (its GOARCH), not a label this script sets.
reported=$(kubectl get node "$node_name" -o jsonpath='{.metadata.labels.kubernetes\.io/arch} {.status.nodeInfo.architecture}')
[ "$reported" = "$arch $arch" ] || { echo "node-up: node $node_name reports architecture '$reported' (label, nodeInfo), not $arch" >&2; exit 1; }

# --- Storage: claims of the default class bind to local volumes, folders under NODE_DIR on this
# node (the kubelet applies fsGroup to them). kwok's class stops being the default; claims that
# name a kwok class still get kwok's make-believe volumes (on kwok nodes only).
volumes=${NODE_VOLUMES:-24}
{
  cat <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: promstack-node-local
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
YAML
  for i in $(seq "$volumes"); do
    mkdir -p "$dir/volumes/pv-$i"
    cat <<YAML
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: promstack-node-pv-$i, labels: { promstack.dev/node-volume: "true" } }
spec:
  capacity: { storage: 100Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: promstack-node-local
  local: { path: $dir/volumes/pv-$i }
  nodeAffinity:
    required:
      nodeSelectorTerms: [{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [$node_name] }] }]
YAML
  done
} | kubectl apply -f - >/dev/null
kubectl annotate storageclass kwok-volume storageclass.kubernetes.io/is-default-class=false --overwrite >/dev/null

# --- kube-proxy: Services in nftables (the nft command is Debian's), no conntrack tuning.
cat >"$dir/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: { kubeconfig: $cluster/kubeconfig }
hostnameOverride: $node_name
clusterCIDR: $pod_subnet
nodePortAddresses: ["$node_ip/32"]
metricsBindAddress: 127.0.0.1:$(free_port)
healthzBindAddress: 127.0.0.1:$(free_port)
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s, udpTimeout: 0s, udpStreamTimeout: 0s }
YAML
launch kube-proxy "$KUBE_PROXY" --config "$dir/kube-proxy.yaml"
wait_for "kube-proxy's nftables" 60 nft list table ip kube-proxy

# --- Cluster DNS: CoreDNS on the node's address, answering from the API server.
cat >"$dir/Corefile" <<COREFILE
.:53 {
    bind $node_ip
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $cluster/kubeconfig
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
COREFILE
launch coredns "$COREDNS" -conf "$dir/Corefile"
# A DNS query for the kubernetes Service, answered with at least one record.
cat >"$dir/dns-probe.py" <<PY
import socket, struct
name = b"".join(bytes([len(p)]) + p.encode() for p in "kubernetes.default.svc.cluster.local".split("."))
query = struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + name + b"\\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1); s.sendto(query, ("$node_ip", 53))
assert struct.unpack(">H", s.recv(512)[6:8])[0] > 0, "no answer"
PY
wait_for "CoreDNS" 60 python3 "$dir/dns-probe.py"
# --- The API server for pods: the kubernetes Service (10.96.0.1) leads to a relay on the
# node's address (the API server itself listens on 127.0.0.1 only).
api_port=$(sed -n 's|.*server: https://127.0.0.1:\([0-9]*\).*|\1|p' "$cluster/kubeconfig")
launch api-relay python3 "$here/forward.py" "$node_ip" "$api_port" 127.0.0.1 "$api_port"
kubectl apply -f - >/dev/null <<YAML
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes-promstack-node
  namespace: default
  labels: { kubernetes.io/service-name: kubernetes, endpointslice.kubernetes.io/managed-by: promstack-node }
addressType: IPv4
endpoints: [{ addresses: ["$node_ip"], conditions: { ready: true } }]
ports: [{ name: https, port: $api_port, protocol: TCP }]
YAML

# --- NetworkPolicies: kube-network-policies hands packets of policed pods to itself through
# nftables' queue expression. Where the kernel lacks it (nft_queue), it cannot enforce
# anything: the node then runs without an enforcer and says so in $dir/network-policies.
nft_queue_works() {
  nft add table inet promstack-probe && nft add chain inet promstack-probe c '{ type filter hook forward priority 0; }' &&
    nft add rule inet promstack-probe c queue num 100 bypass
  local status=$?
  nft delete table inet promstack-probe 2>/dev/null || true
  return $status
}
if nft_queue_works 2>/dev/null; then
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: { name: kube-network-policies, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: promstack-node-kube-network-policies }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: ServiceAccount, name: kube-network-policies, namespace: kube-system }]
YAML
  mkdir -p "$dir/knp"
  kubectl create token kube-network-policies --namespace kube-system --duration "$((ttl + 600))s" >"$dir/knp/token"
  cp "$cluster/pki/ca.crt" "$dir/knp/ca.crt"
  launch kube-network-policies unshare --mount --propagation private sh -c \
    'mount -t tmpfs -o size=1m,mode=0755 promstack-knp /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount &&
     cp "$0/token" "$0/ca.crt" /run/secrets/kubernetes.io/serviceaccount/ && exec "$@"' "$dir/knp" \
    env KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$api_port" \
    "$KUBE_NETWORK_POLICIES" --hostname-override "$node_name" --disable-nri --metrics-bind-address "127.0.0.1:$(free_port)"
  wait_for "kube-network-policies' nftables" 60 nft list table inet kube-network-policies
  echo "enforced by kube-network-policies" >"$dir/network-policies"
else
  echo "NOT enforced: this kernel has no nftables queue expression (nft_queue), which kube-network-policies needs" | tee "$dir/network-policies" >&2
fi
alive

echo "node-up: node $node_name ($arch) Ready at $node_ip (kubelet $("$KUBELET" --version | cut -d' ' -f2), containerd $("$CONTAINERD" --version | cut -d' ' -f3), pods in $pod_subnet, $(wc -l <"$images") images), ready in $(( $(date +%s) - start ))s, stops itself after ${ttl}s"
