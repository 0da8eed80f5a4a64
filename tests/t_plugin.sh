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
#     bad password, answering at once and deferred (auth_control_file);
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

# down_root_run BIN TAG: BIN (static key, no peer needed for UP) drops to
# nobody; down-root's helper must still run the down script as root.
down_root_run()
{
    local bin=$1 tag=$2 dpid why="" uid
    local log="$NL_DIR/case$n-$tag.log" out="$NL_DIR/down$n-$tag.out"
    rm -f "$out"
    nl_start dpid "$NL_NS_A" "$log" "$bin" --dev tun --ifconfig 10.79.0.1 10.79.0.2 \
        --secret "$NL_DIR/static.key" --cipher AES-256-CBC --local "$NL_A_V4" \
        --remote "$NL_B_V4" --verb 3 --user nobody --group nogroup \
        --plugin openvpn-plugin-down-root.so "$NL_DIR/down.sh $out"
    nl_wait_log "$log" "UID set to nobody" 15 1 "$dpid" || why="$tag did not drop to nobody"
    uid=$(awk '/^Uid:/ {print $2}' "/proc/$dpid/status" 2>/dev/null)
    [ -z "$why" ] && [ "$uid" != 65534 ] && why="$tag runs as uid '$uid', not nobody"
    nl_kill "$dpid" TERM
    nl_wait_log "$out" "uid=0" 5 || why=${why:-"$tag: down script did not run as root ($(cat "$out" 2>/dev/null))"}
    RUN_WHY=$why
}

case_down_root()
{
    local name="Debian's down-root plugin: down script as root after --user nobody" why
    want "$name" || return 0
    [ -f "$PLUGDIR/openvpn-plugin-down-root.so" ] || { echo "SKIP: $name (no down-root)"; return 0; }
    printf '#!/bin/sh\necho "uid=$(id -u) script_type=$script_type dev=$dev" >"$1"\n' \
        >"$NL_DIR/down.sh"
    chmod 755 "$NL_DIR/down.sh"
    [ -f "$NL_DIR/static.key" ] || nl_keyfile "$NL_DIR/static.key"
    down_root_run "$OPENVPN" ours
    why=$RUN_WHY
    down_root_run "$REF" ref
    [ -n "$RUN_WHY" ] && why=${why:-"(the reference too) $RUN_WHY"}
    if [ -z "$why" ] && ! diff "$NL_DIR/down$n-ours.out" "$NL_DIR/down$n-ref.out" >/dev/null; then
        why="down script saw '$(cat "$NL_DIR/down$n-ours.out")', the reference's '$(cat "$NL_DIR/down$n-ref.out")'"
    fi
    nl_result "$name" "$why" "$NL_DIR"/case$n-*.log
}

# pam_run BIN CREDS TAG [SERVER_ARGS...]: BIN as server with auth-pam on our
# PAM service; a reference client logs in with CREDS.  RUN_OK=yes if it
# connected.
pam_run()
{
    local bin=$1 creds=$2 tag=$3 ps pc
    local ls="$NL_DIR/case$n-$tag-server.log" lc="$NL_DIR/case$n-$tag-client.log"
    shift 3
    RUN_WHY="" RUN_OK=no
    nl_start ps "$NL_NS_A" "$ls" "$bin" "${srv_args[@]}" \
        --plugin openvpn-plugin-auth-pam.so "$PAM_SERVICE" "$@"
    if ! nl_wait_up "$ls" "$ps" 15; then
        RUN_WHY="$tag server did not start"
        nl_kill "$ps" TERM
        return
    fi
    nl_start pc "$NL_NS_B" "$lc" "$REF" "${cli_args[@]}" --auth-user-pass "$creds" \
        --auth-retry none
    for ((i = 0; i < 150; i++)); do
        grep -q "Initialization Sequence Completed" "$lc" && RUN_OK=yes && break
        grep -q "AUTH_FAILED" "$lc" && break
        nl_alive "$pc" || break
        sleep 0.1
    done
    nl_kill "$pc" TERM
    nl_kill "$ps" TERM
}

# keeps the exit status for nl_cleanup, which runs after it in the EXIT trap
pam_cleanup()
{
    local rc=$?
    [ -n "${PAM_FILE:-}" ] && rm -f "$PAM_FILE"
    return $rc
}

