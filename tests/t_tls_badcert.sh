#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_tls_badcert.sh -- certificates that must be refused in TLS mode.
#
# A presents a bad certificate (expired, from another CA, revoked, wrong
# name, wrong key usage); B verifies it.  For each case and for B = ours and
# B = the reference (A the other one): B must log 2.6's verify error naming
# the reason, the handshake must fail on both sides (no "Initialization
# Sequence Completed"), and the TLS client must keep retrying as 2.6 does.
# --tls-verify: a script that fails rejects the chain the same way; one that
# succeeds lets the tunnel up, and must see the same arguments and the same
# environment (certificate and instance variables, same names, same values
# but for pids, times and ports) from ours as from the reference, in four
# setups (p2p client and server, two remotes, pull client).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_tls_badcert.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup tlsbad
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
OTHER="$NL_DIR/other"
nl_pki "$OTHER"

# Expired and revoked server certificates need `openssl ca` (start/end
# dates, a CRL): a minimal CA database around the test CA.
mkca()
{
    local d="$PKI/ca-db"
    mkdir -p "$d" && : >"$d/index.txt" && echo 1000 >"$d/serial" && echo 1000 >"$d/crlnumber"
    cat >"$PKI/ca.cnf" <<CNF
[ca]
default_ca = tca
[tca]
database = $d/index.txt
new_certs_dir = $d
serial = $d/serial
crlnumber = $d/crlnumber
certificate = $PKI/ca.crt
private_key = $PKI/ca.key
default_md = sha256
policy = pol
default_crl_days = 2
unique_subject = no
[pol]
commonName = supplied
[srv]
extendedKeyUsage = serverAuth
keyUsage = digitalSignature,keyAgreement
CNF
    local n
    for n in expired revoked; do
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout "$PKI/$n.key" -out "$PKI/$n.csr" -subj /CN=server >/dev/null 2>&1 ||
            nl_die "openssl req $n"
    done
    openssl ca -batch -config "$PKI/ca.cnf" -extensions srv -in "$PKI/expired.csr" \
        -out "$PKI/expired.crt" -startdate 20200101000000Z -enddate 20200102000000Z \
        >/dev/null 2>&1 || nl_die "openssl ca expired"
    openssl ca -batch -config "$PKI/ca.cnf" -extensions srv -in "$PKI/revoked.csr" \
        -out "$PKI/revoked.crt" -days 2 >/dev/null 2>&1 || nl_die "openssl ca revoked"
    openssl ca -config "$PKI/ca.cnf" -revoke "$PKI/revoked.crt" >/dev/null 2>&1 &&
        openssl ca -config "$PKI/ca.cnf" -gencrl -out "$PKI/crl.pem" >/dev/null 2>&1 ||
        nl_die "openssl ca crl"
}
mkca

pass=0
fail=0
n=0

# run_case VERIFIER(ours|ref) NAME CERT KEY EXTRA_B_ARGS EXPECT
run_case()
{
    local who=$1 what=$2 crt=$3 key=$4 extra=$5 expect=$6 bin_a bin_b pa pb why=""
    local name="$who verifies: $what"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    if [ "$who" = ours ]; then bin_a=$REF bin_b=$OPENVPN; else bin_a=$OPENVPN bin_b=$REF; fi
    local la="$NL_DIR/case$n-a.log" lb="$NL_DIR/case$n-b.log"
    # shellcheck disable=SC2086  # extra holds several words on purpose
    nl_start pa "$NL_NS_A" "$la" "$bin_a" --verb 3 --dev null --tls-server --ca "$PKI/ca.crt" \
        --cert "$crt" --key "$key" --dh none --proto udp4 --local "$NL_A_V4" --remote "$NL_B_V4" \
        --hand-window 5
    # the first case: B comes when A has been up a while
    [ "$n" = 1 ] && nl_wait_up "$la" "$pa" 15
    # shellcheck disable=SC2086
    nl_start pb "$NL_NS_B" "$lb" "$bin_b" --verb 3 --dev null --tls-client --ca "$PKI/ca.crt" \
        --cert "$PKI/client.crt" --key "$PKI/client.key" --proto udp4 --local "$NL_B_V4" \
        --remote "$NL_A_V4" --hand-window 5 --connect-retry 1 1 $extra
    if ! nl_wait_log "$lb" "$expect" 20; then
        why="B did not log '$expect'"
    else
        # the client keeps trying: a second attempt fails the same way
        # (after the --hand-window of 5 s and the retry pause; 30 s leaves
        # room for a loaded machine)
        if ! nl_wait_log "$lb" "$expect" 30 2 "$pb"; then
            why="B did not retry (only $(grep -cF -- "$expect" "$lb") '$expect')"
        elif ! nl_alive "$pb"; then
            why="B exited instead of retrying"
        elif grep -q "Initialization Sequence Completed" "$la" "$lb"; then
            why="a side completed initialization"
        fi
    fi
    nl_kill "$pa"
    nl_kill "$pb"
    nl_result "$name" "$why" "$la" "$lb"
}

