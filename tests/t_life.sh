#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_life.sh -- servers and clients as they meet in real life, not
# within the first second of each other.  Three parts run at the same time,
# every case in its own client namespace on the bridge of side A
# (203.0.113.0/24), every case with its own port and 10.x tunnel network:
#
#   late  Late clients in every family: point-to-point static key,
#         point-to-point TLS, server UDP and server TCP, each with no
#         control-channel wrapping, --tls-auth, --tls-crypt and --tls-crypt-v2
#         where they apply.  The listener has been up for LATE_WAIT seconds
#         after its "Initialization Sequence Completed" before the client
#         starts.  Ours as listener with the reference as client, the other
#         way round, and ours with ours; each case connects and pings.
#   long  A server that runs for minutes (--keepalive 10 60 --reneg-sec 60):
#         our UDP server with tls-crypt, our UDP server with tls-auth, and the
#         reference server with our clients.  Clients connect, leave (SIGTERM;
#         one SIGKILL that comes back from the same address and port; one
#         SIGKILL that never comes back, which the server must time out) and
#         come back as new processes at different moments; every new client
#         connects and pings, and at the end the status file lists exactly
#         the live clients.
#   restart  A client survives its server's restart and reconnects by itself:
#         the server stopped with SIGTERM and started again a few seconds
#         later as a new process, then SIGUSR1, then SIGHUP; UDP with
#         --explicit-exit-notify, UDP relying on the pushed ping-restart, and
#         TCP; our server with the reference client and with ours, the
#         reference server with ours, and reference with reference, whose
#         times are printed and bound the others (see RESTART_BOUND below).
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_life.sh [late|long|restart]
# KEEP_LOGS=1 keeps the logs of a failed run.

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/netns-lib.sh
. "${top_srcdir:-$TOP}/tests/netns-lib.sh"

nl_require
command -v openssl >/dev/null 2>&1 || nl_skip "openssl command line tool not installed"
nl_setup life
PARTS=${1:-late long restart}
LATE_WAIT=${LATE_WAIT:-6}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
for c in cl1 cl2 cl3 cl4 cl5; do
    nl_pki_client "$PKI" "$c"
done
nl_keyfile "$NL_DIR/ta.key"
nl_keyfile "$NL_DIR/static.key"
"$REF" --genkey tls-crypt-v2-server "$NL_DIR/v2s.key" >/dev/null 2>&1 &&
    "$REF" --tls-crypt-v2 "$NL_DIR/v2s.key" --genkey tls-crypt-v2-client "$NL_DIR/v2c.key" \
        >/dev/null 2>&1 || nl_die "cannot make tls-crypt-v2 keys"

# Every case runs as a background job (a subshell); the daemons it starts are
# not children of this shell, so their PIDs also go to $NL_DIR/pids and the
# exit trap ends them even when a job was interrupted.
LF_JOBS=()
lf_cleanup()
{
    local rc=$? pid i
    for pid in "${LF_JOBS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    if [ -f "$NL_DIR/pids" ]; then
        while read -r pid; do
            kill -TERM "$pid" 2>/dev/null
        done <"$NL_DIR/pids"
        for ((i = 0; i < 50; i++)); do
            local alive=0
            while read -r pid; do
                nl_alive "$pid" && alive=1
            done <"$NL_DIR/pids"
            [ "$alive" = 0 ] && break
            sleep 0.1
        done
        while read -r pid; do
            nl_alive "$pid" && kill -KILL "$pid" 2>/dev/null
        done <"$NL_DIR/pids"
    fi
    (exit "$rc")
    nl_cleanup
}
trap lf_cleanup EXIT

# (nl_start's locals: var, ns, log, pid are no names for VAR)
lf_start()
{
    nl_start "$@"
    echo "${!1}" >>"$NL_DIR/pids"
}

# lf_job NAME FUNCTION ARGS...: run one case in the background; its
# PASS/FAIL lines and log tails go to $NL_DIR/NAME.out.
lf_job()
{
    local out="$NL_DIR/$1.out"
    shift
    ("$@") >"$out" 2>&1 </dev/null &
    LF_JOBS+=("$!")
}

