#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_systemd.sh -- readiness notification for systemd Type=notify units.
#
# A small listener (python3, AF_UNIX datagrams, SO_PASSCRED for the sender's
# pid) plays systemd: each daemon gets its own NOTIFY_SOCKET and everything it
# sends is recorded.  Every scenario runs twice, ours on side A with the
# reference on side B and then the other way round, and the messages ours
# sent in one role must equal, in order, those the reference sent in the
# same role (MAINPID must be the sender's own pid; other pids are shown):
#
#   p2p-static    static key UDP: up, ping, SIGUSR1, SIGHUP, SIGTERM
#   p2p-tls       TLS p2p UDP: up, ping, SIGUSR1 on B then A, SIGHUP, SIGTERM
#                 (the side not signalled is "up" again with the new session)
#   server-udp    --server/--client UDP: up, ping, SIGUSR1 + SIGHUP on the
#   server-tcp    client, then on the server (TCP: the client reconnects)
#   tls-fail      the client does not trust the server's CA: tls-error
#                 restarts, never up
#   wrong-key     static keys differ: packets fail authentication, never up
#   bind-fail     --local on an address we do not have: exit 1
#   options-error an unknown option: exit 1, nothing sent
#
# then, ours alone:
#   unset         no NOTIFY_SOCKET: nothing is sent; with it set, --up
#                 scripts still do not see NOTIFY_SOCKET (nor with 2.6)
#   daemon-nolistener  --daemon forks when nobody listens on NOTIFY_SOCKET
#   verify        Debian's three units from /lib/systemd/system and ours
#                 from distro/systemd, ExecStart pointing at the binary
#                 under test, pass `systemd-analyze verify` without a word;
#                 all are Type=notify and ours have Debian's ExecStart
#   unit-server / unit-client / unit-openvpn@
#                 "like life": the ExecStart line, WorkingDirectory,
#                 LimitNPROC and CapabilityBoundingSet of Debian's unit,
#                 %i/%t and /etc/openvpn, /run substituted into this test's
#                 directory, run with NOTIFY_SOCKET set against the
#                 reference: READY=1 from the daemon's own pid, tunnel up,
#                 ping; for openvpn@ (--daemon, --writepid, PIDFile=) the
#                 process started is the one that stays and is in the pid
#                 file.  No unit is started for real (no systemd as PID 1
#                 here) and the real /etc/openvpn is never touched.
#
# Skips (77) without root/tun/netns/the reference, without systemd-analyze,
# or when the binary was built without libsystemd.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_systemd.sh [CASE-SUBSTRING]

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

FILTER=${1:-}

nl_require
command -v systemd-analyze >/dev/null 2>&1 || nl_skip "no systemd-analyze (apt-get install systemd)"
# Our build says in its config.h whether it has systemd support (a binary
# whose notify calls were lost must fail here, not skip); another binary
# (the reference) by its libraries.
SD_CFG="$(dirname "$OPENVPN")/../../config.h"
if [ -f "$SD_CFG" ]; then
    grep -q '^#define ENABLE_SYSTEMD 1' "$SD_CFG" || nl_skip "$OPENVPN is built without systemd support"
else
    ldd "$OPENVPN" 2>/dev/null | grep -q libsystemd || nl_skip "$OPENVPN is not linked with libsystemd"
fi
command -v setpriv >/dev/null 2>&1 || nl_skip "no setpriv (util-linux)"
command -v prlimit >/dev/null 2>&1 || nl_skip "no prlimit (util-linux)"
for u in openvpn-server@ openvpn-client@ openvpn@; do
    [ -f "/lib/systemd/system/$u.service" ] || nl_skip "no /lib/systemd/system/$u.service (Debian's openvpn package)"
done

nl_setup sysd
D=$NL_DIR
KEY="$D/static.key"
KEY2="$D/other.key"
nl_keyfile "$KEY"
nl_keyfile "$KEY2"
nl_pki "$D/pki"
nl_pki "$D/pki2" # a second CA the server's certificate is not from

pass=0
fail=0

