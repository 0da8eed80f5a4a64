# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/netns-lib.sh -- helpers shared by the end-to-end tests (t_*.sh), the
# benchmark and the demo.  Sourced by bash scripts; not executable by itself.
#
# What it gives a test:
#   - two network namespaces with unique names (they contain $$), joined by a
#     veth pair that is created directly inside them (nothing appears in the
#     root namespace), addressed 198.51.100.1/24 <-> 198.51.100.2/24 and
#     2001:db8:100::1/64 <-> 2001:db8:100::2/64 (nodad);
#   - daemons started in a namespace in the background, their PIDs recorded;
#   - bounded waits for a log line, pings, and a checksummed TCP transfer
#     (python3, deterministic pseudo-random data, sha256 compared on both ends);
#   - a third namespace behind side B, for a relay between the two ends;
#   - an EXIT trap that kills only the PIDs this script started and deletes
#     only the namespaces this script created.
#
# Every loop is bounded in count and time.  Nothing is sent from the root
# namespace.  Tunnel addresses are 10.x only.
#
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

REF=/usr/sbin/openvpn
if [ -z "${OPENVPN:-}" ]; then
    OPENVPN="${top_builddir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/src/openvpn/openvpn"
fi

NL_A_V4=198.51.100.1
NL_B_V4=198.51.100.2
NL_A_V6=2001:db8:100::1
NL_B_V6=2001:db8:100::2

NL_PIDS=()
NL_NS=()
NL_DIR=""
NL_NS_A=""
NL_NS_B=""
NL_PYTHON=${PYTHON:-python3}
[ -x /usr/bin/python3 ] && [ -z "${PYTHON:-}" ] && NL_PYTHON=/usr/bin/python3

nl_log()
{
    printf '%s: %s\n' "${NL_NAME:-${0##*/}}" "$*"
}

nl_skip()
{
    nl_log "SKIP: $*"
    exit 77
}

nl_die()
{
    nl_log "ERROR: $*"
    exit 99
}

# Skip (77) unless this machine can run namespace tests; hard error (99) when
# the binary under test is missing, since then the build is broken.
nl_require()
{
    [ "$(id -u)" = 0 ] || nl_skip "needs root"
    [ -c /dev/net/tun ] || nl_skip "no /dev/net/tun"
    command -v ip >/dev/null 2>&1 || nl_skip "no ip (iproute2)"
    ip netns list >/dev/null 2>&1 || nl_skip "ip netns does not work here"
    command -v "$NL_PYTHON" >/dev/null 2>&1 || nl_skip "no python3"
    command -v ping >/dev/null 2>&1 || nl_skip "no ping"
    command -v timeout >/dev/null 2>&1 || nl_skip "no timeout (coreutils)"
    [ -x "$OPENVPN" ] || nl_die "OPENVPN=$OPENVPN is not an executable"
    [ -x "$REF" ] || nl_skip "no reference openvpn at $REF (apt-get install openvpn)"
}

nl_alive()
{
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "$state" != Z ]
}

# nl_kill PID [SIGNAL]: signal one of our PIDs and wait (<= 5 s) for it to go;
# SIGKILL after that.  Returns the exit status of the process.
nl_kill()
{
    local pid=$1 sig=${2:-TERM} i rc
    kill -"$sig" "$pid" 2>/dev/null
    for ((i = 1; i <= 50; i++)); do
        nl_alive "$pid" || break
        sleep 0.1
        # a daemon may drop a signal that arrives while it is still starting
        if [ $((i % 10)) = 0 ] && [ "$sig" = TERM ]; then
            kill -TERM "$pid" 2>/dev/null
        fi
    done
    if nl_alive "$pid"; then
        nl_log "pid $pid ignored SIG$sig for 5 s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null
    fi
    # braces: bash reports "Killed" on its own stderr, not wait's
    { wait "$pid"; } 2>/dev/null
    rc=$?
    nl_forget "$pid"
    return $rc
}

nl_forget()
{
    local p keep=()
    for p in "${NL_PIDS[@]}"; do
        [ "$p" = "$1" ] || keep+=("$p")
    done
    NL_PIDS=("${keep[@]}")
}

