#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_tls_crypt_v2.sh -- the tls-crypt-v2 start of a UDP --mode server
# (doc/protocol.md §2.5, §2.7), ours against the reference in both roles:
#   - our server with --tls-crypt-v2 KEY force-cookie and with the default
#     (allow-noncookie): a reference client (which resends its WKc on
#     request) connects and pings; an old client that cannot resend its WKc
#     (a crafted V3 reset without the early-negotiation marker) is refused
#     without a reply under force-cookie, and created at once by default; a
#     2.6-style reset is answered statelessly (the 72-byte reply with the
#     RESEND_WKC TLV) and creates nothing;
#   - a flood of forged V3 resets (garbage WKc, and a valid reset replayed
#     from many source ports) creates no client instance while a real
#     client connects during it; the garbage is logged rate-limited;
#   - the reference server, with force-cookie and with the default, and our
#     client: it connects and pings;
#   - what both servers log at --verb 7 when an old client meets
#     force-cookie.
# Packets are crafted by a small python3 program; AES-256-CTR comes from the
# openssl command line tool.  Our server counts its client instances with
# "MULTI: multi_create_instance called" (--verb 3 and up).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_tls_crypt_v2.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup v2c
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
"$REF" --genkey tls-crypt-v2-server "$NL_DIR/v2s.key" >/dev/null 2>&1 &&
    "$REF" --tls-crypt-v2 "$NL_DIR/v2s.key" --genkey tls-crypt-v2-client "$NL_DIR/v2c.key" \
        >/dev/null 2>&1 || nl_die "cannot make tls-crypt-v2 keys"
nl_hub_client C1 c1 203.0.113.11
nl_hub_client C2 c2 203.0.113.12
pass=0
fail=0
n=0

# The client side of the wire, from the client key file (§2.4, §2.5):
#   one MODE: send one V3 reset and print "reply <bytes>" or "no reply";
#             MODE old = replay id 1 (no marker), new = 0x0f000001
#   flood SECS: for SECS seconds, V3 resets with a garbage WKc and one valid
#             2.6-style reset replayed, from 32 source ports; prints
#             "<sent> <replies>"
V2_PY='
import base64, hashlib, hmac, os, socket, struct, subprocess, sys, time
keyfile, host, port, what = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
body = open(keyfile).read().split("-----")[2]
raw = base64.b64decode("".join(body.split()))
kc, wkc = raw[:256], raw[256:]
ke, ka = kc[128:160], kc[192:224]   # the client sends with keys[1]

def reset(replay_id):
    hdr = bytes([10 << 3]) + os.urandom(8) + struct.pack("!II", replay_id, int(time.time()))
    plain = b"\x00" + b"\x00\x00\x00\x00"   # no ACKs, message id 0
    tag = hmac.new(ka, hdr + plain, hashlib.sha256).digest()
    ct = subprocess.run(["openssl", "enc", "-aes-256-ctr", "-K", ke.hex(), "-iv",
                         tag[:16].hex(), "-nopad"], input=plain, capture_output=True,
                        check=True).stdout
    return hdr + tag + ct + wkc

if what == "one":
    pkt = reset(1 if sys.argv[5] == "old" else 0x0F000001)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(pkt, (host, port))
    try:
        print("reply", len(s.recv(4096)))
    except socket.timeout:
        print("no reply")
    sys.exit(0)

valid = reset(0x0F000001)
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(32)]
for s in socks:
    s.setblocking(False)
end = time.monotonic() + float(sys.argv[5])
sent = replies = 0
while time.monotonic() < end:
    if sent % 4 == 0:
        pkt = valid
    else:
        pkt = bytes([10 << 3]) + os.urandom(8 + 40 + 297) + struct.pack("!H", 299)
    try:
        socks[sent % 32].sendto(pkt, (host, port))
    except OSError:
        pass
    sent += 1
    if sent % 50 == 0:
        for s in socks:
            try:
                while s.recv(4096):
                    replies += 1
            except OSError:
                pass
        time.sleep(0.005)
print(sent, replies)
'

