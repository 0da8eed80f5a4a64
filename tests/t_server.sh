#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_server.sh -- our --mode server with several reference (2.6)
# clients at once, each in its own namespace on a bridge (203.0.113.0/24):
#   - topology subnet over UDP: three clients get their pool or ccd address,
#     ping the server's tun address, client-to-client ping between two, a
#     ccd iroute makes a subnet behind client3 reachable from the server's
#     side, a checksummed transfer; the --status file (version 2) lists every
#     client with the fields the reference writes;
#   - topology net30: 2.6's /30 addresses (first client 10.8.0.6);
#   - --auth-user-pass-verify (via-file) lets one user in and refuses another
#     with AUTH_FAILED;
#   - a duplicate common name replaces the older session; a full pool
#     refuses the next client with a clear line and the others keep working;
#   - TCP; the stateless cookie against a flood of spoofed resets; the shipped
#     sample server.conf/client.conf; management (client-auth, status, kill);
#     status files v1/v2/v3 against the reference's; a revoked certificate;
#     refused pushed options (our client); server-ipv6 over udp6; tap;
#     client-connect/learn-address/client-disconnect; ccd push-remove,
#     disable, ccd-exclusive; certificate-less clients; --max-clients;
#     --explicit-exit-notify telling clients to reconnect.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_server.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

nl_require
nl_setup server
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
for n in client1 client2 client3 client4; do
    nl_pki_client "$PKI" "$n"
done
pass=0
fail=0
n=0
declare -A CNS
for i in 1 2 3 4; do
    nl_hub_client "CNS[$i]" "c$i" "203.0.113.$((10 + i))"
done

server_common=(--dev tun --proto udp --port 1194 --ca "$PKI/ca.crt" --cert "$PKI/server.crt"
    --key "$PKI/server.key" --dh none --keepalive 10 60 --verb 4 --script-security 2)

# start_client VAR NS CN [EXTRA...]: a reference client in NS with CN's certificate;
# its log is case<n>-c<i>.log after the namespace.
start_client()
{
    local var=$1 ns=$2 cn=$3
    shift 3
    nl_start "$var" "$ns" "$NL_DIR/case$n-${ns##*-}.log" "$REF" --client --dev tun --proto udp \
        --remote 203.0.113.1 1194 --nobind --ca "$PKI/ca.crt" --cert "$PKI/$cn.crt" \
        --key "$PKI/$cn.key" --remote-cert-tls server --verb 4 "$@"
}

# tun_addr NS: the IPv4 address on the namespace's tun0.
tun_addr()
{
    ip -n "$1" -4 -o addr show dev tun0 2>/dev/null | awk '{print $4}' | head -n 1
}

