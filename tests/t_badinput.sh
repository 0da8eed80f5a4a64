#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_badinput.sh -- bad local input and hostile peer input.
#
# Part 1, config and resources: an unknown option, bad arguments, a missing
# key file, malformed key files, an unknown cipher, a port in use and a
# missing tun device node.  Each must exit with status 1 (no signal, no core
# dump) within 10 s and print one clear line: FILE:LINE for config mistakes,
# the resource for the others.  The expected strings are OpenVPN 2.6's own
# messages; where 2.6 names no FILE:LINE we hold our binary to the house rule
# ("Options error: FILE:LINE: ...") instead.
#
# Part 2, packets: with our daemon on A (--verb 4) and the reference on B,
# python3 in namespace B sends garbage, truncated, forged (bit-flipped),
# oversized (hand-fragmented up to 65000 bytes) and replayed UDP packets with
# B's address and port as source, so they reach the authentication path.
# Each kind must be dropped with 2.6's log line, the daemon must stay up and
# ping must still work both ways.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_badinput.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
nl_setup badin
KEY="$NL_DIR/static.key"
nl_keyfile "$KEY"
cd "$NL_DIR" || nl_die "cd $NL_DIR"

pass=0
fail=0
IS_REF=no
[ "$(readlink -f "$OPENVPN")" = "$(readlink -f "$REF")" ] && IS_REF=yes

ok()
{
    echo "PASS: $*"
    pass=$((pass + 1))
}

bad()
{
    echo "FAIL: $*"
    fail=$((fail + 1))
}

# expect_exit1 NAME "STRING"... -- OPENVPN ARGS: run ARGS in namespace A (so
# that devices and ports are private); pass if the exit status is 1 and every
# STRING occurs in the output.
expect_exit1()
{
    local name=$1 out="$NL_DIR/$1.out" rc s missing=""
    shift
    local want=()
    while [ "$1" != -- ]; do
        want+=("$1")
        shift
    done
    shift
    ip netns exec "$NL_NS_A" timeout 10 "$OPENVPN" "$@" >"$out" 2>&1 </dev/null
    rc=$?
    for s in "${want[@]}"; do
        grep -qF -- "$s" "$out" || missing="$missing [$s]"
    done
    grep -qiE 'assert|core dumped|sanitizer' "$out" && missing="$missing [no assert/sanitizer report]"
    if [ "$rc" = 1 ] && [ -z "$missing" ]; then
        ok "$name: exit 1, $(grep -F -- "${want[0]}" "$out" | head -n 1 | cut -c1-110)"
    else
        bad "$name: exit status $rc (want 1), missing:$missing"
        sed 's/^/    /' "$out" | tail -n 8
    fi
}

# ---- Part 1: config mistakes and resources --------------------------------
BASE=(--dev tun --cipher AES-256-CBC --auth SHA256 --verb 3)

printf 'dev tun\nverb 3\nfoo-bar 1\n' >unknown.conf
expect_exit1 unknown-option "unknown.conf:3" "foo-bar" -- --config unknown.conf

printf 'dev tun\ndev tun extra\n' >extra.conf
expect_exit1 extra-argument "extra.conf:2" -- --config extra.conf

printf 'dev tun\nproto bogus\n' >proto.conf
if [ "$IS_REF" = yes ]; then
    expect_exit1 bad-proto "Bad protocol: 'bogus'" -- --config proto.conf
else
    expect_exit1 bad-proto "proto.conf:2" "bogus" -- --config proto.conf
fi

printf 'dev tun\ncipher AES-256-CBC\nsecret %s 2\n' "$KEY" >keydir.conf
if [ "$IS_REF" = yes ]; then
    expect_exit1 bad-key-direction "Unknown key direction '2' -- must be '0' or '1'" \
        -- --config keydir.conf
else
    expect_exit1 bad-key-direction "keydir.conf:3" "'2'" -- --config keydir.conf
fi