v2_py()
{
    ip netns exec "$1" timeout 60 "$NL_PYTHON" -c "$V2_PY" "$NL_DIR/v2c.key" 203.0.113.1 1194 \
        "${@:2}"
}

# server BINARY LOG [EXTRA...]: a --mode server on the hub with tls-crypt-v2
server()
{
    local bin=$1 log=$2
    shift 2
    nl_start SRV "$NL_NS_A" "$log" "$bin" --mode server --tls-server --dev tun --proto udp \
        --port 1194 --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
        --dh none --topology subnet --server 10.8.0.0 255.255.255.0 --keepalive 10 60 \
        --tls-crypt-v2 "$NL_DIR/v2s.key" "$@"
}

# client VAR NS BINARY LOG: a tls-crypt-v2 client of the hub's server
client()
{
    nl_start "$1" "$2" "$4" "$3" --client --dev tun --proto udp --remote 203.0.113.1 1194 \
        --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
        --remote-cert-tls server --tls-crypt-v2 "$NL_DIR/v2c.key" --verb 4
}

created()
{
    grep -c "MULTI: multi_create_instance called" "$1"
}

# Our server, force-cookie or the default, with the reference client and crafted resets.
case_ours()
{
    local mode=$1 name="our server ($1): reference client in, old and 2.6-style resets as 2.6"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" p1 ls="$NL_DIR/case$n-server.log" cl="$NL_DIR/case$n-c1.log" old new want
    local extra=()
    [ "$mode" = force-cookie ] && extra=(force-cookie)
    server "$OPENVPN" "$ls" "${extra[@]}" --verb 4
    nl_wait_init "$ls" "$SRV" 15 || why="server did not initialize"
    client p1 "$C1" "$REF" "$cl"
    [ -z "$why" ] && { nl_wait_init "$cl" "$p1" 20 || why="the reference client did not connect"; }
    [ -z "$why" ] && { nl_ping "$C1" 10.8.0.1 || why="the reference client cannot ping"; }
    [ -z "$why" ] && [ "$(created "$ls")" != 1 ] && why="$(created "$ls") instances for one client"
    [ -z "$why" ] && { grep -q "Control Channel: using tls-crypt-v2 key" "$ls" ||
        why="no tls-crypt-v2 key taken from the client"; }
    new=$(v2_py "$C2" one new)
    [ -z "$why" ] && [ "$new" != "reply 72" ] &&
        why="a 2.6-style reset got '$new', not the 72-byte stateless reply"
    [ -z "$why" ] && [ "$(created "$ls")" != 1 ] && why="a 2.6-style reset created an instance"
    old=$(v2_py "$C2" one old)
    if [ "$mode" = force-cookie ]; then
        want=1
        [ -z "$why" ] && [ "$old" != "no reply" ] && why="force-cookie answered an old client ($old)"
    else
        want=2
        [ -z "$why" ] && [ "$old" != "reply 66" ] &&
            why="an old client got '$old', not a 66-byte stateful reset"
    fi
    [ -z "$why" ] && [ "$(created "$ls")" != "$want" ] &&
        why="$(created "$ls") instances after the old client (expected $want)"
    nl_kill "$p1"
    nl_kill "$SRV"
    nl_result "$name" "$why" "$ls" "$cl"
}

