#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# .ci/deps.sh -- install everything needed to build, test and demo this
# project on Debian 12.  This is the ONE place the package list lives; the
# README commands and .ci/run call it.  Run as root (or with sudo available).
#
# The reference openvpn (Debian's package) is installed as a test peer only.
# systemd is there for `systemd-analyze verify` in tests/t_systemd.sh (and
# Debian's units); nothing here starts it.
# clang and its sanitizer/fuzzer runtime (libclang-rt) build the fuzz harnesses
# (`make check-fuzz`).
# libpam-modules gives pam_exec, through which tests/t_plugin.sh checks
# Debian's auth-pam plugin (the plugins themselves come with openvpn).
# qemu, debootstrap and e2fsprogs are for `make check-dco`: it builds Debian
# guest images with the kernel DCO modules (tests/dco/build-image.sh) and
# tests in them (tests/dco/run.sh).  What the guests need (their kernels,
# dkms and the compiler for ovpn-dco-v2, the reference openvpn 2.6/2.7, the
# test tools) is installed into the images, not on this machine.
# Installing it must not start anything: a policy-rc.d that refuses service
# starts is in place during the install, and the units are disabled after.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
      libssl-dev liblzo2-dev liblz4-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
      libcap-ng-dev libcmocka-dev libsystemd-dev systemd
      golang-go golang-github-apparentlymart-go-openvpn-mgmt-dev
      openvpn openssl iperf3 iproute2 iputils-ping nftables python3 clang libclang-rt-14-dev procps psmisc
      libpam-modules
      qemu-system-x86 qemu-system-data seabios ipxe-qemu debootstrap e2fsprogs"

SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps.sh: run as root" >&2; exit 1; }
    SUDO=sudo
fi

# Nothing to do when every package is already installed (fast re-runs).
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "deps.sh: all dependencies present"
    exit 0
fi
echo "deps.sh: installing:$missing"

export DEBIAN_FRONTEND=noninteractive
made_policy=no
if [ ! -e /usr/sbin/policy-rc.d ]; then
    # 101 = "action not allowed": invoke-rc.d and deb-systemd-invoke start nothing.
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    made_policy=yes
fi
rc=0
$SUDO apt-get update -q || rc=$?
if [ "$rc" = 0 ]; then
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $missing </dev/null || rc=$?
fi
[ "$made_policy" = yes ] && $SUDO rm -f /usr/sbin/policy-rc.d

# Debian's package enables openvpn.service; never let the reference run as a
# service on a test machine.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now openvpn.service >/dev/null 2>&1 || true
    $SUDO systemctl disable --now iperf3.service >/dev/null 2>&1 || true
fi
exit "$rc"
