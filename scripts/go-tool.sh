#!/usr/bin/env bash
# Builds one Go tool at a pinned version into .tools/bin, through a throwaway wrapper
# module: `go install pkg@version` refuses modules whose go.mod has replace lines, and the
# wrapper copies those lines so the build matches upstream's. Skips when already built.
#
# usage: [GOARCH=arm64 | GOARCH=arm GOARM=7] scripts/go-tool.sh NAME MODULE VERSION PACKAGE [LDFLAGS]
#
# Cross builds: when GOARCH is set, GOOS/GOARCH/GOARM pass through to `go build` with cgo
# off, and the binary is named NAME-VERSION-ARCH (e.g. prometheus-v0.315.0-armv7); the
# unsuffixed NAME symlink always points at the host build (GOARCH unset).
#
# REPLACES="module=module@version ...": further replace directives, for a dependency whose
# required version the module proxy refuses to serve (versions.json records each and why).
#
# EMBED_STUBS="dir ...": directories of the module that a //go:embed needs but the module
# zip lacks (web UIs that upstream builds with npm before releasing). The build then uses
# a copy of the module with a placeholder page in each; the program's API is unaffected.
set -euo pipefail
name=$1 module=$2 version=$3 package=$4 ldflags=${5:-}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.tools/bin"
suffix=""
if [ -n "${GOARCH:-}" ]; then
  suffix="-$GOARCH${GOARM:+v$GOARM}"
  export CGO_ENABLED=0
fi
link() { [ -n "$suffix" ] || ln -sf "$name-$version" "$bin/$name"; }
target="$bin/$name-$version$suffix"
if [ -x "$target" ]; then
  link
  exit 0
fi
work="$root/.tools/src/$name-$version$suffix"
rm -rf "$work" && mkdir -p "$work" "$bin"
cd "$work"
start=$(date +%s)
echo "tools: building $name $version$suffix from $module (first build takes minutes; cached afterwards)"
go mod init "promstack.local/tools/$name" >/dev/null 2>&1
upstream=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
# Copy single-line and block replace directives from the upstream go.mod.
awk '/^replace \(/{block=1; next} block && /^\)/{block=0; next} block{print; next} /^replace /{sub(/^replace /, ""); print}' "$upstream" |
  while read -r old arrow new newversion; do
    [ -n "$old" ] && [ "$arrow" = "=>" ] || continue
    case "$new" in .*|/*) continue ;; esac # local paths exist only in upstream's tree
    go mod edit -replace="$old=$new${newversion:+@$newversion}"
  done
for replacement in ${REPLACES:-}; do
  echo "tools: $name: replace $replacement"
  go mod edit -replace="$replacement"
done
if [ -n "${EMBED_STUBS:-}" ]; then
  copy="$work/module"
  cp -r "$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" "$copy"
  chmod -R u+w "$copy"
  for dir in $EMBED_STUBS; do
    mkdir -p "$copy/$dir"
    echo "<!doctype html><title>$name</title><p>Web UI not built (see scripts/go-tool.sh); the API works." >"$copy/$dir/index.html"
  done
  go mod edit -replace="$module=$copy"
fi
go get "$package@$version" >/dev/null 2>&1 || go get "$package@$version"
go build -ldflags "$ldflags" -o "$target" "$package"
link
echo "tools: built $name $version$suffix in $(( $(date +%s) - start ))s"
