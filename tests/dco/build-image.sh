#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/dco/build-image.sh -- makes the Debian guest that `make check-dco`
# boots (with tests/dco/run.sh) to test against the kernel's OpenVPN modules,
# which the build host's kernel may not have.
#
#   build-image.sh [--flavor dco|ovpn] [--fresh | --check]
#
#   dco   Debian 12 "bookworm": kernel 6.1 and the out-of-tree ovpn-dco-v2
#         module (Debian's openvpn-dco-dkms, compiled by dkms inside the
#         guest tree for the guest's kernel); reference openvpn 2.6.
#   ovpn  Debian 13 "trixie" with the trixie-backports kernel, which has the
#         upstream ovpn module (Linux >= 6.16); reference openvpn 2.7 from
#         trixie-backports.
#
# Both get the tools the tests run in the guest (iproute2, ping, python3,
# iperf3, openssl, tcpdump, strace) and the shared libraries our binary,
# built on the host, links.
#
# Result, in $DCO_VM_CACHE/<flavor> (DCO_VM_CACHE defaults to
# /var/cache/ovpn-test-vm): vmlinuz, initrd.img (busybox and the three
# modules needed to mount the root disk, made here, not by initramfs-tools),
# rootfs.ext4 (written by `mke2fs -d`: no loop device, no mount), IMAGE-INFO
# (what went in) and RECIPE (a hash of what the image was made from).
# <flavor> is a symbolic link to the directory of the current build, switched
# atomically, so a VM started during a rebuild boots the old image whole.
#
# Idempotent: when RECIPE matches this script, the initramfs init, the
# flavor, the mirror and $DCO_VM_EXTRA_PACKAGES, nothing is done (well under
# a second); otherwise the image is made anew.  --fresh rebuilds anyway;
# --check only tells (exit 0: current, 1: missing or out of date).
# Downloaded packages are kept in $DCO_VM_CACHE/debs, so a rebuild fetches
# only what changed.  From nothing, on 2 cores: about 75 s for dco (dkms
# compiles the module) and 45 s for ovpn, mostly downloads and dpkg; both
# at once about 80 s.
#
# Needs root, debootstrap and mke2fs (e2fsprogs) on the host and a Debian
# mirror: $DCO_VM_MIRROR, else the one the host's apt uses for its own
# release.  Two builds of one flavor never run at once (a lock file).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=build-image.sh

flavor=dco
fresh=0
check=0
while [ $# -gt 0 ]; do
    case $1 in
        --flavor)
            [ $# -ge 2 ] || { echo "$me: --flavor needs dco or ovpn" >&2; exit 2; }
            flavor=$2
            shift 2
            ;;
        --flavor=*) flavor=${1#*=}; shift ;;
        --fresh) fresh=1; shift ;;
        --check) check=1; shift ;;
        -h | --help) sed -n '4,/^$/s/^# \{0,1\}//p' "$here/build-image.sh"; exit 0 ;;
        *) echo "usage: $me [--flavor dco|ovpn] [--fresh | --check]" >&2; exit 2 ;;
    esac
done

# ---------------------------------------------------------------- the recipe
# Libraries our binary links, by their package names in each release.
libs_bookworm="libssl3 libnl-3-200 libnl-genl-3-200 libnl-route-3-200 liblz4-1
               liblzo2-2 libcap-ng0 libsystemd0"
libs_trixie="libssl3t64 libnl-3-200 libnl-genl-3-200 libnl-route-3-200 liblz4-1
             liblzo2-2 libcap-ng0 libsystemd0"
# What the tests and the guest init use; busybox-static, cpio and the
# decompressors only serve to make the initramfs below.
tools="kmod iproute2 iputils-ping procps psmisc python3 openssl iperf3 tcpdump
       strace busybox-static cpio xz-utils zstd"

