#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_p2p_features.sh -- the remaining static-key features, end to end.
#
# Our binary on side A (or on both sides), the reference 2.6 on the other;
# where an item is about compatibility the same case is run with the
# reference in our place and the two are compared.  Numbered cases:
#   1 logging (--log, --log-append, --suppress-timestamps, --verb, --mute)
#   2 --daemon/--writepid, --syslog      3 --cd and nested relative --config
#   4 --up/--down scripts vs reference   5 --user/--group, --chroot
#   6 SIGHUP re-read, SIGUSR2 statistics 7 --float
#   8 several --remote, --connect-retry  9 --nobind, --local/--lport, --bind ipv6only
#  10 --inactive, --ping-exit, --keepalive 11 device options and routes
#  12 --mktun/--rmtun                    13 --replay-window, --no-replay
#  14 compression interop
# One PASS/FAIL line per sub-case, then "N passed, M failed"; exit 1 on any
# failure, 77 when the machine cannot run it.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_p2p_features.sh [FILTER]
# FILTER is a substring of the case label (e.g. "4b" or "float").

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
nl_setup feat
FILTER=${1:-}
KEY="$NL_DIR/static.key"
nl_keyfile "$KEY"
D=$NL_DIR
chmod 755 "$D" # --user nobody and the scripts must reach files in here

pass=0
fail=0
LA="" LB="" PA="" PB=""
BASE_PING=(--ping 1) # base_args; --keepalive cases clear it (2.6 refuses both)

# ---- case bookkeeping -------------------------------------------------------

# case_begin LABEL: start a sub-case; returns 1 when FILTER excludes it.
case_begin()
{
    CASE=$1
    WHY=""
    T0=$SECONDS
    case "$CASE" in *"$FILTER"*) ;; *) return 1 ;; esac
    return 0
}

# chk WHAT CMD...: run CMD unless the case already failed; on failure the case
# fails with WHAT.
chk()
{
    local what=$1
    shift
    [ -z "$WHY" ] || return 1
    "$@" && return 0
    WHY=$what
    return 1
}

case_end()
{
    stop_all
    if [ -z "$WHY" ]; then
        echo "PASS: $CASE [$((SECONDS - T0)) s]"
        pass=$((pass + 1))
    else
        echo "FAIL: $CASE ($WHY) [$((SECONDS - T0)) s]"
        nl_show_log "$LA"
        nl_show_log "$LB"
        fail=$((fail + 1))
    fi
    LA="" LB=""
}

note()
{
    echo "NOTE: $*"
}

# ---- daemons ----------------------------------------------------------------

# base_args SIDE [PROTO]: ARGS = a udp static-key tun tunnel end for side a|b.
base_args()
{
    local proto=${2:-udp4}
    if [ "$1" = a ]; then
        ARGS=(--secret "$KEY" 0 --local "$NL_A_V4" --remote "$NL_B_V4"
            --ifconfig 10.200.0.1 10.200.0.2)
    else
        ARGS=(--secret "$KEY" 1 --local "$NL_B_V4" --remote "$NL_A_V4"
            --ifconfig 10.200.0.2 10.200.0.1)
    fi
    # --ping 1: the first packet (an earlier one may have been refused) goes
    # out at once, so the tunnel comes up in about a second.
    ARGS+=(--proto "$proto" --dev tun --cipher AES-256-CBC --auth SHA256 "${BASE_PING[@]}")
}

# start_a BIN TAG EXTRA...: side A with BIN; its output in LA, PID in PA.
start_a()
{
    local bin=$1
    LA="$D/$2-a.log"
    shift 2
    base_args a
    nl_start PA "$NL_NS_A" "$LA" "$bin" "${ARGS[@]}" --verb 3 "$@"
}

# start_b BIN TAG EXTRA...: side B likewise (LB, PB).
start_b()
{
    local bin=$1
    LB="$D/$2-b.log"
    shift 2
    base_args b
    nl_start PB "$NL_NS_B" "$LB" "$bin" "${ARGS[@]}" --verb 3 "$@"
}

# up_pair TAG EXTRA_A...: ours on A with EXTRA_A, the reference on B; both up.
# When A logs to a file (--log), set ALOG to it first.
up_pair()
{
    local tag=$1
    shift
    start_a "$OPENVPN" "$tag" "$@"
    LA=${ALOG:-$LA}
    # the first pair: the reference comes when ours has been up a while
    [ -z "${UP_PAIR_LATE_DONE:-}" ] && UP_PAIR_LATE_DONE=1 && nl_wait_up "$LA" "$PA" 15
    start_b "$REF" "$tag"
    nl_wait_init "$LA" "$PA" 15 && nl_wait_init "$LB" "$PB" 15
}

