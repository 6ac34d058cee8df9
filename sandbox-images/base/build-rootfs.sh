#!/usr/bin/env bash
# Builds the Debian bookworm base image without any container registry: debootstrap a minimal rootfs
# with the packages in packages.txt, then `docker import` it as $1 (an image tag).
# Needs root, debootstrap and a reachable Debian archive (DEBIAN_MIRROR, default deb.debian.org).
set -euo pipefail
tag="${1:?usage: build-rootfs.sh <image-tag> [label=value...]}"; shift
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$(mktemp -d /var/tmp/airlock-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
include="$(grep -v '^#' "$here/packages.txt" | grep -v '^$' | paste -sd, -)"
debootstrap --variant=minbase --include="$include" bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 40 "$work/debootstrap.log" >&2; exit 1; }
# Trim what a container does not need; keep apt lists out of the image.
chroot "$work/rootfs" apt-get clean
rm -rf "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/var/cache/apt/*.bin
changes=(--change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8')
for kv in "$@"; do changes+=(--change "LABEL $kv"); done
tar -C "$work/rootfs" -c . | docker import "${changes[@]}" - "$tag" >/dev/null
echo "$tag"