case $flavor in
    dco)
        suite=bookworm
        backports=""
        pkgs="$tools $libs_bookworm openvpn linux-image-amd64
              linux-headers-amd64 dkms openvpn-dco-dkms"
        bpo_pkgs=""
        module=ovpn-dco-v2
        ;;
    ovpn)
        suite=trixie
        backports=trixie-backports
        pkgs="$tools $libs_trixie"
        bpo_pkgs="linux-image-amd64 openvpn"
        module=ovpn
        ;;
    *) echo "$me: unknown flavor '$flavor' (dco or ovpn)" >&2; exit 2 ;;
esac
pkgs="$pkgs ${DCO_VM_EXTRA_PACKAGES:-}"

log() { echo "$me [$flavor] $(date +%T): $*"; }
die() { echo "$me [$flavor]: $*" >&2; exit 1; }

# The mirror: the one the host's apt takes its own release from.
host_mirror()
{
    local codename
    codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || return 0
    # shellcheck disable=SC2016 # apt's own $(FIELD) syntax
    apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 2>/dev/null |
        awk -v c="$codename" '$2 == c && $3 == "main" { sub("/$", "", $1); print $1; exit }'
}
mirror=${DCO_VM_MIRROR:-$(host_mirror)}
[ -n "$mirror" ] || die "no Debian mirror found in the host's apt sources: set DCO_VM_MIRROR"

# What the image is made from; comment lines do not count.
recipe=$({
    grep -hv '^[[:space:]]*#' "$here/build-image.sh" "$here/guest/initramfs-init"
    echo "$flavor $mirror $pkgs"
} | sha256sum | cut -c1-16)

cache=${DCO_VM_CACHE:-/var/cache/ovpn-test-vm}
current=$cache/$flavor
up_to_date()
{
    [ -r "$current/RECIPE" ] && [ "$(cat "$current/RECIPE")" = "$recipe" ] &&
        [ -s "$current/vmlinuz" ] && [ -s "$current/initrd.img" ] && [ -s "$current/rootfs.ext4" ]
}
if [ "$check" = 1 ]; then
    up_to_date && { log "up to date"; exit 0; }
    log "missing or out of date"
    exit 1
fi

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"
for t in debootstrap mke2fs chroot flock sha256sum; do
    command -v "$t" >/dev/null || die "$t missing (apt-get install debootstrap e2fsprogs)"
done
mkdir -p "$cache"
exec 9>"$cache/.$flavor.lock"
flock -w 1800 9 || die "another build of $flavor holds $cache/.$flavor.lock"
if [ "$fresh" = 0 ] && up_to_date; then
    log "up to date ($(readlink -f "$current"))"
    exit 0
fi

# ---------------------------------------------------------------- the build
out=$cache/.$flavor-$recipe-$$
tree=$out/tree
mounts=()

unmount_all()
{
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
    done
    mounts=()
}

# Deletes the build directory, but only once nothing is mounted below it.
remove_build()
{
    unmount_all
    if grep -qF " $out/" /proc/mounts; then
        echo "$me: $out still has mounts, left in place" >&2
        return
    fi
    rm -rf --one-file-system "$out"
}
trap 'remove_build' EXIT
trap 'exit 130' INT TERM HUP

mount_in_tree() # TYPE SOURCE DIR [OPTIONS]
{
    mkdir -p "$tree/$3"
    if [ "$1" = bind ]; then
        mount --bind "$2" "$tree/$3"
    else
        mount -t "$1" ${4:+-o "$4"} "$2" "$tree/$3"
    fi
    mounts+=("$tree/$3")
}