# Client namespaces on the bridge, made here in the main shell so that the
# exit trap deletes them: lf_ns VAR gives the next free one.
LF_HOST=10
lf_ns()
{
    LF_HOST=$((LF_HOST + 1))
    [ "$LF_HOST" -le 250 ] || nl_die "out of bridge addresses"
    nl_hub_client "$1" "h$LF_HOST" "203.0.113.$LF_HOST"
    printf -v "${1}_ADDR" '%s' "203.0.113.$LF_HOST"
}

# wrap_args server|client WRAP: the control-channel wrapping options.
wrap_args()
{
    WRAP=()
    case "$2" in
        auth) WRAP=(--tls-auth "$NL_DIR/ta.key" "$([ "$1" = server ] && echo 0 || echo 1)") ;;
        crypt) WRAP=(--tls-crypt "$NL_DIR/ta.key") ;;
        crypt2)
            if [ "$1" = server ]; then
                WRAP=(--tls-crypt-v2 "$NL_DIR/v2s.key")
            else
                WRAP=(--tls-crypt-v2 "$NL_DIR/v2c.key")
            fi
            ;;
    esac
}

# pair_bins PAIR: SBIN and CBIN for "ours-ref" (ours serves, reference
# connects), "ref-ours", "ours-ours" and "ref-ref".
pair_bins()
{
    case "${1%-*}" in ours) SBIN=$OPENVPN ;; *) SBIN=$REF ;; esac
    case "${1#*-}" in ours) CBIN=$OPENVPN ;; *) CBIN=$REF ;; esac
}

# server_args PROTO NET PORT WRAP: a --server on 10.NET.0.0/24.
server_args()
{
    wrap_args server "$4"
    SARGS=(--server "10.$2.0.0" 255.255.255.0 --topology subnet --dev tun --proto "$1"
        --port "$3" --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key"
        --dh none --verb 3 "${WRAP[@]}")
}

# client_args PROTO PORT WRAP CN: a --client of the server on 203.0.113.1.
client_args()
{
    wrap_args client "$3"
    CARGS=(--client --dev tun --proto "$1" --remote 203.0.113.1 "$2" --nobind
        --ca "$PKI/ca.crt" --cert "$PKI/${4:-client}.crt" --key "$PKI/${4:-client}.key"
        --remote-cert-tls server --verb 3 "${WRAP[@]}")
}

# log_count LOG PATTERN: how often the fixed string occurs.
log_count()
{
    local c
    c=$(grep -cF -- "$2" "$1" 2>/dev/null)
    echo "${c:-0}"
}

# ---------------------------------------------------------------- late

# init_after_peer LOG: without TLS, 2.6 logs "Peer Connection Initiated",
# then "Initialization Sequence Completed", then the data channel summary.
init_after_peer()
{
    awk '/Peer Connection Initiated with/ && !p {p = NR}
         /Initialization Sequence Completed/ && !i {i = NR}
         /Data Channel: cipher .AES-256-CBC., auth .SHA256.$/ && !d {d = NR}
         END {exit !(p && i > p && d > i)}' "$1"
}

