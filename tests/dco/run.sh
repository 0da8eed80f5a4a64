#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/dco/run.sh -- boots the test VM made by build-image.sh, runs one
# command in it as root and exits with the command's status.
#
#   run.sh [options] [--] COMMAND...
#
#   -f FLAVOR    dco (default: Debian 12, kernel 6.1, ovpn-dco-v2, openvpn
#                2.6) or ovpn (Debian 13, backports kernel, ovpn, openvpn 2.7)
#   -p DIR       host directory shared read-write with the guest (9p) at
#                /mnt/host, the command's working directory; default the
#                current directory; "none" shares nothing and runs in /
#   -t SECONDS   stop the VM after this long (default 1200)
#   -e VAR=VAL   put VAR in the command's environment (repeatable)
#   -m MIB       guest memory (default 1024)     -c N   vCPUs (default 2)
#   --no-dco     do not load the DCO module at boot (tun still is)
#   -v           show the guest's console on stderr and the timings
#   -k           keep the run directory (console log, status) afterwards
#
# COMMAND's words are joined with spaces and run by bash in the guest, so a
# pipeline or a `;` goes in one quoted argument.  Its stdout and stderr come
# back on run.sh's stdout and stderr as they are written.  In the guest,
# DCO_VM_FLAVOR (dco|ovpn) and DCO_VM_MODULE (ovpn-dco-v2|ovpn) are set.
#
# Exit status: the command's; 124 when the timeout stopped the VM; 125 when
# the VM ended without reporting a status (the console's last lines are
# printed); 2 for a usage error and 3 when there is no image or no qemu,
# both before anything is started.
#
# Every run boots the same image with the root disk as a throwaway overlay
# (nothing a run does to the guest system is kept; runs may go in parallel);
# only what the command writes under /mnt/host lands on the host.
# KVM is used when the host CPU offers it (vmx/svm) and /dev/kvm is
# writable, else TCG; DCO_VM_ACCEL=tcg|kvm forces one.  Images are looked up
# in $DCO_VM_CACHE/<flavor> (default /var/cache/ovpn-test-vm).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=run.sh

usage() # the options of the header above; -h prints all of it
{
    sed -n '7,21s/^# \{0,1\}//p' "$here/run.sh" >&2
    exit 2
}

flavor=dco
share=$PWD
timeout_s=1200
mem=1024
cpus=2
dco_load=1
verbose=0
keep=0
envs=()
while [ $# -gt 0 ]; do
    case $1 in
        -f | -p | -t | -e | -m | -c) [ $# -ge 2 ] || usage ;;
    esac
    case $1 in
        -f) flavor=$2; shift 2 ;;
        -p) share=$2; shift 2 ;;
        -t) timeout_s=$2; shift 2 ;;
        -e) envs+=("$2"); shift 2 ;;
        -m) mem=$2; shift 2 ;;
        -c) cpus=$2; shift 2 ;;
        --no-dco) dco_load=0; shift ;;
        -v) verbose=1; shift ;;
        -k) keep=1; shift ;;
        -h | --help) sed -n '4,/^$/s/^# \{0,1\}//p' "$here/run.sh"; exit 0 ;;
        --) shift; break ;;
        -*) echo "$me: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || usage
for n in "$timeout_s" "$mem" "$cpus"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "$me: '$n' is not a positive number" >&2; exit 2; }
done

cannot() { echo "$me: $*" >&2; exit 3; }

image=$(readlink -f "${DCO_VM_CACHE:-/var/cache/ovpn-test-vm}/$flavor")
for f in vmlinuz initrd.img rootfs.ext4; do
    [ -r "$image/$f" ] || cannot "no $flavor image ($image/$f): run $here/build-image.sh --flavor $flavor"
done
command -v qemu-system-x86_64 >/dev/null || cannot "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
if [ "$share" != none ]; then
    share=$(cd "$share" 2>/dev/null && pwd) || cannot "no directory $share to share"
fi

accel=${DCO_VM_ACCEL:-}
if [ -z "$accel" ]; then
    accel=tcg
    grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ] && accel=kvm
fi
# shellcheck disable=SC2054 # the commas are qemu's
case $accel in
    kvm) accel_args=(-accel kvm -cpu host) ;;
    tcg) accel_args=(-accel tcg,thread=multi -cpu max) ;;
    *) echo "$me: DCO_VM_ACCEL must be kvm or tcg" >&2; exit 2 ;;
esac