# The --tls-verify scripts.  2.6 passes no PATH: absolute paths only.
printf '#!/bin/sh\nexit 1\n' >"$NL_DIR/reject.sh"
cat >"$NL_DIR/dump.sh" <<EOF
#!/bin/sh
# dump.sh WHO DEPTH SUBJECT: record the arguments and the environment
{ for a in "\$@"; do echo "ARG=\$a"; done; /usr/bin/env | /usr/bin/sort; } >"$NL_DIR/env-\$1-\$2"
EOF
chmod +x "$NL_DIR/reject.sh" "$NL_DIR/dump.sh"

# env_case NAME SIDE: SIDE (a or b) runs the reference, then ours, with
# --tls-verify dump.sh and the extra arguments in ENV_A / ENV_B; the other
# side is the reference.  The tunnel must come up and, for each depth, the
# script must get the same arguments and the same set of variable names
# (2.6 exports the instance's environment too: dev, proto_N, remote_N,
# ifconfig_*, route_*, untrusted_ip ...), with the same values except for
# pids, times and ephemeral ports.
env_case()
{
    local name="ours verifies: --tls-verify script environment, $1" side=$2
    local who bin pa pb d why="" ba bb xa xb
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    for who in ref ours; do
        if [ "$who" = ours ]; then bin=$OPENVPN; else bin=$REF; fi
        xa=("${ENV_A[@]//WHO/$who}")
        xb=("${ENV_B[@]//WHO/$who}")
        if [ "$side" = a ]; then ba=$bin bb=$REF; else ba=$REF bb=$bin; fi
        rm -f "$NL_DIR/env-$who-"*
        nl_start pa "$NL_NS_A" "$NL_DIR/script-$n-$who-a.log" "$ba" --verb 3 \
            --tls-server --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
            --dh none "${xa[@]}"
        nl_start pb "$NL_NS_B" "$NL_DIR/script-$n-$who-b.log" "$bb" --verb 3 \
            --tls-client --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
            "${xb[@]}"
        if [ "$side" = a ]; then d=$pa; else d=$pb; fi
        nl_wait_init "$NL_DIR/script-$n-$who-$side.log" "$d" 15 ||
            why=${why:-"$who did not come up"}
        nl_kill "$pa"
        nl_kill "$pb"
        for d in 0 1; do
            [ -f "$NL_DIR/env-$who-$d" ] || continue
            sed -e "s/^ARG=$who\$/ARG=WHO/" "$NL_DIR/env-$who-$d" >"$NL_DIR/case$n-$who-$d"
        done
    done
    for d in 0 1; do
        [ -n "$why" ] && break
        if [ ! -s "$NL_DIR/case$n-ref-$d" ] || [ ! -s "$NL_DIR/case$n-ours-$d" ]; then
            why="depth $d: a script did not run"
        elif ! diff -u <(cut -d= -f1 "$NL_DIR/case$n-ref-$d" | sort) \
            <(cut -d= -f1 "$NL_DIR/case$n-ours-$d" | sort); then
            why="depth $d: the script saw different variable names"
        elif ! diff -u <(grep -Ev '^(daemon_pid|daemon_start_time|untrusted_port)=' \
            "$NL_DIR/case$n-ref-$d" | sort) \
            <(grep -Ev '^(daemon_pid|daemon_start_time|untrusted_port)=' \
                "$NL_DIR/case$n-ours-$d" | sort); then
            why="depth $d: the script saw different arguments or values"
        fi
    done
    nl_result "$name" "$why" "$NL_DIR/script-$n-ours-$side.log"
}