in_tree()
{
    chroot "$tree" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# 1. The base system; its packages are kept for the next build.
debs=$cache/debs/$suite
mkdir -p "$debs/base" "$debs/apt/partial" "$out"
log "debootstrap $suite (minbase) from $mirror"
debootstrap --variant=minbase --cache-dir="$debs/base" "$suite" "$tree" "$mirror" \
    >"$out/debootstrap.log" 2>&1 || { tail -n 30 "$out/debootstrap.log" >&2; die "debootstrap failed"; }

# 2. dpkg and apt set up for a throwaway image: no fsync, no documentation,
#    no recommends, no services started.
cat >"$tree/etc/dpkg/dpkg.cfg.d/ovpn-test-vm" <<'EOF'
force-unsafe-io
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
EOF
cat >"$tree/etc/apt/apt.conf.d/90ovpn-test-vm" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
printf '#!/bin/sh\nexit 101\n' >"$tree/usr/sbin/policy-rc.d"
chmod 755 "$tree/usr/sbin/policy-rc.d"
[ -z "$backports" ] || echo "deb $mirror $backports main" >"$tree/etc/apt/sources.list.d/backports.list"
cp /etc/resolv.conf "$tree/etc/resolv.conf" 2>/dev/null || true

# The kernel package wants an initramfs generator; ours is step 5, so a
# placeholder package stands in for initramfs-tools.
mkdir -p "$tree/tmp/noinitramfs/DEBIAN"
cat >"$tree/tmp/noinitramfs/DEBIAN/control" <<'EOF'
Package: ovpn-test-vm-initramfs
Version: 1
Architecture: all
Maintainer: ovpn test VM <root@localhost>
Provides: linux-initramfs-tool
Description: placeholder: the test VM's initramfs is made by build-image.sh
EOF
in_tree dpkg-deb --build /tmp/noinitramfs /tmp/noinitramfs.deb >/dev/null
in_tree dpkg -i /tmp/noinitramfs.deb >/dev/null

mount_in_tree proc proc proc
mount_in_tree sysfs sysfs sys
mount_in_tree bind /dev dev
mount_in_tree devpts devpts dev/pts gid=5,mode=620,ptmxmode=666
mount_in_tree bind "$debs/apt" var/cache/apt/archives

# 3. Packages.
log "apt-get install (log: $out/apt.log)"
{
    # shellcheck disable=SC2086 # word lists
    in_tree apt-get update -q &&
        in_tree apt-get install -y -q $pkgs &&
        if [ -n "$bpo_pkgs" ]; then in_tree apt-get install -y -q -t "$backports" $bpo_pkgs; fi &&
        in_tree apt-get autoclean -q
} >"$out/apt.log" 2>&1 || { tail -n 30 "$out/apt.log" >&2; die "package installation failed"; }

kver=$(find "$tree/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
[ -n "$kver" ] && [ -s "$tree/boot/vmlinuz-$kver" ] || die "no kernel in the guest tree"

# 4. The DCO module.  dkms's own hook builds for the running kernel, which is
#    the host's, so the guest kernel is named explicitly.
if [ "$flavor" = dco ] && [ -z "$(find "$tree/lib/modules/$kver" -name "$module.ko*" -print -quit)" ]; then
    # shellcheck disable=SC2016 # dpkg-query's format
    dver=$(in_tree dpkg-query -W -f '${Version}' openvpn-dco-dkms)
    dver=${dver%-*}
    log "dkms: ovpn-dco $dver for $kver"
    in_tree dkms install "ovpn-dco/$dver" -k "$kver" >"$out/dkms.log" 2>&1 ||
        { tail -n 30 "$out/dkms.log" >&2; die "dkms build failed"; }
fi
[ -n "$(find "$tree/lib/modules/$kver" -name "$module.ko*" -print -quit)" ] ||
    die "no $module module for kernel $kver"
{
    echo "flavor: $flavor ($suite${backports:+ + $backports}), DCO module $module"
    echo "built: $(date -u +%FT%TZ) from $mirror, recipe $recipe"
    echo "kernel: $kver"
    # shellcheck disable=SC2016 # dpkg-query's format
    in_tree dpkg-query -W -f '${Package} ${Version}\n' openvpn openvpn-dco-dkms iproute2 \
        libnl-genl-3-200 python3 2>/dev/null || true
    [ "$flavor" != dco ] || in_tree dkms status
} >"$out/IMAGE-INFO"
unmount_all

# 5. The initramfs: busybox, the modules that reach the root disk (with
#    their dependencies, in load order, decompressed so busybox's insmod
#    takes them), and our init.  Uncompressed: it is small, and unpacking is
#    faster than decompressing under emulation.
log "initramfs for $kver"
ird=$tree/tmp/initramfs
mkdir -p "$ird/bin" "$ird/mod" "$ird/dev" "$ird/proc" "$ird/sys" "$ird/newroot"
cp "$tree/bin/busybox" "$ird/bin/busybox"
install -m 0755 "$here/guest/initramfs-init" "$ird/init"
n=0
declare -A packed=()
while read -r verb path _; do
    # "builtin NAME" needs nothing; a module two of them need goes in once
    [ "$verb" = insmod ] && [ -z "${packed[$path]:-}" ] || continue
    packed[$path]=1
    n=$((n + 1))
    name=$(basename "$path")
    dst=$ird/mod/$(printf '%02d' "$n")-${name%%.ko*}.ko
    case $path in
        *.ko) cp "$tree$path" "$dst" ;;
        *.ko.xz) in_tree xz -dc "$path" >"$dst" ;;
        *.ko.zst) in_tree zstd -qdc "$path" >"$dst" ;;
        *.ko.gz) in_tree gzip -dc "$path" >"$dst" ;;
        *) die "cannot unpack module $path" ;;
    esac
