#!/usr/bin/env bash
# Builds Kubernetes binaries at one pinned version into .tools/bin, from the Go module proxy:
# by default the control plane (kube-apiserver, kube-controller-manager, kube-scheduler) and
# kubectl; the node layer names its own (kubelet, kube-proxy).
#
# k8s.io/kubernetes cannot be installed with `go install pkg@version`: its go.mod replaces every
# k8s.io staging module (k8s.io/api, k8s.io/client-go, ...) with a folder of its own tree. A
# throwaway wrapper module re-pins each of them to the published v0.NN.x that matches v1.NN.x.
# The version ldflags are those of upstream's build (hack/lib/version.sh): without them the
# binaries report v0.0.0 and clients such as helm judge the cluster by a wrong version.
#
# usage: [GOARCH=arm64] scripts/cluster/build-kubernetes.sh VERSION [NAME...]   (e.g. v1.37.2 kubelet kube-proxy)
# With GOARCH set, a cross build named NAME-VERSION-ARCH, and no unsuffixed link.
set -euo pipefail
version=$1
[[ $version =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || { echo "build-kubernetes: version must look like v1.NN.x, got '$version'" >&2; exit 2; }
minor=${BASH_REMATCH[1]}
staging="v0.$minor.${BASH_REMATCH[2]}"
shift
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.tools/bin"
suffix=${GOARCH:+-$GOARCH}
missing=()
for name in "${binaries[@]}"; do [ -x "$bin/$name-$version$suffix" ] || missing+=("$name"); done
link() { [ -n "$suffix" ] || for name in "${binaries[@]}"; do ln -sf "$name-$version" "$bin/$name"; done; }
if [ ${#missing[@]} -eq 0 ]; then link; exit 0; fi

# The wrapper module is throwaway: a private temporary folder, removed at exit.
work=$(mktemp -d "${TMPDIR:-/tmp}/promstack-kubernetes-$version$suffix.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out" "$bin"
cd "$work"
start=$(date +%s)
echo "tools: building ${missing[*]} $version$suffix from k8s.io/kubernetes (first build takes many minutes; cached afterwards)"
go mod init promstack.local/tools/kubernetes >/dev/null 2>&1
upstream=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
go mod edit -go="$(awk '$1 == "go" {print $2; exit}' "$upstream")"
# Every "k8s.io/x => ./staging/src/k8s.io/x" becomes "k8s.io/x => k8s.io/x v0.NN.x".
grep -oE '^[[:space:]]*k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$upstream" |
  while read -r module _ _; do go mod edit -replace="$module=$module@$staging"; done
packages=("${missing[@]/#/k8s.io/kubernetes/cmd/}")
go get "${packages[@]/%/@$version}" 2>"$work/go-get.log" || { cat "$work/go-get.log" >&2; exit 1; }

build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldflags=""
for package in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $package.gitVersion=$version -X $package.gitMajor=1 -X $package.gitMinor=$minor"
  ldflags+=" -X $package.gitTreeState=clean -X $package.buildDate=$build_date"
done
# Static binaries, as upstream ships them.
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w$ldflags" -o "$work/out/" "${packages[@]}"
for name in "${missing[@]}"; do mv "$work/out/$name" "$bin/$name-$version$suffix"; done
link
echo "tools: built ${missing[*]} $version$suffix in $(( $(date +%s) - start ))s"