want()
{
    [ -z "$FILTER" ] || [[ "$1" == *"$FILTER"* ]]
}

# The listener: bind PATH, record "SENDER_PID MESSAGE" per datagram (newlines
# in a message shown as |) into OUT, for at most LIMIT seconds.
SD_LISTEN_PY='
import os, socket, struct, sys, time
path, out, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
s.settimeout(0.5)
end = time.monotonic() + limit
with open(out, "a") as f:
    while time.monotonic() < end:
        try:
            data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            continue
        pid = 0
        for lvl, typ, d in anc:
            if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", d[:12])[0]
        f.write("%d %s\n" % (pid, data.decode("utf-8", "replace").replace("\n", "|")))
        f.flush()
'

# sd_listen NAME: start a listener on $D/NAME.sock recording into
# $D/NAME.notify (both fresh); returns once the socket exists.
sd_listen()
{
    local sock="$D/$1.sock" out="$D/$1.notify" i pid
    rm -f "$sock" "$out"
    : >"$out"
    "$NL_PYTHON" -c "$SD_LISTEN_PY" "$sock" "$out" 300 </dev/null >"$D/$1.listener.log" 2>&1 &
    pid=$!
    NL_PIDS+=("$pid")
    for ((i = 0; i < 50; i++)); do
        [ -S "$sock" ] && return 0
        sleep 0.1
    done
    nl_die "the notify listener for $1 did not start"
}

# sd_wait NAME PATTERN COUNT [SECONDS] [PID]: until PATTERN (fixed string) was
# received COUNT times on NAME's socket.
sd_wait()
{
    nl_wait_log "$D/$1.notify" "$2" "${4:-20}" "$3" "${5:-}"
}

ISC="STATUS=Initialization Sequence Completed"
READY1="READY=1|"

# sd_norm NAME PID: the messages received on NAME's socket, MAINPID=PID and
# a sender pid equal to PID made neutral; anything else stays visible.
sd_norm()
{
    awk -v pid="$2" '{
        p = $1; m = substr($0, index($0, " ") + 1)
        gsub("MAINPID=" pid, "MAINPID=<pid>", m)
        if (p != pid) m = "[sent by pid " p "] " m
        print m
    }' "$D/$1.notify"
}

# sd_compare CASE ROLE OURS_NAME OURS_PID REF_NAME REF_PID [empty]: ours
# must have sent exactly what the reference sent; unless "empty" is given,
# the reference must have sent something (so that the case checks anything).
sd_compare()
{
    local case=$1 role=$2 o r why=""
    o=$(sd_norm "$3" "$4")
    r=$(sd_norm "$5" "$6")
    if [ "${7:-}" = empty ]; then
        [ -z "$r" ] || why="the reference sent something"
    else
        [ -n "$r" ] || why="the reference sent nothing"
    fi
    [ -n "$why" ] || [ "$o" = "$r" ] || why="ours sent other messages than the reference"
    nl_result "$case: $role: same notifications as 2.6" "$why" "$D/$3.log" "$D/$5.log"
    if [ -n "$why" ]; then
        echo "    reference ($5):"
        printf '%s\n' "$r" | sed 's/^/        /'
        echo "    ours ($3):"
        printf '%s\n' "$o" | sed 's/^/        /'
    else
        printf '%s\n' "$r" | sed 's/^/        /'
    fi
}

# sd_start VAR NAME NS BINARY ARGS...: listener NAME, then the daemon in NS
# with NOTIFY_SOCKET pointing at it and its output in $D/NAME.log.
sd_start()
{
    local var=$1 name=$2 ns=$3
    shift 3
    sd_listen "$name"
    nl_start "$var" "$ns" "$D/$name.log" env NOTIFY_SOCKET="$D/$name.sock" "$@"
}

# sd_stop NAME PID: SIGTERM, record the exit status in $D/NAME.rc.
sd_stop()
{
    nl_kill "$2" TERM
    echo $? >"$D/$1.rc"
}

