#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_sample_conf.sh -- Debian's own sample server.conf and client.conf
# (package openvpn, /usr/share/doc/openvpn/examples/) with its sample keys,
# ours as the server with the reference as the client and the other way
# round: the client connects, pings the server and moves 5 MiB each way
# through the tunnel (sha256 checked on both ends); both warn, as 2.6 does,
# that the sample private keys are readable by others.
#
# The files are copied into the test's directory and changed only where this
# environment forces it, by these substitutions and nothing else:
#   client.conf  "remote my-server-1 1194"  ->  "remote 198.51.100.1 1194"
#                (the example host name does not resolve; the server is
#                side A of the namespace pair)
#   server.conf  "ifconfig-pool-persist /var/log/openvpn/ipp.txt" and
#                "status /var/log/openvpn/openvpn-status.log" -> the same
#                file names in the test directory (a test writes nothing
#                outside it, and runs may overlap)
# The relative key paths (ca.crt, server.crt, dh2048.pem ...) are kept: each
# daemon runs in its own copy of the directory.  The sample certificates are
# valid from 2023-11-07 to 2033-11-04; the case checks that they still are
# (after that date it fails and says so).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_sample_conf.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

EX=/usr/share/doc/openvpn/examples
nl_require
for f in sample-config-files/server.conf sample-config-files/client.conf sample-keys/ca.crt \
    sample-keys/server.crt sample-keys/server.key sample-keys/client.crt sample-keys/client.key \
    sample-keys/dh2048.pem; do
    [ -f "$EX/$f" ] || nl_skip "no $EX/$f (Debian's openvpn package ships it)"
done
nl_setup sample
pass=0
fail=0

# prepare DIR: the sample files with the substitutions above.
prepare()
{
    local d=$1
    mkdir -p "$d"
    cp "$EX"/sample-keys/{ca.crt,server.crt,server.key,client.crt,client.key,dh2048.pem} "$d/"
    chmod 644 "$d"/*.key # as the package installs them
    sed -e "s|^ifconfig-pool-persist /var/log/openvpn/ipp.txt|ifconfig-pool-persist $d/ipp.txt|" \
        -e "s|^status /var/log/openvpn/openvpn-status.log|status $d/openvpn-status.log|" \
        "$EX/sample-config-files/server.conf" >"$d/server.conf"
    sed -e "s|^remote my-server-1 1194|remote $NL_A_V4 1194|" \
        "$EX/sample-config-files/client.conf" >"$d/client.conf"
    # exactly the changed lines differ from the originals
    [ "$(diff "$EX/sample-config-files/server.conf" "$d/server.conf" | grep -c '^>')" = 2 ] ||
        nl_die "server.conf: the substitutions did not apply as expected"
    [ "$(diff "$EX/sample-config-files/client.conf" "$d/client.conf" | grep -c '^>')" = 1 ] ||
        nl_die "client.conf: the substitution did not apply as expected"
}

run_case()
{
    local sbin=$1 cbin=$2 name=$3 d="$NL_DIR/$4" why="" ps pc
    prepare "$d"
    # relative key paths: each daemon starts in the directory
    cd "$d" || nl_die "cd $d"
    nl_start ps "$NL_NS_A" "$d/server.log" "$sbin" --config server.conf
    nl_start pc "$NL_NS_B" "$d/client.log" "$cbin" --config client.conf
    cd / || nl_die "cd /"
    nl_wait_init "$d/server.log" "$ps" 20 || why="server did not start"
    [ -z "$why" ] && { nl_wait_init "$d/client.log" "$pc" 30 || why="client did not connect"; }
    [ -z "$why" ] && { nl_ping "$NL_NS_B" 10.8.0.1 || why="no ping to the server"; }
    [ -z "$why" ] && { nl_xfer "$NL_NS_B" "$NL_NS_A" 10.8.0.1 5 || why="transfer client->server failed"; }
    [ -z "$why" ] && { nl_xfer "$NL_NS_A" "$NL_NS_B" 10.8.0.2 5 || why="transfer server->client failed"; }
    [ -z "$why" ] && { grep -q "VERIFY OK: depth=0, C=KG, ST=NA, O=OpenVPN-TEST, CN=Test-Server" "$d/client.log" ||
        why="the client did not verify the sample server certificate"; }
    # the sample keys are mode 0644 here: 2.6 warns about both private keys
    [ -z "$why" ] && { grep -q "WARNING: file 'server.key' is group or others accessible" "$d/server.log" ||
        why="the server did not warn about the readable server.key"; }
    [ -z "$why" ] && { grep -q "WARNING: file 'client.key' is group or others accessible" "$d/client.log" ||
        why="the client did not warn about the readable client.key"; }
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "$name: Debian's sample server.conf/client.conf and keys" "$why" \
        "$d/server.log" "$d/client.log"
}

# the sample certificates' validity, as the daemons see it
if ! openssl x509 -in "$EX/sample-keys/server.crt" -noout -checkend 0 >/dev/null ||
    ! openssl x509 -in "$EX/sample-keys/client.crt" -noout -checkend 0 >/dev/null; then
    nl_result "sample certificates valid" "expired: $(openssl x509 -in "$EX/sample-keys/server.crt" -noout -enddate)"
fi
run_case "$OPENVPN" "$REF" "ours server, reference client" ours-ref
run_case "$REF" "$OPENVPN" "reference server, ours client" ref-ours

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
