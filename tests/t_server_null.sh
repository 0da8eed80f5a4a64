#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_server_null.sh -- two servers and three --dev null clients, in the
# spirit of OpenVPN's own loopback server suite, run once with our binary in
# every role and once with the reference in every role (same expectations):
#   - server 1: UDP with --tls-auth, server 2: TCP; each with --management on
#     a unix socket and --writepid;
#   - clients 1 (to server 1) and 2 (to server 2): --dev null
#     --ifconfig-noexec --route-noexec --writepid, an --up script that records
#     its arguments and environment and leaves a flag; the test then asks each
#     server's management interface for `status 2` (the client is listed) and
#     stops the clients;
#   - client 3 trusts another CA: it refuses the server, never runs --up and
#     ends itself (--tls-exit);
#   - the pid files hold the daemons' pids while they run and are gone after
#     they stopped; the environment names --up saw are the same for both
#     binaries.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_server_null.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup srvnull
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_pki_client "$PKI" client2
nl_pki "$NL_DIR/other" # a CA the servers do not use
nl_keyfile "$NL_DIR/ta.key"
pass=0
fail=0

# make_up DIR NAME: an --up script (2.6 gives scripts only its own
# environment, so the name is in the script): records what the daemon
# passes and leaves a flag.
make_up()
{
    cat >"$1/up-$2.sh" <<EOF
#!/bin/sh
echo "\$*" >"$1/up-$2.args"
env | sort >"$1/up-$2.env"
: >"$1/up-$2.flag"
EOF
    chmod 755 "$1/up-$2.sh"
}

MGMT_PY='
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
buf = b""
end = time.monotonic() + 10
sent = False
while time.monotonic() < end and b"\nEND" not in buf:
    try:
        d = s.recv(4096)
    except socket.timeout:
        break
    if not d:
        break
    buf += d
    if not sent and b">INFO:" in buf:
        s.sendall(b"status 2\r\n")
        sent = True
print(buf.decode(errors="replace"))
'

# mgmt_status SOCKET: the management interface's `status 2` answer.
mgmt_status()
{
    ip netns exec "$NL_NS_A" timeout 15 "$NL_PYTHON" -c "$MGMT_PY" "$1" 2>&1
}