# sd_compare_rc CASE ROLE OURS_NAME REF_NAME
sd_compare_rc()
{
    local o r
    o=$(cat "$D/$3.rc" 2>/dev/null)
    r=$(cat "$D/$4.rc" 2>/dev/null)
    nl_result "$1: $2: exit status ${r:-?} as 2.6" \
        "$([ "$o" = "$r" ] || echo "ours exited ${o:-?}, the reference ${r:-?} (? = not started)")" "$D/$3.log"
}

# --- scenarios: SCEN TAG BIN_A BIN_B; names TAG-a / TAG-b ------------------

COMMON=(--verb 3 --dev tun --cipher AES-256-CBC)

static_side()
{
    if [ "$1" = a ]; then
        ARGS=(--secret "$2" 0 --local "$NL_A_V4" --remote "$NL_B_V4" --ifconfig 10.71.0.1 10.71.0.2)
    else
        ARGS=(--secret "$2" 1 --local "$NL_B_V4" --remote "$NL_A_V4" --ifconfig 10.71.0.2 10.71.0.1)
    fi
    ARGS+=("${COMMON[@]}" --proto udp4 --ping 1)
}

# The step that failed is in $D/TAG.why (empty: all steps done).
step()
{
    local tag=$1 what=$2
    shift 2
    "$@" && return 0
    [ -s "$D/$tag.why" ] || echo "$what" >"$D/$tag.why"
    return 1
}

sc_p2p_static()
{
    local t=$1 pa pb
    static_side a "$KEY"
    cat >"$D/env-up.sh" <<'EOF'
#!/bin/sh
env >"$1"
EOF
    chmod 755 "$D/env-up.sh"
    sd_start pa "$t-a" "$NL_NS_A" "$2" "${ARGS[@]}" --script-security 2 --up "$D/env-up.sh $D/$t-a.env"
    static_side b "$KEY"
    sd_start pb "$t-b" "$NL_NS_B" "$3" "${ARGS[@]}"
    step "$t" "A up" sd_wait "$t-a" "$ISC" 1 20 "$pa" &&
        step "$t" "B up" sd_wait "$t-b" "$ISC" 1 20 "$pb" &&
        step "$t" "ping" nl_ping "$NL_NS_A" 10.71.0.2 &&
        { kill -USR1 "$pa"; step "$t" "A up after SIGUSR1" sd_wait "$t-a" "$ISC" 2 20 "$pa"; } &&
        { kill -HUP "$pa"; step "$t" "A reloaded after SIGHUP" sd_wait "$t-a" "$READY1" 2 20 "$pa"; } &&
        step "$t" "A up after SIGHUP" sd_wait "$t-a" "$ISC" 3 20 "$pa"
    sd_stop "$t-a" "$pa"
    sd_stop "$t-b" "$pb"
    echo "$pa" >"$D/$t-a.pid"
    echo "$pb" >"$D/$t-b.pid"
}

tls_args()
{
    ARGS=("${COMMON[@]}" --proto udp4 --ca "$D/pki/ca.crt" --ping 1)
    if [ "$1" = a ]; then
        ARGS+=(--tls-server --dh none --cert "$D/pki/server.crt" --key "$D/pki/server.key"
            --local "$NL_A_V4" --remote "$NL_B_V4" --ifconfig 10.72.0.1 10.72.0.2)
    else
        ARGS+=(--tls-client --remote-cert-tls server --cert "$D/pki/client.crt" --key "$D/pki/client.key"
            --local "$NL_B_V4" --remote "$NL_A_V4" --ifconfig 10.72.0.2 10.72.0.1)
    fi
}

