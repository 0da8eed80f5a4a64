#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_auth_gen_token.sh -- --auth-gen-token [lifetime] [renewal-time]
# [external-auth] on a --mode server (doc/protocol.md §8.5).  Every case runs
# once with our server and once with the reference server, each with a
# reference client that renegotiates with its pushed token, and asserts the
# same observable result for both:
#   - external-auth with --auth-user-pass-verify: the script runs for the
#     first connection (session_state=Initial) and for every token
#     renegotiation (Authenticated, then Expired once the lifetime is over,
#     all with one session_id), and its answer decides: accepting the
#     expired token keeps the client, refusing a token fails it with
#     AUTH_FAILED;
#   - without external-auth the token alone authenticates the
#     renegotiations and a reconnect (the script runs once), with 2.6's log
#     line, and an
#     expired token is refused with "AUTH_FAILED,SESSION: token expired";
#   - external-auth with --management-client-auth: >CLIENT:CONNECT and
#     >CLIENT:REAUTH carry session_state and session_id, client-auth lets
#     the renegotiation through and a renewed token is pushed;
#   - a renewal time shorter than --reneg-sec pushes fresh tokens on its own.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_auth_gen_token.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup agt
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
nl_hub_client C1 c1 203.0.113.11
pass=0
fail=0
n=0
printf 'alice\nright pw\n' >"$NL_DIR/alice.pw"
chmod 600 "$NL_DIR/alice.pw"

# The verify script (via-file): one line per call into $1.calls ("user state sid"), then
# the policy in $1.policy: "token-ok" accepts the password or an
# Authenticated/Expired token, "no-token" accepts only the password.
cat >"$NL_DIR/verify.sh" <<'EOF'
#!/bin/sh
log=$(dirname "$0")/verify
{ read -r u; read -r p; } <"$1"
echo "$u ${session_state:-none} ${session_id:-none}" >>"$log.calls"
[ "$u" = alice ] || exit 1
[ "$p" = "right pw" ] && exit 0
case "$(cat "$log.policy"):$session_state" in
    token-ok:Authenticated | token-ok:Expired) exit 0 ;;
esac
exit 1
EOF
chmod 755 "$NL_DIR/verify.sh"

server_args=(--mode server --tls-server --dev tun --proto udp --port 1194 --ca "$PKI/ca.crt"
    --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --topology subnet
    --server 10.8.0.0 255.255.255.0 --keepalive 10 60 --verb 4 --script-security 2)

# server BIN LOG EXTRA...; client LOG EXTRA... (reference client, alice's password)
server()
{
    local bin=$1 log=$2
    shift 2
    nl_start SRV "$NL_NS_A" "$log" "$bin" "${server_args[@]}" "$@"
}
client()
{
    local log=$1
    shift
    nl_start CLI "$C1" "$log" "$REF" --client --dev tun --proto udp --remote 203.0.113.1 1194 \
        --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
        --remote-cert-tls server --auth-user-pass "$NL_DIR/alice.pw" --verb 4 "$@"
}

# which OURS|REF
which_bin()
{
    [ "$1" = ours ] && echo "$OPENVPN" || echo "$REF"
}

calls()
{
    cat "$NL_DIR/verify.calls" 2>/dev/null
}

# The states the script saw, in order, and whether one session id ran through.
states()
{
    awk '{print $2}' "$NL_DIR/verify.calls" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}
one_session()
{
    [ "$(awk '{print $3}' "$NL_DIR/verify.calls" | sort -u | wc -l)" = 1 ] &&
        ! grep -q " none$" "$NL_DIR/verify.calls"
}

# script_pair WHO POLICY RENEG SERVER_EXTRA...: a server (WHO) with the verify
# script under POLICY, then the client (--reneg-sec RENEG, none if 0); sets
# the caller's why, ls and cl (bash's dynamic scope) and waits for both.
script_pair()
{
    local who=$1 policy=$2 reneg=$3 creneg=()
    shift 3
    ls="$NL_DIR/case$n-server.log" cl="$NL_DIR/case$n-client.log"
    rm -f "$NL_DIR/verify.calls"
    echo "$policy" >"$NL_DIR/verify.policy"
    server "$(which_bin "$who")" "$ls" --auth-user-pass-verify "$NL_DIR/verify.sh" via-file "$@"
    nl_wait_init "$ls" "$SRV" 15 || why="server did not initialize"
    [ "$reneg" != 0 ] && creneg=(--reneg-sec "$reneg")
    client "$cl" "${creneg[@]}"
    [ -z "$why" ] && { nl_wait_init "$cl" "$CLI" 20 || why="the client did not connect"; }
}