nl_cleanup()
{
    local rc=$? pid ns
    trap - EXIT INT TERM HUP
    # A background child that is signalled before it execs runs this trap
    # too; only the test's own shell may clean up.
    [ "$BASHPID" = "$NL_MAIN_PID" ] || exit "$rc"
    for pid in "${NL_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${NL_PIDS[@]}"; do
        nl_kill "$pid" TERM >/dev/null 2>&1
    done
    for ns in "${NL_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    if [ -n "$NL_DIR" ] && [ -d "$NL_DIR" ]; then
        if [ -z "${KEEP_ALL_LOGS:-}" ] && { [ "$rc" = 0 ] || [ "$rc" = 77 ] || [ -z "${KEEP_LOGS:-}" ]; }; then
            rm -rf "$NL_DIR"
        else
            nl_log "logs kept in $NL_DIR"
        fi
    fi
    exit "$rc"
}

# nl_setup NAME: namespaces ${NAME}-$$-a/-b, veth, addresses, trap, NL_DIR.
nl_setup()
{
    NL_NAME=${1:-test}
    NL_MAIN_PID=$BASHPID
    trap nl_cleanup EXIT
    trap 'exit 130' INT TERM HUP
    NL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ovpn-${NL_NAME}.XXXXXX") || nl_die "mktemp"
    NL_NS_A="ovpn-${NL_NAME}-$$-a"
    NL_NS_B="ovpn-${NL_NAME}-$$-b"
    ip netns add "$NL_NS_A" || nl_die "cannot create namespace $NL_NS_A"
    NL_NS+=("$NL_NS_A")
    ip netns add "$NL_NS_B" || nl_die "cannot create namespace $NL_NS_B"
    NL_NS+=("$NL_NS_B")
    ip link add name veth0 netns "$NL_NS_A" type veth peer name veth0 netns "$NL_NS_B" \
        || nl_die "cannot create the veth pair"
    nl_ns_addr "$NL_NS_A" "$NL_A_V4" "$NL_A_V6"
    nl_ns_addr "$NL_NS_B" "$NL_B_V4" "$NL_B_V6"
}

nl_ns_addr()
{
    ip -n "$1" link set lo up || nl_die "lo up in $1"
    ip -n "$1" link set veth0 up || nl_die "veth0 up in $1"
    ip -n "$1" addr add "$2/24" dev veth0 || nl_die "address $2 in $1"
    ip -n "$1" -6 addr add "$3/64" dev veth0 nodad || nl_die "address $3 in $1"
}

# nl_ns SIDE: the namespace name for side a or b.
nl_ns()
{
    case "$1" in
        a | A) echo "$NL_NS_A" ;;
        b | B) echo "$NL_NS_B" ;;
        *) echo "$1" ;;
    esac
}

# nl_start VAR NS LOG BINARY ARGS...: start BINARY in namespace NS with stdout
# and stderr in LOG, store its PID in VAR.  `ip netns exec` execs the command,
# so the PID is the daemon's own.
nl_start()
{
    local var=$1 ns=$2 log=$3 pid
    shift 3
    ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
    pid=$!
    NL_PIDS+=("$pid")
    printf -v "$var" '%s' "$pid"
}

# nl_wait_log LOG PATTERN SECONDS [COUNT] [PID]: wait until PATTERN (fixed
# string) occurs COUNT times in LOG; fail early if PID has exited.
nl_wait_log()
{
    local log=$1 pat=$2 secs=$3 count=${4:-1} pid=${5:-} i n
    for ((i = 0; i < secs * 10; i++)); do
        n=$(grep -cF -- "$pat" "$log" 2>/dev/null)
        [ "${n:-0}" -ge "$count" ] && return 0
        if [ -n "$pid" ] && ! nl_alive "$pid"; then
            # it may have written the line just before it exited
            n=$(grep -cF -- "$pat" "$log" 2>/dev/null)
            [ "${n:-0}" -ge "$count" ]
            return
        fi
        sleep 0.1
    done
    return 1
}

# nl_wait_init LOG PID [SECONDS] [COUNT]
nl_wait_init()
{
    nl_wait_log "$1" "Initialization Sequence Completed" "${3:-15}" "${4:-1}" "$2"
}

# nl_wait_up LOG PID [SECONDS]: a listener is up: a server's initialization
# completed, or a point-to-point side has its socket (TLS and static-key
# peers complete only with a peer); then NL_SETTLE seconds (default 2) more,
# so that its peer comes later, as in life, not within its first second.
nl_wait_up()
{
    local log=$1 pid=$2 secs=${3:-15} i
    for ((i = 0; i < secs * 10; i++)); do
        grep -qE "Initialization Sequence Completed|link local|Listening for incoming TCP" "$log" \
            2>/dev/null && break
        nl_alive "$pid" || return 1
        sleep 0.1
    done
    [ "$i" -lt $((secs * 10)) ] || return 1
    sleep "${NL_SETTLE:-2}"
}