# A p2p client without a device, as most of the cases here.
ENV_A=(--dev null --proto udp4 --local "$NL_A_V4" --remote "$NL_B_V4")
ENV_B=(--dev null --proto udp4 --local "$NL_B_V4" --remote "$NL_A_V4" --script-security 2
    --tls-verify "$NL_DIR/dump.sh WHO")
env_case "client, dev null" b
# The TLS server over IPv6 with a tun, addresses, a route and --setenv, no
# --remote (the peer floats in from a --nobind client): remote_port_1
# alone, ifconfig_ipv6_*, route_*, redirect_gateway, untrusted_ip6.
ENV_A=(--dev tun --proto udp6 --local "$NL_A_V6" --ifconfig 10.211.0.1 10.211.0.2
    --ifconfig-ipv6 2001:db8:211::1/64 2001:db8:211::2 --route 10.99.0.0 255.255.0.0
    --setenv FOO bar --script-security 2 --tls-verify "$NL_DIR/dump.sh WHO")
ENV_B=(--dev tun --proto udp6 --remote "$NL_A_V6" --nobind --ifconfig 10.211.0.2 10.211.0.1)
env_case "server, tun, udp6, no --remote" a
# A --nobind client with two connection entries: proto_N, remote_N and
# remote_port_N for each, no local_port_1.
ENV_A=(--dev null --proto udp4 --local "$NL_A_V4")
ENV_B=(--dev tun --ifconfig 10.211.0.2 10.211.0.1 --remote "$NL_A_V4" 1194 udp4
    --remote 198.51.100.9 1195 tcp-client --nobind --script-security 2
    --tls-verify "$NL_DIR/dump.sh WHO")
env_case "client, two --remote, --nobind" b
# A pull client of a --mode server: its first handshake comes before the
# push, the device and --up, so no dev, dev_type, tun_mtu, script_context.
ENV_A=(--dev tun --proto udp4 --local "$NL_A_V4" --server 10.212.0.0 255.255.255.0
    --topology subnet)
ENV_B=(--dev tun --client --remote "$NL_A_V4" --nobind --script-security 2
    --tls-verify "$NL_DIR/dump.sh WHO")
env_case "pull client" b

for who in ours ref; do
    run_case "$who" "--tls-verify script rejects" "$PKI/server.crt" "$PKI/server.key" \
        "--script-security 2 --tls-verify $NL_DIR/reject.sh" \
        "VERIFY SCRIPT ERROR: depth=1, CN=Test-CA"
    run_case "$who" "expired" "$PKI/expired.crt" "$PKI/expired.key" "" \
        "VERIFY ERROR: depth=0, error=certificate has expired"
    run_case "$who" "wrong CA" "$OTHER/server.crt" "$OTHER/server.key" "" \
        "VERIFY ERROR: depth=0, error=unable to get local issuer certificate"
    run_case "$who" "revoked" "$PKI/revoked.crt" "$PKI/revoked.key" "--crl-verify $PKI/crl.pem" \
        "VERIFY ERROR: depth=0, error=certificate revoked"
    run_case "$who" "wrong name" "$PKI/server.crt" "$PKI/server.key" \
        "--verify-x509-name other-server name" "VERIFY X509NAME ERROR"
    run_case "$who" "wrong key usage" "$PKI/client.crt" "$PKI/client.key" \
        "--remote-cert-tls server" "VERIFY ERROR: depth=0, error=unsuitable certificate purpose"
done

echo "$pass passed, $fail failed"
[ "$n" -gt 0 ] || { echo "no case matched '$FILTER'"; exit 99; }
[ "$fail" -eq 0 ]