ping_ab()
{
    nl_ping "$NL_NS_A" 10.200.0.2 && nl_ping "$NL_NS_B" 10.200.0.1
}

stop_all()
{
    [ -n "$PA" ] && nl_kill "$PA" TERM >/dev/null 2>&1
    [ -n "$PB" ] && nl_kill "$PB" TERM >/dev/null 2>&1
    PA="" PB=""
    return 0
}

has()
{
    grep -qF -- "$2" "$1"
}

hasnt()
{
    ! grep -qF -- "$2" "$1"
}

# exits_within PID SECONDS: PID (our child) is gone within SECONDS; its exit
# status in EXIT_RC.
exits_within()
{
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        nl_alive "$1" || break
        sleep 0.1
    done
    nl_alive "$1" && return 1
    wait "$1" 2>/dev/null
    EXIT_RC=$?
    nl_forget "$1"
    [ "$1" = "$PA" ] && PA=""
    [ "$1" = "$PB" ] && PB=""
    return 0
}

# ---- packet replay ----------------------------------------------------------

# Sniff one genuine UDP datagram that B sends to A (after poking 10.200.0.1:9
# through the tunnel), then resend that exact IP packet COUNT times through a
# raw socket, so A sees the same source, port and packet ID again.
REPLAY_PY='
import socket, sys, time
src, dst, count = socket.inet_aton(sys.argv[1]), sys.argv[2], int(sys.argv[3])
sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
sniff.bind(("veth0", 0))
sniff.settimeout(0.5)
poke = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
deadline, pkt = time.monotonic() + 10, None
while pkt is None and time.monotonic() < deadline:
    poke.sendto(b"r" * 64, ("10.200.0.1", 9))
    try:
        while pkt is None:
            frame = sniff.recv(65535)
            ip = frame[14:]
            if frame[12:14] == b"\x08\x00" and ip[9] == 17 and ip[12:16] == src and len(ip) > 120:
                pkt = ip
    except socket.timeout:
        pass
if pkt is None:
    sys.exit("nothing captured")
# an outgoing capture may carry a partial (offloaded) UDP checksum: send none
ihl = (pkt[0] & 15) * 4
pkt = pkt[:ihl + 6] + b"\0\0" + pkt[ihl + 8:]
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
time.sleep(0.2)
for _ in range(count):
    raw.sendto(pkt, (dst, 0))
    time.sleep(0.01)
print("replayed", count)
'

replay_b_to_a()
{
    ip netns exec "$NL_NS_B" timeout 20 "$NL_PYTHON" -c "$REPLAY_PY" "$NL_B_V4" "$NL_A_V4" \
        "${1:-20}" >"$D/replay.out" 2>&1 </dev/null
}

tun_rx_packets()
{
    ip -n "$NL_NS_A" -s -o link show dev "${1:-tun0}" | awk '{for (i = 1; i <= NF; i++) if ($i == "RX:") { print $(i + 9); exit }}'
}

# ---- 1: logging -------------------------------------------------------------

TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} '

init_stamped()
{
    grep -F "Initialization Sequence Completed" "$1" | grep -qE "$TS_RE"
}

count_init()
{
    grep -cF "Initialization Sequence Completed" "$1"
}

# strip_ts FILE: the lines without their timestamp prefix.
strip_ts()
{
    sed -E "s/$TS_RE//" "$1"
}

if case_begin "1a --log FILE, --log-append keeps content"; then
    ALOG="$D/1a.ovpn.log"
    chk "tunnel up with --log" up_pair 1a --log "$ALOG"
    chk "stdout has no init line with --log" hasnt "$D/1a-a.log" "Initialization Sequence"
    chk "timestamps in --log file" init_stamped "$ALOG"
    stop_all
    chk "tunnel up with --log-append" up_pair 1a2 --log-append "$ALOG"
    stop_all
    chk "--log-append kept the first run" test "$(count_init "$ALOG")" = 2
    chk "--log truncates" up_pair 1a3 --log "$ALOG"
    stop_all
    chk "--log truncated the file" test "$(count_init "$ALOG")" = 1
    ALOG=""
    case_end
fi

if case_begin "1b --suppress-timestamps"; then
    chk "tunnel up" up_pair 1b --suppress-timestamps
    chk "init line without timestamp" grep -q '^Initialization Sequence Completed' "$LA"
    chk "other lines without timestamp" grep -q '^UDPv4 link remote: ' "$LA"
    case_end
fi

