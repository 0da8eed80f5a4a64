#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_client.sh -- our daemon as a pull client (--client) of the
# REFERENCE 2.6 server (doc/protocol.md §8).
#
#   ns A: reference server 198.51.100.1, --server 10.8.0.0/24 (server tun 10.8.0.1)
#   ns B: our client 198.51.100.2
#
# Cases: udp4 topology subnet and tcp4 net30 (pushed address, ping to the
# server's tun address, XFER_MB MiB with matching sha256, pushed route in the
# table); --auth-user-pass against --auth-user-pass-verify (right password
# connects, wrong one logs AUTH_FAILED and exits); --pull-filter ignore keeps
# a pushed route out of the table; pushed redirect-gateway def1 installs the
# two /1 routes.  Each case starts and stops its own daemons.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_client.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup clnt
FILTER=${1:-}
XFER_MB=${XFER_MB:-5}
CLIENT_MODE=${CLIENT_MODE:---client} # "--pull --tls-client" is the long form
PKI="$NL_DIR/pki"
nl_pki "$PKI"

# the verify script accepts exactly alice/secret
cat >"$NL_DIR/verify.sh" <<'EOF'
#!/bin/sh
u=$(sed -n 1p "$1")
p=$(sed -n 2p "$1")
[ "$u" = alice ] && [ "$p" = secret ]
EOF
chmod 755 "$NL_DIR/verify.sh"

pass=0
fail=0
n=0
SRV=""
CLI=""

# start_server LOG EXTRA...: the reference server in ns A.
start_server()
{
    local log=$1
    shift
    nl_start SRV "$NL_NS_A" "$log" "$REF" --server 10.8.0.0 255.255.255.0 --dev tun \
        --local "$NL_A_V4" --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
        --dh none --keepalive 10 60 --verb 3 "$@"
}

# start_client LOG EXTRA...: our client in ns B.
start_client()
{
    local log=$1
    shift
    # shellcheck disable=SC2086  # CLIENT_MODE is a word list on purpose
    nl_start CLI "$NL_NS_B" "$log" "$OPENVPN" $CLIENT_MODE --dev tun --remote "$NL_A_V4" \
        --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
        --remote-cert-tls server --nobind --connect-retry 1 1 --verb ${CLIENT_VERB:-3} "$@"
}

stop_all()
{
    # SHOW_LOGS=1: print the last client log even when the case passed
    [ -n "${SHOW_LOGS:-}" ] && nl_show_log "$NL_DIR/cli-$n.log" 80
    [ -n "$CLI" ] && nl_kill "$CLI" >/dev/null 2>&1
    [ -n "$SRV" ] && nl_kill "$SRV" >/dev/null 2>&1
    CLI=""
    SRV=""
}

selected()
{
    case "$1" in *"$FILTER"*) return 0 ;; esac
    return 1
}

