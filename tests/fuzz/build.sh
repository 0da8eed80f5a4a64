#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/fuzz/build.sh -- build every tests/fuzz/fuzz_*.c libFuzzer harness
# with clang (fuzzer + ASan + UBSan) and run each for FUZZ_SECONDS.
#
# usage: tests/fuzz/build.sh [BUILDDIR]
#   BUILDDIR     a configured build tree (for config.h); default: the source
#                tree if it has config.h, else a private one configured here
#   FUZZ_SECONDS how long to run each harness (default 10; 0 = build only)
#   FUZZ_ONLY    space-separated harness names to limit the run (fuzz_comp ...)
#   FUZZ_OUT     where binaries, corpora, logs and crashes go
#                (default ${TMPDIR:-/tmp}/openvpn-fuzz)
#   CC           the compiler (default clang)
#
# A harness whose sources do not exist yet is skipped, not failed.  A
# harness may name its sources itself with a line "FUZZ_SOURCES: a.c b.c"
# (files in src/openvpn); otherwise the table below applies.  The exit
# status is 0 only if every harness that was built ran clean.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-10}
FUZZ_OUT=${FUZZ_OUT:-${TMPDIR:-/tmp}/openvpn-fuzz}
CC=${CC:-clang}
mkdir -p "$FUZZ_OUT" || exit 1

# ---- harness -> sources (in src/openvpn) beyond the base tier -------------
# @LZO and @LZ4 stand for the compression backends: included (with their
# library) only when config.h enables them.
base_sources="basic.c buffer.c error.c otime.c strutil.c wire.c"
sources_for() {
    case "$1" in
        fuzz_comp)          echo "comp.c @LZO @LZ4" ;;
        fuzz_mss)           echo "mss.c" ;;
        fuzz_fragment)      echo "fragment.c" ;;
        fuzz_options_parse) echo "options_parse.c" ;;
        fuzz_static_key)    echo "static_key.c crypto_openssl.c" ;;
        fuzz_decrypt)       echo "crypto.c crypto_openssl.c packet_id.c" ;;
        fuzz_stream)        echo "stream.c" ;;
        *)                  echo "" ;;
    esac
}

# ---- config.h ----------------------------------------------------------------
builddir=${1:-}
if [ -z "$builddir" ]; then
    if [ -f "$top/config.h" ]; then
        builddir=$top
    else
        builddir=$FUZZ_OUT/build
        if [ ! -f "$builddir/config.h" ]; then
            echo "fuzz: configuring $builddir for config.h"
            mkdir -p "$builddir" && (cd "$builddir" && "$top/configure" -q) || exit 1
        fi
    fi
fi
builddir=$(cd "$builddir" && pwd) || exit 1
if [ ! -f "$builddir/config.h" ]; then
    echo "fuzz: no config.h in $builddir" >&2
    exit 1
fi
have() { grep -q "^#define $1 1" "$builddir/config.h"; }

# ---- toolchain check -------------------------------------------------------
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
cflags="$cflags -fno-omit-frame-pointer -I src/openvpn -I $builddir"
probe=$FUZZ_OUT/probe.c
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)
{ (void)d; (void)n; return 0; }' >"$probe"
# shellcheck disable=SC2086 # $cflags is a list of flags
if ! $CC $cflags "$probe" -o "$FUZZ_OUT/probe" 2>"$FUZZ_OUT/probe.log"; then
    echo "fuzz: $CC cannot build with -fsanitize=fuzzer:" >&2
    cat "$FUZZ_OUT/probe.log" >&2
    exit 1
fi

ssl_libs=$(pkg-config --libs openssl 2>/dev/null || echo "-lssl -lcrypto")

# ---- build and run ---------------------------------------------------------
status=0
for harness in tests/fuzz/fuzz_*.c; do
    [ -f "$harness" ] || continue
    name=$(basename "$harness" .c)
    if [ -n "${FUZZ_ONLY:-}" ]; then
        case " $FUZZ_ONLY " in *" $name "*) ;; *) continue ;; esac
    fi

    declared=$(sed -n 's/.*FUZZ_SOURCES:[[:space:]]*\([^*]*\).*/\1/p' "$harness" | head -n 1)
    extra=${declared:-$(sources_for "$name")}
    srcs="" libs="" missing=""
    for s in $base_sources $extra; do
        case "$s" in
            @LZO) have ENABLE_LZO && srcs="$srcs src/openvpn/comp_lzo.c" \
                      && libs="$libs $(pkg-config --libs lzo2)"; continue ;;
            @LZ4) have ENABLE_LZ4 && srcs="$srcs src/openvpn/comp_lz4.c" \
                      && libs="$libs $(pkg-config --libs liblz4)"; continue ;;
        esac
        if [ -f "src/openvpn/$s" ]; then
            srcs="$srcs src/openvpn/$s"
        else
            missing="$missing $s"
        fi
    done
    if [ -n "$missing" ]; then
        echo "fuzz: $name: SKIP (missing:$missing)"
        continue
    fi

    bin=$FUZZ_OUT/$name
    # shellcheck disable=SC2086 # word splitting of the lists is intended
    if ! $CC $cflags $harness $srcs $ssl_libs $libs -o "$bin" >"$bin.build.log" 2>&1; then
        echo "fuzz: $name: BUILD FAILED"
        sed -n '1,40p' "$bin.build.log"
        status=1
        continue
    fi
    [ "$FUZZ_SECONDS" -gt 0 ] || { echo "fuzz: $name: built"; continue; }

    corpus=$FUZZ_OUT/corpus/$name
    mkdir -p "$corpus"
    seeds=""
    [ -d "tests/fuzz/corpus/$name" ] && seeds="tests/fuzz/corpus/$name"
    # shellcheck disable=SC2086
    if "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$FUZZ_OUT/$name-" "$corpus" $seeds >"$bin.log" 2>&1; then
        echo "fuzz: $name: ok ($(grep -o 'Done [0-9]* runs' "$bin.log" | tail -n 1))"
    else
        echo "fuzz: $name: FAILED (log $bin.log)"
        tail -n 40 "$bin.log"
        status=1
    fi
done
exit $status