# ------------------------------------------------------- the control share
run=$(mktemp -d "${TMPDIR:-/tmp}/ovpn-test-vm.XXXXXX") || cannot "mktemp failed"
cp "$here/guest/init" "$run/init"
printf '%s\n' "$*" >"$run/cmd"
{
    echo "dco_load=$dco_load"
    if [ "$share" = none ]; then echo "host_share=0"; else echo "host_share=1"; fi
    for kv in "${envs[@]}"; do
        [[ $kv =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "$me: -e wants VAR=VALUE, not '$kv'" >&2; exit 2; }
        printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
    done
} >"$run/env" || exit $?

qpid=""
finish()
{
    [ -z "$qpid" ] || kill "$qpid" 2>/dev/null
    if [ "$keep" = 1 ]; then echo "$me: run directory kept: $run" >&2; else rm -rf "$run"; fi
}
trap finish EXIT
trap 'echo "$me: interrupted" >&2; exit 130' INT TERM HUP

# The guest's stdout/stderr ports are written by qemu into pipes whose
# readers copy them to our stdout/stderr: qemu opens them by /dev/fd path,
# and a pipe (unlike a log file our caller redirected us to) can be opened
# again without disturbing anyone's file offset.  When our reader goes away
# (`run.sh ... | head`), the rest is drained, or qemu and the guest's
# writes would stall until the timeout.
exec {out_fd}> >(cat; cat >/dev/null)
out_pid=$!
exec {err_fd}> >(cat >&2; cat >/dev/null)
err_pid=$!
console=(-serial "file:$run/console")
if [ "$verbose" = 1 ]; then
    exec {con_fd}> >(tee "$run/console" | sed -u 's/^/console: /' >&2)
    console=(-chardev "file,id=con,path=/dev/fd/$con_fd,append=on" -serial chardev:con)
fi

# shellcheck disable=SC2054 # the commas are qemu's
qemu=(
    qemu-system-x86_64 -nodefaults -no-user-config -display none -monitor none -no-reboot
    "${accel_args[@]}" -smp "$cpus" -m "$mem"
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img"
    -append "console=ttyS0 panic=-1 quiet loglevel=3 ${DCO_VM_APPEND:-}"
    -drive "file=$image/rootfs.ext4,format=raw,if=virtio,snapshot=on,cache=unsafe"
    "${console[@]}"
    -nic none
    -device virtio-rng-pci
    -virtfs "local,path=$run,mount_tag=ovpnctl,security_model=none,id=ovpnctl"
    -device virtio-serial-pci,id=ports
    -chardev "file,id=out,path=/dev/fd/$out_fd,append=on"
    -device virtserialport,bus=ports.0,chardev=out,name=ovpn-test.out
    -chardev "file,id=err,path=/dev/fd/$err_fd,append=on"
    -device virtserialport,bus=ports.0,chardev=err,name=ovpn-test.err
)
[ "$share" = none ] ||
    qemu+=(-virtfs "local,path=$share,mount_tag=ovpnhost,security_model=none,id=ovpnhost")

t0=$EPOCHREALTIME
timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null >"$run/qemu.log" 2>&1 &
qpid=$!
wait "$qpid"
qrc=$?
qpid=""
t1=$EPOCHREALTIME
# qemu is gone: closing our ends lets the relays see end of file
exec {out_fd}>&- {err_fd}>&-
[ "$verbose" = 1 ] && exec {con_fd}>&-
wait "$out_pid" "$err_pid" 2>/dev/null

if [ -s "$run/status" ]; then
    rc=$(<"$run/status")
elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
    echo "$me: the VM ran past the timeout of ${timeout_s}s and was stopped" >&2
    rc=124
else
    echo "$me: the VM ended (qemu status $qrc) without reporting a status; last console lines:" >&2
    tail -n 30 "$run/console" >&2
    [ ! -s "$run/qemu.log" ] || { echo "$me: qemu:" >&2; cat "$run/qemu.log" >&2; }
    rc=125
fi
[[ $rc =~ ^[0-9]+$ ]] || rc=125

if [ "$verbose" = 1 ]; then
    booted=$(cat "$run/booted" 2>/dev/null || echo '?')
    ended=$(cat "$run/ended" 2>/dev/null || echo '?')
    awk -v t0="$t0" -v t1="$t1" -v b="$booted" -v e="$ended" 'BEGIN {
        cmd = (b != "?" && e != "?") ? sprintf("%.1f", e - b) : "?"
        printf "%.1f s wall, guest up after %s s, command %s s\n", t1 - t0, b, cmd
    }' | sed "s/^/$me: $flavor, $accel: /" >&2
fi
exit "$rc"
