#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_plugin.sh -- --plugin with OpenVPN 2.6's plugin interface:
#   - records: tests/plugin/test_plugin.so (built by make check) writes one
#     line per call (event, argv, chosen variables, all variable names);
#     the same server config (ours, then the reference, with a reference
#     client using --auth-user-pass) and the same pull-client config (ours,
#     then the reference, against a reference server) must give the same
#     records: UP, ROUTE_UP, TLS_VERIFY, TLS_FINAL, AUTH_USER_PASS_VERIFY,
#     CLIENT_CONNECT(_V2), LEARN_ADDRESS, CLIENT_DISCONNECT, ROUTE_PREDOWN,
#     DOWN, argv[0] = the plugin path, envp as 2.6 builds it;
#   - a plugin's refusal: AUTH_USER_PASS_VERIFY failing sends AUTH_FAILED,
#     CLIENT_CONNECT_V2's returned "config" is applied (ifconfig-push);
#   - Debian's openvpn-plugin-down-root.so runs a down script as root
#     after --user nobody --group nogroup;
#   - Debian's openvpn-plugin-auth-pam.so checks a reference client's
#     password through a PAM service this test writes (pam_exec), good and
#     bad password;
#   - bad plugins (missing file, no entry points, open fails) end the start
#     with 2.6's line and exit status 1.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_plugin.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
TP="${top_builddir:-$TOP}/tests/plugin/test_plugin.so"
[ -f "$TP" ] || nl_die "no $TP (make check builds it)"
PLUGDIR=/usr/lib/x86_64-linux-gnu/openvpn/plugins
nl_setup plug
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
chmod 755 "$NL_DIR" # nobody reads the down script's directory
pass=0
fail=0
n=0

# the variables whose values must agree (script_type: never set for plugins;
# "signal" is left out: a client's --explicit-exit-notify exit is
# "exit-with-notification" in 2.6, which is not the plugins' business; nor
# ifconfig_pool_*: 2.6 sets them before --client-connect, we after)
ENVS=script_type,dev,common_name,username,password,ifconfig_local,ifconfig_remote
ENVS=$ENVS,tls_serial_0,X509_0_CN
ENVS=$ENVS,X509_1_CN,tun_mtu,route_vpn_gateway,tls_id_0,remote_1

srv_args=(--mode server --tls-server --dev tun --proto udp --local "$NL_A_V4" --port 1194
    --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none
    --topology subnet --ifconfig 10.77.0.1 255.255.255.0 --ifconfig-pool 10.77.0.10 10.77.0.50
    --push "topology subnet" --push "route-gateway 10.77.0.1" --keepalive 10 60 --verb 3)
cli_args=(--client --dev tun --proto udp --remote "$NL_A_V4" 1194 --nobind --ca "$PKI/ca.crt"
    --cert "$PKI/client.crt" --key "$PKI/client.key" --remote-cert-tls server --verb 3
    --explicit-exit-notify 1)

printf 'alice\nsecret\n' >"$NL_DIR/up.txt"
printf 'alice\nwrong\n' >"$NL_DIR/bad.txt"
chmod 600 "$NL_DIR/up.txt" "$NL_DIR/bad.txt"

want()
{
    case "$1" in *"$FILTER"*) n=$((n + 1)); return 0 ;; esac
    return 1
}

# normalize FILE: what must agree between ours and the reference (paths of
# this run and the per-run values taken out).
normalize()
{
    sed -e "s|$NL_DIR|DIR|g" -e "s|$TP|TP|g" -e 's#/rec[0-9]*-\(ours\|ref\)\.txt#/REC#' \
        -e 's/\(ENV [a-z_]*serial_0\)=.*/\1=N/' -e 's/ \(daemon_pid\|daemon_start_time\)=[0-9]*//' \
        -e 's|/tmp/openvpn_cc_[A-Za-z0-9]*\(\.tmp\)\?\]|CCFILE]|' -e '/^ENVNAMES/d' \
        -e 's/\(CALL IPCHANGE argv=\[TP\]\[.*\) [0-9]*\]/\1 PORT]/' "$1"
}