# verb_run BIN VERB TAG: ours or the reference on A at VERB; output in LA.
verb_run()
{
    start_a "$1" "$3" --verb "$2"
    start_b "$REF" "$3"
    nl_wait_init "$LB" "$PB" 15 && nl_ping "$NL_NS_B" 10.200.0.1
}

if case_begin "1c --verb 0 silent, --verb 4 parameter dump (as the reference)"; then
    chk "verb 0 tunnel" verb_run "$OPENVPN" 0 1c-ours0
    stop_all
    O0=$LA
    chk "ref verb 0 tunnel" verb_run "$REF" 0 1c-ref0
    stop_all
    chk "verb 0 prints what the reference prints" diff <(strip_ts "$LA") <(strip_ts "$O0")
    chk "verb 0 has no init line" hasnt "$O0" "Initialization Sequence"
    chk "verb 4 tunnel" verb_run "$OPENVPN" 4 1c-ours4
    stop_all
    chk "verb 4 dump" has "$LA" "Current Parameter Settings:"
    chk "verb 4 dump shows verbosity" grep -qE '  verbosity = 4$' "$LA"
    chk "verb 4 dump shows the remote" has "$LA" "  remote = '$NL_B_V4'"
    case_end
fi

if case_begin "1d --mute 2 with replayed packets"; then
    chk "tunnel up" up_pair 1d --verb 4 --mute 2
    chk "replay sent" replay_b_to_a 30
    chk "replay logged" nl_wait_log "$LA" "bad packet ID (may be a replay)" 5 1 "$PA"
    chk "replay flood muted" nl_wait_log "$LA" "suppressed by --mute" 8 1 "$PA"
    chk "at most 2 replay lines in a row" test "$(grep -c 'bad packet ID' "$LA")" -le 10
    case_end
fi

# ---- 2: --daemon, --writepid, --syslog ------------------------------------

if case_begin "2a --daemon --log --writepid"; then
    F="$D/2a.ovpn.log" PIDF="$D/2a.pid"
    base_args a
    ip netns exec "$NL_NS_A" timeout 10 "$OPENVPN" "${ARGS[@]}" --verb 3 --daemon \
        --log "$F" --writepid "$PIDF" >"$D/2a-parent.out" 2>&1 </dev/null
    rc=$?
    LA=$F
    chk "parent exit status $rc" test "$rc" = 0
    for ((i = 0; i < 50; i++)); do [ -s "$PIDF" ] && break; sleep 0.1; done
    dpid=$(cat "$PIDF" 2>/dev/null)
    [ -n "$dpid" ] && NL_PIDS+=("$dpid")
    chk "pid file written" test -n "$dpid"
    chk "daemon alive" nl_alive "$dpid"
    chk "pid file is the daemon ($dpid)" grep -q openvpn "/proc/$dpid/comm"
    chk "detached (not in our session)" test "$(ps -o sid= -p "$dpid" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
    start_b "$REF" 2a
    chk "peer up" nl_wait_init "$LB" "$PB" 15
    chk "daemon logged init" nl_wait_init "$F" "$dpid" 10
    chk "tunnel works" ping_ab
    [ -n "$dpid" ] && nl_kill "$dpid" TERM
    chk "daemon exits on SIGTERM" eval '! nl_alive "$dpid"'
    case_end
fi

if case_begin "2b --syslog"; then
    if [ ! -S /dev/log ]; then
        note "2b: /dev/log is absent here; the --syslog sub-case is skipped"
        echo "PASS: $CASE (skipped: no /dev/log)"
        pass=$((pass + 1))
    else
        TAGN="ovpnfeat$$"
        chk "tunnel up" up_pair 2b --syslog "$TAGN"
        sleep 1
        chk "syslog has our tag" sh -c "journalctl -t '$TAGN' 2>/dev/null | grep -q Initialization || grep -qs '$TAGN' /var/log/syslog /var/log/messages"
        case_end
    fi
fi

# ---- 3: --cd and nested relative --config ---------------------------------

if case_begin "3 --cd DIR, nested relative --config and --secret (ours and reference)"; then
    mkdir -p "$D/cfg/sub"
    cp "$KEY" "$D/cfg/sub/key.static"
    chmod 600 "$D/cfg/sub/key.static"
    printf 'verb 3\nconfig sub/inner.conf\n' >"$D/cfg/main.conf"
    printf 'secret sub/key.static 0\nproto udp4\ndev tun\nlocal %s\nremote %s\nifconfig 10.200.0.1 10.200.0.2\ncipher AES-256-CBC\nauth SHA256\n' \
        "$NL_A_V4" "$NL_B_V4" >"$D/cfg/sub/inner.conf"
    for bin in "$OPENVPN" "$REF"; do
        LA="$D/3-a.log"
        nl_start PA "$NL_NS_A" "$LA" "$bin" --cd "$D/cfg" --config main.conf
        start_b "$REF" 3
        chk "$bin: up" nl_wait_init "$LA" "$PA" 15
        chk "$bin: ping" ping_ab
        [ -z "$WHY" ] && stop_all
    done
    case_end
