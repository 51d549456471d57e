#!/usr/bin/env bash
# Build the Linux build image of Potions (build-env/Dockerfile) from Debian's
# own packages: no registry, no base image to pull.
#
#   build-env/build-image.sh [--engine podman|docker] [--tag TAG] [--cache DIR] [--update-lock]
#
# 1. mmdebstrap makes a Debian bookworm root file system (rootfs.tar) holding
#    exactly the packages of packages.lock, reproducibly: SOURCE_DATE_EPOCH is
#    the one in source-date-epoch, so the same lock gives the same bytes.
#    The tar is kept in the cache folder under a name made from the lock, the
#    mirrors and this script, and made again only when one of them changes.
# 2. The engine builds the Dockerfile (FROM scratch, ADD rootfs.tar) with that
#    timestamp, so the image ID is the same on every machine for the same tar.
#
# Prints the image ID (sha256:...) on stdout; progress goes to stderr.
# --update-lock resolves packages.txt against the mirror and rewrites
# packages.lock (and source-date-epoch) from what was installed.
# Mirrors: POTIONS_DEBIAN_MIRROR, POTIONS_DEBIAN_SECURITY_MIRROR (a
# snapshot.debian.org URL keeps an old lock buildable). Needs mmdebstrap, and
# root or user namespaces.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
engine=${POTIONS_CONTAINER_ENGINE:-podman}
tag=localhost/potions-build:bookworm
cache=${POTIONS_BUILD_ENV_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/potions/build-env}
mirror=${POTIONS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${POTIONS_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
update=false

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine=${2:?--engine needs podman or docker}; shift 2 ;;
    --tag) tag=${2:?--tag needs a name}; shift 2 ;;
    --cache) cache=${2:?--cache needs a folder}; shift 2 ;;
    --update-lock) update=true; shift ;;
    -h|--help) usage ;;
    *) echo "build-image.sh: unknown argument $1" >&2; usage ;;
  esac
done
case "$engine" in podman|docker) ;; *) echo "build-image.sh: --engine must be podman or docker, got $engine" >&2; exit 2 ;; esac
for tool in mmdebstrap "$engine" sha256sum; do
  command -v "$tool" >/dev/null || { echo "build-image.sh: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done

lock="$here/packages.lock"
sources=(
  "deb $mirror bookworm main"
  "deb $mirror bookworm-updates main"
  "deb $security bookworm-security main"
)
# A snapshot mirror serves Release files past their Valid-Until date.
aptopts=(--aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Retries "3"')
# Documentation is not needed to build; leaving it out makes the tar a third smaller.
dpkgopts=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*')

mkdir -p "$cache"
# One build at a time per cache folder: a second one waits, then finds the tar made.
if command -v flock >/dev/null; then exec 9>"$cache/.lock" && flock 9; fi
work=$(mktemp -d "$cache/.work-XXXXXX")
trap 'rm -rf "$work"' EXIT

strip() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1"; }
run_mmdebstrap() { # include-list output-tar installed-list
  mmdebstrap --mode=auto --variant=apt --format=tar --include="$1" "${aptopts[@]}" "${dpkgopts[@]}" \
    --customize-hook='chroot "$1" dpkg-query -W -f="\${Package}=\${Version}\n" | LC_ALL=C sort > '"'$3'" \
    bookworm "$2" "${sources[@]}" >&2
}

if $update; then
  # Resolve packages.txt against the mirror, write the lock, then build from the lock
  # (a root file system made from the lock differs from this one: apt marks the
  # dependencies it chose as automatically installed).
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)}
  echo "build-image.sh: resolving packages.txt against $mirror" >&2
  run_mmdebstrap "$(strip "$here/packages.txt" | paste -sd, -)" "$work/resolve.tar" "$work/installed.txt"
  { echo "# Every package of the build image at its exact version: written by build-image.sh --update-lock"
    echo "# from packages.txt; build-image.sh installs exactly these and fails when the mirror no longer has one."
    cat "$work/installed.txt"; } > "$lock"
  echo "$SOURCE_DATE_EPOCH" > "$here/source-date-epoch"
  echo "build-image.sh: wrote $lock ($(wc -l < "$work/installed.txt") packages) and source-date-epoch" >&2
  rm -f "$work/resolve.tar" "$work/installed.txt"
fi

[ -f "$lock" ] || { echo "build-image.sh: $lock is missing: run with --update-lock first" >&2; exit 1; }
SOURCE_DATE_EPOCH=$(tr -d '[:space:]' < "$here/source-date-epoch")
export SOURCE_DATE_EPOCH
include=$(strip "$lock" | paste -sd, -)
# The cache name: everything that decides the tar's bytes.
key=$( { cat "$0"; printf '%s\n' "$SOURCE_DATE_EPOCH" "$include" "${sources[@]}"; } | sha256sum | cut -c1-24)
rootfs="$cache/rootfs-$key.tar"
if [ -s "$rootfs" ]; then
  echo "build-image.sh: root file system from the cache: $rootfs" >&2
else
  echo "build-image.sh: making the root file system with mmdebstrap (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)" >&2
  run_mmdebstrap "$include" "$work/rootfs.tar" "$work/installed.txt"
  if ! diff <(strip "$lock") "$work/installed.txt" >&2; then
    echo "build-image.sh: the root file system does not hold exactly the packages of packages.lock (above: < lock, > installed)." >&2
    echo "  A package was superseded on the mirror: point POTIONS_DEBIAN_MIRROR at a snapshot.debian.org date, or run --update-lock." >&2
    exit 1
  fi
  mv "$work/rootfs.tar" "$rootfs"
fi

mkdir "$work/context"
cp "$here/Dockerfile" "$work/context/Dockerfile"
ln "$rootfs" "$work/context/rootfs.tar" 2>/dev/null || cp "$rootfs" "$work/context/rootfs.tar"
if [ "$engine" = podman ]; then
  podman build --quiet --timestamp "$SOURCE_DATE_EPOCH" --label "potions.rootfs=$key" -t "$tag" "$work/context" >&2
else
  DOCKER_BUILDKIT=1 docker build --quiet --build-arg SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" --label "potions.rootfs=$key" -t "$tag" "$work/context" >&2
fi
"$engine" image inspect --format '{{.Id}}' "$tag" | sed 's/^\(sha256:\)\{0,1\}/sha256:/'
