#!/usr/bin/env bash
# Registers qemu-user-static with the kernel's binfmt_misc for arm64 (aarch64) programs, so
# that an arm64 ELF file executed anywhere on the host (the emulated kubelet, and the programs
# inside arm64 containers) runs under qemu-aarch64. The F flag makes the kernel open the
# interpreter at registration: it is found even inside a container's mount namespace, where
# .tools does not exist. P passes the program's own argv[0] (busybox's applets need it).
#
# Only what this script adds is removed again: the registration (under its own name), and the
# binfmt_misc mount when it was not mounted before. STATE_DIR records which of the two it did.
#
# usage: scripts/node/binfmt.sh register|unregister STATE_DIR   (QEMU_AARCH64: the static qemu)
set -euo pipefail
action=$1 state=$2
mountpoint=/proc/sys/fs/binfmt_misc
name=promstack-aarch64
# ELF, 64-bit, little-endian, executable or shared object, machine 0xb7 (EM_AARCH64); the mask
# ignores the ABI version byte and the low bit of e_type (ET_EXEC and ET_DYN alike).
magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

case $action in
  register)
    qemu=${QEMU_AARCH64:?QEMU_AARCH64 names qemu-aarch64-static}
    [ -x "$qemu" ] || { echo "binfmt: $qemu is not an executable: run 'make arm-tools'" >&2; exit 1; }
    mkdir -p "$state"
    if ! mountpoint -q "$mountpoint"; then
      mount -t binfmt_misc binfmt_misc "$mountpoint"
      echo mounted >"$state/binfmt-mounted"
    fi
    [ -w "$mountpoint/register" ] || { echo "binfmt: $mountpoint/register is not writable" >&2; exit 1; }
    # Another handler for the same magic would take the programs first: refuse rather than guess.
    for entry in "$mountpoint"/*; do
      case $(basename "$entry") in register|status|"$name") continue ;; esac
      if grep -q '^magic 7f454c460201010000000000000000000200b700' "$entry" 2>/dev/null; then
        echo "binfmt: $entry already handles aarch64 programs; remove it or run without it" >&2; exit 1
      fi
    done
    [ -e "$mountpoint/$name" ] && echo -1 >"$mountpoint/$name"
    echo ":$name:M:0:$magic:$mask:$(readlink -f "$qemu"):FP" >"$mountpoint/register"
    echo registered >"$state/binfmt-registered"
    grep -q '^enabled' "$mountpoint/$name" && grep -q '^flags: PF' "$mountpoint/$name" ||
      { echo "binfmt: $name is not enabled with the F and P flags:" >&2; cat "$mountpoint/$name" >&2; exit 1; }
    ;;
  unregister)
    if [ -f "$state/binfmt-registered" ] && [ -e "$mountpoint/$name" ]; then echo -1 >"$mountpoint/$name"; fi
    rm -f "$state/binfmt-registered"
    if [ -f "$state/binfmt-mounted" ] && mountpoint -q "$mountpoint"; then umount "$mountpoint"; fi
    rm -f "$state/binfmt-mounted"
    ;;
  *) echo "usage: $0 register|unregister STATE_DIR" >&2; exit 2 ;;
esac