fi

# ---- 4: --up/--down scripts -----------------------------------------------

cat >"$D/dump.sh" <<'EOF'
#!/bin/sh
# dump.sh OUT ARGS...: record the arguments and environment of a script call.
out=$1
shift
{
    echo "== call"
    for a in "$@"; do echo "ARG $a"; done
    env | LC_ALL=C sort | sed 's/^/ENV /'
} >>"$out"
EOF
chmod 755 "$D/dump.sh"

# norm_dump FILE: the dump without values that differ between two runs.
norm_dump()
{
    grep -vE '^ENV (daemon_pid|daemon_start_time|PWD|OLDPWD|SHLVL|_)=' "$1"
}

# script_run BIN TAG EXTRA...: ours or the reference on A with up/down dumps,
# SIGUSR1 once, then SIGTERM.
script_run()
{
    local bin=$1 tag=$2
    shift 2
    rm -f "$D/$tag.up" "$D/$tag.down"
    start_a "$bin" "$tag" --script-security 2 --up "$D/dump.sh $D/$tag.up" \
        --down "$D/dump.sh $D/$tag.down" --setenv FEAT_VAR 'x y' "$@"
    start_b "$REF" "$tag"
    nl_wait_init "$LA" "$PA" 15 || return 1
    ping_ab || return 1
    kill -USR1 "$PA"
    nl_wait_init "$LA" "$PA" 15 2 || return 1
    nl_kill "$PA" TERM
    PA=""
    [ -s "$D/$tag.up" ] && [ -s "$D/$tag.down" ]
}

same_dump()
{
    if ! diff <(norm_dump "$1") <(norm_dump "$2") >"$D/dump.diff"; then
        sed 's/^/    /' "$D/dump.diff" | head -n 20
        return 1
    fi
}

if case_begin "4a --up/--down arguments and environment equal the reference's"; then
    chk "ours ran" script_run "$OPENVPN" 4a-ours
    stop_all
    chk "reference ran" script_run "$REF" 4a-ref
    chk "up called twice (init, restart)" test "$(grep -c '^== call' "$D/4a-ours.up")" = 2
    chk "up dumps equal" same_dump "$D/4a-ref.up" "$D/4a-ours.up"
    chk "down dumps equal" same_dump "$D/4a-ref.down" "$D/4a-ours.down"
    case_end
fi

if case_begin "4b --persist-tun --up-restart: script_context=restart (as the reference)"; then
    chk "ours ran" script_run "$OPENVPN" 4b-ours --persist-tun --up-restart
    stop_all
    chk "reference ran" script_run "$REF" 4b-ref --persist-tun --up-restart
    chk "restart context" grep -q '^ENV script_context=restart' "$D/4b-ours.up"
    chk "up dumps equal" same_dump "$D/4b-ref.up" "$D/4b-ours.up"
    chk "down dumps equal" same_dump "$D/4b-ref.down" "$D/4b-ours.down"
    case_end
fi

if case_begin "4c --script-security 1 refuses --up (as the reference)"; then
    WARN="WARNING: External program may not be called unless '--script-security 2' or higher is enabled."
    for bin in "$REF" "$OPENVPN"; do
        rm -f "$D/4c.up"
        LA="$D/4c-a.log"
        base_args a
        ip netns exec "$NL_NS_A" timeout 15 "$bin" "${ARGS[@]}" --verb 3 --script-security 1 \
            --up "$D/dump.sh $D/4c.up" >"$LA" 2>&1 </dev/null
        rc=$?
        [ "$bin" = "$REF" ] && ref_rc=$rc
        chk "$bin: warning" has "$LA" "$WARN"
        chk "$bin: script not run" test ! -e "$D/4c.up"
    done
    chk "same exit status as the reference ($ref_rc vs $rc)" test "$ref_rc" = "$rc"
    case_end
fi

# ---- 5: --user/--group, --chroot ------------------------------------------