# server_run BIN REC: BIN as server with the test plugin, one reference client
# that logs in, then leaves (exit notify); then the server stops.
server_run()
{
    local bin=$1 rec=$2 tag=$3 ps pc why=""
    local ls="$NL_DIR/case$n-$tag-server.log" lc="$NL_DIR/case$n-$tag-client.log"
    : >"$rec"
    nl_start ps "$NL_NS_A" "$ls" "$bin" "${srv_args[@]}" \
        --plugin "$TP" "$rec" "env=$ENVS" "config=push \"setenv-safe FROMPLUGIN 1\""
    nl_wait_up "$ls" "$ps" 15 || why="$tag server did not start"
    if [ -z "$why" ]; then
        nl_start pc "$NL_NS_B" "$lc" "$REF" "${cli_args[@]}" --auth-user-pass "$NL_DIR/up.txt"
        nl_wait_init "$lc" "$pc" 20 || why="$tag client did not connect"
        nl_kill "$pc" TERM
        nl_wait_log "$rec" "CALL CLIENT_DISCONNECT" 10 || why=${why:-"$tag: no CLIENT_DISCONNECT"}
    fi
    nl_kill "$ps" TERM
    nl_wait_log "$rec" "CLOSE" 5 || why=${why:-"$tag: plugin not closed"}
    RUN_WHY=$why
}

# client_run BIN REC: a reference server, BIN as pull client with the plugin.
client_run()
{
    local bin=$1 rec=$2 tag=$3 ps pc why=""
    local ls="$NL_DIR/case$n-$tag-server.log" lc="$NL_DIR/case$n-$tag-client.log"
    : >"$rec"
    nl_start ps "$NL_NS_A" "$ls" "$REF" "${srv_args[@]}" --push "route 10.78.0.0 255.255.255.0"
    nl_wait_up "$ls" "$ps" 15 || why="reference server did not start"
    if [ -z "$why" ]; then
        nl_start pc "$NL_NS_B" "$lc" "$bin" "${cli_args[@]}" --plugin "$TP" "$rec" "env=$ENVS" noauth
        nl_wait_init "$lc" "$pc" 20 || why="$tag client did not connect"
        nl_kill "$pc" TERM
        nl_wait_log "$rec" "CLOSE" 5 || why=${why:-"$tag: plugin not closed"}
    fi
    nl_kill "$ps" TERM
    RUN_WHY=$why
}

compare_runs()
{
    local fn=$1 name=$2 why
    "$fn" "$OPENVPN" "$NL_DIR/rec$n-ours.txt" ours
    why=$RUN_WHY
    "$fn" "$REF" "$NL_DIR/rec$n-ref.txt" ref
    why=${why:-$RUN_WHY}
    normalize "$NL_DIR/rec$n-ours.txt" >"$NL_DIR/rec$n-ours.norm"
    normalize "$NL_DIR/rec$n-ref.txt" >"$NL_DIR/rec$n-ref.norm"
    if [ -z "$why" ] && ! diff -u "$NL_DIR/rec$n-ref.norm" "$NL_DIR/rec$n-ours.norm" \
        >"$NL_DIR/rec$n.diff"; then
        why="records differ from the reference's"
        head -n 60 "$NL_DIR/rec$n.diff"
    fi
    nl_result "$name" "$why" "$NL_DIR"/case$n-*.log
}

case_server_records()
{
    local name="server: plugin calls, argv and env as the reference's"
    want "$name" || return 0
    compare_runs server_run "$name"
}

case_client_records()
{
    local name="pull client: plugin calls, argv and env as the reference's"
    want "$name" || return 0
    compare_runs client_run "$name"
}

case_server_records
case_client_records

echo "t_plugin: $pass passed, $fail failed"
[ "$fail" = 0 ]