sc_p2p_tls()
{
    local t=$1 pa pb
    tls_args a
    sd_start pa "$t-a" "$NL_NS_A" "$2" "${ARGS[@]}"
    tls_args b
    sd_start pb "$t-b" "$NL_NS_B" "$3" "${ARGS[@]}"
    step "$t" "A up" sd_wait "$t-a" "$ISC" 1 20 "$pa" &&
        step "$t" "B up" sd_wait "$t-b" "$ISC" 1 20 "$pb" &&
        step "$t" "ping" nl_ping "$NL_NS_A" 10.72.0.2 &&
        { kill -USR1 "$pb"; step "$t" "B up after SIGUSR1" sd_wait "$t-b" "$ISC" 2 20 "$pb"; } &&
        step "$t" "A up again with B's new session" sd_wait "$t-a" "$ISC" 2 20 "$pa" &&
        { kill -USR1 "$pa"; step "$t" "A up after SIGUSR1" sd_wait "$t-a" "$ISC" 3 20 "$pa"; } &&
        step "$t" "B up again with A's new session" sd_wait "$t-b" "$ISC" 3 20 "$pb" &&
        { kill -HUP "$pa"; step "$t" "A reloaded after SIGHUP" sd_wait "$t-a" "$READY1" 2 20 "$pa"; } &&
        step "$t" "A up after SIGHUP" sd_wait "$t-a" "$ISC" 4 20 "$pa" &&
        step "$t" "B up again after A's SIGHUP" sd_wait "$t-b" "$ISC" 4 20 "$pb" &&
        step "$t" "ping after restarts" nl_ping "$NL_NS_A" 10.72.0.2
    sd_stop "$t-b" "$pb"
    sd_stop "$t-a" "$pa"
    echo "$pa" >"$D/$t-a.pid"
    echo "$pb" >"$D/$t-b.pid"
}

server_conf()
{
    local proto=$1 ca=${2:-pki}
    cat >"$D/server.conf" <<EOF
dev tun
proto ${proto}4$([ "$proto" = tcp ] && echo -server)
local $NL_A_V4
server 10.73.0.0 255.255.255.0
topology subnet
ca $D/pki/ca.crt
cert $D/pki/server.crt
key $D/pki/server.key
dh none
verb 3
EOF
    cat >"$D/client.conf" <<EOF
client
dev tun
proto ${proto}4
remote $NL_A_V4
nobind
ca $D/$ca/ca.crt
cert $D/pki/client.crt
key $D/pki/client.key
connect-retry 1
verb 3
EOF
}

sc_server()
{
    local t=$1 proto=$4 pa pb tcp=0
    [ "$proto" = tcp ] && tcp=1
    server_conf "$proto"
    sd_start pa "$t-a" "$NL_NS_A" "$2" --config "$D/server.conf"
    step "$t" "server up" sd_wait "$t-a" "$ISC" 1 20 "$pa" && {
        sd_start pb "$t-b" "$NL_NS_B" "$3" --config "$D/client.conf"
        step "$t" "client up" sd_wait "$t-b" "$ISC" 1 20 "$pb"
    } &&
        step "$t" "ping" nl_ping "$NL_NS_B" 10.73.0.1 &&
        { kill -USR1 "$pb"; step "$t" "client up after SIGUSR1" sd_wait "$t-b" "$ISC" 2 20 "$pb"; } &&
        { kill -HUP "$pb"; step "$t" "client reloaded" sd_wait "$t-b" "$READY1" 2 20 "$pb"; } &&
        step "$t" "client up after SIGHUP" sd_wait "$t-b" "$ISC" 3 20 "$pb" &&
        { kill -USR1 "$pa"; step "$t" "server up after SIGUSR1" sd_wait "$t-a" "$ISC" 2 20 "$pa"; } &&
        step "$t" "client back after the server's SIGUSR1" sd_wait "$t-b" "$ISC" $((3 + tcp)) 30 "$pb" &&
        { kill -HUP "$pa"; step "$t" "server reloaded" sd_wait "$t-a" "$READY1" 2 20 "$pa"; } &&
        step "$t" "server up after SIGHUP" sd_wait "$t-a" "$ISC" 3 20 "$pa" &&
        step "$t" "client back after the server's SIGHUP" sd_wait "$t-b" "$ISC" $((3 + 2 * tcp)) 30 "$pb" &&
        # UDP without keepalive: the client cannot know the server forgot it
        { [ "$tcp" = 0 ] || step "$t" "ping after restarts" nl_ping "$NL_NS_B" 10.73.0.1 20; }
    [ -n "${pb:-}" ] && sd_stop "$t-b" "$pb"
    sd_stop "$t-a" "$pa"
    echo "$pa" >"$D/$t-a.pid"
    echo "${pb:-0}" >"$D/$t-b.pid"
}

