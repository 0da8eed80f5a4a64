#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# t_dco_fallback.sh -- data channel offload on a host without an ovpn
# module (this one): the decision rules print 2.6's one line saying why DCO
# is not used, and the userspace data path carries the tunnel.
#
#  - for a set of configurations (TLS p2p, static key, tap, --fragment,
#    --disable-dco, a server without topology subnet, a CBC cipher in
#    --data-ciphers, compression allowed, ...) our daemon and the reference
#    started with the same arguments log the same DCO lines;
#  - a TLS tunnel between two of our daemons after the "Kernel support ...
#    missing" note passes ping over the tun device.
#
# The tunnel cases in the DCO VM are tests/t_dco_daemon.sh (make check-dco).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/netns-lib.sh
. "$here/netns-lib.sh"
OPENVPN=${1:-$OPENVPN}

nl_require
[ -x "$REF" ] || nl_skip "reference $REF not installed"
if [ -d /sys/module/ovpn_dco_v2 ] || [ -d /sys/module/ovpn ]; then
    nl_skip "this kernel has a DCO module loaded: the fallback cannot be seen here"
fi
nl_setup dcofb
nl_pki "$NL_DIR/pki"
P=$NL_DIR/pki
pass=0 fail=0

# dco_lines BIN LOG ARGS...: run BIN briefly in namespace A, keep its DCO lines
dco_lines()
{
    local bin=$1 log=$2 dpid
    shift 2
    nl_start dpid "$NL_NS_A" "$log.full" "$bin" --verb 3 "$@"
    nl_wait_log "$log.full" "offload" 5 1 "$dpid"
    sleep 0.3
    nl_kill "$dpid" TERM >/dev/null 2>&1
    nl_forget "$dpid"
    grep -iE 'data channel offload' "$log.full" | sed -E 's/^[0-9-]+ [0-9:]+ (us=[0-9]+ )?//' \
        | sort >"$log"
}

tls=(--tls-server --ca "$P/ca.crt" --cert "$P/server.crt" --key "$P/server.key" --dh none)
p2p=(--dev tun --ifconfig 10.1.0.1 10.1.0.2)
nl_keyfile "$NL_DIR/static.key"
i=0
while IFS='|' read -r name args; do
    [ -n "$name" ] || continue
    i=$((i + 1))
    eval "set -- $args"
    dco_lines "$OPENVPN" "$NL_DIR/ours.$i" "$@" --lport $((11000 + i))
    dco_lines "$REF" "$NL_DIR/ref.$i" "$@" --lport $((11000 + i))
    why=""
    if ! [ -s "$NL_DIR/ref.$i" ]; then
        why="the reference logged no DCO line (test setup?)"
    elif ! cmp -s "$NL_DIR/ours.$i" "$NL_DIR/ref.$i"; then
        why="ours: '$(cat "$NL_DIR/ours.$i")' reference: '$(cat "$NL_DIR/ref.$i")'"
    fi
    nl_result "same DCO line as 2.6: $name ($(head -c 70 "$NL_DIR/ref.$i"))" "$why"
done <<EOF
tls p2p (no kernel module)|"\${p2p[@]}" "\${tls[@]}"
static key|"\${p2p[@]}" --secret "$NL_DIR/static.key"
tap|--dev tap "\${tls[@]}"
fragment|"\${p2p[@]}" "\${tls[@]}" --fragment 1300
server net30|--dev tun --server 10.8.0.0 255.255.255.0 "\${tls[@]}"
cbc in data-ciphers|--dev tun --server 10.8.0.0 255.255.255.0 --topology subnet "\${tls[@]}" --data-ciphers AES-256-GCM:AES-256-CBC
compression allowed|"\${p2p[@]}" "\${tls[@]}" --compress lz4 --allow-compression yes
EOF

# --disable-dco: no DCO line at all, from either
dco_lines "$OPENVPN" "$NL_DIR/ours.off" "${p2p[@]}" "${tls[@]}" --lport 11100 --disable-dco
dco_lines "$REF" "$NL_DIR/ref.off" "${p2p[@]}" "${tls[@]}" --lport 11100 --disable-dco
why=""
[ -s "$NL_DIR/ours.off" ] && why="ours logged: $(cat "$NL_DIR/ours.off")"
[ -s "$NL_DIR/ref.off" ] && why="the reference logged: $(cat "$NL_DIR/ref.off")"
nl_result "--disable-dco: silent, as 2.6" "$why"

# the fallback carries a real tunnel
nl_start pa "$NL_NS_A" "$NL_DIR/a.log" "$OPENVPN" --verb 3 --dev tun --proto udp \
    --local "$NL_A_V4" --remote "$NL_B_V4" --ifconfig 10.1.0.1 10.1.0.2 "${tls[@]}"
nl_wait_up "$NL_DIR/a.log" "$pa" 15
nl_start pb "$NL_NS_B" "$NL_DIR/b.log" "$OPENVPN" --verb 3 --dev tun --proto udp \
    --local "$NL_B_V4" --remote "$NL_A_V4" --ifconfig 10.1.0.2 10.1.0.1 --tls-client \
    --ca "$P/ca.crt" --cert "$P/client.crt" --key "$P/client.key" --remote-cert-tls server
why=""
nl_wait_init "$NL_DIR/a.log" "$pa" 20 || why="server side did not come up"
nl_wait_init "$NL_DIR/b.log" "$pb" 20 || why="client side did not come up"
grep -q "Note: Kernel support for ovpn-dco missing, disabling data channel offload." "$NL_DIR/a.log" \
    || why="no fallback note"
grep -q "TUN/TAP device tun0 opened" "$NL_DIR/a.log" || why="no tun device after the fallback"
[ -n "$why" ] || nl_ping "$NL_NS_B" 10.1.0.1 10 || why="ping over the userspace data path"
nl_result "fallback to userspace: TLS tunnel passes ping" "$why" "$NL_DIR/a.log" "$NL_DIR/b.log"

echo "t_dco_fallback: $pass passed, $fail failed"
[ "$fail" = 0 ]