case_subnet()
{
    local name="udp subnet: 3 reference clients, ccd, iroute, client-to-client, status"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 p3 ls="$NL_DIR/case$n-server.log" st="$NL_DIR/status$n.txt"
    local ccd="$NL_DIR/ccd$n" a1 a2 a3
    mkdir -p "$ccd"
    printf 'ifconfig-push 10.8.0.100 255.255.255.0\niroute 10.9.3.0 255.255.255.0\n' \
        >"$ccd/client3"
    # the subnet behind client3 (no dummy module here: an address on lo)
    ip -n "${CNS[3]}" addr add 10.9.3.1/24 dev lo || nl_die "10.9.3.1 on lo"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" \
        --server 10.8.0.0 255.255.255.0 --topology subnet --client-to-client \
        --client-config-dir "$ccd" --route 10.9.3.0 255.255.255.0 \
        --status "$st" 1 --status-version 2
    nl_wait_up "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    start_client p2 "${CNS[2]}" client2
    start_client p3 "${CNS[3]}" client3
    if [ -z "$why" ]; then
        nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"
    fi
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c2.log" "$p2" 20 || why="client2 did not connect"; }
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c3.log" "$p3" 20 || why="client3 did not connect"; }
    if [ -z "$why" ]; then
        a1=$(tun_addr "${CNS[1]}")
        a2=$(tun_addr "${CNS[2]}")
        a3=$(tun_addr "${CNS[3]}")
        case "$a1 $a2" in
            "10.8.0.2/24 10.8.0.3/24" | "10.8.0.3/24 10.8.0.2/24") ;;
            *) why="pool addresses are '$a1' '$a2', expected 10.8.0.2/24 and 10.8.0.3/24" ;;
        esac
        [ -z "$why" ] && [ "$a3" != 10.8.0.100/24 ] && why="ccd address is '$a3', not 10.8.0.100/24"
    fi
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client1 cannot ping the server"; }
    [ -z "$why" ] && { nl_ping "${CNS[3]}" 10.8.0.1 || why="client3 cannot ping the server"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" "${a2%/*}" || why="client-to-client ping failed"; }
    [ -z "$why" ] && { nl_ping "$NL_NS_A" 10.9.3.1 || why="iroute subnet behind client3 unreachable"; }
    [ -z "$why" ] && { nl_xfer "${CNS[2]}" "$NL_NS_A" 10.8.0.1 5 || why="transfer failed"; }
    if [ -z "$why" ]; then
        sleep 1.5
        grep -q '^HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,Client ID,Peer ID,Data Channel Cipher$' "$st" ||
            why="status file has no 2.6 CLIENT_LIST header"
        for c in client1 client2 client3; do
            [ -z "$why" ] || break
            awk -F, -v c="$c" '$1 == "CLIENT_LIST" && $2 == c && NF == 13 && $3 ~ /^203\.0\.113\.1[1-3]:[0-9]+$/ && $4 ~ /^10\.8\.0\./ && $10 == "UNDEF" && $13 == "AES-256-GCM" {ok = 1} END {exit !ok}' "$st" ||
                why="status file: no complete CLIENT_LIST line for $c"
        done
        [ -z "$why" ] && { grep -q '^ROUTING_TABLE,10.9.3.0/24,client3,' "$st" || why="status file lacks the iroute"; }
        [ -z "$why" ] && { grep -q '^END$' "$st" || why="status file has no END"; }
    fi
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$p3"
    nl_kill "$ps"
    ip -n "${CNS[3]}" addr del 10.9.3.1/24 dev lo 2>/dev/null
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log" "$NL_DIR/case$n-c3.log"
}

case_net30()
{
    local name="udp net30: 2.6's /30 addresses, ping"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 ls="$NL_DIR/case$n-server.log" a1 a2
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --explicit-exit-notify 1
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    start_client p2 "${CNS[2]}" client2
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c2.log" "$p2" 20 || why="client2 did not connect"; }
    if [ -z "$why" ]; then
        a1=$(ip -n "${CNS[1]}" -4 -o addr show dev tun0 | awk '{print $4 " " $6}')
        a2=$(ip -n "${CNS[2]}" -4 -o addr show dev tun0 | awk '{print $4 " " $6}')
        [ "$a1" = "10.8.0.6 10.8.0.5/32" ] || why="client1 got '$a1', expected 10.8.0.6 peer 10.8.0.5"
        [ -z "$why" ] && [ "$a2" != "10.8.0.10 10.8.0.9/32" ] && why="client2 got '$a2', expected 10.8.0.10 peer 10.8.0.9"
    fi
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client1 cannot ping the server"; }
    [ -z "$why" ] && { nl_ping "${CNS[2]}" 10.8.0.1 || why="client2 cannot ping the server"; }
    # --explicit-exit-notify: a stopping server tells its clients to reconnect
    nl_kill "$ps"
    [ -z "$why" ] && { nl_wait_log "$NL_DIR/case$n-c1.log" "SIGUSR1[soft,server-pushed-connection-reset] received" 10 ||
        why="client1 was not told to reconnect when the server stopped"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

case_auth()
{
    local name="auth-user-pass-verify via-file: alice in, bob AUTH_FAILED; auth-gen-token renegotiation"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 ls="$NL_DIR/case$n-server.log" v="$NL_DIR/verify.sh"
    printf '#!/bin/sh\n{ read -r u; read -r p; } < "$1"\n[ "$u" = alice ] && [ "$p" = "right pw" ]\n' >"$v"
    chmod 755 "$v"
    printf 'alice\nright pw\n' >"$NL_DIR/alice.pw"
    printf 'bob\nwrong\n' >"$NL_DIR/bob.pw"
    chmod 600 "$NL_DIR/alice.pw" "$NL_DIR/bob.pw"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --auth-user-pass-verify "$v" via-file --auth-gen-token
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    # alice renegotiates every 8 s with the pushed token as her password
    start_client p1 "${CNS[1]}" client1 --auth-user-pass "$NL_DIR/alice.pw" --reneg-sec 8
    start_client p2 "${CNS[2]}" client2 --auth-user-pass "$NL_DIR/bob.pw"
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="alice did not connect"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="alice cannot ping the server"; }
    [ -z "$why" ] && { nl_wait_log "$NL_DIR/case$n-c2.log" "AUTH_FAILED" 20 || why="bob was not told AUTH_FAILED"; }
    [ -z "$why" ] && grep -q "Initialization Sequence Completed" "$NL_DIR/case$n-c2.log" && why="bob connected"
    [ -z "$why" ] && { grep -q "client2/.*Auth Username/Password verification failed" "$ls" || why="no refusal line in the server log"; }
    [ -z "$why" ] && { nl_wait_log "$NL_DIR/case$n-c1.log" "Outgoing Data Channel: Cipher" 25 3 "$p1" ||
        why="alice did not renegotiate twice with her auth-token"; }
    [ -z "$why" ] && grep -q "client1/.*\(verification failed\|auth-token authentication failed\)" "$ls" && why="alice's token was refused"
    [ -z "$why" ] && { grep -q "SENT CONTROL \[client1\]: 'PUSH_REPLY,auth-token SESS_ID_AT_" "$ls" ||
        why="no renewed auth-token after a token renegotiation"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="alice cannot ping after renegotiating"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c2.log"
}

case_dup_pool()
{
    local name="duplicate common name replaces the old session; full pool refuses the next client"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 p3 ls="$NL_DIR/case$n-server.log"
    # a /29 subnet pool: 10.8.0.2 .. 10.8.0.6, limited to two with --ifconfig-pool
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --mode server --tls-server \
        --topology subnet --ifconfig 10.8.0.1 255.255.255.0 --ifconfig-pool 10.8.0.2 10.8.0.3 \
        --push "route-gateway 10.8.0.1" --push "topology subnet"
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    # the same certificate again from another namespace: the first session is dropped
    start_client p2 "${CNS[2]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c2.log" "$p2" 20 || why="second client1 did not connect"; }
    [ -z "$why" ] && { nl_wait_log "$ls" "will cause previous active sessions by this client to be dropped" 10 || why="no duplicate-cn line"; }
    nl_kill "$p1" # the replaced client would otherwise come back and replace the newer one
    [ -z "$why" ] && { nl_ping "${CNS[2]}" 10.8.0.1 || why="the newer client1 cannot ping"; }
    start_client p3 "${CNS[3]}" client3
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c3.log" "$p3" 20 || why="client3 did not connect"; }
    if [ -z "$why" ]; then
        # pool has two addresses: client1 (newer) and client3 hold them; client2 is refused
        start_client p1 "${CNS[1]}" client2
        nl_wait_log "$ls" "no free --ifconfig-pool addresses are available" 20 || why="no pool-full line"
        [ -z "$why" ] && { nl_ping "${CNS[3]}" 10.8.0.1 || why="client3 stopped working"; }
        nl_kill "$p1"
    fi
    nl_kill "$p2"
    nl_kill "$p3"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls"
}

case_tcp()
{
    local name="tcp subnet: 2 reference clients, ping, client-to-client, transfer"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 ls="$NL_DIR/case$n-server.log" a2
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]/udp/tcp-server}" \
        --server 10.8.0.0 255.255.255.0 --topology subnet --client-to-client
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1 --proto tcp-client
    start_client p2 "${CNS[2]}" client2 --proto tcp-client
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c2.log" "$p2" 20 || why="client2 did not connect"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client1 cannot ping the server"; }
    a2=$(tun_addr "${CNS[2]}")
    [ -z "$why" ] && { nl_ping "${CNS[1]}" "${a2%/*}" || why="client-to-client ping failed"; }
    [ -z "$why" ] && { nl_xfer "$NL_NS_A" "${CNS[2]}" "${a2%/*}" 5 || why="transfer to client2 failed"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

# Forged client resets from many source ports: the 2.6 stateless cookie
# answers them without creating a client; a real client still gets in.
FLOOD_PY='
import os, socket, sys, time
target, secs = sys.argv[1], float(sys.argv[2])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(32)]
end = time.monotonic() + secs
sent = 0
while time.monotonic() < end:
    # opcode 7 (HARD_RESET_CLIENT_V2), key 0, random session id, no ACKs, message id 0
    pkt = bytes([7 << 3]) + os.urandom(8) + b"\x00" + b"\x00\x00\x00\x00"
    try:
        socks[sent % 32].sendto(pkt, (target, 1194))
    except OSError:
        pass
    sent += 1
    if sent % 100 == 0:
        time.sleep(0.005)
print(sent)
'

case_flood()
{
    local name="spoofed reset flood: no client state, a real client still connects"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 fp ls="$NL_DIR/case$n-server.log" created sent
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --verb 3
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    ip netns exec "${CNS[2]}" timeout 30 "$NL_PYTHON" -c "$FLOOD_PY" 203.0.113.1 12 \
        >"$NL_DIR/flood.out" 2>&1 &
    fp=$!
    NL_PIDS+=("$fp")
    sleep 2
    start_client p1 "${CNS[1]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="the real client did not connect during the flood"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="the real client cannot ping"; }
    wait "$fp" 2>/dev/null
    nl_forget "$fp"
    sent=$(tail -n 1 "$NL_DIR/flood.out")
    created=$(grep -c "MULTI: multi_create_instance called" "$ls")
    nl_log "flood: $sent forged resets, $created client instance(s) created"
    [ -z "$why" ] && [ "${sent:-0}" -lt 1000 ] && why="the flood generator sent only '${sent}' packets"
    [ -z "$why" ] && [ "$created" -ne 1 ] && why="$created instances were created (expected only the real client's)"
    [ -z "$why" ] && { nl_alive "$ps" || why="server died"; }
    nl_kill "$p1"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

# The management client: answers client-auth for client1 (with a pushed
# route) and client-deny for client2, then runs status/kill/load-stats.
MGMT_PY='
import socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for i in range(50):
    try:
        s.connect(path)
        break
    except OSError:
        time.sleep(0.2)
s.settimeout(1)
buf = b""
def lines(until, secs=30):
    global buf
    end = time.monotonic() + secs
    got = []
    while time.monotonic() < end:
        while b"\n" in buf:
            l, buf = buf.split(b"\n", 1)
            l = l.decode().rstrip("\r")
            got.append(l)
            print("<", l, flush=True)
            if until(l):
                return got
        try:
            d = s.recv(4096)
            if not d:
                return got
            buf += d
        except socket.timeout:
            pass
    return got
def cmd(c, until=lambda l: l.startswith(("SUCCESS", "ERROR", "END"))):
    print(">", c.split("\n")[0], flush=True)
    s.sendall((c + "\n").encode())
    return lines(until)
lines(lambda l: l.startswith(">INFO:OpenVPN Management Interface"))
cmd("version")
seen = {}
while len(seen) < 2:
    got = lines(lambda l: l == ">CLIENT:ENV,END", 40)
    if not got:
        break
    cid = kid = cn = None
    for l in got:
        if l.startswith(">CLIENT:CONNECT,"):
            cid, kid = l.split(",")[1:3]
        if l.startswith(">CLIENT:ENV,common_name="):
            cn = l.split("=", 1)[1]
    if cid is None or cn in seen:
        continue
    seen[cn] = cid
    if cn == "client1":
        cmd("client-auth %s %s\npush \"route 10.77.0.0 255.255.0.0\"\nEND" % (cid, kid))
    else:
        cmd("client-deny %s %s \"not today\" \"go away\"" % (cid, kid))
time.sleep(3)
cmd("status 2")
cmd("load-stats")
cmd("bytecount 1")
lines(lambda l: l.startswith(">BYTECOUNT_CLI:"), 5)
cmd("bytecount 0")
cmd("kill client1")
cmd("kill nosuch")
cmd("quit", until=lambda l: False)
'

case_manage()
{
    local name="management: client-auth/client-deny, status 2, load-stats, bytecount, kill"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 mp ls="$NL_DIR/case$n-server.log" out="$NL_DIR/mgmt$n.out"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --management "$NL_DIR/mgmt.sock" unix --management-client-auth
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    ip netns exec "$NL_NS_A" timeout 90 "$NL_PYTHON" -c "$MGMT_PY" "$NL_DIR/mgmt.sock" >"$out" 2>&1 &
    mp=$!
    NL_PIDS+=("$mp")
    # notifications go to a connected management client only
    [ -z "$why" ] && { nl_wait_log "$ls" "MANAGEMENT: Client connected" 10 || why="management client did not connect"; }
    start_client p1 "${CNS[1]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 30 || why="client1 was not let in by client-auth"; }
    start_client p2 "${CNS[2]}" client2
    [ -z "$why" ] && { nl_wait_log "$NL_DIR/case$n-c2.log" "AUTH_FAILED,go away" 30 || why="client2 was not refused with the client reason"; }
    [ -z "$why" ] && { grep -q "PUSH_REPLY,.*route 10.77.0.0 255.255.0.0" "$NL_DIR/case$n-c1.log" || why="client-auth's push line did not reach client1"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client1 cannot ping"; }
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    if [ -z "$why" ]; then
        grep -q '^< OpenVPN Version: OpenVPN 2.6' "$out" || why="no version reply"
        [ -z "$why" ] && { grep -q '^< CLIENT_LIST,client1,203.0.113.11:[0-9]*,10.8.0.2,' "$out" || why="status 2 lacks client1"; }
        [ -z "$why" ] && { grep -q '^< SUCCESS: nclients=1,bytesin=[0-9]*,bytesout=[0-9]*$' "$out" || why="load-stats reply wrong"; }
        [ -z "$why" ] && { grep -q '^< >BYTECOUNT_CLI:[0-9]*,[0-9]*,[0-9]*$' "$out" || why="no >BYTECOUNT_CLI notification"; }
        [ -z "$why" ] && { grep -q "^< SUCCESS: common name 'client1' found, 1 client(s) killed" "$out" || why="kill client1 reply wrong"; }
        [ -z "$why" ] && { grep -q "^< ERROR: common name 'nosuch' not found" "$out" || why="kill nosuch reply wrong"; }
        [ -z "$why" ] && { grep -q "MULTI: connection rejected by management interface: not today" "$ls" || why="no rejection line in the server log"; }
    fi
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$out"
}

# Reduce a status file to its shape: counters, times and ports become
# placeholders, the build-specific TITLE line is dropped.
STATUS_SHAPE_PY='
import re, sys
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith(("TITLE", "Updated")) or line.startswith("TITLE\t"):
        line = line.split(",")[0].split("\t")[0]
    line = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "<time>", line)
    line = re.sub(r":\d+(?=[,\t])", ":<port>", line)
    line = re.sub(r"(?<=[,\t])\d{6,}(?=[,\t]|$)", "<n>", line)
    line = re.sub(r"(?<=[,\t])\d+(?=[,\t]|$)", "<n>", line)
    print(line)
'

case_status_ref()
{
    local name="status files v1/v2/v3 have the reference's shape, field by field"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    local v bin tag why="" ps p1 ls
    for v in 1 2 3; do
        for bin in "$REF" "$OPENVPN"; do
            n=$((n + 1))
            tag=ours
            [ "$bin" = "$REF" ] && tag=ref
            ls="$NL_DIR/case$n-server.log"
            nl_start ps "$NL_NS_A" "$ls" "$bin" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
                --topology subnet --status "$NL_DIR/st-$tag-$v.txt" 1 --status-version "$v" \
                --auth-user-pass-verify /bin/true via-env
            nl_wait_init "$ls" "$ps" 15 || why="$tag server did not initialize"
            printf 'alice\npw\n' >"$NL_DIR/u.pw"
            chmod 600 "$NL_DIR/u.pw"
            start_client p1 "${CNS[1]}" client1 --auth-user-pass "$NL_DIR/u.pw"
            [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client did not connect to the $tag server"; }
            [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="no ping through the $tag server"; }
            sleep 2.5
            "$NL_PYTHON" -c "$STATUS_SHAPE_PY" "$NL_DIR/st-$tag-$v.txt" >"$NL_DIR/shape-$tag-$v.txt" 2>&1
            nl_kill "$p1"
            nl_kill "$ps"
        done
        if [ -z "$why" ] && ! diff -u "$NL_DIR/shape-ref-$v.txt" "$NL_DIR/shape-ours-$v.txt" >"$NL_DIR/shape-$v.diff"; then
            why="version $v differs from the reference"
            cat "$NL_DIR/shape-$v.diff"
        fi
    done
    nl_result "$name" "$why" "$ls"
}

# The shipped sample/sample-config-files/server.conf and client.conf work
# with each other as they are (state files redirected to the test dir).
case_samples()
{
    local srv=$1 cli=$2 name="shipped server.conf + client.conf: $3"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 ls="$NL_DIR/case$n-server.log" lc="$NL_DIR/case$n-client.log"
    local conf="$SRC/sample/sample-config-files"
    nl_start ps "$NL_NS_A" "$ls" "$srv" --cd "$conf" --config server.conf \
        --status "$NL_DIR/sample-status.txt" --ifconfig-pool-persist "$NL_DIR/ipp.txt"
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    nl_start p1 "$NL_NS_B" "$lc" "$cli" --cd "$conf" --config client.conf
    [ -z "$why" ] && { nl_wait_init "$lc" "$p1" 20 || why="client did not connect"; }
    [ -z "$why" ] && { nl_ping "$NL_NS_B" 10.8.0.1 || why="client cannot ping the server"; }
    nl_kill "$p1"
    nl_kill "$ps"
    [ -z "$why" ] && { grep -q '^test-only-client,10.8.0.2,' "$NL_DIR/ipp.txt" 2>/dev/null ||
        why="ifconfig-pool-persist file not written as 2.6 does"; }
    nl_result "$name" "$why" "$ls" "$lc"
}

# A CRL revoking client2's certificate, made with `openssl ca -gencrl` from
# an index that lists it as revoked.
make_crl()
{
    local d="$PKI/crl" serial end now
    mkdir -p "$d" && echo 1000 >"$d/crlnumber" || nl_die "crl dir"
    serial=$(openssl x509 -in "$PKI/client2.crt" -noout -serial | cut -d= -f2)
    end=$(date -u -d "$(openssl x509 -in "$PKI/client2.crt" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
    now=$(date -u +%y%m%d%H%M%SZ)
    printf 'R\t%s\t%s\t%s\tunknown\t/CN=client2\n' "$end" "$now" "$serial" >"$d/index.txt"
    printf '[ ca ]\ndefault_ca = test\n[ test ]\ndatabase = %s\ncrlnumber = %s\ncertificate = %s\nprivate_key = %s\ndefault_md = sha256\ndefault_crl_days = 2\n' \
        "$d/index.txt" "$d/crlnumber" "$PKI/ca.crt" "$PKI/ca.key" >"$d/ca.cnf"
    openssl ca -config "$d/ca.cnf" -gencrl -out "$PKI/crl.pem" >/dev/null 2>&1 || nl_die "openssl ca -gencrl"
}

case_revoked()
{
    local name="revoked client certificate refused (--crl-verify), others connect"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 ls="$NL_DIR/case$n-server.log"
    make_crl
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --crl-verify "$PKI/crl.pem"
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    start_client p2 "${CNS[2]}" client2
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && { nl_wait_log "$ls" "VERIFY ERROR: depth=0, error=certificate revoked" 20 || why="no revocation line"; }
    [ -z "$why" ] && grep -q "Initialization Sequence Completed" "$NL_DIR/case$n-c2.log" && why="the revoked client connected"
    [ -z "$why" ] && grep -q "MULTI: Learn: .* -> client2/" "$ls" && why="the revoked client got an address"
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client1 cannot ping"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls"
}

# Our client and our server: a pushed option a client may not take is
# refused with 2.6's line, a malformed pushed route is skipped, the rest works.
case_bad_push()
{
    local name="ours/ours: disallowed and malformed pushed options refused, tunnel works"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 ls="$NL_DIR/case$n-server.log" lc="$NL_DIR/case$n-c1.log"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --push "script-security 3" --push "route 10.66.0.0 not-a-mask" \
        --push "route 10.67.0.0 255.255.0.0"
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    nl_start p1 "${CNS[1]}" "$lc" "$OPENVPN" --client --dev tun --proto udp --remote 203.0.113.1 1194 \
        --nobind --ca "$PKI/ca.crt" --cert "$PKI/client1.crt" --key "$PKI/client1.key" \
        --remote-cert-tls server --verb 4
    [ -z "$why" ] && { nl_wait_init "$lc" "$p1" 20 || why="our client did not connect"; }
    [ -z "$why" ] && { grep -q "Options error: option 'script-security' cannot be used in this context (\[PUSH-OPTIONS\])" "$lc" ||
        why="no refusal line for the pushed script-security"; }
    [ -z "$why" ] && { ip -n "${CNS[1]}" route show 10.67.0.0/16 | grep -q tun0 || why="the good pushed route is missing"; }
    [ -z "$why" ] && ip -n "${CNS[1]}" route show | grep -q '^10\.66\.' && why="the malformed route was installed"
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="no ping"; }
    nl_kill "$p1"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$lc"
}

# Dual stack inside the tunnel (--server-ipv6) over an IPv6 transport.
case_ipv6()
{
    local name="server-ipv6 over udp6: 2.6's IPv6 pool addresses, ping6, client-to-client, ccd ifconfig-ipv6-push and iroute-ipv6, status"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 p3 ls="$NL_DIR/case$n-server.log" st="$NL_DIR/status$n.txt" a1 a2
    local ccd="$NL_DIR/ccd6-$n"
    mkdir -p "$ccd"
    printf 'ifconfig-ipv6-push 2001:db8:8::99/64\niroute-ipv6 2001:db8:99::/64\n' >"$ccd/client3"
    ip -n "${CNS[3]}" -6 addr add 2001:db8:99::1/64 dev lo nodad || nl_die "2001:db8:99::1 on lo"
    for i in 1 2 3; do
        ip -n "${CNS[$i]}" -6 addr add "2001:db8:203::$((10 + i))/64" dev veth0 nodad 2>/dev/null
    done
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]/udp/udp6}" \
        --server 10.8.0.0 255.255.255.0 --server-ipv6 2001:db8:8::/64 --topology subnet \
        --client-to-client --status "$st" 1 --status-version 2 --client-config-dir "$ccd" \
        --route-ipv6 2001:db8:99::/64
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1 --proto udp6 --remote 2001:db8:203::1 1194
    start_client p2 "${CNS[2]}" client2 --proto udp6 --remote 2001:db8:203::1 1194
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c2.log" "$p2" 20 || why="client2 did not connect"; }
    if [ -z "$why" ]; then
        a1=$(ip -n "${CNS[1]}" -6 -o addr show dev tun0 scope global | awk '{print $4}')
        a2=$(ip -n "${CNS[2]}" -6 -o addr show dev tun0 scope global | awk '{print $4}')
        case "$a1 $a2" in
            "2001:db8:8::1000/64 2001:db8:8::1001/64" | "2001:db8:8::1001/64 2001:db8:8::1000/64") ;;
            *) why="IPv6 pool addresses are '$a1' '$a2', expected 2001:db8:8::1000 and ::1001" ;;
        esac
    fi
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 2001:db8:8::1 || why="client1 cannot ping6 the server"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" "${a2%/*}" || why="client-to-client ping6 failed"; }
    [ -z "$why" ] && { nl_ping "${CNS[2]}" 10.8.0.1 || why="client2 cannot ping over IPv4"; }
    start_client p3 "${CNS[3]}" client3 --proto udp6 --remote 2001:db8:203::1 1194
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c3.log" "$p3" 20 || why="client3 did not connect"; }
    [ -z "$why" ] && { ip -n "${CNS[3]}" -6 -o addr show dev tun0 scope global | grep -q '2001:db8:8::99/64' ||
        why="ccd ifconfig-ipv6-push not applied"; }
    [ -z "$why" ] && { nl_ping "$NL_NS_A" 2001:db8:99::1 || why="iroute-ipv6 network behind client3 unreachable"; }
    if [ -z "$why" ]; then
        sleep 1.5
        awk -F, '$1 == "CLIENT_LIST" && $5 ~ /^2001:db8:8::100[01]$/ {n++} END {exit n != 2}' "$st" ||
            why="status file lacks the Virtual IPv6 Address column values"
    fi
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$p3"
    nl_kill "$ps"
    ip -n "${CNS[3]}" -6 addr del 2001:db8:99::1/64 dev lo 2>/dev/null
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

# A tap server: clients learn MAC addresses through the server.
case_tap()
{
    local name="tap server: two reference clients ping the server and each other"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 ls="$NL_DIR/case$n-server.log" a2
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]/tun/tap}" \
        --server 10.8.0.0 255.255.255.0 --client-to-client
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1 --dev tap
    start_client p2 "${CNS[2]}" client2 --dev tap
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c2.log" "$p2" 20 || why="client2 did not connect"; }
    a2=$(ip -n "${CNS[2]}" -4 -o addr show dev tap0 2>/dev/null | awk '{print $4}')
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client1 cannot ping the server over tap"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" "${a2%/*}" || why="client-to-client over tap failed ('$a2')"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

# --client-connect writes a dynamic config (a push and an ifconfig-push that
# take effect), --learn-address sees add/delete, --client-disconnect gets the
# byte counts.
case_scripts()
{
    local name="client-connect dynamic config, learn-address, client-disconnect environment"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 ls="$NL_DIR/case$n-server.log" sd="$NL_DIR/scripts$n"
    mkdir -p "$sd"
    printf '#!/bin/sh\nenv > %s/connect.env\nprintf "push \\"route 10.55.0.0 255.255.0.0\\"\\nifconfig-push 10.8.0.77 255.255.255.0\\n" > "$1"\n' "$sd" >"$sd/connect.sh"
    printf '#!/bin/sh\necho "$1 $2 $3" >> %s/learn.log\n' "$sd" >"$sd/learn.sh"
    printf '#!/bin/sh\nenv > %s/disconnect.env\n' "$sd" >"$sd/disconnect.sh"
    chmod 755 "$sd"/*.sh
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --client-connect "$sd/connect.sh" --learn-address "$sd/learn.sh" \
        --client-disconnect "$sd/disconnect.sh"
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && [ "$(tun_addr "${CNS[1]}")" != 10.8.0.77/24 ] && why="client-connect's ifconfig-push not applied ($(tun_addr "${CNS[1]}"))"
    [ -z "$why" ] && { ip -n "${CNS[1]}" route show 10.55.0.0/16 | grep -q tun0 || why="client-connect's push not applied"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="no ping"; }
    [ -z "$why" ] && { grep -q '^common_name=client1$' "$sd/connect.env" && grep -q '^script_type=client-connect$' "$sd/connect.env" &&
        grep -q '^untrusted_ip=203.0.113.11$' "$sd/connect.env" && grep -q '^IV_VER=' "$sd/connect.env" ||
        why="client-connect environment incomplete"; }
    [ -z "$why" ] && { grep -q '^add 10.8.0.77 client1$' "$sd/learn.log" || why="no learn-address add"; }
    nl_kill "$p1"
    sleep 1
    nl_kill "$ps"
    [ -z "$why" ] && { grep -q '^delete 10.8.0.77' "$sd/learn.log" || why="no learn-address delete"; }
    [ -z "$why" ] && { grep -q '^bytes_received=[1-9]' "$sd/disconnect.env" && grep -q '^bytes_sent=[1-9]' "$sd/disconnect.env" &&
        grep -q '^time_duration=' "$sd/disconnect.env" || why="client-disconnect environment incomplete"; }
    nl_result "$name" "$why" "$ls"
}

# ccd rules: push-remove (a prefix of the option text, as 2.6), disable, --ccd-exclusive.
case_ccd_rules()
{
    local name="ccd push-remove, push-reset, disable, ccd-exclusive"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 p3 p4 ls="$NL_DIR/case$n-server.log" ccd="$NL_DIR/ccd-rules$n"
    mkdir -p "$ccd"
    printf 'push-remove "route 10.44"\npush "route 10.45.0.0 255.255.0.0"\n' >"$ccd/client1"
    printf 'disable\n' >"$ccd/client2"
    # push-reset drops the global push list; what the client needs comes back from the file
    printf 'push-reset\npush "route-gateway 10.8.0.1"\npush "topology subnet"\n' >"$ccd/client4"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --client-config-dir "$ccd" --ccd-exclusive \
        --push "route 10.44.0.0 255.255.0.0" --push "route 10.46.0.0 255.255.0.0"
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    start_client p2 "${CNS[2]}" client2
    start_client p3 "${CNS[3]}" client3
    start_client p4 "${CNS[4]}" client4
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && { grep -q "PUSH_REPLY,route 10.46.0.0 255.255.0.0,.*route 10.45.0.0 255.255.0.0" "$NL_DIR/case$n-c1.log" ||
        why="client1's push list is not global-minus-removed plus its own"; }
    [ -z "$why" ] && grep -q "route 10.44.0.0" "$NL_DIR/case$n-c1.log" && why="push-remove did not remove the route"
    [ -z "$why" ] && { nl_wait_log "$NL_DIR/case$n-c2.log" "AUTH_FAILED" 20 || why="disabled client2 was not refused"; }
    [ -z "$why" ] && { grep -q "client2/.*client has been rejected due to 'disable' directive" "$ls" || why="no disable line"; }
    [ -z "$why" ] && { nl_wait_log "$NL_DIR/case$n-c3.log" "AUTH_FAILED" 20 || why="client3 without a ccd file was not refused"; }
    [ -z "$why" ] && { grep -q "client-config-dir authentication failed for common name 'client3'" "$ls" || why="no ccd-exclusive line"; }
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c4.log" "$p4" 20 || why="client4 (push-reset) did not connect"; }
    [ -z "$why" ] && grep -q "PUSH_REPLY.*route 10.4[46]" "$NL_DIR/case$n-c4.log" && why="push-reset left global pushes"
    [ -z "$why" ] && { nl_ping "${CNS[4]}" 10.8.0.1 || why="client4 cannot ping"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$p3"
    nl_kill "$p4"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls"
}

# No client certificate: --verify-client-cert none, --username-as-common-name.
case_nocert()
{
    local mode=$1 name="verify-client-cert $1 with username-as-common-name: status shows the user"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 ls="$NL_DIR/case$n-server.log" st="$NL_DIR/status$n.txt" lc="$NL_DIR/case$n-c1.log"
    printf 'carol\nx\n' >"$NL_DIR/carol.pw"
    chmod 600 "$NL_DIR/carol.pw"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --verify-client-cert "$mode" --username-as-common-name \
        --auth-user-pass-verify /bin/true via-env --status "$st" 1 --status-version 2
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    nl_start p1 "${CNS[1]}" "$lc" "$REF" --client --dev tun --proto udp --remote 203.0.113.1 1194 \
        --nobind --ca "$PKI/ca.crt" --remote-cert-tls server --auth-user-pass "$NL_DIR/carol.pw" --verb 4
    [ -z "$why" ] && { nl_wait_init "$lc" "$p1" 20 || why="certificate-less client did not connect"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="no ping"; }
    sleep 1.5
    [ -z "$why" ] && { grep -q '^CLIENT_LIST,carol,203.0.113.11:[0-9]*,10.8.0.2,.*,carol,' "$st" || why="status does not show carol as the common name"; }
    nl_kill "$p1"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$lc"
}

# --max-clients 2: the third is refused, the first two keep working.
case_max_clients()
{
    local name="max-clients 2: the third client is refused, the others keep working"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 p3 ls="$NL_DIR/case$n-server.log"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --max-clients 2
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    start_client p2 "${CNS[2]}" client2
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c2.log" "$p2" 20 || why="client2 did not connect"; }
    start_client p3 "${CNS[3]}" client3
    [ -z "$why" ] && { nl_wait_log "$ls" "MULTI: new incoming connection would exceed maximum number of clients (2)" 15 ||
        why="no max-clients line"; }
    [ -z "$why" ] && grep -q "Initialization Sequence Completed" "$NL_DIR/case$n-c3.log" && why="client3 connected"
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 && nl_ping "${CNS[2]}" 10.8.0.1 || why="the first two stopped working"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$p3"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls"
}

# topology p2p: the client's address and peer as the reference server gives them.
case_p2p_topology()
{
    local name="topology p2p: same client address/peer as the reference server, ping"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    local why="" ps p1 ls bin tag a_ref="" a_ours=""
    for bin in "$REF" "$OPENVPN"; do
        n=$((n + 1))
        tag=ours
        [ "$bin" = "$REF" ] && tag=ref
        ls="$NL_DIR/case$n-server.log"
        nl_start ps "$NL_NS_A" "$ls" "$bin" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
            --topology p2p
        nl_wait_init "$ls" "$ps" 15 || why="$tag server did not initialize"
        start_client p1 "${CNS[1]}" client1
        [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client did not connect to the $tag server"; }
        [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="no ping through the $tag server"; }
        if [ "$tag" = ref ]; then
            a_ref=$(ip -n "${CNS[1]}" -4 -o addr show dev tun0 | awk '{print $4 " " $6}')
        else
            a_ours=$(ip -n "${CNS[1]}" -4 -o addr show dev tun0 | awk '{print $4 " " $6}')
        fi
        nl_kill "$p1"
        nl_kill "$ps"
    done
    [ -z "$why" ] && [ "$a_ref" != "$a_ours" ] && why="client address '$a_ours', the reference gives '$a_ref'"
    [ -z "$why" ] && [ -z "$a_ours" ] && why="no client address"
    nl_result "$name" "$why" "$ls"
}

# --connect-freq 1 20: one new client per 20 s; the second is turned away.
case_connect_freq()
{
    local name="connect-freq 1 20: a second new client within the window is refused"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 p2 ls="$NL_DIR/case$n-server.log"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --connect-freq 1 20
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    start_client p2 "${CNS[2]}" client2
    [ -z "$why" ] && sleep 6
    [ -z "$why" ] && grep -q "Initialization Sequence Completed" "$NL_DIR/case$n-c2.log" && why="client2 got in within the window"
    [ -z "$why" ] && { grep -q "would exceed new connection frequency limit as controlled by --connect-freq" "$ls" || why="no connect-freq line"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client1 stopped working"; }
    nl_kill "$p1"
    nl_kill "$p2"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls"
}

# Float: the client's packets start coming from another address (its route's
# preferred source changes); an authenticated data packet moves it (§9.7).
case_float()
{
    local name="float: a client whose source address changes keeps working"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 ls="$NL_DIR/case$n-server.log" st="$NL_DIR/status$n.txt"
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
        --topology subnet --status "$st" 1 --status-version 2
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    start_client p1 "${CNS[1]}" client1
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="no ping before the move"; }
    ip -n "${CNS[1]}" addr add 203.0.113.111/24 dev veth0 &&
        ip -n "${CNS[1]}" route replace 203.0.113.0/24 dev veth0 src 203.0.113.111 || nl_die "float setup"
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="no ping after the move"; }
    [ -z "$why" ] && { nl_wait_log "$ls" "floated from 203.0.113.11:" 10 || why="no float line"; }
    sleep 1.5
    [ -z "$why" ] && { grep -q '^CLIENT_LIST,client1,203.0.113.111:' "$st" || why="status does not show the new address"; }
    nl_kill "$p1"
    nl_kill "$ps"
    ip -n "${CNS[1]}" route replace 203.0.113.0/24 dev veth0 src 203.0.113.11 2>/dev/null
    ip -n "${CNS[1]}" addr del 203.0.113.111/24 dev veth0 2>/dev/null
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

# --server-bridge: a tap server whose device address belongs to a bridge
# (here set by hand); clients get addresses from the given range.
case_server_bridge()
{
    local name="server-bridge: tap clients get the bridge range, ping the bridge address"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 ls="$NL_DIR/case$n-server.log" a1
    nl_start ps "$NL_NS_A" "$ls" "$OPENVPN" "${server_common[@]/tun/tap}" \
        --server-bridge 10.8.0.1 255.255.255.0 10.8.0.50 10.8.0.60
    nl_wait_init "$ls" "$ps" 15 || why="server did not initialize"
    ip -n "$NL_NS_A" addr add 10.8.0.1/24 dev tap0 2>/dev/null
    ip -n "$NL_NS_A" link set tap0 up 2>/dev/null
    start_client p1 "${CNS[1]}" client1 --dev tap
    [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
    a1=$(ip -n "${CNS[1]}" -4 -o addr show dev tap0 2>/dev/null | awk '{print $4}')
    [ -z "$why" ] && [ "$a1" != 10.8.0.50/24 ] && why="client got '$a1', expected 10.8.0.50/24"
    [ -z "$why" ] && { grep -q "PUSH_REPLY,route-gateway 10.8.0.1" "$NL_DIR/case$n-c1.log" || why="no route-gateway pushed"; }
    [ -z "$why" ] && { nl_ping "${CNS[1]}" 10.8.0.1 || why="client cannot ping the bridge address"; }
    nl_kill "$p1"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

# syn_mss NS DEV: start a sniffer printing the MSS option of the first TCP
# SYN on DEV (to port 9) into $NL_DIR/mss.out; its PID in SNIFF_PID.
syn_mss_start()
{
    rm -f "$NL_DIR/mss.out"
    nl_start SNIFF_PID "$1" "$NL_DIR/mss.out" timeout 20 "$NL_PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind((sys.argv[1], 0))
print("ready", flush=True)
while True:
    p = s.recv(65535)
    if len(p) < 40 or p[9] != 6:
        continue
    t = (p[0] & 15) * 4
    if p[t + 2:t + 4] != b"\x00\x09" or not p[t + 13] & 2:
        continue
    o, end = t + 20, t + (p[t + 12] >> 4) * 4
    while o < end and p[o] != 0:
        if p[o] == 2:
            print("mss", p[o + 2] << 8 | p[o + 3], flush=True)
            sys.exit(0)
        o += 1 if p[o] == 1 else max(p[o + 1], 2)' "$2"
    nl_wait_log "$NL_DIR/mss.out" ready 10 1 "$SNIFF_PID"
}

case_mss()
{
    local name="--mssfix default: SYNs through a server are clamped both ways with the client's cipher, as 2.6 does"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps p1 ls bin dir mss=() SNIFF_PID
    for bin in "$REF" "$OPENVPN"; do
        [ -n "$why" ] && break
        ls="$NL_DIR/case$n-server-${#mss[@]}.log"
        nl_start ps "$NL_NS_A" "$ls" "$bin" "${server_common[@]}" --server 10.8.0.0 255.255.255.0 \
            --topology subnet
        nl_wait_init "$ls" "$ps" 15 || why="server $bin did not initialize"
        start_client p1 "${CNS[1]}" client1 --mssfix 0 # the client itself leaves SYNs alone
        [ -z "$why" ] && { nl_wait_init "$NL_DIR/case$n-c1.log" "$p1" 20 || why="client1 did not connect"; }
        # client -> server's tun, then server's tun -> client
        for dir in "${CNS[1]} $NL_NS_A 10.8.0.1" "$NL_NS_A ${CNS[1]} 10.8.0.2"; do
            set -- $dir
            [ -z "$why" ] || break
            syn_mss_start "$2" tun0 || why="the sniffer did not start"
            ip netns exec "$1" timeout 5 "$NL_PYTHON" -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], 9), timeout=2)
except OSError:
    pass' "$3" 2>/dev/null
            nl_wait_log "$NL_DIR/mss.out" "mss " 10 1 || why="no SYN to $3 reached its tun ($bin server)"
            mss+=("$(awk '/^mss /{print $2}' "$NL_DIR/mss.out")")
            nl_kill "$SNIFF_PID"
        done
        nl_kill "$p1"
        nl_kill "$ps"
    done
    if [ -z "$why" ]; then
        [ "${mss[0]}" -lt 1460 ] && [ "${mss[1]}" -lt 1460 ] ||
            why="2.6 did not clamp (MSS ${mss[0]} ${mss[1]}): the test is wrong"
        [ -z "$why" ] && [ "${mss[2]}" != "${mss[0]}" ] &&
            why="client->server: our server gave MSS ${mss[2]}; 2.6 clamps to ${mss[0]}"
        [ -z "$why" ] && [ "${mss[3]}" != "${mss[1]}" ] &&
            why="server->client: our server gave MSS ${mss[3]}; 2.6 clamps to ${mss[1]}"
    fi
    nl_result "$name" "$why" "$ls" "$NL_DIR/case$n-c1.log"
}

case_samples "$OPENVPN" "$OPENVPN" "ours with ours"
case_samples "$OPENVPN" "$REF" "our server, reference client"
case_subnet
case_tcp
case_flood
case_net30
case_auth
case_dup_pool
case_manage
case_status_ref
case_revoked
case_bad_push
case_ipv6
case_tap
case_scripts
case_ccd_rules
case_nocert none
case_nocert optional
case_max_clients
case_p2p_topology
case_connect_freq
case_float
case_server_bridge
case_mss

echo "$pass passed, $fail failed"
[ "$n" -gt 0 ] || { echo "no case matched '$FILTER'"; exit 99; }
[ "$fail" -eq 0 ]