# case_end NAME: stop both daemons and report (the caller's why, ls, cl)
case_end()
{
    nl_kill "$CLI"
    nl_kill "$SRV"
    nl_result "$1" "$why" "$ls" "$cl"
}

# external-auth, the script refuses tokens: the first renegotiation fails.
case_external_refuses()
{
    local who=$1 name="$1 server: external-auth script refusing the token fails the client"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ls cl
    script_pair "$who" no-token 4 --auth-gen-token 0 external-auth
    [ -z "$why" ] && { nl_wait_log "$cl" "AUTH_FAILED" 25 1 || why="no AUTH_FAILED after the refused token"; }
    [ -z "$why" ] && { grep -q "^alice Authenticated " "$NL_DIR/verify.calls" ||
        why="the script never saw the token ($(states))"; }
    case_end "$name"
}

# No external-auth: the script only once; the token alone afterwards.
case_token_alone()
{
    local who=$1 name="$1 server: without external-auth the token alone renegotiates"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ls cl
    script_pair "$who" no-token 4 --auth-gen-token
    [ -z "$why" ] && { nl_wait_log "$ls" "TLS: Username/auth-token authentication succeeded for username 'alice'" 25 2 "$SRV" ||
        why="no two token renegotiations in the server log"; }
    [ -z "$why" ] && [ "$(states)" != "Initial" ] && why="the script ran as '$(states)', expected once (Initial)"
    [ -z "$why" ] && { nl_ping "$C1" 10.8.0.1 || why="no ping after the renegotiations"; }
    # a reconnect (SIGUSR1) with the token is a new client that the token lets in
    kill -USR1 "$CLI" 2>/dev/null
    [ -z "$why" ] && { nl_wait_init "$cl" "$CLI" 20 2 || why="the client did not reconnect"; }
    [ -z "$why" ] && [ "$(states)" != "Initial" ] && why="the reconnect ran the script ('$(states)')"
    [ -z "$why" ] && { nl_ping "$C1" 10.8.0.1 || why="no ping after the reconnect"; }
    case_end "$name"
}

# A lifetime of 6 s, renegotiations every 4 s: the first token renegotiation
# is Authenticated, the second presents an expired token.
case_expired()
{
    local who=$1 mode=$2 name="$1 server: expired token with $2"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ls cl st extra=()
    [ "$mode" = external-auth ] && extra=(external-auth)
    script_pair "$who" token-ok 4 --auth-gen-token 6 "${extra[@]}"
    if [ "$mode" = external-auth ]; then
        [ -z "$why" ] && { nl_wait_log "$NL_DIR/verify.calls" "Expired" 30 1 "$SRV" ||
            why="the script never saw an expired token ($(states))"; }
        st=$(states)
        [ -z "$why" ] && case "$st" in "Initial Authenticated Expired"*) ;;
            *) why="session_state sequence '$st'" ;; esac
        [ -z "$why" ] && { one_session || why="the session id did not survive: $(calls | tr '\n' ';')"; }
        [ -z "$why" ] && grep -q "AUTH_FAILED" "$cl" && why="the accepted expired token failed the client"
        [ -z "$why" ] && { nl_ping "$C1" 10.8.0.1 || why="no ping after the renegotiations"; }
    else
        [ -z "$why" ] && { nl_wait_log "$cl" "AUTH_FAILED,SESSION: token expired" 30 1 ||
            why="no 'AUTH_FAILED,SESSION: token expired' for the expired token"; }
        [ -z "$why" ] && { grep -q "TLS: Username/auth-token authentication failed for username 'alice'" "$ls" ||
            why="no refusal line in the server log"; }
    fi
    case_end "$name"
}

# external-auth with --management-client-auth: CONNECT and REAUTH carry the state.
MGMT_PY='
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for i in range(50):
    try:
        s.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.2)