sc_server_udp() { sc_server "$1" "$2" "$3" udp; }
sc_server_tcp() { sc_server "$1" "$2" "$3" tcp; }

sc_tls_fail()
{
    local t=$1 pa pb
    server_conf udp pki2
    sd_start pa "$t-a" "$NL_NS_A" "$2" --config "$D/server.conf"
    step "$t" "server up" sd_wait "$t-a" "$ISC" 1 20 "$pa" && {
        sd_start pb "$t-b" "$NL_NS_B" "$3" --config "$D/client.conf"
        step "$t" "two tls-error restarts" nl_wait_log "$D/$t-b.log" "tls-error] received" 30 2 "$pb"
    }
    [ -n "${pb:-}" ] && sd_stop "$t-b" "$pb"
    sd_stop "$t-a" "$pa"
    echo "$pa" >"$D/$t-a.pid"
    echo "${pb:-0}" >"$D/$t-b.pid"
}

sc_wrong_key()
{
    local t=$1 pa pb
    static_side a "$KEY"
    sd_start pa "$t-a" "$NL_NS_A" "$2" "${ARGS[@]}"
    static_side b "$KEY2"
    sd_start pb "$t-b" "$NL_NS_B" "$3" "${ARGS[@]}"
    step "$t" "A rejects B's packets" nl_wait_log "$D/$t-a.log" "Authenticate/Decrypt packet error" 15 2 "$pa" &&
        step "$t" "B rejects A's packets" nl_wait_log "$D/$t-b.log" "Authenticate/Decrypt packet error" 15 2 "$pb"
    sd_stop "$t-a" "$pa"
    sd_stop "$t-b" "$pb"
    echo "$pa" >"$D/$t-a.pid"
    echo "$pb" >"$D/$t-b.pid"
}

# One process (side A only); it exits by itself.
sc_alone()
{
    local t=$1 pa i
    shift 3
    sd_start pa "$t-a" "$NL_NS_A" "$BIN_A" "$@"
    for ((i = 0; i < 100; i++)); do
        nl_alive "$pa" || break
        sleep 0.1
    done
    sd_stop "$t-a" "$pa"
    echo "$pa" >"$D/$t-a.pid"
    : >"$D/$t-b.notify"
    echo 0 >"$D/$t-b.pid"
}

sc_bind_fail()
{
    BIN_A=$2 sc_alone "$@" "${COMMON[@]}" --secret "$KEY" --local 198.51.100.99 --ifconfig 10.74.0.1 10.74.0.2
}

sc_options_error()
{
    BIN_A=$2 sc_alone "$@" "${COMMON[@]}" --secret "$KEY" --no-such-option
}

# run_scenario NAME FUNCTION [empty-a] [empty-b]: both role assignments,
# then compare each role.
run_scenario()
{
    local name=$1 fn=$2 ea=${3:-} eb=${4:-} t1="$1-x" t2="$1-y" why
    want "$name" || return 0
    : >"$D/$t1.why"
    : >"$D/$t2.why"
    "$fn" "$t1" "$OPENVPN" "$REF"
    "$fn" "$t2" "$REF" "$OPENVPN"
    why=$(cat "$D/$t1.why")
    nl_result "$name: ours on A, reference on B: all steps" "$why" "$D/$t1-a.log" "$D/$t1-b.log"
    why=$(cat "$D/$t2.why")
    nl_result "$name: reference on A, ours on B: all steps" "$why" "$D/$t2-a.log" "$D/$t2-b.log"
    sd_compare "$name" "side A" "$t1-a" "$(cat "$D/$t1-a.pid")" "$t2-a" "$(cat "$D/$t2-a.pid")" "$ea"
    sd_compare_rc "$name" "side A" "$t1-a" "$t2-a"
    if [ "$eb" != none ]; then
        sd_compare "$name" "side B" "$t2-b" "$(cat "$D/$t2-b.pid")" "$t1-b" "$(cat "$D/$t1-b.pid")" "$eb"
        sd_compare_rc "$name" "side B" "$t2-b" "$t1-b"
    fi
}