expect_exit1 missing-key-file \
    "--secret fails with '/nonexistent/static.key': No such file or directory (errno=2)" \
    -- "${BASE[@]}" --secret /nonexistent/static.key 0

# The hex starts on line 5 of our key files; a 'z' as the 32nd digit of
# that line leaves 15 good bytes.
sed '5s/^\(.\{31\}\)./\1z/' "$KEY" >nonhex.key
chmod 600 nonhex.key
expect_exit1 malformed-key-nonhex \
    "Non-Hex character ('z') found at line 5 in key file 'nonhex.key' (15/128/256 bytes found/min/max)" \
    -- "${BASE[@]}" --secret nonhex.key 0

printf 'hello\n' >noheader.key
chmod 600 noheader.key
expect_exit1 malformed-key-noheader \
    "Insufficient key material or header text not found in file 'noheader.key' (0/128/256 bytes found/min/max)" \
    -- "${BASE[@]}" --secret noheader.key 0

expect_exit1 unknown-cipher "Cipher NOPE-CIPHER not supported" \
    -- --dev tun --cipher NOPE-CIPHER --secret "$KEY" 0

# A port held by another socket in the same namespace.
ip netns exec "$NL_NS_A" timeout 30 "$NL_PYTHON" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 1194))
print("bound", flush=True)
time.sleep(25)' "$NL_A_V4" >"$NL_DIR/holder.out" 2>&1 </dev/null &
HOLDER=$!
NL_PIDS+=("$HOLDER")
if nl_wait_log "$NL_DIR/holder.out" bound 5 1 "$HOLDER"; then
    expect_exit1 port-in-use \
        "TCP/UDP: Socket bind failed on local address [AF_INET]$NL_A_V4:1194: Address already in use (errno=98)" \
        -- "${BASE[@]}" --secret "$KEY" 0 --proto udp4 --local "$NL_A_V4" --lport 1194
else
    bad "port-in-use: could not hold the port"
fi
nl_kill "$HOLDER"

expect_exit1 no-tun-device \
    "Cannot open TUN/TAP dev /nonexistent: No such file or directory (errno=2)" \
    -- "${BASE[@]}" --dev-node /nonexistent --secret "$KEY" 0

# ---- Part 2: hostile packets at a running tunnel --------------------------
INJECT_PY='
import os, random, socket, struct, sys, time

PEER, PEER_PORT, TARGET, TARGET_PORT, TUN_TARGET, mode = sys.argv[1:7]
PEER_PORT, TARGET_PORT = int(PEER_PORT), int(TARGET_PORT)
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
ident = random.randrange(1, 65535)