# late_case FAMILY WRAP PAIR NET PORT CLIENT_NS
late_case()
{
    local fam=$1 wrap=$2 pair=$3 net=$4 port=$5 cns=$6 ps pc why=""
    local name="late $fam $wrap $pair" ls="$NL_DIR/late$net-s.log" lc="$NL_DIR/late$net-c.log"
    local cip=${cns_addr:-}
    pair_bins "$pair"
    case "$fam" in
        static)
            SARGS=(--dev tun --proto udp --lport "$port" --remote "$cip" "$port" --float
                --secret "$NL_DIR/static.key" 0 --cipher AES-256-CBC --auth SHA256
                --ifconfig "10.$net.0.1" "10.$net.0.2" --verb 3)
            CARGS=(--dev tun --proto udp --lport "$port" --remote 203.0.113.1 "$port"
                --secret "$NL_DIR/static.key" 1 --cipher AES-256-CBC --auth SHA256
                --ifconfig "10.$net.0.2" "10.$net.0.1" --verb 3)
            ;;
        p2ptls)
            wrap_args server "$wrap"
            SARGS=(--tls-server --dev tun --proto udp --lport "$port" --ca "$PKI/ca.crt"
                --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none
                --ifconfig "10.$net.0.1" "10.$net.0.2" --verb 3 "${WRAP[@]}")
            wrap_args client "$wrap"
            CARGS=(--tls-client --dev tun --proto udp --remote 203.0.113.1 "$port" --nobind
                --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key"
                --remote-cert-tls server --ifconfig "10.$net.0.2" "10.$net.0.1" --verb 3
                "${WRAP[@]}")
            ;;
        udp | tcp)
            server_args "$fam" "$net" "$port" "$wrap"
            SARGS+=(--keepalive 10 60)
            client_args "$fam" "$port" "$wrap"
            ;;
    esac
    lf_start ps "$NL_NS_A" "$ls" "$SBIN" "${SARGS[@]}"
    # a point-to-point listener completes its initialization only with a
    # peer (TLS: after the handshake; static key: with the first packet, as
    # 2.6 does): there it is up once its socket is
    if [ "$fam" = p2ptls ] || [ "$fam" = static ]; then
        nl_wait_log "$ls" "link local (bound)" 30 1 "$ps" || why="the listener did not start"
    else
        nl_wait_init "$ls" "$ps" 30 || why="the listener did not initialize"
    fi
    if [ -z "$why" ]; then
        # the point of the case: the listener has been up for a while
        sleep "$LATE_WAIT"
        lf_start pc "$cns" "$lc" "$CBIN" "${CARGS[@]}"
        nl_wait_init "$lc" "$pc" 40 || why="the late client did not connect"
    fi
    [ -z "$why" ] && { nl_ping "$cns" "10.$net.0.1" 15 || why="no ping through the tunnel"; }
    if [ -z "$why" ] && [ "$fam" = static ]; then
        nl_wait_init "$ls" "$ps" 10 || why="the listener did not complete its initialization"
        [ -z "$why" ] && { init_after_peer "$ls" || why="the listener's initialization did not wait for its peer"; }
        [ -z "$why" ] && { init_after_peer "$lc" || why="the client's initialization did not wait for its peer"; }
    fi
    [ -n "${pc:-}" ] && nl_kill "$pc"
    nl_kill "$ps"
    nl_result "$name" "$why" "$ls" "$lc"
}

part_late()
{
    local fam wrap pair net=100 port=1300 cns wraps
    for fam in static p2ptls udp tcp; do
        wraps="none auth crypt crypt2"
        [ "$fam" = static ] && wraps=none
        for wrap in $wraps; do
            for pair in ours-ref ref-ours ours-ours; do
                net=$((net + 1))
                port=$((port + 1))
                lf_ns cns
                # shellcheck disable=SC2154  # lf_ns set it (printf -v)
                cns_addr=$cns_ADDR lf_job "late$net" late_case "$fam" "$wrap" "$pair" "$net" \
                    "$port" "$cns"
            done
        done
    done
}

# ---------------------------------------------------------------- restart

# restart_setup VARIANT NET PORT: SARGS/CARGS of a real-life server and its
# client: udpeen = UDP, tls-crypt, --keepalive 10 60, --explicit-exit-notify
# (the clients are told); udpka = UDP, no wrapping, --keepalive 2 10 (the
# client finds out by its pushed ping-restart); tcp = TCP, tls-auth.
restart_setup()
{
    case "$1" in
        udpeen)
            server_args udp "$2" "$3" crypt
            SARGS+=(--keepalive 10 60 --explicit-exit-notify 1)
            client_args udp "$3" crypt
            ;;
        udpka)
            server_args udp "$2" "$3" none
            SARGS+=(--keepalive 2 10)
            client_args udp "$3" none
            ;;
        tcp)
            server_args tcp "$2" "$3" auth
            SARGS+=(--keepalive 10 60)
            client_args tcp "$3" auth
            ;;
    esac
}

