#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_privileges.sh -- what the running daemon keeps after it dropped
# its privileges, compared with OpenVPN 2.6 (the reference) under the same
# configuration.  Every case runs the reference first, then ours, and reads
# /proc/PID/status (Uid, Gid, Groups, CapInh, CapPrm, CapEff, CapBnd,
# CapAmb, NoNewPrivs) and /proc/PID/root once the tunnel is up:
#
#   server-user   UDP server with --user nobody --group nogroup
#   server-group  the same with --group nogroup only (uid stays 0)
#   server-chroot --user/--group and --chroot DIR
#   client-user   a pull client with --user/--group (dropped after the push)
#
# Ours must show exactly what 2.6 shows, its effective and permitted sets
# may hold nothing but CAP_NET_ADMIN, and at exit it must still be able to
# remove its route: the side under test adds a --route 203.0.113.0/24
# net_gateway (over the veth, so that it does not go with the tun device),
# which must be there while it runs and gone once it ended, with no
# "Operation not permitted" in its log.  The key files are in a
# directory only root can read ($NL_DIR is 0700), as in a packaged setup.
#
#   usr1-persist  SIGUSR1 to a server and to a client running as nobody with
#                 --persist-key --persist-tun: both come back (2.6 keeps its
#                 TLS context; reading the key files again as nobody fails)
#   usr1-nopersist  the same server without --persist-key: 2.6 exits, and
#                 so must ours (same outcome, same reason in the log)
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_privileges.sh [CASE...]

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
if ! getent passwd nobody >/dev/null || ! getent group nogroup >/dev/null; then
    nl_skip "no user nobody / group nogroup"
fi
CASES=${*:-server-user server-group server-chroot client-user usr1-persist usr1-nopersist}
nl_setup priv
# a default gateway on both sides, for the net_gateway route
ip -n "$NL_NS_A" route add default via "$NL_B_V4" || nl_die "default route in $NL_NS_A"
ip -n "$NL_NS_B" route add default via "$NL_A_V4" || nl_die "default route in $NL_NS_B"
PKI="$NL_DIR/pki"
nl_pki "$PKI"
chmod 700 "$NL_DIR" "$PKI"
JAIL="$NL_DIR/jail"
mkdir -p "$JAIL/tmp" && chmod 1777 "$JAIL/tmp" # 2.6 wants its --tmp-dir inside the chroot
pass=0
fail=0
CAP_NET_ADMIN_MASK=0000000000001000
FIELDS="Uid Gid Groups CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs"
TEST_NET=203.0.113.0/24
ROUTE=(--route 203.0.113.0 255.255.255.0 net_gateway)

SERVER=(--dev tun --proto udp --port 1194 --server 10.8.0.0 255.255.255.0 --topology subnet
    --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none
    --keepalive 2 10 --verb 3)
CLIENT=(--client --dev tun --proto udp --remote "$NL_A_V4" 1194 --nobind --ca "$PKI/ca.crt"
    --cert "$PKI/client.crt" --key "$PKI/client.key" --remote-cert-tls server --verb 3)

# snapshot PID OUT: the privilege fields of /proc/PID/status and the root
snapshot()
{
    local f
    for f in $FIELDS; do
        printf '%s: %s\n' "$f" "$(awk -v k="$f:" '$1 == k { $1 = ""; print substr($0, 2) }' \
            "/proc/$1/status")"
    done >"$2"
    printf 'root: %s\n' "$(readlink "/proc/$1/root")" >>"$2"
}

# only_net_admin FILE: CapEff and CapPrm hold CAP_NET_ADMIN and nothing else
only_net_admin()
{
    grep -qx "CapEff: $CAP_NET_ADMIN_MASK" "$1" && grep -qx "CapPrm: $CAP_NET_ADMIN_MASK" "$1"
}

# route_in NS: the test route in NS's table ("" if there is none)
route_in()
{
    ip -n "$1" route show "$TEST_NET"
}

