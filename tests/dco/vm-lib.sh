# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/dco/vm-lib.sh -- the host side that tests/t_dco.sh,
# tests/t_dco_daemon.sh and tests/perf/dco_bench.sh share: get the test VM's
# images ready (build-image.sh) and run a command in a VM (run.sh).
# Sourced by bash scripts; the functions print their messages prefixed with
# the calling script's name.

DCO_VM_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

dco_vm_say() { echo "${0##*/}: $*"; }
dco_vm_skip()
{
    dco_vm_say "SKIP: $*"
    exit 77
}

# dco_vm_images LOGDIR FLAVOR...: returns once every flavor has a current
# image, building what is missing or out of date (log in
# LOGDIR/dco-image-FLAVOR.log).  Several flavors build at the same time:
# much of a build waits for the mirror, and CI builds all of them.  Skips
# the test (exit 77) when qemu is missing or an image is missing and cannot
# be built here; an out-of-date image that cannot be rebuilt is used as it
# is.
dco_vm_images()
{
    local logdir=$1 f t0=$SECONDS failed=""
    local -A pid=()
    shift
    command -v qemu-system-x86_64 >/dev/null ||
        dco_vm_skip "qemu-system-x86_64 missing (apt-get install qemu-system-x86 debootstrap e2fsprogs)"
    for f in "$@"; do
        "$DCO_VM_TOOLS/build-image.sh" --flavor "$f" --check >/dev/null 2>&1 && continue
        if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
            [ -r "${DCO_VM_CACHE:-/var/cache/ovpn-test-vm}/$f/rootfs.ext4" ] ||
                dco_vm_skip "no $f image, and building one needs root and debootstrap"
            dco_vm_say "the $f image is out of date and cannot be rebuilt here; using it"
            continue
        fi
        dco_vm_say "building the $f image (log: $logdir/dco-image-$f.log)"
        "$DCO_VM_TOOLS/build-image.sh" --flavor "$f" >"$logdir/dco-image-$f.log" 2>&1 &
        pid[$f]=$!
    done
    for f in "${!pid[@]}"; do
        if wait "${pid[$f]}"; then
            dco_vm_say "$f image ready after $((SECONDS - t0)) s"
        else
            tail -n 15 "$logdir/dco-image-$f.log"
            failed="$failed $f"
        fi
    done
    [ -z "$failed" ] || dco_vm_skip "building the image failed for:$failed (is the Debian mirror reachable?)"
}

# dco_vm_run FLAVOR DIR TIMEOUT COMMAND: runs COMMAND in a VM of FLAVOR with
# DIR as its working directory; returns its status.  An emulated guest
# that dies before reporting (seen, rarely, during boot) gets one retry.
dco_vm_run()
{
    local f=$1 dir=$2 t=$3 cmd=$4 try r t0=$SECONDS
    for try in 1 2; do
        "$DCO_VM_TOOLS/run.sh" -f "$f" -p "$dir" -t "$t" -- "$cmd"
        r=$?
        [ "$r" = 125 ] && [ "$try" = 1 ] || break
        dco_vm_say "the $f VM died before reporting a status; one more try"
    done
    dco_vm_say "flavor $f: exit $r in $((SECONDS - t0)) s (wall, emulated VM)"
    return "$r"
}