case_auth_pam()
{
    local name="Debian's auth-pam plugin: good and bad password through a PAM service" why=""
    want "$name" || return 0
    [ -f "$PLUGDIR/openvpn-plugin-auth-pam.so" ] || { echo "SKIP: $name (no auth-pam)"; return 0; }
    [ -f /lib/x86_64-linux-gnu/security/pam_exec.so ] || { echo "SKIP: $name (no pam_exec)"; return 0; }
    PAM_SERVICE="ovpn-t-plugin-$$"
    PAM_FILE="/etc/pam.d/$PAM_SERVICE"
    trap 'pam_cleanup; nl_cleanup' EXIT
    # pam_exec hands the password on stdin (expose_authtok), NUL-terminated
    printf '#!/bin/sh\npw=$(tr -d "\\000")\n[ "$PAM_USER" = alice ] && [ "$pw" = secret ]\n' \
        >"$NL_DIR/pamcheck.sh"
    chmod 755 "$NL_DIR/pamcheck.sh"
    printf 'auth required pam_exec.so expose_authtok quiet %s\naccount required pam_permit.so\n' \
        "$NL_DIR/pamcheck.sh" >"$PAM_FILE"
    pam_run "$OPENVPN" "$NL_DIR/up.txt" ours-good
    why=$RUN_WHY
    [ -z "$why" ] && [ "$RUN_OK" != yes ] && why="the good password was refused"
    pam_run "$OPENVPN" "$NL_DIR/bad.txt" ours-bad
    why=${why:-$RUN_WHY}
    [ -z "$why" ] && [ "$RUN_OK" = yes ] && why="the bad password was accepted"
    [ -z "$why" ] && ! grep -q "AUTH_FAILED" "$NL_DIR/case$n-ours-bad-client.log" &&
        why="the client was not told AUTH_FAILED"
    # deferred: auth-pam answers through the auth_control_file
    pam_run "$OPENVPN" "$NL_DIR/up.txt" ours-deferred-good --setenv deferred_auth_pam 1
    why=${why:-$RUN_WHY}
    [ -z "$why" ] && [ "$RUN_OK" != yes ] && why="deferred: the good password was refused"
    [ -z "$why" ] && ! grep -q "deferred auth" "$NL_DIR/case$n-ours-deferred-good-server.log" &&
        why="deferred: auth-pam did not defer"
    pam_run "$OPENVPN" "$NL_DIR/bad.txt" ours-deferred-bad --setenv deferred_auth_pam 1
    why=${why:-$RUN_WHY}
    [ -z "$why" ] && [ "$RUN_OK" = yes ] && why="deferred: the bad password was accepted"
    # the same service with the reference server: the test's PAM set-up is sound
    pam_run "$REF" "$NL_DIR/bad.txt" ref-bad
    [ -z "$why" ] && [ "$RUN_OK" = yes ] && why="(reference) the bad password was accepted"
    pam_cleanup
    nl_result "$name" "$why" "$NL_DIR"/case$n-*.log
}

# bad_plugin TAG ARGS...: ours and the reference must both refuse to start
# with exit status 1 and the same message.
bad_plugin()
{
    local tag=$1 rc_o rc_r lo="$NL_DIR/case$n-$1-ours.log" lr="$NL_DIR/case$n-$1-ref.log" mo mr
    shift
    ip netns exec "$NL_NS_A" timeout 10 "$OPENVPN" --dev null --verb 3 --plugin "$@" >"$lo" 2>&1
    rc_o=$?
    ip netns exec "$NL_NS_A" timeout 10 "$REF" --dev null --verb 3 --plugin "$@" >"$lr" 2>&1
    rc_r=$?
    mo=$(grep -E "PLUGIN(_INIT)?: " "$lo" | grep -v "POST" | tail -n 1 | cut -d' ' -f3-)
    mr=$(grep -E "PLUGIN(_INIT)?: " "$lr" | grep -v "POST" | tail -n 1 | cut -d' ' -f3-)
    if [ "$rc_o" != 1 ]; then
        BAD_WHY="$tag: exit status $rc_o, not 1"
    elif [ "$mo" != "$mr" ] || [ -z "$mo" ]; then
        BAD_WHY="$tag: said '$mo', the reference '$mr'"
    elif [ "$rc_r" != 1 ]; then
        BAD_WHY="$tag: the reference exited $rc_r"
    fi
}

case_bad_plugins()
{
    local name="bad plugins: missing file, no entry points, open fails -> clear line, exit 1"
    want "$name" || return 0
    BAD_WHY=""
    bad_plugin missing "$NL_DIR/no-such-plugin.so"
    bad_plugin missing-bare no-such-plugin-$$.so
    bad_plugin no-symbols /lib/x86_64-linux-gnu/security/pam_permit.so
    bad_plugin open-fails "$TP" "$NL_DIR/bad-open.txt" fail=open
    nl_result "$name" "$BAD_WHY" "$NL_DIR"/case$n-*.log
}

case_server_records
case_client_records
case_down_root
case_auth_pam
case_bad_plugins

echo "t_plugin: $pass passed, $fail failed"
[ "$fail" = 0 ]