# restart_case VARIANT PAIR NET PORT CLIENT_NS: the server is stopped and
# started again, then gets SIGUSR1, then SIGHUP; each time the client logs
# its restart, comes back by itself and pings.
restart_case()
{
    local var=$1 pair=$2 net=$3 port=$4 cns=$5 ps pc why="" ev k r t0 secs
    local ls="$NL_DIR/rst$net-s1.log" lc="$NL_DIR/rst$net-c.log"
    pair_bins "$pair"
    restart_setup "$var" "$net" "$port"
    lf_start ps "$NL_NS_A" "$ls" "$SBIN" "${SARGS[@]}"
    nl_wait_init "$ls" "$ps" 30 || why="the server did not initialize"
    if [ -z "$why" ]; then
        lf_start pc "$cns" "$lc" "$CBIN" "${CARGS[@]}"
        nl_wait_init "$lc" "$pc" 40 || why="the client did not connect"
    fi
    [ -z "$why" ] && { nl_ping "$cns" "10.$net.0.1" 15 || why="no first ping"; }
    nl_result "restart $var $pair: first connection" "$why" "$ls" "$lc"
    [ -z "$why" ] || { nl_kill "$pc"; nl_kill "$ps"; return; }
    for ev in term usr1 hup; do
        k=$(log_count "$lc" "Initialization Sequence Completed")
        r=$(log_count "$lc" "SIGUSR1[soft,")
        t0=$EPOCHREALTIME
        case "$ev" in
            term)
                nl_kill "$ps"
                # the scenario: the server is down for a few seconds
                sleep 3
                ls="$NL_DIR/rst$net-s2.log"
                lf_start ps "$NL_NS_A" "$ls" "$SBIN" "${SARGS[@]}"
                ;;
            usr1) kill -USR1 "$ps" ;;
            hup) kill -HUP "$ps" ;;
        esac
        nl_wait_init "$lc" "$pc" "$RESTART_WAIT" $((k + 1)) || why="the client did not come back"
        [ -z "$why" ] && { nl_ping "$cns" "10.$net.0.1" 15 || why="no ping after coming back"; }
        secs=$("$NL_PYTHON" -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" \
            "$t0" "$EPOCHREALTIME")
        echo "TIME: $var $pair $ev ${secs}s"
        [ -z "$why" ] && [ "$(log_count "$lc" "SIGUSR1[soft,")" -le "$r" ] && why="the client logged no restart"
        [ -z "$why" ] && { restart_within "$var" "$ev" "$secs" || why="back after ${secs}s, bound $BOUND s"; }
        nl_result "restart $var $pair: server $ev, client back in ${secs}s" "$why" "$ls" "$lc"
        [ -z "$why" ] || break
    done
    nl_kill "$pc"
    nl_kill "$ps"
}

# What the reference client needs against the reference server, measured
# on this machine (three runs, seconds, rounded up; this script prints the
# ref-ref times of every run): with --explicit-exit-notify the server says
# RESTART and serves two more seconds, the client's first reset is ignored
# and its retransmission 2 s later gets in (7.2-7.6 after a stop plus a 3 s
# pause, 3.5-3.7 after SIGUSR1/SIGHUP); relying on the pushed ping-restart 10
# takes 11.0-11.6; TCP sees the connection close (4.6, 2.5, 3.6).  Ours may
# take 1.5 times that plus 5 s: one more missed retransmission (+4 s) stays
# inside.
declare -A RESTART_REF=(
    [udpeen - term]=8 [udpeen - usr1]=4 [udpeen - hup]=4
    [udpka - term]=12 [udpka - usr1]=12 [udpka - hup]=12
    [tcp - term]=5 [tcp - usr1]=3 [tcp - hup]=4
)
RESTART_WAIT=90
restart_within()
{
    local ref=${RESTART_REF[$1 - $2]}
    BOUND=$(((ref * 3 + 1) / 2 + 5))
    "$NL_PYTHON" -c "import sys; sys.exit(float(sys.argv[1]) > float(sys.argv[2]))" "$3" "$BOUND"
}

part_restart()
{
    local var pair net=150 port=1500 cns
    for var in udpeen udpka tcp; do
        for pair in ref-ref ours-ref ours-ours ref-ours; do
            net=$((net + 1))
            port=$((port + 1))
            lf_ns cns
            lf_job "rst$net" restart_case "$var" "$pair" "$net" "$port" "$cns"
        done
    done
}

# ---------------------------------------------------------------- long

# The clients of one long-running server, by letter: CN, binary ("ref"
# or "ours"; the reference server gets only ours), and what happens to it:
#   a  starts at t=2, SIGTERM at 50, a new process at 70
#   b  fixed local port; starts at 8, SIGKILL at 65, a new process from the
#      same address and port at 80 (the server sees a new session there)
#   c  starts at 25 and lives through the server's renegotiations
#   d  starts at 35, SIGTERM at 100, a new process at 130
#   e  starts at 15, SIGKILL at 20, never comes back: the server's
#      ping-restart (2 x 60 s) must drop it before the end
# At t=160 every live client pings again and the status file must list
# exactly a, b, c and d.
LONG_EVENTS=(2:start:a 8:start:b 15:start:e 20:kill:e 25:start:c 35:start:d 50:term:a
    65:kill:b 70:start:a 80:start:b 100:term:d 130:start:d 160:end:-)

# long_start LETTER: start (again) the client LETTER of the current server.
long_start()
{
    local l=$1 cn bin cp log why=""
    local -n cpid="LP_$l"
    cn=cl$(($(printf '%d' "'$l") - 96))
    bin=$REF
    [ "${LBIN[$l]}" = ours ] && bin=$OPENVPN
    client_args udp "$LPORT" "$LWRAP" "$cn"
    if [ "$l" = b ]; then
        local i out=()
        for i in "${CARGS[@]}"; do
            [ "$i" = --nobind ] || out+=("$i")
        done
        CARGS=("${out[@]}" --lport 40002)
    fi
    LRUN[$l]=$((${LRUN[$l]:-0} + 1))
    log="$NL_DIR/long$LNET-$l${LRUN[$l]}.log"
    lf_start cp "${LNS[$l]}" "$log" "$bin" "${CARGS[@]}"
    cpid=$cp
    nl_wait_init "$log" "$cp" 30 || why="did not connect"
    [ -z "$why" ] && { nl_ping "${LNS[$l]}" "10.$LNET.0.1" 15 || why="no ping"; }
    nl_result "long $LNAME: client $l ($cn, ${LBIN[$l]}) run ${LRUN[$l]} at t=$((SECONDS - LT0))" \
        "$why" "$log" "$LLOG"
}

# long_end: every live client pings; the status file lists exactly them;
# the server logged dropping e for its inactivity.
long_end()
{
    local l why="" want got i
    for l in a b c d; do
        local -n cpid="LP_$l"
        nl_alive "$cpid" || { why="client $l died"; break; }
        nl_ping "${LNS[$l]}" "10.$LNET.0.1" 15 || { why="client $l cannot ping at the end"; break; }
    done
    want="cl1 cl2 cl3 cl4"
    for ((i = 0; i < 20; i++)); do
        got=$(awk -F, '$1 == "CLIENT_LIST" {print $2}' "$LSTATUS" 2>/dev/null | sort | xargs)
        [ "$got" = "$want" ] && break
        sleep 0.5
    done
    [ -z "$why" ] && [ "$got" != "$want" ] && why="status file lists '$got', expected '$want'"
    [ -z "$why" ] && { grep -q "cl5/.*Inactivity timeout (--ping-restart)" "$LLOG" ||
        why="the server did not time the killed client out"; }
    # the control channel's lines name their client, as 2.6 writes them
    [ -z "$why" ] && { grep -qE ' 203\.0\.113\.[0-9]+:[0-9]+ VERIFY OK: depth=0, CN=cl3$' "$LLOG" ||
        why="no client address before the server's VERIFY line"; }
    [ -z "$why" ] && { grep -qE ' cl5/203\.0\.113\.[0-9]+:[0-9]+ TLS Error: TLS key negotiation failed' "$LLOG" ||
        why="the failed renegotiation with the killed client is not logged with its name"; }
    [ -z "$why" ] && { nl_alive "$LPS" || why="the server died"; }
    nl_result "long $LNAME: at t=$((SECONDS - LT0)) every live client pings, status lists exactly them" \
        "$why" "$LLOG"
}

# long_case NAME SERVER_BIN WRAP NET PORT CLIENT_BINS(a..e) NS_a .. NS_e
long_case()
{
    LNAME=$1 LWRAP=$3 LNET=$4 LPORT=$5
    local sbin=$2 bins=$6 ev t what l k
    shift 6
    declare -gA LBIN LNS LRUN
    k=0
    for l in a b c d e; do
        LBIN[$l]=${bins:k:1}
        [ "${LBIN[$l]}" = o ] && LBIN[$l]=ours || LBIN[$l]=ref
        LNS[$l]=$1
        shift
        k=$((k + 1))
        declare -g "LP_$l="
    done
    LLOG="$NL_DIR/long$LNET-s.log"
    LSTATUS="$NL_DIR/long$LNET.status"
    server_args udp "$LNET" "$LPORT" "$LWRAP"
    SARGS+=(--keepalive 10 60 --reneg-sec 60 --status "$LSTATUS" 2 --status-version 2)
    lf_start LPS "$NL_NS_A" "$LLOG" "$sbin" "${SARGS[@]}"
    if ! nl_wait_init "$LLOG" "$LPS" 30; then
        nl_result "long $LNAME: server starts" "did not initialize" "$LLOG"
        nl_kill "$LPS"
        return
    fi
    LT0=$SECONDS
    for ev in "${LONG_EVENTS[@]}"; do
        t=${ev%%:*} what=${ev#*:}
        l=${what#*:} what=${what%%:*}
        # the scenario's clock: each event happens at its moment
        while [ $((SECONDS - LT0)) -lt "$t" ]; do
            sleep 0.5
        done
        case "$what" in
            start) long_start "$l" ;;
            term) local -n p="LP_$l"; nl_kill "$p" TERM; unset -n p ;;
            kill) local -n p="LP_$l"; nl_kill "$p" KILL; unset -n p ;;
            end) long_end ;;
        esac
    done
    for l in a b c d e; do
        local -n p="LP_$l"
        [ -n "$p" ] && nl_alive "$p" && nl_kill "$p"
        unset -n p
    done
    nl_kill "$LPS"
}