# case_traffic NAME SERVER_PROTO CLIENT_PROTO TOPOLOGY WANT_ADDR
case_traffic()
{
    local name=$1 sproto=$2 cproto=$3 topo=$4 want=$5 why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    start_server "$slog" --proto "$sproto" --topology "$topo" \
        --push "route 10.99.0.0 255.255.255.0" --push "dhcp-option DNS 10.8.0.1"
    nl_wait_up "$slog" "$SRV" 10 || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto "$cproto" --up "$NL_DIR/up.sh" \
        --script-security 2
    if [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20; then
        why="client did not complete initialization"
    fi
    if [ -z "$why" ]; then
        grep -qF "PUSH: Received control message: 'PUSH_REPLY," "$clog" ||
            why="no 'PUSH: Received control message' line"
    fi
    if [ -z "$why" ] && ! ip -n "$NL_NS_B" -4 addr show dev tun0 | grep -qF "inet $want"; then
        why="tun0 does not have $want"
    fi
    if [ -z "$why" ] && ! ip -n "$NL_NS_B" route show 10.99.0.0/24 | grep -q "dev tun0"; then
        why="pushed route 10.99.0.0/24 missing"
    fi
    if [ -z "$why" ] && ! grep -q "^foreign_option_1=dhcp-option DNS 10.8.0.1$" "$NL_DIR/up.env"; then
        why="--up did not see foreign_option_1"
    fi
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="ping 10.8.0.1 failed"
    [ -z "$why" ] && ! nl_xfer "$NL_NS_B" "$NL_NS_A" 10.8.0.1 "$XFER_MB" && why="transfer failed"
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# case_auth NAME PASSWORD EXPECT(ok|fail)
case_auth()
{
    local name=$1 pw=$2 expect=$3 why="" slog clog i
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    printf 'alice\n%s\n' "$pw" >"$NL_DIR/up-$n.txt"
    chmod 600 "$NL_DIR/up-$n.txt"
    start_server "$slog" --proto udp4 --topology subnet --script-security 2 \
        --auth-user-pass-verify "$NL_DIR/verify.sh" via-file
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4 --auth-user-pass "$NL_DIR/up-$n.txt"
    if [ -z "$why" ] && [ "$expect" = ok ]; then
        nl_wait_init "$clog" "$CLI" 20 || why="client did not complete initialization"
        [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="ping 10.8.0.1 failed"
    elif [ -z "$why" ]; then
        nl_wait_log "$clog" "AUTH: Received control message: AUTH_FAILED" 20 1 "$CLI" ||
            why="no AUTH_FAILED line"
        for ((i = 0; i < 50; i++)); do
            nl_alive "$CLI" || break
            sleep 0.1
        done
        if [ -z "$why" ] && nl_alive "$CLI"; then
            why="client still running after AUTH_FAILED"
        fi
        [ -z "$why" ] && ! grep -qF "SIGTERM[soft,auth-failure] received, process exiting" "$clog" &&
            why="no 2.6 exit line"
    fi
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

case_pull_filter()
{
    local name="pull-filter ignore keeps a pushed route out" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    start_server "$slog" --proto udp4 --topology subnet \
        --push "route 10.99.0.0 255.255.255.0" --push "route 10.98.0.0 255.255.255.0"
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4 --pull-filter ignore "route 10.99."
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    if [ -z "$why" ] && ip -n "$NL_NS_B" route show 10.99.0.0/24 | grep -q .; then
        why="filtered route 10.99.0.0/24 is in the table"
    fi
    if [ -z "$why" ] && ! ip -n "$NL_NS_B" route show 10.98.0.0/24 | grep -q "dev tun0"; then
        why="unfiltered route 10.98.0.0/24 missing"
    fi
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

case_redirect()
{
    local name="redirect-gateway def1 installs the /1 routes" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    # a default route to redirect away from (the server itself is on-link)
    ip -n "$NL_NS_B" route replace default via "$NL_A_V4" dev veth0
    start_server "$slog" --proto udp4 --topology subnet --push "redirect-gateway def1 bypass-dhcp"
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    if [ -z "$why" ]; then
        ip -n "$NL_NS_B" route show 0.0.0.0/1 | grep -q "via 10.8.0.1 dev tun0" ||
            why="0.0.0.0/1 via 10.8.0.1 missing"
        ip -n "$NL_NS_B" route show 128.0.0.0/1 | grep -q "via 10.8.0.1 dev tun0" ||
            why="${why:+$why, }128.0.0.0/1 via 10.8.0.1 missing"
        ip -n "$NL_NS_B" route show "$NL_A_V4/32" | grep -q "via $NL_A_V4" ||
            why="${why:+$why, }host route to the server missing"
    fi
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="ping 10.8.0.1 failed"
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
    if ip -n "$NL_NS_B" route show 0.0.0.0/1 | grep -q .; then
        nl_result "redirect-gateway routes removed at exit" "0.0.0.0/1 still present"
    else
        nl_result "redirect-gateway routes removed at exit" ""
    fi
    ip -n "$NL_NS_B" route del default 2>/dev/null
}

case_restart()
{
    local name="SIGUSR1: tun down, routes gone, new push cycle" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    start_server "$slog" --proto udp4 --topology subnet --push "route 10.99.0.0 255.255.255.0"
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    if [ -z "$why" ]; then
        kill -USR1 "$CLI"
        nl_wait_log "$clog" "Initialization Sequence Completed" 30 2 "$CLI" ||
            why="no second initialization after SIGUSR1"
    fi
    if [ -z "$why" ]; then
        grep -qF "Closing TUN/TAP interface" "$clog" || why="tun not closed on restart"
        [ "$(grep -c "PUSH: Received control message" "$clog")" -ge 2 ] || why="no second push"
        # the first push's route must not be applied twice
        [ "$(ip -n "$NL_NS_B" route show 10.99.0.0/24 | wc -l)" = 1 ] || why="route count wrong"
        grep -qi "route.*exists\|ERROR" "$clog" && why="errors after restart"
    fi
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="ping 10.8.0.1 failed after restart"
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# --explicit-exit-notify with the server's "protocol-flags cc-exit" (we
# announce IV_PROTO_CC_EXIT_NOTIFY): SIGTERM sends "EXIT" on the control
# channel, and the reference server drops the client at once (with DCO this
# is the only way, userspace sends no data packets there).
case_exit_notify()
{
    local name="explicit-exit-notify over the control channel (cc-exit)" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    start_server "$slog" --proto udp4 --topology subnet --verb 4
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4 --explicit-exit-notify 1
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    if [ -z "$why" ]; then
        grep -q "PUSH_REPLY,.*protocol-flags cc-exit" "$clog" || why="server did not push cc-exit"
        nl_kill "$CLI" TERM >/dev/null 2>&1
        CLI=""
        nl_wait_log "$slog" "CC-EEN exit message received by peer" 5 ||
            why="the server got no EXIT on the control channel"
        [ -z "$why" ] && ! nl_wait_log "$slog" "SIGTERM[soft,delayed-exit] received, client-instance exiting" 10 &&
            why="the server did not drop the client after its exit notification"
    fi
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# Renegotiation after 5 s: the token the server pushed is our password now
# (the verify script would refuse anything else but alice/secret, so a
# refused token would show as AUTH_FAILED); the tunnel keeps working.
case_reneg_token()
{
    local name="reneg-sec 5 with auth-gen-token: token re-sent, tunnel stays" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    printf 'alice\nsecret\n' >"$NL_DIR/up-$n.txt"
    chmod 600 "$NL_DIR/up-$n.txt"
    start_server "$slog" --proto udp4 --topology subnet --script-security 2 \
        --auth-user-pass-verify "$NL_DIR/verify.sh" via-file --auth-gen-token
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4 --auth-user-pass "$NL_DIR/up-$n.txt" \
        --reneg-sec 5
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    if [ -z "$why" ]; then
        grep -qF "auth-tokenSESS_ID" "$clog" || why="auth-token not masked in the log"
        grep -q "SESS_ID_AT_" "$clog" && why="auth-token leaked into the log"
        # the renegotiation authenticated with the token, not the password
        nl_wait_log "$slog" "Username/auth-token authentication succeeded" 20 1 "$SRV" ||
            why="${why:+$why, }the renegotiation did not use the auth-token"
        # the 2.6 server re-pushes a fresh token after a renegotiation, but it
        # queues it until something else wakes that client's instance, so it
        # often comes seconds later -- its own 2.6 client sees the same (tried
        # with OPENVPN=/usr/sbin/openvpn); reported, not failed
        nl_wait_log "$clog" "PUSH: Received control message" 15 2 "$CLI" ||
            nl_log "note: no auth-token refresh seen after renegotiation"
    fi
    [ -z "$why" ] && grep -qF "AUTH_FAILED" "$clog" && why="AUTH_FAILED during renegotiation"
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="ping 10.8.0.1 failed after renegotiation"
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# No server at all: --server-poll-timeout restarts, --connect-retry-max ends
# the process with 2.6's line and exit status, for ours and the reference.
case_retry_max()
{
    local name="connect-retry-max 2: exits like the reference" why="" bin log rc i tag
    selected "$name" || return 0
    for tag in ref ours; do
        n=$((n + 1))
        log="$NL_DIR/cli-$n.log"
        bin=$OPENVPN
        [ "$tag" = ref ] && bin=$REF
        nl_start CLI "$NL_NS_B" "$log" "$bin" --client --dev tun --remote "$NL_A_V4" \
            --proto udp4 --nobind --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
            --key "$PKI/client.key" --verb 3 --connect-retry 1 1 --connect-retry-max 2 \
            --server-poll-timeout 2
        for ((i = 0; i < 300; i++)); do
            nl_alive "$CLI" || break
            sleep 0.1
        done
        if nl_alive "$CLI"; then
            why="${why:+$why; }$tag still running after 30 s"
            continue
        fi
        { wait "$CLI"; } 2>/dev/null
        rc=$?
        nl_forget "$CLI"
        CLI=""
        eval "rc_$tag=$rc"
        grep -qF "All connections have been connect-retry-max (2) times unsuccessful, exiting" \
            "$log" || why="${why:+$why; }$tag: no connect-retry-max line"
    done
    # shellcheck disable=SC2154  # set by eval above
    [ -z "$why" ] && [ "$rc_ref" != "$rc_ours" ] && why="exit status $rc_ours, reference $rc_ref"
    nl_result "$name" "$why" "$NL_DIR/cli-$((n - 1)).log" "$NL_DIR/cli-$n.log"
}

cat >"$NL_DIR/up.sh" <<EOF
#!/bin/sh
env | sort >"$NL_DIR/up.env"
EOF
chmod 755 "$NL_DIR/up.sh"

# <connection> blocks: the first names a port nobody answers on, so after
# --server-poll-timeout the client moves to the second, which connects;
# --route-nopull keeps the pushed route out while the rest applies.
case_connections()
{
    local name="connection blocks with server-poll-timeout; route-nopull" why="" slog clog conf
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    conf="$NL_DIR/conn-$n.conf"
    printf '<connection>\nremote %s 1195 udp4\nserver-poll-timeout 3\n</connection>\n<connection>\nremote %s 1194 udp4\n</connection>\n' \
        "$NL_A_V4" "$NL_A_V4" >"$conf"
    start_server "$slog" --proto udp4 --topology subnet --push "route 10.97.0.0 255.255.255.0"
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    # shellcheck disable=SC2086  # CLIENT_MODE is a word list on purpose
    [ -z "$why" ] && nl_start CLI "$NL_NS_B" "$clog" "$OPENVPN" $CLIENT_MODE --dev tun --config "$conf" \
        --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
        --remote-cert-tls server --nobind --connect-retry 1 1 --verb 3 --route-nopull
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 40 && why="client did not reach the second connection"
    [ -z "$why" ] && { grep -q "1195" "$clog" || why="the first connection was not tried"; }
    [ -z "$why" ] && ip -n "$NL_NS_B" route show 10.97.0.0/24 | grep -q . && why="route-nopull did not keep the pushed route out"
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="no ping"
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# --auth-user-pass with no file: the credentials are typed on the terminal
# (a pty from script(1)); the prompts are 2.6's.
case_prompt()
{
    local name="auth-user-pass prompt on a terminal" why="" slog clog pidf cpid i cmd
    selected "$name" || return 0
    command -v script >/dev/null 2>&1 || { echo "SKIP: $name (no script(1))"; return 0; }
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    pidf="$NL_DIR/prompt-$n.pid"
    start_server "$slog" --proto udp4 --topology subnet --script-security 2 \
        --auth-user-pass-verify "$NL_DIR/verify.sh" via-file
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    cmd="$OPENVPN --client --dev tun --remote $NL_A_V4 --proto udp4 --ca $PKI/ca.crt"
    cmd="$cmd --cert $PKI/client.crt --key $PKI/client.key --remote-cert-tls server --nobind"
    cmd="$cmd --verb 3 --auth-user-pass --writepid $pidf"
    if [ -z "$why" ]; then
        # the answers go in through the pty; stdin stays open so script(1) keeps running
        ip netns exec "$NL_NS_B" timeout 60 bash -c '(sleep 1; printf "alice\n"; sleep 1; printf "secret\n"; sleep 58) |
            script -qfec "$0" /dev/null' "$cmd" >"$clog" 2>&1 </dev/null &
        NL_PIDS+=("$!")
        for ((i = 0; i < 100; i++)); do
            [ -s "$pidf" ] && break
            sleep 0.1
        done
        cpid=$(cat "$pidf" 2>/dev/null)
        [ -n "$cpid" ] && NL_PIDS+=("$cpid")
        nl_wait_log "$clog" "Enter Auth Username:" 10 || why="no username prompt"
        [ -z "$why" ] && { nl_wait_log "$clog" "Enter Auth Password:" 10 || why="no password prompt"; }
        [ -z "$why" ] && { nl_wait_log "$clog" "Initialization Sequence Completed" 20 || why="typed credentials did not connect"; }
        [ -z "$why" ] && grep -q "secret" "$clog" && why="the password was echoed"
        [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="ping 10.8.0.1 failed"
        [ -n "$cpid" ] && nl_kill "$cpid"
    fi
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# --remote-random: over a dozen starts, both remotes come first at least once.
case_remote_random()
{
    local name="remote-random: both remotes are tried first across restarts" why="" i clog first
    local seen1194=0 seen1195=0 p
    selected "$name" || return 0
    n=$((n + 1))
    for ((i = 0; i < 12; i++)); do
        clog="$NL_DIR/rr-$n-$i.log"
        nl_start p "$NL_NS_B" "$clog" "$OPENVPN" --client --dev null --nobind --remote-random \
            --remote "$NL_A_V4" 1194 --remote "$NL_A_V4" 1195 --proto udp4 --ca "$PKI/ca.crt" \
            --cert "$PKI/client.crt" --key "$PKI/client.key" --verb 3
        nl_wait_log "$clog" "link remote:" 5 1 "$p"
        nl_kill "$p"
        first=$(grep -m1 'link remote:' "$clog")
        case "$first" in
            *:1194) seen1194=1 ;;
            *:1195) seen1195=1 ;;
        esac
    done
    [ "$seen1194$seen1195" = 11 ] || why="first remote was always the same (1194:$seen1194 1195:$seen1195)"
    nl_result "$name" "$why"
}

# redirect-gateway ipv6 (pushed with --server-ipv6): IPv6 goes through the tunnel too.
case_redirect6()
{
    local name="redirect-gateway ipv6 installs 2.6's four IPv6 routes" why="" slog clog r
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    start_server "$slog" --proto udp4 --topology subnet --server-ipv6 2001:db8:8::/64 \
        --push "redirect-gateway def1 ipv6"
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    for r in ::/3 2000::/4 3000::/4 fc00::/7; do
        [ -z "$why" ] || break
        ip -n "$NL_NS_B" -6 route show "$r" | grep -q "dev tun0" || why="IPv6 route $r via the tunnel missing"
    done
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 2001:db8:8::1 15 && why="ping6 2001:db8:8::1 failed"
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# redirect-gateway def1 block-local: the client's default gateway is
# 203.0.113.1 (the server's namespace answers there too), so the gateway's
# network 203.0.113.0/24 goes into the tunnel as two /25s, the gateway keeps
# a host route, the server's 198.51.100.0/24 is left alone; all of it is gone
# after exit.  (2.6 blocks only the gateway's network, and nothing when the
# server is on it.)
case_block_local()
{
    local name="redirect-gateway block-local routes the local network into the tunnel" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    ip -n "$NL_NS_A" addr add 203.0.113.1/24 dev veth0
    ip -n "$NL_NS_B" addr add 203.0.113.50/24 dev veth0
    ip -n "$NL_NS_B" route replace default via 203.0.113.1 dev veth0
    start_server "$slog" --proto udp4 --topology subnet --push "redirect-gateway def1 block-local"
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    if [ -z "$why" ]; then
        ip -n "$NL_NS_B" route show 203.0.113.0/25 | grep -q "via 10.8.0.1 dev tun0" ||
            why="203.0.113.0/25 via the tunnel missing"
        ip -n "$NL_NS_B" route show 203.0.113.128/25 | grep -q "via 10.8.0.1 dev tun0" ||
            why="${why:+$why, }203.0.113.128/25 via the tunnel missing"
        ip -n "$NL_NS_B" route show 203.0.113.1/32 | grep -q "via 203.0.113.1" ||
            why="${why:+$why, }host route to the gateway missing"
        ip -n "$NL_NS_B" route show 198.51.100.0/25 | grep -q . &&
            why="${why:+$why, }the server's own network was blocked"
    fi
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 10.8.0.1 15 && why="ping 10.8.0.1 failed"
    stop_all
    [ -z "$why" ] && ip -n "$NL_NS_B" route show 203.0.113.0/25 | grep -q . && why="routes left at exit"
    nl_result "$name" "$why" "$slog" "$clog"
    ip -n "$NL_NS_B" route del default 2>/dev/null
    ip -n "$NL_NS_B" addr del 203.0.113.50/24 dev veth0 2>/dev/null
    ip -n "$NL_NS_A" addr del 203.0.113.1/24 dev veth0 2>/dev/null
}

# --auth-retry nointeract: AUTH_FAILED restarts the client, which tries the
# same credentials again instead of exiting (2.6's SIGUSR1[soft,auth-failure]).
case_auth_retry()
{
    local name="auth-retry nointeract: AUTH_FAILED restarts and retries" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    printf 'alice\nwrong\n' >"$NL_DIR/up-$n.txt"
    chmod 600 "$NL_DIR/up-$n.txt"
    start_server "$slog" --proto udp4 --topology subnet --script-security 2 \
        --auth-user-pass-verify "$NL_DIR/verify.sh" via-file
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    [ -z "$why" ] && start_client "$clog" --proto udp4 --auth-user-pass "$NL_DIR/up-$n.txt" \
        --auth-retry nointeract
    [ -z "$why" ] && ! nl_wait_log "$clog" "SIGUSR1[soft,auth-failure] received, process restarting" 30 2 "$CLI" &&
        why="no two AUTH_FAILED restarts"
    [ -z "$why" ] && ! nl_alive "$CLI" && why="client exited"
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

# A --remote that does not resolve (--resolv-retry): 2.6's lines, and the
# client keeps retrying instead of exiting.
case_resolve_retry()
{
    local name="unresolvable remote: 2.6's lines, retried" why="" clog
    selected "$name" || return 0
    n=$((n + 1))
    clog="$NL_DIR/cli-$n.log"
    # shellcheck disable=SC2086  # CLIENT_MODE is a word list on purpose
    nl_start CLI "$NL_NS_B" "$clog" "$OPENVPN" $CLIENT_MODE --dev tun \
        --remote nonexistent.invalid 1194 --resolv-retry 5 --ca "$PKI/ca.crt" \
        --cert "$PKI/client.crt" --key "$PKI/client.key" --nobind --connect-retry 1 1 --verb 3
    nl_wait_log "$clog" "SIGUSR1[soft,Could not determine IPv4/IPv6 protocol] received, process restarting" 20 2 "$CLI" ||
        why="no two resolve failures with 2.6's restart line"
    grep -q "RESOLVE: Cannot resolve host address: nonexistent.invalid:1194" "$clog" ||
        why="${why:+$why, }no RESOLVE line"
    nl_result "$name" "$why" "$clog"
    stop_all
}

# IPv6 transport + redirect-gateway ipv6: 2000::/4 covers the server's
# address, so 2.6 pins a /128 host route to it on the old device (metric 1)
# while connected and removes it at exit.
case_redirect6_transport()
{
    local name="redirect-gateway ipv6 over udp6: host route to the server" why="" slog clog
    selected "$name" || return 0
    n=$((n + 1))
    slog="$NL_DIR/srv-$n.log"
    clog="$NL_DIR/cli-$n.log"
    start_server "$slog" --proto udp6 --local "$NL_A_V6" --topology subnet \
        --server-ipv6 2001:db8:8::/64 --push "redirect-gateway def1 ipv6"
    nl_wait_log "$slog" "Initialization Sequence Completed" 10 1 "$SRV" || why="server did not start"
    # shellcheck disable=SC2086  # CLIENT_MODE is a word list on purpose
    [ -z "$why" ] && nl_start CLI "$NL_NS_B" "$clog" "$OPENVPN" $CLIENT_MODE --dev tun \
        --proto udp6 --remote "$NL_A_V6" --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
        --key "$PKI/client.key" --remote-cert-tls server --nobind --verb 4
    [ -z "$why" ] && ! nl_wait_init "$clog" "$CLI" 20 && why="client did not complete initialization"
    if [ -z "$why" ] && ! ip -n "$NL_NS_B" -6 route show "$NL_A_V6/128" | grep -q "dev veth0 metric 1"; then
        why="no host route to the server: $(ip -n "$NL_NS_B" -6 route show "$NL_A_V6/128")"
    fi
    [ -z "$why" ] && ! grep -q "ROUTE6: 2000::/4 overlaps IPv6 remote $NL_A_V6, adding host route to VPN endpoint" "$clog" &&
        why="no ROUTE6 overlap line"
    [ -z "$why" ] && ! nl_ping "$NL_NS_B" 2001:db8:8::1 15 && why="ping6 2001:db8:8::1 failed"
    if [ -z "$why" ]; then
        nl_kill "$CLI" TERM >/dev/null 2>&1
        CLI=""
        [ -n "$(ip -n "$NL_NS_B" -6 route show "$NL_A_V6/128")" ] && why="host route left behind at exit"
    fi
    nl_result "$name" "$why" "$slog" "$clog"
    stop_all
}

case_traffic "udp4 topology subnet" udp4 udp4 subnet 10.8.0.2/24
case_traffic "tcp4 topology net30" tcp4-server tcp4-client net30 "10.8.0.6 peer 10.8.0.5"
case_auth "auth-user-pass right password connects" secret ok
case_auth "auth-user-pass wrong password: AUTH_FAILED, exit" wrong fail
case_pull_filter
case_redirect
case_restart
case_exit_notify
case_reneg_token
case_retry_max
case_connections
case_prompt
case_remote_random
case_redirect6
case_redirect6_transport
case_block_local
case_resolve_retry
case_auth_retry

echo "t_client: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