done < <(in_tree modprobe -S "$kver" --show-depends -a virtio_pci virtio_blk ext4)
(cd "$ird" && find . -print0 | sort -z | in_tree sh -c 'cd /tmp/initramfs && cpio -o -0 -H newc -R 0:0 --quiet') \
    >"$out/initrd.img"

# 6. Our side of the guest: init, names, the flavor for the tests.
install -m 0755 "$here/guest/init" "$tree/sbin/ovpn-test-init"
echo ovpn-test >"$tree/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tovpn-test\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    >"$tree/etc/hosts"
: >"$tree/etc/fstab"
echo "$flavor $module" >"$tree/etc/ovpn-test-vm"
mkdir -p "$tree/mnt/host"
rm -rf "$tree/tmp/"* "$tree/var/lib/apt/lists/"*_Packages "$tree/var/log/"*.log
cp "$tree/boot/vmlinuz-$kver" "$out/vmlinuz"

# 7. The root disk: the tree's size plus room for what a run writes (runs
#    write to a throwaway overlay, so no journal is needed).
used=$(du -sm "$tree" | cut -f1)
size=$((used + used / 4 + 1024))
log "rootfs.ext4: ${used} MiB of files in a ${size} MiB file system"
mke2fs -q -F -t ext4 -O ^has_journal -L ovpn-test -d "$tree" "$out/rootfs.ext4" "${size}M" >/dev/null
rm -rf --one-file-system "$tree"
echo "$recipe" >"$out/RECIPE"

# 8. Switch the flavor's link to the new build, then drop the old one (a VM
#    still running from it keeps its open files).
old=""
[ ! -L "$current" ] || old=$(readlink -f "$current")
final=$cache/.$flavor-$recipe
[ "$final" = "$old" ] && final=$final-$$
rm -rf --one-file-system "$final"
mv "$out" "$final"
ln -s "$(basename "$final")" "$cache/.$flavor.link.$$"
# an image directory of an older layout is in the way of the link
[ -L "$current" ] || rm -rf --one-file-system "$current"
mv -T "$cache/.$flavor.link.$$" "$current"
if [ -n "$old" ] && [ "$old" != "$final" ] && [ -d "$old" ]; then
    rm -rf --one-file-system "$old"
fi
log "done: $current -> $(basename "$final")"
cat "$current/IMAGE-INFO"
