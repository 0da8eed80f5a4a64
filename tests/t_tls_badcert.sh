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
# succeeds lets the tunnel up, and must see the same arguments and
# certificate environment from ours as from the reference.
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
    # shellcheck disable=SC2086
    nl_start pb "$NL_NS_B" "$lb" "$bin_b" --verb 3 --dev null --tls-client --ca "$PKI/ca.crt" \
        --cert "$PKI/client.crt" --key "$PKI/client.key" --proto udp4 --local "$NL_B_V4" \
        --remote "$NL_A_V4" --hand-window 5 --connect-retry 1 1 $extra
    if ! nl_wait_log "$lb" "$expect" 20; then
        why="B did not log '$expect'"
    else
        # the client keeps trying: a second attempt fails the same way
        sleep 12
        if [ "$(grep -cF -- "$expect" "$lb")" -lt 2 ]; then
            why="B did not retry (only one '$expect')"
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

# script_case: B (the reference, then ours) verifies A's good certificate
# with dump.sh; the tunnel must come up and both must have passed the same
# arguments and variables for each depth.
script_case()
{
    local name="ours verifies: --tls-verify script accepts" who bin pa pb d why="" vars
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    for who in ref ours; do
        if [ "$who" = ours ]; then bin=$OPENVPN; else bin=$REF; fi
        nl_start pa "$NL_NS_A" "$NL_DIR/script-$who-a.log" "$REF" --verb 3 --dev null \
            --tls-server --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
            --dh none --proto udp4 --local "$NL_A_V4" --remote "$NL_B_V4"
        nl_start pb "$NL_NS_B" "$NL_DIR/script-$who-b.log" "$bin" --verb 3 --dev null \
            --tls-client --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
            --proto udp4 --local "$NL_B_V4" --remote "$NL_A_V4" --script-security 2 \
            --tls-verify "$NL_DIR/dump.sh $who"
        nl_wait_init "$NL_DIR/script-$who-b.log" "$pb" 15 || why=${why:-"$who did not come up"}
        nl_kill "$pa"
        nl_kill "$pb"
    done
    # Compared: the arguments, the certificate variables and the start-up
    # ones ours exports (pids differ; dev, proto_1, remote_1, untrusted_ip
    # ... are not exported by ours yet).
    vars='^(ARG|script_type|script_context|tls_[a-z0-9_]*|X509_[0-9]+_[A-Za-z0-9_]*'
    vars="$vars|common_name|verb|daemon|daemon_log_redirect|tun_mtu|local_1|local_port_1)="
    for d in 0 1; do
        [ -n "$why" ] && break
        for who in ref ours; do
            grep -E "$vars" "$NL_DIR/env-$who-$d" 2>/dev/null |
                sed -e "s/^ARG=$who\$/ARG=WHO/" \
                    >"$NL_DIR/cmp-$who-$d"
        done
        if [ ! -s "$NL_DIR/cmp-ref-$d" ] ||
            ! diff -u "$NL_DIR/cmp-ref-$d" "$NL_DIR/cmp-ours-$d"; then
            why="depth $d: the script saw different arguments or variables"
        fi
    done
    nl_result "$name" "$why" "$NL_DIR/script-ours-b.log"
}
script_case

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
