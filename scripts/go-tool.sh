#!/usr/bin/env bash
# Builds one Go tool at a pinned version into .tools/bin, through a throwaway wrapper
# module: `go install pkg@version` refuses modules whose go.mod has replace lines, and the
# wrapper copies those lines so the build matches upstream's. Skips when already built.
#
# usage: scripts/go-tool.sh NAME MODULE VERSION PACKAGE [LDFLAGS]
set -euo pipefail
name=$1 module=$2 version=$3 package=$4 ldflags=${5:-}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.tools/bin"
target="$bin/$name-$version"
if [ -x "$target" ]; then
  ln -sf "$name-$version" "$bin/$name"
  exit 0
fi
work="$root/.tools/src/$name-$version"
rm -rf "$work" && mkdir -p "$work" "$bin"
cd "$work"
start=$(date +%s)
echo "tools: building $name $version from $module (first build takes minutes; cached afterwards)"
go mod init "promstack.local/tools/$name" >/dev/null 2>&1
upstream=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
# Copy single-line and block replace directives from the upstream go.mod.
awk '/^replace \(/{block=1; next} block && /^\)/{block=0; next} block{print; next} /^replace /{sub(/^replace /, ""); print}' "$upstream" |
  while read -r old arrow new newversion; do
    [ -n "$old" ] && [ "$arrow" = "=>" ] || continue
    case "$new" in .*|/*) continue ;; esac # local paths exist only in upstream's tree
    go mod edit -replace="$old=$new${newversion:+@$newversion}"
  done
go get "$package@$version" >/dev/null 2>&1 || go get "$package@$version"
go build -ldflags "$ldflags" -o "$target" "$package"
ln -sf "$name-$version" "$bin/$name"
echo "tools: built $name $version in $(( $(date +%s) - start ))s"