# run_all BIN LABEL: every role with BIN.
run_all()
{
    local bin=$1 label=$2 d="$NL_DIR/$2" why="" s1 s2 c1 c2 c3 st i
    mkdir -p "$d"
    for i in c1 c2 c3; do
        make_up "$d" "$i"
    done
    local common=(--dev tun --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key"
        --dh none --verb 3 --topology subnet --keepalive 10 60 --push "route 10.50.0.0 255.255.0.0")
    nl_start s1 "$NL_NS_A" "$d/s1.log" "$bin" "${common[@]}" --server 10.61.0.0 255.255.255.0 \
        --proto udp --port 1194 --tls-auth "$NL_DIR/ta.key" 0 \
        --management "$d/s1.sock" unix --writepid "$d/s1.pid"
    nl_start s2 "$NL_NS_A" "$d/s2.log" "$bin" "${common[@]}" --server 10.62.0.0 255.255.255.0 \
        --proto tcp-server --port 1195 --management "$d/s2.sock" unix --writepid "$d/s2.pid"
    nl_wait_init "$d/s1.log" "$s1" 20 || why="server 1 did not start"
    [ -z "$why" ] && { nl_wait_init "$d/s2.log" "$s2" 20 || why="server 2 did not start"; }
    local cc=(--client --dev null --ifconfig-noexec --route-noexec --nobind --verb 3
        --remote-cert-tls server --script-security 2)
    if [ -z "$why" ]; then
        nl_start c1 "$NL_NS_B" "$d/c1.log" "$bin" "${cc[@]}" --up "$d/up-c1.sh" \
            --remote "$NL_A_V4" 1194 --proto udp --tls-auth "$NL_DIR/ta.key" 1 \
            --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" --writepid "$d/c1.pid"
        nl_start c2 "$NL_NS_B" "$d/c2.log" "$bin" "${cc[@]}" --up "$d/up-c2.sh" \
            --remote "$NL_A_V4" 1195 --proto tcp-client \
            --ca "$PKI/ca.crt" --cert "$PKI/client2.crt" --key "$PKI/client2.key" --writepid "$d/c2.pid"
        nl_start c3 "$NL_NS_B" "$d/c3.log" "$bin" "${cc[@]}" --up "$d/up-c3.sh" \
            --remote "$NL_A_V4" 1194 --proto udp --tls-auth "$NL_DIR/ta.key" 1 --tls-exit \
            --ca "$NL_DIR/other/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
            --writepid "$d/c3.pid"
        for i in c1 c2; do
            [ -z "$why" ] || break
            nl_wait_log "$d/$i.log" "Initialization Sequence Completed" 30 || why="$i did not connect"
            [ -z "$why" ] && { [ -f "$d/up-$i.flag" ] || why="$i ran no --up"; }
        done
    fi
    if [ -z "$why" ]; then
        grep -Eq '^null 1500 0 10\.61\.0\.[0-9]+ 255\.255\.255\.0 init$' "$d/up-c1.args" ||
            why="client 1 --up arguments: '$(cat "$d/up-c1.args")'"
        [ -z "$why" ] && ! grep -Eq '^null 1500 0 10\.62\.0\.[0-9]+ 255\.255\.255\.0 init$' "$d/up-c2.args" &&
            why="client 2 --up arguments: '$(cat "$d/up-c2.args")'"
        for i in dev=null dev_type=null script_type=up route_network_1=10.50.0.0 \
            route_netmask_1=255.255.0.0 route_gateway_1=10.61.0.1 common_name=server \
            "daemon_pid=$(cat "$d/c1.pid" 2>/dev/null)"; do
            [ -z "$why" ] || break
            grep -qx -- "$i" "$d/up-c1.env" || why="client 1 --up environment lacks $i"
        done
        [ -z "$why" ] && ! grep -q '^ifconfig_local=10\.61\.0\.' "$d/up-c1.env" && why="no ifconfig_local"
    fi
    if [ -z "$why" ]; then
        st=$(mgmt_status "$d/s1.sock")
        echo "$st" | grep -q '^CLIENT_LIST,client,' || why="server 1 management status lacks client 1"
        st=$(mgmt_status "$d/s2.sock")
        [ -z "$why" ] && { echo "$st" | grep -q '^CLIENT_LIST,client2,' || why="server 2 management status lacks client 2"; }
        [ -z "$why" ] && echo "$st" | grep -q '^CLIENT_LIST,client,' && why="server 2 lists client 1"
    fi
    if [ -z "$why" ]; then
        for i in s1:"$s1" s2:"$s2" c1:"$c1" c2:"$c2"; do
            [ "$(cat "$d/${i%%:*}.pid" 2>/dev/null)" = "${i#*:}" ] || { why="${i%%:*}.pid does not hold its pid"; break; }
        done
    fi
    # client 3 refused the server's certificate and ended itself
    if [ -z "$why" ]; then
        for ((i = 0; i < 200; i++)); do
            nl_alive "$c3" || break
            sleep 0.1
        done
        nl_alive "$c3" && why="client 3 (wrong CA) is still running"
        [ -z "$why" ] && { grep -q "VERIFY ERROR" "$d/c3.log" || why="client 3 logged no VERIFY ERROR"; }
        [ -z "$why" ] && [ -e "$d/up-c3.flag" ] && why="client 3 ran --up"
        [ -z "$why" ] && [ -e "$d/c3.pid" ] && why="client 3 left its pid file"
    fi
    nl_kill "$c1"
    nl_kill "$c2"
    nl_kill "$c3"
    nl_kill "$s1"
    nl_kill "$s2"
    for i in s1 s2 c1 c2; do
        [ -z "$why" ] || break
        [ -e "$d/$i.pid" ] && why="$i left its pid file after SIGTERM"
    done
    nl_result "$label in every role: --dev null clients, up scripts, management status, pid files" \
        "$why" "$d/s1.log" "$d/s2.log" "$d/c1.log" "$d/c3.log"
}

run_all "$OPENVPN" ours
run_all "$REF" reference
# the same environment names for --up, whichever binary
why=""
for d in ours reference; do
    [ -s "$NL_DIR/$d/up-c1.env" ] || why="no --up environment from $d"
done
if [ -z "$why" ]; then
    diff <(sed 's/=.*//' "$NL_DIR/ours/up-c1.env") <(sed 's/=.*//' "$NL_DIR/reference/up-c1.env") \
        >"$NL_DIR/env.diff" 2>&1 || why="differ: $(tr '\n' ' ' <"$NL_DIR/env.diff")"
fi
nl_result "--up environment names: ours as the reference's" "$why"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