# nl_ping NS ADDR [SECONDS]: succeed when 3 echo replies arrive within SECONDS.
nl_ping()
{
    local fam=-4
    case "$2" in *:*) fam=-6 ;; esac
    ip netns exec "$1" ping "$fam" -q -n -c 3 -i 0.2 -W 1 -w "${3:-10}" "$2" >/dev/null 2>&1
}

# The transfer helper.  "send ADDR PORT MB SEED" connects (retrying for 10 s)
# and streams MB MiB of random.Random(SEED) bytes; "recv ADDR PORT" accepts
# one connection and reads to EOF.  Both print "<bytes> <sha256>".
NL_XFER_PY='
import hashlib, random, socket, sys, time
mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
h, n = hashlib.sha256(), 0
if mode == "recv":
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    ls.settimeout(30)
    s, _ = ls.accept()
    s.settimeout(30)
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
else:
    mb, seed = int(sys.argv[4]), int(sys.argv[5])
    deadline = time.monotonic() + 10
    while True:
        try:
            s = socket.create_connection((addr, port), timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    s.settimeout(30)
    rnd = random.Random(seed)
    pace = float(sys.argv[6]) / mb if len(sys.argv) > 6 else 0
    start = time.monotonic()
    for i in range(mb):
        b = rnd.randbytes(1 << 20)
        s.sendall(b)
        if pace:
            time.sleep(max(0.0, start + (i + 1) * pace - time.monotonic()))
        h.update(b)
        n += len(b)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
print(n, h.hexdigest())
'

# nl_xfer FROM_NS TO_NS ADDR [MB] [PORT] [SECONDS]: send MB MiB (default 20)
# over TCP from FROM_NS to ADDR inside TO_NS and compare byte count and
# sha256 on both ends; with SECONDS the sender is paced to last that long
# (for tests that need traffic flowing while something else happens).
# Bounded by 60 s plus SECONDS, or by NL_XFER_LIMIT seconds if set (slow,
# lossy links).  Transfers on different ports may run at the same time.
nl_xfer()
{
    local from=$1 to=$2 addr=$3 mb=${4:-20} port=${5:-5201} secs=${6:-} rpid out_s out_r
    local limit=${NL_XFER_LIMIT:-$((60 + ${secs:-0}))}
    local rlog="$NL_DIR/xfer-recv-$port.out" slog="$NL_DIR/xfer-send-$port.out"
    : >"$rlog"
    ip netns exec "$to" timeout "$limit" "$NL_PYTHON" -c "$NL_XFER_PY" recv "$addr" "$port" \
        >"$rlog" 2>&1 </dev/null &
    rpid=$!
    NL_PIDS+=("$rpid")
    ip netns exec "$from" timeout "$limit" "$NL_PYTHON" -c "$NL_XFER_PY" send "$addr" "$port" \
        "$mb" "$RANDOM" $secs >"$slog" 2>&1 </dev/null
    wait "$rpid" 2>/dev/null
    nl_forget "$rpid"
    out_s=$(tail -n 1 "$slog")
    out_r=$(tail -n 1 "$rlog")
    if [ "$out_s" != "$out_r" ] || [ "${out_s%% *}" != "$((mb * 1048576))" ]; then
        nl_log "transfer mismatch: sent '$out_s' received '$out_r'"
        return 1
    fi
    return 0
}

# nl_show_log LOG [LINES]: print the tail of a daemon log, indented.
nl_show_log()
{
    [ -f "$1" ] || return 0
    echo "---- ${1##*/} (last ${2:-25} lines)"
    tail -n "${2:-25}" "$1" | sed 's/^/    /'
}

# nl_keyfile PATH: write a fresh static key with python3 (no daemon involved).
nl_keyfile()
{
    "$NL_PYTHON" - "$1" <<'EOF' || nl_die "cannot write $1"
import os, sys
hexs = os.urandom(256).hex()
with open(sys.argv[1], "w") as f:
    f.write("#\n# 2048 bit OpenVPN static key\n#\n")
    f.write("-----BEGIN OpenVPN Static key V1-----\n")
    for i in range(0, 512, 32):
        f.write(hexs[i:i + 32] + "\n")
    f.write("-----END OpenVPN Static key V1-----\n")
EOF
    chmod 600 "$1"
}

# nl_pki DIR: a throwaway test CA with a server and a client certificate
# (EC P-256, correct key usages for --remote-cert-tls), made with the
# openssl command line.  Test-only material, removed with $NL_DIR.
nl_pki()
{
    local d=$1 n ext
    mkdir -p "$d" || nl_die "cannot create $d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 -subj /CN=Test-CA >/dev/null 2>&1 ||
        nl_die "openssl: cannot make the test CA"
    for n in server client; do
        if [ "$n" = server ]; then
            ext="extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyAgreement\n"
        else
            ext="extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n"
        fi
        # shellcheck disable=SC2059  # the extensions are a printf format on purpose
        printf "$ext" >"$d/$n.ext"
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout "$d/$n.key" -out "$d/$n.csr" -subj "/CN=$n" >/dev/null 2>&1 &&
            openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
                -CAcreateserial -out "$d/$n.crt" -days 2 -extfile "$d/$n.ext" >/dev/null 2>&1 ||
            nl_die "openssl: cannot make the $n certificate"
    done
}

# nl_result NAME WHY [LOG...]: report one case; an empty WHY is a pass.  A
# failure shows the tails of the given logs.  Counts into $pass and $fail.
nl_result()
{
    local name=$1 why=$2 log
    shift 2
    if [ -z "$why" ]; then
        echo "PASS: $name"
        pass=$((pass + 1))
        return 0
    fi
    echo "FAIL: $name ($why)"
    for log in "$@"; do
        nl_show_log "$log"
    done
    fail=$((fail + 1))
}

# nl_pki_client DIR NAME: one more client certificate (CN=NAME) from the CA
# nl_pki DIR made.
nl_pki_client()
{
    local d=$1 n=$2
    printf 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n' >"$d/$n.ext"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$d/$n.key" -out "$d/$n.csr" -subj "/CN=$n" >/dev/null 2>&1 &&
        openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
            -CAcreateserial -out "$d/$n.crt" -days 2 -extfile "$d/$n.ext" >/dev/null 2>&1 ||
        nl_die "openssl: cannot make the $n certificate"
}

# nl_behind_b VAR: a third namespace (name stored in VAR) joined to side B
# by a second veth: veth1 in B has 203.0.113.1/24 and 2001:db8:203::1/64,
# veth0 in the new namespace 203.0.113.2/24 and 2001:db8:203::2/64.  B does
# not forward, so A and the new namespace reach each other only through a
# program running in B (tests/relay.py).
nl_behind_b()
{
    local var=$1 ns="ovpn-${NL_NAME}-$$-c"
    ip netns add "$ns" || nl_die "cannot create namespace $ns"
    NL_NS+=("$ns")
    ip link add name veth1 netns "$NL_NS_B" type veth peer name veth0 netns "$ns" ||
        nl_die "cannot create the veth behind B"
    ip -n "$NL_NS_B" link set veth1 up || nl_die "veth1 up in $NL_NS_B"
    ip -n "$NL_NS_B" addr add 203.0.113.1/24 dev veth1 || nl_die "address 203.0.113.1"
    ip -n "$NL_NS_B" -6 addr add 2001:db8:203::1/64 dev veth1 nodad || nl_die "address v6 veth1"
    nl_ns_addr "$ns" 203.0.113.2 2001:db8:203::2
    printf -v "$var" '%s' "$ns"
}

# nl_hub_client VAR NAME ADDR: a further namespace (name stored in VAR) with
# ADDR/24 on a veth whose peer is a port of bridge hub0 in side A; hub0 has
# 203.0.113.1/24 (and 2001:db8:203::1/64), so many clients reach one server.
nl_hub_client()
{
    local var=$1 name=$2 addr=$3 ns
    ns="ovpn-${NL_NAME}-$$-$name"
    if ! ip -n "$NL_NS_A" link show hub0 >/dev/null 2>&1; then
        ip -n "$NL_NS_A" link add hub0 type bridge || nl_die "cannot create hub0"
        ip -n "$NL_NS_A" addr add 203.0.113.1/24 dev hub0 || nl_die "hub0 address"
        ip -n "$NL_NS_A" -6 addr add 2001:db8:203::1/64 dev hub0 nodad || nl_die "hub0 v6"
        ip -n "$NL_NS_A" link set hub0 up || nl_die "hub0 up"
    fi
    ip netns add "$ns" || nl_die "cannot create namespace $ns"
    NL_NS+=("$ns")
    ip link add name "h-$name" netns "$NL_NS_A" type veth peer name veth0 netns "$ns" ||
        nl_die "cannot create the veth for $name"
    ip -n "$NL_NS_A" link set "h-$name" master hub0 up || nl_die "hub port $name"
    ip -n "$ns" link set lo up || nl_die "lo up in $ns"
    ip -n "$ns" link set veth0 up || nl_die "veth0 up in $ns"
    ip -n "$ns" addr add "$addr/24" dev veth0 || nl_die "address $addr in $ns"
    printf -v "$var" '%s' "$ns"
}