run_scenario p2p-static sc_p2p_static
if want p2p-static; then
    why=""
    for f in "$D/p2p-static-x-a.env" "$D/p2p-static-y-a.env"; do
        [ -s "$f" ] || why="no --up environment in ${f##*/}"
        [ -z "$why" ] && grep -q NOTIFY_SOCKET "$f" && why="NOTIFY_SOCKET in ${f##*/}"
    done
    nl_result "p2p-static: --up scripts do not see NOTIFY_SOCKET (ours, 2.6)" "$why"
fi
run_scenario p2p-tls sc_p2p_tls
run_scenario server-udp sc_server_udp
run_scenario server-tcp sc_server_tcp
run_scenario tls-fail sc_tls_fail
run_scenario wrong-key sc_wrong_key
run_scenario bind-fail sc_bind_fail "" none
run_scenario options-error sc_options_error empty none

# --- ours alone ------------------------------------------------------------

if want unset; then
    why=""
    sd_listen unset
    static_side a "$KEY"
    nl_start pa "$NL_NS_A" "$D/unset-a.log" env -u NOTIFY_SOCKET "$OPENVPN" "${ARGS[@]}"
    static_side b "$KEY"
    sd_start pb unset-b "$NL_NS_B" "$REF" "${ARGS[@]}"
    nl_wait_init "$D/unset-a.log" "$pa" 20 || why="ours not up"
    [ -z "$why" ] && { kill -USR1 "$pa"; nl_wait_init "$D/unset-a.log" "$pa" 20 2 || why="not up after SIGUSR1"; }
    nl_kill "$pa" TERM
    nl_kill "$pb" TERM
    [ -z "$why" ] && [ -s "$D/unset.notify" ] && why="something was sent: $(head -1 "$D/unset.notify")"
    # the reference peer in the same run did notify: the listener works
    [ -z "$why" ] && ! grep -qF "$ISC" "$D/unset-b.notify" && why="the peer's listener got nothing"
    nl_result "unset: no NOTIFY_SOCKET, nothing sent" "$why" "$D/unset-a.log"
fi

if want daemon-nolistener; then
    why=""
    # 2.6 too: a NOTIFY_SOCKET nobody listens on is not systemd; --daemon forks
    nl_start pa "$NL_NS_A" "$D/dnl.out" env NOTIFY_SOCKET="$D/nobody.sock" "$OPENVPN" "${COMMON[@]}" \
        --secret "$KEY" --ifconfig 10.75.0.1 10.75.0.2 --daemon --log "$D/dnl.log" --writepid "$D/dnl.pid"
    { wait "$pa"; } 2>/dev/null
    rc=$?
    nl_forget "$pa"
    [ "$rc" = 0 ] || why="the started process exited $rc"
    for ((i = 0; i < 50; i++)); do
        [ -s "$D/dnl.pid" ] && break
        sleep 0.1
    done
    dpid=$(cat "$D/dnl.pid" 2>/dev/null)
    if [ -n "$dpid" ] && nl_alive "$dpid"; then
        kill -TERM "$dpid"
        for ((i = 0; i < 50; i++)); do
            nl_alive "$dpid" || break
            sleep 0.1
        done
    fi
    [ -z "$why" ] && { [ -n "$dpid" ] && [ "$dpid" != "$pa" ] || why="no fork (pid file: '$dpid', started: $pa)"; }
    nl_result "daemon-nolistener: --daemon forks when NOTIFY_SOCKET has no listener" "$why" "$D/dnl.log"
fi

# --- the units -------------------------------------------------------------

