#!/usr/bin/env bash
# What the real node changes on the host outside NODE_DIR, recorded before it starts and
# restored after it stops: kernel settings the kubelet, kube-proxy and the CNI plugin write;
# folders the kubelet and containerd create at fixed paths; kubepods cgroups; nftables tables;
# the node's network links; the propagation of the root mount (up.sh makes a private `/` shared,
# which the kubelet needs for node-exporter's HostToContainer mount of `/`); binfmt_misc
# registrations (the arm64 node's). `compare` prints what differs from the record (nothing when restored).
#
# usage: scripts/node/host-state.sh record|restore|compare HOST_DIR
set -euo pipefail
action=$1 state=$2
sysctls=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys
  kernel/keys/root_maxbytes net/ipv4/ip_forward net/ipv4/conf/all/forwarding net/ipv4/conf/all/route_localnet
  net/ipv6/conf/all/forwarding net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables
  net/netfilter/nf_conntrack_max net/netfilter/nf_conntrack_tcp_timeout_established
  net/netfilter/nf_conntrack_tcp_timeout_close_wait net/netfilter/nf_conntrack_tcp_be_liberal
  net/netfilter/nf_conntrack_udp_timeout net/netfilter/nf_conntrack_udp_timeout_stream)
paths=(/run/containerd /var/lib/kubelet /var/log/pods /var/log/containers /var/lib/cni /run/netns /opt/containerd
  /etc/cni /opt/cni /usr/libexec/kubernetes /etc/kubernetes /var/lib/containerd /run/secrets /etc/cdi /var/run/cdi /run/nri
  /tmp/kwok-local-path-provisioner)
nft_tables=("ip kube-proxy" "ip6 kube-proxy" "inet kube-network-policies")

# The propagation of the topmost mount on `/`: shared, slave, shared+slave or private
# (mountinfo's optional fields, between the mount options and the "-" separator).
root_propagation() {
  awk '$5 == "/" { p = ""; for (i = 7; $i != "-"; i++) { split($i, f, ":"); p = p (p ? "+" : "") (f[1] == "master" ? "slave" : f[1]) }
                   last = p ? p : "private" } END { print last }' /proc/self/mountinfo
}

snapshot() {
  local key
  for key in "${sysctls[@]}"; do [ -r "/proc/sys/$key" ] && echo "sysctl $key $(cat "/proc/sys/$key" | tr '\t' ' ')"; done
  for key in "${paths[@]}"; do [ -e "$key" ] && echo "path $key"; done
  for key in /sys/fs/cgroup/*/kubepods; do [ -d "$key" ] && echo "cgroup $key"; done
  if command -v nft >/dev/null; then nft list tables | sed 's/^table /nft /'; fi
  for key in /proc/sys/fs/binfmt_misc/*; do
    case ${key##*/} in register|status|'*') ;; *) echo "binfmt ${key##*/}" ;; esac
  done
  ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
  awk '{ print "mount " $2 }' /proc/self/mounts | sort -u
  echo "propagation / $(root_propagation)"
}

case $action in
  record) mkdir -p "$state" && snapshot >"$state/before" ;;
  compare) diff <(sort "$state/before") <(snapshot | sort) | sed -n 's/^> /added: /p; s/^< /missing: /p' ;;
  restore)
    # Only what the node adds goes: folders, cgroups, tables and links that were not there before.
    grep -q . "$state/before" || { echo "host-state: no record in $state" >&2; exit 1; }
    for key in "${sysctls[@]}"; do
      before=$(awk -v k="$key" '$1 == "sysctl" && $2 == k { $1 = ""; $2 = ""; sub(/^  /, ""); print }' "$state/before")
      [ -n "$before" ] && [ "$(tr '\t' ' ' <"/proc/sys/$key")" != "$before" ] && echo "$before" >"/proc/sys/$key"
    done
    for key in "${paths[@]}"; do grep -qxF "path $key" "$state/before" || rm -rf "$key"; done
    # /var/log/containers may stay when it held something before: drop the kubelet's links only.
    for key in /sys/fs/cgroup/*/kubepods; do
      [ -d "$key" ] && ! grep -qxF "cgroup $key" "$state/before" && find "$key" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    # Only a root mount that was private is made private again (non-recursive, like up.sh's change).
    if grep -qxF "propagation / private" "$state/before" && [ "$(root_propagation)" != private ]; then mount --make-private /; fi
    for table in "${nft_tables[@]}"; do
      if command -v nft >/dev/null && ! grep -qxF "nft $table" "$state/before" && nft list table $table >/dev/null 2>&1; then nft delete table $table; fi
    done
    true ;;
  *) echo "usage: $0 record|restore|compare HOST_DIR" >&2; exit 2 ;;
esac
