# Sourced by up.sh (it uses launch, wait_for, kubectl, $dir, $pki, $kubeconfig): Flux's CRDs,
# then source-controller and helm-controller as processes against the cluster, built from the
# Go module proxy at the versions whose CRDs versions.json pins (make flux-controllers).
#
# Both run with leader election off and their metrics and health endpoints on free 127.0.0.1
# ports. source-controller keeps its artifacts under $dir/flux and serves them on 127.0.0.1;
# --storage-adv-addr makes the artifact URLs it writes into the sources' status point there,
# so helm-controller downloads the charts over 127.0.0.1 (in a cluster it would be the
# source-controller Service). Like every component they run under `timeout` and are stopped
# by down.sh. Their ports go to $dir/flux/env for the tests.
for variable in SOURCE_CONTROLLER HELM_CONTROLLER; do
  [ -x "${!variable:-}" ] || { echo "cluster-up: $variable='${!variable:-}' is not an executable: run 'make flux-controllers'" >&2; exit 1; }
done
[ -d "${FLUX_CRDS:-}" ] || { echo "cluster-up: FLUX_CRDS='${FLUX_CRDS:-}' is not the folder of Flux's CRDs: run 'make flux-crds'" >&2; exit 1; }

# The controllers' informers need the CRDs before they start; server-side, as they are large.
kubectl apply --server-side --force-conflicts --filename "$FLUX_CRDS" >/dev/null
kubectl wait --for condition=Established --timeout 60s --filename "$FLUX_CRDS" >/dev/null

mkdir -p "$dir/flux/storage"
storage_port=$(free_port) source_metrics=$(free_port) source_health=$(free_port)
helm_metrics=$(free_port) helm_health=$(free_port)

# Neither has a --kubeconfig flag: controller-runtime reads KUBECONFIG. SSL_CERT_FILE: the
# test CA is the only root source-controller trusts, so the HTTPS OCI registry the tests start
# (with $pki/charts.crt) is verified as a public one would be. (Assignments before a shell
# function are exported to what it runs.)
KUBECONFIG="$kubeconfig" SSL_CERT_FILE="$pki/ca.crt" launch source-controller "$SOURCE_CONTROLLER" \
  --enable-leader-election=false --watch-all-namespaces=true \
  --metrics-addr "127.0.0.1:$source_metrics" --health-addr "127.0.0.1:$source_health" \
  --storage-path "$dir/flux/storage" --storage-addr "127.0.0.1:$storage_port" \
  --storage-adv-addr "127.0.0.1:$storage_port" --log-level info
# --requeue-dependency: how soon a HelmRelease whose source is not ready yet looks again.
KUBECONFIG="$kubeconfig" launch helm-controller "$HELM_CONTROLLER" \
  --enable-leader-election=false --watch-all-namespaces=true --concurrent 6 \
  --metrics-addr "127.0.0.1:$helm_metrics" --health-addr "127.0.0.1:$helm_health" \
  --requeue-dependency 5s --log-level info

wait_for source-controller 60 curl -fsS "http://127.0.0.1:$source_health/readyz"
wait_for helm-controller 60 curl -fsS "http://127.0.0.1:$helm_health/readyz"
cat >"$dir/flux/env" <<EOF
SOURCE_CONTROLLER_METRICS=http://127.0.0.1:$source_metrics/metrics
HELM_CONTROLLER_METRICS=http://127.0.0.1:$helm_metrics/metrics
FLUX_STORAGE=http://127.0.0.1:$storage_port
CHARTS_TLS_CERT=$pki/charts.crt
CHARTS_TLS_KEY=$pki/charts.key
CHARTS_CA=$pki/ca.crt
EOF
echo "cluster-up: Flux source-controller and helm-controller running (artifacts at 127.0.0.1:$storage_port)"
