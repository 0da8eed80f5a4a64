#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/sanitize.sh -- the unit tests and the point-to-point end-to-end tests
# again, on a build with AddressSanitizer, LeakSanitizer and UBSan
# (`make check-sanitize`, run by CI after `make check`).
#
# The tracked sources are copied into BUILDDIR/build-sanitize/src (a source
# tree configured in place cannot also host an out-of-tree build), configured
# there with --enable-asan and built.  The tests then run with OPENVPN set to
# that binary; the reference /usr/sbin/openvpn stays the peer.  Every
# sanitizer report goes to a log file (log_path), so a report from a daemon
# that a test has already stopped is not lost: the run fails if any report
# exists, and prints them.
#
# usage: tests/sanitize.sh [BUILDDIR]     (default: the source tree)
#   SANITIZE_TESTS  end-to-end scripts to run (default: the p2p ones below)
#   SANITIZE_JOBS   how many of them run at a time (default 3)
set -u

src=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$src}" && pwd) || exit 99
work=$builddir/build-sanitize
tree=$work/src
reports=$work/reports
e2e=${SANITIZE_TESTS:-t_lpback.sh t_p2p_static.sh t_p2p_restart.sh t_badinput.sh t_p2p_tls.sh t_p2p_features.sh}

log() { echo "sanitize: $*"; }

command -v git >/dev/null 2>&1 && git -C "$src" rev-parse --git-dir >/dev/null 2>&1 \
    || { log "SKIP: needs a git checkout to copy the tracked sources"; exit 77; }

# ---- copy and build ---------------------------------------------------------
mkdir -p "$tree" || exit 99
# tracked files as they are in the work tree (uncommitted edits included)
(cd "$src" && git ls-files -z | tar --null -cf - -T -) | tar -xf - -C "$tree" || exit 99
t0=$(date +%s)
if ! (cd "$tree" && { [ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi; } \
        && { [ -f config.status ] || ./configure -q --enable-asan; } \
        && make -j"$(nproc)") >"$work/build.log" 2>&1; then
    log "FAIL: the sanitizer build failed:"
    tail -n 40 "$work/build.log"
    exit 1
fi
grep -q 'fsanitize=address' "$tree/Makefile" || { log "FAIL: $tree is not an --enable-asan build"; exit 1; }
log "built in $(($(date +%s) - t0)) s"

# ---- run --------------------------------------------------------------------
rm -rf "$reports"
mkdir -p "$reports" || exit 99
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="log_path=$reports/lsan"

rc=0
t0=$(date +%s)
if make -C "$tree/tests/unit_tests" check >"$work/unit.log" 2>&1; then
    log "unit tests: $(grep -c '^PASS:' "$work/unit.log") drivers pass ($(($(date +%s) - t0)) s)"
else
    log "FAIL: unit tests"
    grep -E '^(FAIL|ERROR):' "$work/unit.log"
    rc=1
fi

# the scripts run SANITIZE_JOBS at a time, as `make -j3 check` runs them
jobs=${SANITIZE_JOBS:-3}
run_one()
{
    local t=$1 t0 r
    t0=$(date +%s)
    top_srcdir=$src top_builddir=$tree OPENVPN=$tree/src/openvpn/openvpn \
        bash "$src/tests/$t" >"$work/${t%.sh}.log" 2>&1
    r=$?
    echo "$r $(($(date +%s) - t0))" >"$work/${t%.sh}.rc"
}
for t in $e2e; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
    done
    run_one "$t" &
done
wait
for t in $e2e; do
    read -r r secs <"$work/${t%.sh}.rc" || r=99
    case $r in
        0) log "$t: pass ($secs s)" ;;
        77) log "$t: skipped" ;;
        *) log "FAIL: $t (exit $r), tail of $work/${t%.sh}.log:"; tail -n 30 "$work/${t%.sh}.log"; rc=1 ;;
    esac
done

# ---- reports ----------------------------------------------------------------
n=0
for f in "$reports"/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    log "sanitizer report $f:"
    head -n 60 "$f"
done
if [ "$n" -gt 0 ]; then
    log "FAIL: $n sanitizer report(s)"
    rc=1
else
    log "no sanitizer reports"
fi
exit $rc