# up_case TAG BIN SIDE OPTS...: SIDE (server|client) of BIN with OPTS and
# the test route, the other side the reference; snapshot of SIDE once the
# client is up; stop.  Sets UP_WHY ("" when the tunnel came up and the
# route was there while SIDE ran, gone after), writes $NL_DIR/TAG.{status,log}.
up_case()
{
    local tag=$1 bin=$2 side=$3 ps pc sbin=$REF cbin=$REF sopt=() copt=() ns=$NL_NS_A
    shift 3
    if [ "$side" = server ]; then sbin=$bin sopt=("$@" "${ROUTE[@]}"); else
        cbin=$bin copt=("$@" "${ROUTE[@]}") ns=$NL_NS_B; fi
    UP_WHY=""
    pc=""
    nl_start ps "$NL_NS_A" "$NL_DIR/$tag-srv.log" "$sbin" "${SERVER[@]}" "${sopt[@]}"
    nl_wait_init "$NL_DIR/$tag-srv.log" "$ps" 20 || UP_WHY="server did not start"
    if [ -z "$UP_WHY" ]; then
        nl_start pc "$NL_NS_B" "$NL_DIR/$tag-cli.log" "$cbin" "${CLIENT[@]}" "${copt[@]}"
        nl_wait_init "$NL_DIR/$tag-cli.log" "$pc" 30 || UP_WHY="client did not connect"
    fi
    if [ -z "$UP_WHY" ]; then
        nl_ping "$NL_NS_B" 10.8.0.1 10 || UP_WHY="no ping through the tunnel"
    fi
    if [ -z "$UP_WHY" ]; then
        if [ "$side" = server ]; then snapshot "$ps" "$NL_DIR/$tag.status"; else
            snapshot "$pc" "$NL_DIR/$tag.status"; fi
        [ -n "$(route_in "$ns")" ] || UP_WHY="no route to $TEST_NET while running"
    fi
    [ -n "$pc" ] && nl_kill "$pc" >/dev/null 2>&1
    nl_kill "$ps" >/dev/null 2>&1
    if [ -z "$UP_WHY" ] && [ -n "$(route_in "$ns")" ]; then
        UP_WHY="route left behind at exit: $(route_in "$ns")"
        ip -n "$ns" route del "$TEST_NET" # the next case starts without it
    fi
    if [ "$side" = server ]; then cp "$NL_DIR/$tag-srv.log" "$NL_DIR/$tag.log"; else
        cp "$NL_DIR/$tag-cli.log" "$NL_DIR/$tag.log"; fi
}

# compare_case NAME SIDE OPTS...: the reference, then ours, same OPTS
compare_case()
{
    local name=$1 side=$2 why="" d
    shift 2
    up_case "$name-ref" "$REF" "$side" "$@"
    if [ -n "$UP_WHY" ]; then
        nl_result "$name: the reference as a baseline" "2.6: $UP_WHY" "$NL_DIR/$name-ref.log"
        return
    fi
    up_case "$name-ours" "$OPENVPN" "$side" "$@"
    [ -z "$UP_WHY" ] || why=$UP_WHY
    if [ -z "$why" ]; then
        d=$(diff "$NL_DIR/$name-ref.status" "$NL_DIR/$name-ours.status" | grep '^[<>]' |
            tr '\n' ' ')
        [ -z "$d" ] || why="differs from 2.6: $d"
    fi
    if [ -z "$why" ] && ! only_net_admin "$NL_DIR/$name-ours.status"; then
        why="capabilities beyond CAP_NET_ADMIN: $(grep '^Cap' "$NL_DIR/$name-ours.status" |
            tr '\n' ' ')"
    fi
    if [ -z "$why" ] && grep -qE "Operation not permitted|route delete command failed" \
        "$NL_DIR/$name-ours.log"; then
        why="could not clean up at exit: $(grep -m1 "Operation not permitted" \
            "$NL_DIR/$name-ours.log" | cut -c21-)"
    fi
    if [ -z "$why" ]; then
        sed 's/^/    /' "$NL_DIR/$name-ours.status"
    fi
    nl_result "$name: after the privilege drop ours holds what 2.6 holds" "$why" \
        "$NL_DIR/$name-ours.log"
}