# Forged V3 resets flood our force-cookie server while a real client connects.
case_flood()
{
    local name="our server: forged V3 reset flood creates nothing, a real client gets in"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" p1 fp ls="$NL_DIR/case$n-server.log" cl="$NL_DIR/case$n-c1.log" out sent
    local replies errs
    server "$OPENVPN" "$ls" force-cookie --verb 3
    nl_wait_init "$ls" "$SRV" 15 || why="server did not initialize"
    ip netns exec "$C2" timeout 40 "$NL_PYTHON" -c "$V2_PY" "$NL_DIR/v2c.key" 203.0.113.1 \
        1194 flood 10 >"$NL_DIR/flood.out" 2>&1 &
    fp=$!
    NL_PIDS+=("$fp")
    # the client starts once the flood is under way (its first garbage is logged)
    nl_wait_log "$ls" "can not extract tls-crypt-v2 client key" 10 1 "$SRV" ||
        why="${why:-the flood did not reach the server}"
    client p1 "$C1" "$REF" "$cl"
    [ -z "$why" ] && { nl_wait_init "$cl" "$p1" 20 || why="the real client did not connect during the flood"; }
    [ -z "$why" ] && { nl_ping "$C1" 10.8.0.1 || why="the real client cannot ping"; }
    wait "$fp" 2>/dev/null
    nl_forget "$fp"
    out=$(tail -n 1 "$NL_DIR/flood.out")
    sent=${out%% *}
    replies=${out##* }
    errs=$(grep -c "can not extract tls-crypt-v2 client key" "$ls")
    nl_log "flood: $sent forged resets, $replies stateless replies, $(created "$ls") instance(s), $errs log lines"
    [ -z "$why" ] && [ "${sent:-0}" -lt 1000 ] && why="the flood generator sent only '$out'"
    [ -z "$why" ] && [ "${replies:-0}" -lt 10 ] && why="the replayed valid resets got no stateless replies"
    [ -z "$why" ] && [ "$(created "$ls")" != 1 ] &&
        why="$(created "$ls") instances were created (expected only the real client's)"
    [ -z "$why" ] && [ "$errs" -gt 200 ] && why="$errs log lines for the garbage: not rate-limited"
    [ -z "$why" ] && { nl_alive "$SRV" || why="server died"; }
    nl_kill "$p1"
    nl_kill "$SRV"
    nl_result "$name" "$why" "$ls" "$cl"
}

# The reference server, force-cookie or not, with our client.
case_ref()
{
    local mode=$1 name="reference server ($1): our client resends its WKc, connects, pings"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" p1 ls="$NL_DIR/case$n-server.log" cl="$NL_DIR/case$n-c1.log"
    local extra=()
    [ "$mode" = force-cookie ] && extra=(force-cookie)
    server "$REF" "$ls" "${extra[@]}" --verb 7
    nl_wait_init "$ls" "$SRV" 15 || why="server did not initialize"
    client p1 "$C1" "$OPENVPN" "$cl"
    [ -z "$why" ] && { nl_wait_init "$cl" "$p1" 20 || why="our client did not connect"; }
    [ -z "$why" ] && { nl_ping "$C1" 10.8.0.1 || why="our client cannot ping"; }
    # 2.6 admitted us through the cookie, with the WKc from our WKC_V1
    [ -z "$why" ] && { grep -q "Valid packet (P_CONTROL_WKC_V1) with HMAC challenge" "$ls" ||
        why="the reference did not see our P_CONTROL_WKC_V1 with the cookie"; }
    nl_kill "$p1"
    nl_kill "$SRV"
    nl_result "$name" "$why" "$ls" "$cl"
}

# Both servers with force-cookie at --verb 7 meet an old client: the same line.
case_old_log()
{
    local name="force-cookie and an old client: ours logs what the reference logs"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" bin who ls line="tls-crypt-v2 force-cookie is enabled, ignoring connection attempt from old client ([AF_INET]203.0.113.12:"
    for who in ref ours; do
        bin=$REF
        [ "$who" = ours ] && bin=$OPENVPN
        ls="$NL_DIR/case$n-$who.log"
        server "$bin" "$ls" force-cookie --verb 7
        nl_wait_init "$ls" "$SRV" 15 || why="${why:-$who server did not initialize}"
        [ -z "$why" ] && [ "$(v2_py "$C2" one old)" != "no reply" ] &&
            why="the $who server answered the old client"
        [ -z "$why" ] && { nl_wait_log "$ls" "$line" 5 1 "$SRV" || why="the $who server did not log '$line...)'"; }
        nl_kill "$SRV"
    done
    nl_result "$name" "$why" "$NL_DIR/case$n-ref.log" "$NL_DIR/case$n-ours.log"
}

case_ours force-cookie
case_ours default
case_flood
case_ref force-cookie
case_ref default
case_old_log

echo "t_tls_crypt_v2: $pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 77
exit 0
