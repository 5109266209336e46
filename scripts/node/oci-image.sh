#!/usr/bin/env bash
# Writes one OCI image layout archive (oci-layout, index.json, blobs: one gzipped layer, the
# config, the manifest) from a root filesystem folder, for `ctr images import`. The layer is
# reproducible: sorted names, numeric owners as they are in the folder, mtime 0.
#
# usage: scripts/node/oci-image.sh OUT.tar REFERENCE ROOTFS CONFIG_JSON [ARCHITECTURE]
#   REFERENCE: the full name the chart renders (e.g. quay.io/prometheus/alertmanager:v0.34.2)
#   CONFIG_JSON: the image config's "config" object (User, Entrypoint, Cmd, WorkingDir, Env, ...)
#   ARCHITECTURE: the platform the programs in ROOTFS are built for, amd64 (default) or arm64
set -euo pipefail
out=$1 reference=$2 rootfs=$3 config=$4 architecture=${5:-amd64}
case $architecture in
  amd64) platform='"architecture":"amd64","os":"linux"' ;;
  arm64) platform='"architecture":"arm64","os":"linux","variant":"v8"' ;;
  *) echo "oci-image: architecture '$architecture' is not amd64 or arm64" >&2; exit 2 ;;
esac
[ -d "$rootfs" ] || { echo "oci-image: $rootfs is not a folder" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/promstack-oci.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"
sha() { sha256sum "$1" | cut -d' ' -f1; }
put() { local digest; digest=$(sha "$1"); mv "$1" "$work/blobs/sha256/$digest"; echo "$digest"; }

tar --create --file "$work/layer.tar" --directory "$rootfs" --sort=name --mtime=@0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
diff_id=$(sha "$work/layer.tar")
gzip -n -6 "$work/layer.tar"
layer_size=$(stat -c %s "$work/layer.tar.gz")
layer=$(put "$work/layer.tar.gz")

printf '{%s,"config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"promstack scripts/node/oci-image.sh"}]}' \
  "$platform" "$config" "$diff_id" >"$work/config.json"
config_size=$(stat -c %s "$work/config.json")
config_digest=$(put "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
manifest_size=$(stat -c %s "$work/manifest.json")
manifest=$(put "$work/manifest.json")

# containerd names the imported image after io.containerd.image.name.
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{%s},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$manifest_size" "$platform" "$reference" "${reference##*:}" >"$work/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"
mkdir -p "$(dirname "$out")"
tar --create --file "$out.partial" --directory "$work" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner oci-layout index.json blobs
mv "$out.partial" "$out"