# usr1_case TAG BIN SIDE OPTS...: up, SIGUSR1 to SIDE, then
# USR1_RESULT=back|exited|stuck and the log in $NL_DIR/TAG.log
usr1_case()
{
    local tag=$1 bin=$2 side=$3 ps pc sbin=$REF cbin=$REF sopt=() copt=() target i
    shift 3
    if [ "$side" = server ]; then sbin=$bin sopt=("$@"); else cbin=$bin copt=("$@"); fi
    USR1_RESULT=stuck
    nl_start ps "$NL_NS_A" "$NL_DIR/$tag-srv.log" "$sbin" "${SERVER[@]}" "${sopt[@]}"
    nl_wait_init "$NL_DIR/$tag-srv.log" "$ps" 20 || USR1_RESULT="server did not start"
    if [ "$USR1_RESULT" = stuck ]; then
        nl_start pc "$NL_NS_B" "$NL_DIR/$tag-cli.log" "$cbin" "${CLIENT[@]}" "${copt[@]}"
        nl_wait_init "$NL_DIR/$tag-cli.log" "$pc" 30 || USR1_RESULT="client did not connect"
    fi
    if [ "$USR1_RESULT" = stuck ]; then
        if [ "$side" = server ]; then target=$ps; else target=$pc; fi
        kill -USR1 "$target"
        # back: the client initialized a second time and the tunnel works
        for ((i = 0; i < 400; i++)); do
            if ! nl_alive "$target"; then
                USR1_RESULT=exited
                break
            fi
            if [ "$(grep -c "Initialization Sequence Completed" "$NL_DIR/$tag-cli.log")" -ge 2 ] &&
                nl_ping "$NL_NS_B" 10.8.0.1 5; then
                USR1_RESULT=back
                break
            fi
            sleep 0.1
        done
    fi
    [ -n "${pc:-}" ] && nl_kill "$pc" >/dev/null 2>&1
    nl_kill "$ps" >/dev/null 2>&1
    if [ "$side" = server ]; then cp "$NL_DIR/$tag-srv.log" "$NL_DIR/$tag.log"; else
        cp "$NL_DIR/$tag-cli.log" "$NL_DIR/$tag.log"; fi
}

usr1_compare()
{
    local name=$1 side=$2 want=$3 ref_result why=""
    shift 3
    usr1_case "$name-ref" "$REF" "$side" "$@"
    ref_result=$USR1_RESULT
    usr1_case "$name-ours" "$OPENVPN" "$side" "$@"
    [ "$ref_result" = "$want" ] || nl_log "note: $name: 2.6 was expected to be '$want', is '$ref_result'"
    [ "$USR1_RESULT" = "$ref_result" ] || why="ours $USR1_RESULT, 2.6 $ref_result after SIGUSR1"
    if [ -z "$why" ] && [ "$USR1_RESULT" = exited ] &&
        ! grep -q "Permission denied" "$NL_DIR/$name-ours.log"; then
        why="exited, but not because the key files are unreadable now"
    fi
    nl_result "$name: $side as nobody after SIGUSR1: $USR1_RESULT like 2.6" "$why" \
        "$NL_DIR/$name-ours.log"
}

DROP=(--user nobody --group nogroup)
for c in $CASES; do
    case "$c" in
        server-user) compare_case "$c" server "${DROP[@]}" ;;
        server-group) compare_case "$c" server --group nogroup ;;
        server-chroot) compare_case "$c" server "${DROP[@]}" --chroot "$JAIL" ;;
        client-user) compare_case "$c" client "${DROP[@]}" ;;
        usr1-persist)
            usr1_compare "$c-server" server back "${DROP[@]}" --persist-key --persist-tun
            usr1_compare "$c-client" client back "${DROP[@]}" --persist-key --persist-tun
            ;;
        usr1-nopersist) usr1_compare "$c" server exited "${DROP[@]}" --persist-tun ;;
        *) nl_die "unknown case $c" ;;
    esac
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