# unit_copy SRC DEST BINARY: a copy of a unit with its ExecStart binary replaced.
unit_copy()
{
    sed "s|^ExecStart=/usr/sbin/openvpn |ExecStart=$3 |" "$1" >"$2"
    grep -q "^ExecStart=$3 " "$2" || nl_die "no ExecStart=/usr/sbin/openvpn in $1"
}

if want verify; then
    mkdir -p "$D/units"
    for u in openvpn-server@ openvpn-client@ openvpn@; do
        for origin in debian ours; do
            if [ "$origin" = debian ]; then
                srcu="/lib/systemd/system/$u.service"
            else
                srcu="$SRC/distro/systemd/$u.service"
            fi
            # an instance of the template, as `systemctl start` would load it
            f="$D/units/${u%@}-$origin@sdtest.service"
            unit_copy "$srcu" "$f" "$OPENVPN"
            out=$(cd "$D/units" && systemd-analyze verify "$f" 2>&1)
            rc=$?
            why=""
            [ "$rc" = 0 ] || why="exit status $rc"
            [ -z "$why" ] && [ -n "$out" ] && why="it complained"
            [ -z "$why" ] && ! grep -q '^Type=notify$' "$f" && why="not Type=notify"
            [ -z "$why" ] && [ "$(grep '^ExecStart=' "$f")" != "$(grep '^ExecStart=' "$D/units/${u%@}-debian@sdtest.service")" ] &&
                why="ExecStart differs from Debian's"
            nl_result "verify: $origin $u.service" "$why"
            [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
        done
    done
fi

# unit_prepare UNIT INSTANCE BINARY: from Debian's unit, the command line
# (UNIT_ARGV), WorkingDirectory (UNIT_WD) and the process limits as a wrapper
# (UNIT_WRAP), with %i, %I, %t, /etc/openvpn and /run moved into $D.
unit_prepare()
{
    local f="/lib/systemd/system/$1.service" inst=$2 bin=$3 line wd nproc caps c w
    line=$(sed -n 's/^ExecStart=//p' "$f")
    wd=$(sed -n 's/^WorkingDirectory=//p' "$f")
    nproc=$(sed -n 's/^LimitNPROC=//p' "$f")
    caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$f")
    line=${line//%i/$inst}
    line=${line//%I/$inst}
    line=${line//%t//run} # %t is /run for system units
    line=${line//\/etc\/openvpn/$D/etc/openvpn}
    line=${line// \/run\// $D/run/}
    line=${line/#\/usr\/sbin\/openvpn /$bin }
    wd=${wd//\/etc\/openvpn/$D/etc/openvpn}
    read -r -a UNIT_ARGV <<<"$line"
    [ "${UNIT_ARGV[0]}" = "$bin" ] || nl_die "unexpected ExecStart in $f: $line"
    for w in "${UNIT_ARGV[@]}" "$wd"; do
        case "$w" in /etc/* | /run/*) nl_die "$f: $w would leave the test directory" ;; esac
    done
    UNIT_WD=${wd:-/}
    UNIT_WRAP=()
    [ -n "$nproc" ] && UNIT_WRAP+=(prlimit --nproc="$nproc:$nproc" --)
    if [ -n "$caps" ]; then
        w="-all"
        for c in $caps; do
            c=${c#CAP_}
            w="$w,+${c,,}"
        done
        UNIT_WRAP+=(setpriv --bounding-set "$w" --)
    fi
    mkdir -p "$UNIT_WD" "$D/run/openvpn-server" "$D/run/openvpn-client" "$D/run/openvpn"
}

# The configs of /etc/openvpn/{server,client}/sdtest.conf and
# /etc/openvpn/sdtest.conf: relative key paths, as people write them.
unit_configs()
{
    local d
    for d in server client .; do
        mkdir -p "$D/etc/openvpn/$d"
        cp "$D/pki/ca.crt" "$D/pki/server.crt" "$D/pki/server.key" "$D/pki/client.crt" \
            "$D/pki/client.key" "$D/etc/openvpn/$d/"
    done
    cat >"$D/etc/openvpn/server/sdtest.conf" <<EOF
dev tun
proto udp4
local $NL_A_V4
server 10.76.0.0 255.255.255.0
topology subnet
ca ca.crt
cert server.crt
key server.key
dh none
verb 3
EOF
    cat >"$D/etc/openvpn/client/sdtest.conf" <<EOF
client
dev tun
proto udp4
remote $NL_A_V4
ca ca.crt
cert client.crt
key client.key
connect-retry 1
verb 3
EOF
    cp "$D/etc/openvpn/client/sdtest.conf" "$D/etc/openvpn/sdtest.conf"
}

# unit_ready NAME PID: READY=1 came from PID with MAINPID=PID, then the tunnel.
unit_ready()
{
    sd_wait "$1" "READY=1|STATUS=Pre-connection initialization successful|MAINPID=$2" 1 20 "$2" &&
        grep -q "^$2 READY=1|" "$D/$1.notify" &&
        sd_wait "$1" "$ISC" 1 20 "$2"
}

if want unit-; then
    unit_configs
fi

# unit_start VAR NS NAME: listener NAME, then the prepared unit command line
# in NS the way systemd would run it (directory, limits, NOTIFY_SOCKET).
unit_start()
{
    sd_listen "$3"
    nl_start "$1" "$2" "$D/$3.log" env -C "$UNIT_WD" NOTIFY_SOCKET="$D/$3.sock" \
        "${UNIT_WRAP[@]}" "${UNIT_ARGV[@]}"
}

if want unit-server; then
    why=""
    unit_prepare openvpn-server@ sdtest "$OPENVPN"
    unit_start pa "$NL_NS_A" us
    nl_start pb "$NL_NS_B" "$D/us-peer.log" "$REF" --nobind --cd "$D/etc/openvpn/client" --config sdtest.conf
    unit_ready us "$pa" || why="no READY=1 / ISC from the daemon"
    [ -z "$why" ] && { nl_wait_init "$D/us-peer.log" "$pb" 20 || why="reference client not up"; }
    [ -z "$why" ] && { nl_ping "$NL_NS_B" 10.76.0.1 || why="no ping"; }
    nl_kill "$pb" TERM
    nl_kill "$pa" TERM
    nl_result "unit-server: Debian's openvpn-server@ command line (ours) with a reference client" \
        "$why" "$D/us.log" "$D/us-peer.log"
fi

# unit_client CASE UNIT NAME [PIDFILE]: ours as a client by UNIT's command
# line against a reference server; with PIDFILE, the started process must
# stay (no fork) and be the one in PIDFILE.
unit_client()
{
    local case=$1 name=$3 pidfile=${4:-} pa pb why=""
    want "$case" || return 0
    unit_prepare "$2" sdtest "$OPENVPN"
    nl_start pa "$NL_NS_A" "$D/$name-peer.log" "$REF" --cd "$D/etc/openvpn/server" --config sdtest.conf
    nl_wait_init "$D/$name-peer.log" "$pa" 20 || why="reference server not up"
    unit_start pb "$NL_NS_B" "$name"
    [ -z "$why" ] && { unit_ready "$name" "$pb" || why="no READY=1 / ISC from the daemon"; }
    if [ -z "$why" ] && [ -n "$pidfile" ]; then
        nl_alive "$pb" || why="the process started did not stay (forked?)"
        [ -z "$why" ] && [ "$(cat "$pidfile" 2>/dev/null)" != "$pb" ] &&
            why="pid file has '$(cat "$pidfile" 2>/dev/null)', not $pb"
    fi
    [ -z "$why" ] && { nl_ping "$NL_NS_B" 10.76.0.1 || why="no ping"; }
    nl_kill "$pb" TERM
    nl_kill "$pa" TERM
    nl_result "$case: Debian's $2 command line (ours) with a reference server" \
        "$why" "$D/$name.log" "$D/$name-peer.log"
}

unit_client unit-client openvpn-client@ uc
# --daemon: logs go to syslog, so the notifications are the only signs
unit_client unit-openvpn@ openvpn@ uo "$D/run/openvpn/sdtest.pid"

echo "$pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