s.settimeout(1)
buf, env, end = b"", {}, time.monotonic() + 40
answered = 0
while time.monotonic() < end and answered < 3:
    try:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    except socket.timeout:
        continue
    while b"\n" in buf:
        l, buf = buf.split(b"\n", 1)
        l = l.decode().rstrip("\r")
        if l.startswith((">CLIENT:CONNECT,", ">CLIENT:REAUTH,")):
            kind, cid, kid = l[8:].split(",")[0:3]
            env = {}
        elif l.startswith(">CLIENT:ENV,") and "=" in l:
            k, v = l[12:].split("=", 1)
            env[k] = v
        elif l == ">CLIENT:ENV,END" and kind:
            print(kind, env.get("session_state", "none"), env.get("session_id", "none"), flush=True)
            s.sendall(("client-auth-nt %s %s\n" % (cid, kid)).encode())
            answered += 1
            kind = None
'

case_management()
{
    local who=$1 name="$1 server: external-auth with management client-auth"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ls="$NL_DIR/case$n-server.log" cl="$NL_DIR/case$n-client.log" mp
    local out="$NL_DIR/mgmt$n.out" sock="$NL_DIR/mgmt$n.sock" seq
    server "$(which_bin "$who")" "$ls" --management "$sock" unix --management-client-auth \
        --auth-gen-token 0 external-auth
    nl_wait_init "$ls" "$SRV" 15 || why="server did not initialize"
    ip netns exec "$NL_NS_A" timeout 60 "$NL_PYTHON" -c "$MGMT_PY" "$sock" >"$out" 2>&1 &
    mp=$!
    NL_PIDS+=("$mp")
    nl_wait_log "$ls" "MANAGEMENT: Client connected" 10 || why="${why:-management client did not connect}"
    client "$cl" --reneg-sec 4
    [ -z "$why" ] && { nl_wait_init "$cl" "$CLI" 20 || why="the client did not connect"; }
    [ -z "$why" ] && { nl_wait_log "$out" "REAUTH Authenticated" 25 2 "$mp" ||
        why="no two REAUTH with session_state=Authenticated: $(tr '\n' ';' <"$out")"; }
    seq=$(awk '{print $1 ":" $2}' "$out" | tr '\n' ' ')
    [ -z "$why" ] && case "$seq" in "CONNECT:Initial REAUTH:Authenticated REAUTH:Authenticated"*) ;;
        *) why="management saw '$seq'" ;; esac
    [ -z "$why" ] && [ "$(awk '{print $3}' "$out" | sort -u | wc -l)" != 1 ] &&
        why="session_id changed: $(tr '\n' ';' <"$out")"
    [ -z "$why" ] && grep -q " none$" "$out" && why="no session_id"
    [ -z "$why" ] && { nl_ping "$C1" 10.8.0.1 || why="no ping after the renegotiations"; }
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    nl_kill "$CLI"
    nl_kill "$SRV"
    nl_result "$name" "$why" "$ls" "$out" "$cl"
}

# renewal time 10 s < --reneg-sec: a fresh token is pushed without a renegotiation.
case_renewal()
{
    local who=$1 name="$1 server: renewal time shorter than reneg-sec pushes fresh tokens"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ls cl
    script_pair "$who" no-token 0 --auth-gen-token 0 10 --hand-window 5
    # the client logs each PUSH_REPLY it gets; the renewal is one of its own
    [ -z "$why" ] && { nl_wait_log "$cl" "PUSH: Received control message: 'PUSH_REPLY,auth-token" 20 1 "$CLI" ||
        why="no token pushed on its own within 20 s"; }
    [ -z "$why" ] && grep -q "Outgoing Data Channel: Cipher.*" "$cl" &&
        [ "$(grep -c "Outgoing Data Channel: Cipher" "$cl")" -gt 1 ] && why="a renegotiation happened"
    case_end "$name"
}

for who in ours ref; do
    case_external_refuses "$who"
    case_token_alone "$who"
    case_expired "$who" external-auth
    case_expired "$who" "no external-auth"
    case_management "$who"
    case_renewal "$who"
done

echo "t_auth_gen_token: $pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 77
exit 0