proc_field()
{
    awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

has_net_admin()
{
    local eff
    eff=$(proc_field "$1" CapEff)
    [ -n "$eff" ] && (((0x$eff >> 12) & 1))
}

if case_begin "5a --user nobody --group nogroup --persist-tun"; then
    chk "tunnel up" up_pair 5a --user nobody --group nogroup --persist-tun --persist-key
    chk "uid nobody" test "$(proc_field "$PA" Uid)" = 65534
    chk "gid nogroup" test "$(proc_field "$PA" Gid)" = 65534
    if grep -q 'HAVE_LIBCAPNG 1' "${top_builddir:-$TOP}/config.h" 2>/dev/null; then
        chk "CapEff keeps CAP_NET_ADMIN" has_net_admin "$PA"
    fi
    chk "ping" ping_ab
    kill -USR1 "$PA"
    chk "up again after SIGUSR1" nl_wait_init "$LA" "$PA" 15 2
    chk "ping after SIGUSR1" ping_ab
    case_end
fi

if case_begin "5b --chroot DIR"; then
    mkdir -p "$D/jail/tmp" # 2.6 checks --tmp-dir inside the jail
    chk "tunnel up" up_pair 5b --chroot "$D/jail"
    chk "root is the jail" test "$(readlink "/proc/$PA/root")" = "$D/jail"
    chk "ping" ping_ab
    case_end
fi

# ---- 6: SIGHUP, SIGUSR2 -----------------------------------------------------

if case_begin "6a SIGHUP re-reads the config"; then
    CF="$D/6a.conf"
    base_args a
    printf '%s\n' "verb 3" >"$CF"
    LA="$D/6a-a.log"
    nl_start PA "$NL_NS_A" "$LA" "$OPENVPN" --config "$CF" "${ARGS[@]}"
    start_b "$REF" 6a
    chk "tunnel up" nl_wait_init "$LA" "$PA" 15
    chk "no dump at verb 3" hasnt "$LA" "Current Parameter Settings:"
    printf '%s\n' "verb 4" >"$CF"
    kill -HUP "$PA"
    chk "SIGHUP logged" nl_wait_log "$LA" "SIGHUP[hard,] received, process restarting" 5 1 "$PA"
    chk "up again" nl_wait_init "$LA" "$PA" 15 2
    chk "verb 4 took effect" has "$LA" "Current Parameter Settings:"
    chk "ping" ping_ab
    printf '%s\n' "verb 3" >"$CF"
    kill -HUP "$PA"
    chk "up after 2nd SIGHUP" nl_wait_init "$LA" "$PA" 15 3
    chk "verb 3 again (one dump)" test "$(grep -c 'Current Parameter Settings:' "$LA")" = 1
    chk "ping again" ping_ab
    case_end
fi

stat_field()
{
    grep -E "^[0-9: -]*$2," "$1" | tail -n 1 | sed 's/.*,//'
}

if case_begin "6b SIGUSR2 statistics"; then
    chk "tunnel up" up_pair 6b
    chk "ping" ping_ab
    kill -USR2 "$PA"
    chk "statistics block" nl_wait_log "$LA" "OpenVPN STATISTICS" 5 1 "$PA"
    chk "end of block" nl_wait_log "$LA" "END" 5 1 "$PA"
    for f in "TUN/TAP read bytes" "TUN/TAP write bytes" "TCP/UDP read bytes" "TCP/UDP write bytes"; do
        v=$(stat_field "$LA" "$f")
        chk "$f = '$v'" test "${v:-0}" -gt 0
    done
    case_end
fi

# ---- 7: --float -------------------------------------------------------------

if case_begin "7a --float: the peer comes back from another port"; then
    chk "tunnel up" up_pair 7a --float
    nl_kill "$PB"
    start_b "$REF" 7a2 --lport 1195 --rport 1194
    chk "peer up" nl_wait_init "$LB" "$PB" 15
    chk "ping from the new port" ping_ab
    case_end
fi

if case_begin "7b no --float: packets from another port rejected"; then
    chk "tunnel up" up_pair 7b
    nl_kill "$PB"
    start_b "$REF" 7b2 --lport 1195 --rport 1194
    nl_ping "$NL_NS_B" 10.200.0.1 2
    chk "rejected line" nl_wait_log "$LA" \
        "TCP/UDP: Incoming packet rejected from [AF_INET]$NL_B_V4:1195" 5 1 "$PA"
    chk "names the expected peer" has "$LA" \
        "expected peer address: [AF_INET]$NL_B_V4:1194"
    case_end
fi

# ---- 8: several --remote, --connect-retry ---------------------------------

# retry_gap LOG: seconds between the first two refused connects.
refused_count()
{
    grep -c 'Connection refused' "$1"
}

if case_begin "8a two --remote (tcp-client): first refused, second works"; then
    LB="$D/8a-b.log"
    nl_start PB "$NL_NS_B" "$LB" "$REF" --secret "$KEY" 1 --proto tcp4-server \
        --local "$NL_B_V4" --dev tun --ifconfig 10.200.0.2 10.200.0.1 \
        --cipher AES-256-CBC --auth SHA256 --verb 3
    LA="$D/8a-a.log"
    nl_start PA "$NL_NS_A" "$LA" "$OPENVPN" --secret "$KEY" 0 --proto tcp4-client \
        --remote "$NL_B_V4" 1999 --remote "$NL_B_V4" 1194 --connect-retry 1 \
        --dev tun --ifconfig 10.200.0.1 10.200.0.2 --cipher AES-256-CBC --auth SHA256 --verb 3
    chk "tunnel up" nl_wait_init "$LA" "$PA" 20
    chk "first remote refused" has "$LA" "Connection refused"
    chk "connected to the second" has "$LA" "$NL_B_V4:1194"
    chk "ping" ping_ab
    case_end
fi

# retry_run BIN N TAG: a tcp-client with one closed remote and --connect-retry N
# for 5 s; prints how many connection attempts were refused.
retry_run()
{
    LA="$D/8b-$3$2-a.log"
    nl_start PA "$NL_NS_A" "$LA" "$1" --secret "$KEY" 0 --proto tcp4-client \
        --remote "$NL_B_V4" 1999 --connect-retry "$2" --dev tun \
        --ifconfig 10.200.0.1 10.200.0.2 --cipher AES-256-CBC --auth SHA256 --verb 3
    sleep 5.5
    nl_kill "$PA" >/dev/null 2>&1
    PA=""
    refused_count "$LA"
}

if case_begin "8b --connect-retry N honoured (as the reference)"; then
    o1=$(retry_run "$OPENVPN" 1 ours) o3=$(retry_run "$OPENVPN" 3 ours)
    r1=$(retry_run "$REF" 1 ref) r3=$(retry_run "$REF" 3 ref)
    chk "refusals in 5 s: ours 1->$o1 3->$o3, ref 1->$r1 3->$r3" \
        test "$o3" -lt "$o1" -a "$((o1 - r1))" -le 1 -a "$((r1 - o1))" -le 1 \
        -a "$((o3 - r3))" -le 1 -a "$((r3 - o3))" -le 1
    case_end
fi

# ---- 9: binding -------------------------------------------------------------

udp_bound()
{
    ip netns exec "$1" ss -H -u -a -n -p | grep openvpn | grep -qF -- "$2"
}

if case_begin "9a --nobind client, --local/--lport server"; then
    LA="$D/9a-a.log"
    nl_start PA "$NL_NS_A" "$LA" "$OPENVPN" --secret "$KEY" 0 --proto udp4 \
        --local "$NL_A_V4" --lport 1300 --dev tun --ifconfig 10.200.0.1 10.200.0.2 \
        --cipher AES-256-CBC --auth SHA256 --verb 3
    LB="$D/9a-b.log"
    nl_start PB "$NL_NS_B" "$LB" "$OPENVPN" --secret "$KEY" 1 --proto udp4 --nobind \
        --remote "$NL_A_V4" 1300 --dev tun --ifconfig 10.200.0.2 10.200.0.1 \
        --cipher AES-256-CBC --auth SHA256 --verb 3
    chk "A up" nl_wait_init "$LA" "$PA" 15
    chk "B up" nl_wait_init "$LB" "$PB" 15
    chk "ping" ping_ab
    chk "server bound to $NL_A_V4:1300" udp_bound "$NL_NS_A" "$NL_A_V4:1300"
    chk "client not on 1194" sh -c "! ip netns exec '$NL_NS_B' ss -H -u -a -n | grep -q ':1194 '"
    case_end
fi

# v6only_run BIND...: A on udp6 (no --local, no --remote), B over udp4 to A's
# IPv4 address; succeeds when the tunnel carries a ping.
v6only_run()
{
    LA="$D/9b-a.log"
    nl_start PA "$NL_NS_A" "$LA" "$OPENVPN" --secret "$KEY" 0 --proto udp6 "$@" \
        --dev tun --ifconfig 10.200.0.1 10.200.0.2 --cipher AES-256-CBC --auth SHA256 --verb 3
    LB="$D/9b-b.log"
    nl_start PB "$NL_NS_B" "$LB" "$REF" --secret "$KEY" 1 --proto "$PEER_PROTO" \
        --remote "$PEER_ADDR" --dev tun --ifconfig 10.200.0.2 10.200.0.1 \
        --cipher AES-256-CBC --auth SHA256 --verb 3
    nl_wait_init "$LA" "$PA" 15 && nl_wait_init "$LB" "$PB" 15 || return 1
    nl_ping "$NL_NS_B" 10.200.0.1 4
}

if case_begin "9b --bind ipv6only"; then
    PEER_PROTO=udp4 PEER_ADDR=$NL_A_V4
    chk "dual stack: IPv4 peer reaches a udp6 socket" v6only_run
    stop_all
    chk "ipv6only: IPv4 peer is not heard" eval '! v6only_run --bind ipv6only'
    stop_all
    PEER_PROTO=udp6 PEER_ADDR=$NL_A_V6
    chk "ipv6only: IPv6 peer works" v6only_run --bind ipv6only
    case_end
fi

# ---- 10: --inactive, --ping-exit, --keepalive -------------------------------

if case_begin "10a --inactive 3"; then
    start_a "$OPENVPN" 10a --inactive 3
    start_b "$REF" 10a
    chk "exits within 8 s" exits_within "$PA" 8
    chk "exit status 0" test "$EXIT_RC" = 0
    chk "inactivity line" has "$LA" "Inactivity timeout (--inactive), exiting"
    case_end
fi

if case_begin "10b --ping-exit when the peer is gone"; then
    chk "tunnel up" up_pair 10b --ping-exit 3
    nl_kill "$PB" KILL
    PB=""
    chk "exits within 8 s" exits_within "$PA" 8
    chk "exit status 0" test "$EXIT_RC" = 0
    chk "ping-exit line" has "$LA" "Inactivity timeout (--ping-exit), exiting"
    case_end
fi

if case_begin "10c --keepalive 1 3: peer killed -> restart"; then
    BASE_PING=()
    chk "tunnel up" up_pair 10c --keepalive 1 3
    BASE_PING=(--ping 1)
    nl_kill "$PB" KILL
    PB=""
    chk "ping-restart within 3 s (+2 s slack)" nl_wait_log "$LA" \
        "Inactivity timeout (--ping-restart), restarting" 5 1 "$PA"
    start_b "$REF" 10c2
    chk "up again" nl_wait_init "$LA" "$PA" 15 2
    chk "ping" ping_ab
    case_end
fi

# ---- 11: devices and routes -------------------------------------------------

link_in_a()
{
    ip -n "$NL_NS_A" -o link show dev "$1" 2>/dev/null
}

if case_begin "11a --dev tun7 and --dev tap3, --dev-node /dev/net/tun"; then
    chk "tun7 up" up_pair 11a --dev tun7 --dev-node /dev/net/tun
    chk "tun7 exists" link_in_a tun7
    chk "ping" ping_ab
    stop_all
    chk "tun7 removed" eval '! link_in_a tun7'
    start_a "$OPENVPN" 11a2 --dev tap3 --ifconfig 10.201.0.1 255.255.255.0
    start_b "$REF" 11a2 --dev tap --ifconfig 10.201.0.2 255.255.255.0
    chk "tap3 up" nl_wait_init "$LA" "$PA" 15
    chk "tap3 is ethernet" sh -c "ip -n '$NL_NS_A' -o link show dev tap3 | grep -q link/ether"
    chk "ping over tap" nl_ping "$NL_NS_A" 10.201.0.2
    case_end
fi

if case_begin "11b --tun-mtu 1400, DF ping of 1372 bytes"; then
    chk "tunnel up" up_pair 11b --tun-mtu 1400
    chk "mtu 1400" sh -c "ip -n '$NL_NS_A' -o link show dev tun0 | grep -q 'mtu 1400 '"
    chk "1372-byte DF ping" ip netns exec "$NL_NS_A" ping -q -n -c 2 -W 2 -M do -s 1372 10.200.0.2
    chk "1373 does not fit" eval "! ip netns exec '$NL_NS_A' ping -q -n -c 1 -W 1 -M do -s 1373 10.200.0.2 >/dev/null 2>&1"
    case_end
fi

if case_begin "11c --ifconfig-noexec"; then
    chk "tunnel up" up_pair 11c --ifconfig-noexec
    chk "tun0 exists" link_in_a tun0
    chk "no address on tun0" test -z "$(ip -n "$NL_NS_A" -o addr show dev tun0)"
    case_end
fi

if case_begin "11d --ifconfig-ipv6, --route, --route-ipv6 to a LAN behind the peer"; then
    # the "LAN" behind B: one end of a veth pair kept inside B (no dummy module
    # is needed)
    ip -n "$NL_NS_B" link add lan0 type veth peer name lan1
    ip -n "$NL_NS_B" link set lan1 up
    ip -n "$NL_NS_B" link set lan0 up
    ip -n "$NL_NS_B" addr add 10.210.0.1/24 dev lan0
    ip -n "$NL_NS_B" -6 addr add 2001:db8:210::1/64 dev lan0 nodad
    chk "tunnel up" up_pair 11d --ifconfig-ipv6 2001:db8:200::1/64 2001:db8:200::2 \
        --route 10.210.0.0 255.255.255.0 --route-ipv6 2001:db8:210::/64
    LB0=$LB
    nl_kill "$PB"
    start_b "$REF" 11d2 --ifconfig-ipv6 2001:db8:200::2/64 2001:db8:200::1
    chk "peer up" nl_wait_init "$LB" "$PB" 15
    chk "route in table" sh -c "ip -n '$NL_NS_A' route show 10.210.0.0/24 | grep -q 'dev tun0'"
    chk "route-ipv6 in table" sh -c "ip -n '$NL_NS_A' -6 route show 2001:db8:210::/64 | grep -q 'dev tun0'"
    chk "ping6 across the tunnel" nl_ping "$NL_NS_A" 2001:db8:200::2
    chk "ping LAN v4" nl_ping "$NL_NS_A" 10.210.0.1
    chk "ping LAN v6" nl_ping "$NL_NS_A" 2001:db8:210::1
    stop_all
    chk "v4 route removed" test -z "$(ip -n "$NL_NS_A" route show 10.210.0.0/24)"
    chk "v6 route removed" test -z "$(ip -n "$NL_NS_A" -6 route show 2001:db8:210::/64)"
    ip -n "$NL_NS_B" link del lan0
    case_end
fi

# ---- 12: --mktun/--rmtun ----------------------------------------------------

if case_begin "12 --mktun, tunnel on it, --rmtun"; then
    ip netns exec "$NL_NS_A" timeout 10 "$OPENVPN" --mktun --dev tun12 >"$D/12-mk.out" 2>&1
    rc=$?
    chk "mktun status $rc" test "$rc" = 0
    chk "tun12 created" link_in_a tun12
    chk "tunnel on tun12" up_pair 12 --dev tun12
    chk "ping" ping_ab
    stop_all
    chk "tun12 persists after the tunnel" link_in_a tun12
    ip netns exec "$NL_NS_A" timeout 10 "$OPENVPN" --rmtun --dev tun12 >"$D/12-rm.out" 2>&1
    rc=$?
    chk "rmtun status $rc" test "$rc" = 0
    chk "tun12 removed" eval '! link_in_a tun12'
    ip -n "$NL_NS_A" link del tun12 2>/dev/null
    case_end
fi

# ---- 13: --replay-window, --no-replay ---------------------------------------

if case_begin "13a --replay-window 32"; then
    chk "tunnel up" up_pair 13a --replay-window 32 --verb 4
    chk "ping" ping_ab
    chk "replay sent" replay_b_to_a 5
    chk "replay rejected" nl_wait_log "$LA" "bad packet ID (may be a replay)" 5 1 "$PA"
    case_end
fi

if case_begin "13b --no-replay accepts a replayed packet"; then
    # --no-replay drops the packet ID from the packet, so both ends need it.
    start_a "$OPENVPN" 13b --no-replay --verb 4
    start_b "$REF" 13b --no-replay
    chk "tunnel up" nl_wait_init "$LA" "$PA" 15
    chk "ping" ping_ab
    before=$(tun_rx_packets)
    chk "replay sent" replay_b_to_a 20
    sleep 0.5
    after=$(tun_rx_packets)
    chk "replays delivered to tun0 ($before -> $after)" test "$((after - before))" -ge 20
    chk "no replay error" hasnt "$LA" "bad packet ID"
    chk "ping" ping_ab
    case_end
fi

# ---- 14: compression interop ------------------------------------------------

comp_run()
{
    local a=$1 b=$2
    shift 2
    start_a "$a" "14-$N14" "$@"
    start_b "$b" "14-$N14" "$@"
    nl_wait_init "$LA" "$PA" 15 && nl_wait_init "$LB" "$PB" 15 && ping_ab \
        && nl_xfer "$NL_NS_A" "$NL_NS_B" 10.200.0.2 2 && nl_xfer "$NL_NS_B" "$NL_NS_A" 10.200.0.1 2
}

N14=0
for comp in "comp-lzo no" "compress stub-v2" "comp-lzo yes"; do
    for roles in "ours<->ref" "ref<->ours"; do
        N14=$((N14 + 1))
        case_begin "14.$N14 --$comp $roles" || continue
        # shellcheck disable=SC2206
        opts=(--$comp --allow-compression yes)
        if [ "$roles" = "ours<->ref" ]; then
            chk "ping + 2 MiB both ways" comp_run "$OPENVPN" "$REF" "${opts[@]}"
        else
            chk "ping + 2 MiB both ways" comp_run "$REF" "$OPENVPN" "${opts[@]}"
        fi
        case_end
    done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