def send_udp(payload):
    """Send payload as UDP from PEER:PEER_PORT, fragmenting it by hand."""
    global ident
    ident = ident % 65535 + 1
    dgram = struct.pack("!HHHH", PEER_PORT, TARGET_PORT, 8 + len(payload), 0) + payload
    src, dst = socket.inet_aton(PEER), socket.inet_aton(TARGET)
    step = 1480
    for off in range(0, max(len(dgram), 1), step):
        chunk = dgram[off:off + step]
        more = 0x2000 if off + step < len(dgram) else 0
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(chunk), ident,
                          more | (off // 8), 64, socket.IPPROTO_UDP, 0, src, dst)
        raw.sendto(hdr + chunk, (TARGET, 0))

def capture():
    """One genuine data packet PEER -> TARGET, as its UDP payload."""
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    sniff.bind(("veth0", 0))
    sniff.settimeout(0.5)
    poke = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        poke.sendto(b"x" * 64, (TUN_TARGET, 9))
        try:
            while True:
                frame = sniff.recv(65535)
                ip = frame[14:]
                if frame[12:14] != b"\x08\x00" or ip[9] != 17:
                    continue
                ihl = (ip[0] & 15) * 4
                sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
                if ip[12:16] == socket.inet_aton(PEER) and sport == PEER_PORT \
                        and dport == TARGET_PORT and len(ip) - ihl - 8 > 60:
                    return ip[ihl + 8:]
        except socket.timeout:
            pass
    sys.exit("no genuine packet captured")

rnd = random.Random(1)
if mode == "garbage":
    for n in list(range(1, 64)) + [rnd.randrange(64, 1400) for _ in range(100)]:
        send_udp(rnd.randbytes(n))
elif mode == "truncated":
    pkt = capture()
    for n in range(len(pkt)):
        send_udp(pkt[:n])
elif mode == "forged":
    pkt = capture()
    for i in range(0, len(pkt), 3):
        b = bytearray(pkt)
        b[i] ^= 0x01
        send_udp(bytes(b))
elif mode == "oversized":
    for n in (1600, 2000, 9000, 30000, 65000):
        send_udp(rnd.randbytes(n))
elif mode == "replayed":
    pkt = capture()
    time.sleep(0.3)
    for _ in range(20):
        send_udp(pkt)
else:
    sys.exit("unknown mode " + mode)
print("sent", mode)
'

A_LOG="$NL_DIR/target.log"
B_LOG="$NL_DIR/peer.log"
COMMON=(--verb 4 --proto udp4 --dev tun --cipher AES-256-CBC --auth SHA256)
nl_start A_PID "$NL_NS_A" "$A_LOG" "$OPENVPN" "${COMMON[@]}" --secret "$KEY" 0 \
    --local "$NL_A_V4" --remote "$NL_B_V4" --ifconfig 10.200.0.1 10.200.0.2
nl_wait_up "$A_LOG" "$A_PID" 15
nl_start B_PID "$NL_NS_B" "$B_LOG" "$REF" "${COMMON[@]}" --secret "$KEY" 1 \
    --local "$NL_B_V4" --remote "$NL_A_V4" --ifconfig 10.200.0.2 10.200.0.1

if ! nl_wait_init "$A_LOG" "$A_PID" 15 || ! nl_wait_init "$B_LOG" "$B_PID" 15 \
    || ! nl_ping "$NL_NS_A" 10.200.0.2; then
    bad "packets: tunnel did not come up"
    nl_show_log "$A_LOG"
    nl_show_log "$B_LOG"
else
    HMAC_FAIL="Authenticate/Decrypt packet error: packet HMAC authentication failed"
    REPLAY="Authenticate/Decrypt packet error: bad packet ID (may be a replay)"
    for kind in garbage truncated forged oversized replayed; do
        expect=$HMAC_FAIL
        [ "$kind" = replayed ] && expect=$REPLAY
        before=$(grep -cF -- "$expect" "$A_LOG")
        # Our drop messages are rate-limited, so a burst may be held back
        # entirely: send again (at most 4 times, 4 s apart) until one line
        # gets through.
        logged=no injected=yes
        for attempt in 1 2 3 4; do
            if ! ip netns exec "$NL_NS_B" timeout 30 "$NL_PYTHON" -c "$INJECT_PY" \
                "$NL_B_V4" 1194 "$NL_A_V4" 1194 10.200.0.1 "$kind" >"$NL_DIR/inject.out" 2>&1; then
                injected=no
                break
            fi
            if nl_wait_log "$A_LOG" "$expect" 4 $((before + 1)) "$A_PID"; then
                logged=yes
                break
            fi
            nl_log "$kind: no log line after attempt $attempt"
        done
        if [ "$injected" = no ]; then
            bad "packets $kind: injector failed: $(tail -n 1 "$NL_DIR/inject.out")"
            continue
        fi
        if [ "$logged" = no ]; then
            bad "packets $kind: no '$expect' line at --verb 4"
        elif ! nl_alive "$A_PID"; then
            bad "packets $kind: the daemon died"
        elif ! nl_ping "$NL_NS_A" 10.200.0.2 || ! nl_ping "$NL_NS_B" 10.200.0.1; then
            bad "packets $kind: ping fails afterwards"
        else
            ok "packets $kind: dropped, logged, tunnel still up"
            continue
        fi
        nl_show_log "$A_LOG" 15
    done
fi
nl_kill "$A_PID"
nl_kill "$B_PID"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