part_long()
{
    local spec name sbin wrap bins net=200 port=1600 l hns list
    for spec in "ours-crypt:ours:crypt:roror" "ours-auth:ours:auth:orror" "ref-crypt:ref:crypt:ooooo"; do
        IFS=: read -r name sbin wrap bins <<<"$spec"
        [ "$sbin" = ours ] && sbin=$OPENVPN || sbin=$REF
        net=$((net + 1))
        port=$((port + 1))
        list=()
        for l in a b c d e; do
            lf_ns hns
            list+=("$hns")
        done
        lf_job "long$net" long_case "$name" "$sbin" "$wrap" "$net" "$port" "$bins" "${list[@]}"
    done
}

# ---------------------------------------------------------------- main

START=$SECONDS
for part in $PARTS; do
    case "$part" in
        late) part_late ;;
        long) part_long ;;
        restart) part_restart ;;
        *) nl_die "unknown part '$part' (late, long, restart)" ;;
    esac
done
for job in "${LF_JOBS[@]}"; do
    wait "$job"
done
LF_JOBS=()
cat "$NL_DIR"/*.out
grep -h '^TIME: .* ref-ref ' "$NL_DIR"/*.out | sed 's/^TIME: /reference reconnect: /'
pass=$(cat "$NL_DIR"/*.out | grep -c '^PASS:')
fail=$(cat "$NL_DIR"/*.out | grep -c '^FAIL:')
echo "t_life: $((SECONDS - START)) s"
echo "$pass passed, $fail failed"
[ "$pass" -gt 0 ] || exit 99
[ "$fail" -eq 0 ]
