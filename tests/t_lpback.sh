#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# t_lpback.sh -- loopback crypto self test: generate a static key with our
# binary, then run --test-crypto for every CBC cipher (plus none and a few
# AEAD ciphers) that our build lists in --show-ciphers, with a
# representative set of digests.  When the reference openvpn exists, also
# check that each side accepts the other's key files.
#
# $OPENVPN is our binary (set by the test harness).  Exit 77 = skip.

set -u
OPENVPN="${OPENVPN:-$(dirname "$0")/../src/openvpn/openvpn}"
REFERENCE=/usr/sbin/openvpn

if [ ! -x "$OPENVPN" ]; then
    echo "t_lpback: $OPENVPN not built, skipping"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_lpback.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
key="$tmp/key"
fail=0
n=0

if ! "$OPENVPN" --genkey secret "$key" >"$tmp/log" 2>&1; then
    echo "t_lpback: --genkey secret failed"; cat "$tmp/log"; exit 1
fi

ciphers=$("$OPENVPN" --show-ciphers | awk '/^[A-Z0-9-]+-CBC  \(/ { print $1 }')
aead=$("$OPENVPN" --show-ciphers | awk '/^(AES-128-GCM|AES-256-GCM|CHACHA20-POLY1305)  \(/ { print $1 }')
# an empty list would make this test pass without testing: --show-ciphers
# lost its format, or the build its ciphers.  AES-256-CBC and the three AEAD
# ciphers are in every OpenSSL 3 default provider.
ncbc=$(echo "$ciphers" | wc -w)
if [ "$ncbc" -lt 4 ] || ! echo "$ciphers" | grep -qx AES-256-CBC || [ "$(echo "$aead" | wc -w)" -ne 3 ]; then
    echo "t_lpback: FAIL: --show-ciphers lists $ncbc CBC ciphers ($(echo $ciphers)) and AEAD '$(echo $aead)'"
    exit 1
fi
digests=""
for d in SHA1 SHA256 SHA512 RIPEMD160 SHA3-256; do
    if "$OPENVPN" --show-digests | grep -q "^$d "; then
        digests="$digests $d"
    fi
done
case "$digests" in
    *SHA256*) ;;
    *) echo "t_lpback: FAIL: --show-digests lists no SHA256"; exit 1 ;;
esac

run() # cipher auth [extra args...]
{
    c=$1; a=$2; shift 2
    n=$((n + 1))
    if "$OPENVPN" --test-crypto --secret "$key" --cipher "$c" --auth "$a" --verb 3 "$@" \
        >"$tmp/log" 2>&1 && grep -q "crypto self-test mode SUCCEEDED" "$tmp/log"; then
        return 0
    fi
    echo "FAIL: --cipher $c --auth $a $*"
    tail -3 "$tmp/log"
    fail=$((fail + 1))
}

for c in $ciphers none; do
    for a in $digests none; do
        run "$c" "$a"
    done
done
for c in $aead; do
    run "$c" SHA256
done

if [ -x "$REFERENCE" ]; then
    # our key file read by the reference, and the reference's read by us
    n=$((n + 2))
    if ! "$REFERENCE" --test-crypto --secret "$key" --cipher AES-256-CBC --auth SHA256 \
        >"$tmp/log" 2>&1; then
        echo "FAIL: reference rejects our key file"; tail -3 "$tmp/log"; fail=$((fail + 1))
    fi
    if ! "$REFERENCE" --genkey secret "$tmp/refkey" >"$tmp/log" 2>&1 \
        || ! "$OPENVPN" --test-crypto --secret "$tmp/refkey" --cipher AES-256-CBC \
            --auth SHA256 >"$tmp/log" 2>&1; then
        echo "FAIL: we reject the reference's key file"; tail -3 "$tmp/log"; fail=$((fail + 1))
    fi
fi

echo "t_lpback: $n runs, $fail failed"
[ "$fail" -eq 0 ]
