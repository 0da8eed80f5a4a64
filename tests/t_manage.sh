#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/t_manage.sh -- the management interface of a client and of a
# point-to-point tunnel (the server's is in t_server.sh), driven over its
# socket by a small python client:
#   - our --client against the reference server, --management on a unix
#     socket with --management-hold: `hold release` starts it, `state on`
#     shows CONNECTING ... CONNECTED,SUCCESS with the tun address, `status`
#     gives the statistics block, `bytecount 1` gives >BYTECOUNT:, `log all`
#     has "Initialization Sequence Completed", `signal SIGUSR1` reconnects
#     (RECONNECTING, held again like 2.6, then CONNECTED again); the states
#     are those the reference client reports (WAIT, AUTH, ASSIGN_IP, CONNECTED);
#   - --management-query-passwords: the client asks for its --auth-user-pass
#     credentials (>PASSWORD:Need 'Auth'), a wrong password brings
#     >PASSWORD:Verification Failed and a new request (--auth-retry interact),
#     the right one connects;
#   - a static-key point-to-point tunnel with --management on a TCP port and
#     a password file: a wrong password is asked again, the right one is
#     accepted, `state` says CONNECTED, `signal SIGTERM` ends the daemon.
#
# By hand:  OPENVPN=/path/to/openvpn tests/t_manage.sh [FILTER]

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${top_srcdir:-$TOP}
# shellcheck source=tests/netns-lib.sh
. "$SRC/tests/netns-lib.sh"

nl_require
nl_setup manage
FILTER=${1:-}
PKI="$NL_DIR/pki"
nl_pki "$PKI"
pass=0
fail=0
n=0

# A management client: argv = (unix PATH | tcp HOST PORT) then commands; a
# command "wait:TEXT" waits (<= 40 s) until one more line containing TEXT
# than the earlier waits for TEXT consumed has been read (lines that came
# early count), "pw:X" answers a password prompt.  Lines read are printed
# with "< ".
MGMT_PY='
import socket, sys, time
args = sys.argv[1:]
if args[0] == "unix":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); addr = args[1]; cmds = args[2:]
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); addr = (args[1], int(args[2])); cmds = args[3:]
for i in range(100):
    try:
        s.connect(addr)
        break
    except OSError:
        time.sleep(0.2)
s.settimeout(0.5)
buf = b""
seen = []
used = {}
def pump(until, secs):
    global buf
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if until and sum(until in l for l in seen) > used.get(until, 0):
            used[until] = used.get(until, 0) + 1
            return True
        while b"\n" in buf or buf.startswith(b"ENTER PASSWORD:"):
            if buf.startswith(b"ENTER PASSWORD:"):
                l, buf = "ENTER PASSWORD:", buf[len("ENTER PASSWORD:"):]
            else:
                l, buf = buf.split(b"\n", 1)
                l = l.decode(errors="replace").rstrip("\r")
            print("<", l, flush=True)
            seen.append(l)
        if until and sum(until in l for l in seen) > used.get(until, 0):
            used[until] = used.get(until, 0) + 1
            return True
        try:
            d = s.recv(4096)
            if not d:
                return False
            buf += d
        except socket.timeout:
            pass
    return False
for c in cmds:
    if c.startswith("wait:"):
        if not pump(c[5:], 40):
            print("TIMEOUT waiting for", c[5:], flush=True)
    elif c.startswith("pw:"):
        pump("ENTER PASSWORD:", 10)
        s.sendall((c[3:] + "\n").encode())
    else:
        print(">", c, flush=True)
        s.sendall((c + "\n").encode())
        pump(None, 0.6)
'

case_client()
{
    local name="client: hold release, state, status, bytecount, log, signal SIGUSR1"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps pc mp ls="$NL_DIR/srv$n.log" lc="$NL_DIR/cli$n.log" out="$NL_DIR/mgmt$n.out"
    nl_start ps "$NL_NS_A" "$ls" "$REF" --server 10.8.0.0 255.255.255.0 --topology subnet --dev tun \
        --local "$NL_A_V4" --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
        --dh none --keepalive 10 60 --verb 3
    nl_wait_up "$ls" "$ps" 15 || why="reference server did not start"
    nl_start pc "$NL_NS_B" "$lc" "$OPENVPN" --client --dev tun --remote "$NL_A_V4" --nobind \
        --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
        --remote-cert-tls server --connect-retry 1 1 --verb 3 \
        --management "$NL_DIR/mgmt.sock" unix --management-hold
    ip netns exec "$NL_NS_B" timeout 120 "$NL_PYTHON" -c "$MGMT_PY" unix "$NL_DIR/mgmt.sock" \
        "wait:>HOLD:Waiting for hold release" "state on" "hold release" \
        "wait:CONNECTED,SUCCESS,10.8.0.2" "status" "bytecount 1" "wait:>BYTECOUNT:" \
        "bytecount 0" "log all" "signal SIGUSR1" "wait:RECONNECTING" \
        "wait:>HOLD:Waiting for hold release:1" "hold release" \
        "wait:CONNECTED,SUCCESS,10.8.0.2" "state" "quit" >"$out" 2>&1 &
    mp=$!
    NL_PIDS+=("$mp")
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    if [ -z "$why" ]; then
        grep -q '^< >HOLD:Waiting for hold release:0$' "$out" || why="no >HOLD: notification"
        [ -z "$why" ] && grep -q "TIMEOUT" "$out" && why="$(grep -m1 TIMEOUT "$out")"
        [ -z "$why" ] && { grep -q '^< SUCCESS: hold release succeeded' "$out" || why="hold release not acknowledged"; }
        # the states 2.6's client reports to `state on` (checked with it)
        [ -z "$why" ] && { grep -q '^< >STATE:[0-9]*,WAIT,,,,,,$' "$out" || why="no WAIT state"; }
        [ -z "$why" ] && { grep -q '^< >STATE:[0-9]*,AUTH,,,,,,$' "$out" || why="no AUTH state"; }
        [ -z "$why" ] && { grep -q '^< >STATE:[0-9]*,ASSIGN_IP,,10.8.0.2,,,,$' "$out" || why="no ASSIGN_IP state"; }
        [ -z "$why" ] && { grep -q '^< >STATE:[0-9]*,CONNECTED,SUCCESS,10.8.0.2,198.51.100.1,1194,' "$out" ||
            why="CONNECTED state lacks the tun or remote address"; }
        [ -z "$why" ] && { grep -q '^< OpenVPN STATISTICS' "$out" && grep -q '^< TCP/UDP read bytes,[1-9]' "$out" ||
            why="status block missing"; }
        [ -z "$why" ] && { grep -q '^< >BYTECOUNT:[0-9]*,[0-9]*$' "$out" || why="no >BYTECOUNT:"; }
        [ -z "$why" ] && { grep -q '^< [0-9]*,[A-Z]*,Initialization Sequence Completed' "$out" ||
            why="log history lacks the start-up line"; }
        [ -z "$why" ] && { grep -q '^< >STATE:[0-9]*,RECONNECTING,SIGUSR1,' "$out" || why="no RECONNECTING,SIGUSR1 after signal SIGUSR1"; }
        [ -z "$why" ] && { grep -q '^< >HOLD:Waiting for hold release:1$' "$out" || why="not held again after the restart (2.6 is)"; }
        [ -z "$why" ] && [ "$(grep -c '^< >STATE:[0-9]*,CONNECTED,SUCCESS' "$out")" -lt 2 ] &&
            why="did not come back after SIGUSR1"
    fi
    [ -z "$why" ] && { nl_alive "$pc" || why="client died"; }
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "$name" "$why" "$lc" "$out"
}

case_p2p()
{
    local name="static-key p2p: TCP management with password, state, signal SIGTERM"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" pa pb mp la="$NL_DIR/a$n.log" lb="$NL_DIR/b$n.log" out="$NL_DIR/mgmt$n.out"
    nl_keyfile "$NL_DIR/static.key"
    printf 'sesame\n' >"$NL_DIR/mgmt.pw"
    nl_start pa "$NL_NS_A" "$la" "$OPENVPN" --dev tun --ifconfig 10.9.0.1 10.9.0.2 \
        --secret "$NL_DIR/static.key" 0 --remote "$NL_B_V4" --cipher AES-256-CBC --verb 3 \
        --management 127.0.0.1 7505 "$NL_DIR/mgmt.pw"
    nl_start pb "$NL_NS_B" "$lb" "$OPENVPN" --dev tun --ifconfig 10.9.0.2 10.9.0.1 \
        --secret "$NL_DIR/static.key" 1 --remote "$NL_A_V4" --cipher AES-256-CBC --verb 3
    nl_wait_init "$la" "$pa" 15 || why="A did not start"
    ip netns exec "$NL_NS_A" timeout 60 "$NL_PYTHON" -c "$MGMT_PY" tcp 127.0.0.1 7505 \
        "pw:wrong" "pw:sesame" "wait:>INFO:OpenVPN Management Interface" "state" "pid" \
        "signal SIGTERM" >"$out" 2>&1 &
    mp=$!
    NL_PIDS+=("$mp")
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    if [ -z "$why" ]; then
        [ "$(grep -c '^< ENTER PASSWORD:' "$out")" -ge 2 ] || why="a wrong password was not asked again"
        [ -z "$why" ] && { grep -q '^< SUCCESS: password is correct' "$out" || why="right password not accepted"; }
        [ -z "$why" ] && { grep -q '^< [0-9]*,CONNECTED,SUCCESS,10.9.0.1,' "$out" || why="state is not CONNECTED"; }
        [ -z "$why" ] && { grep -q "^< SUCCESS: pid=$pa" "$out" || why="pid reply wrong"; }
        [ -z "$why" ] && { grep -q '^< SUCCESS: signal SIGTERM thrown' "$out" || why="signal not acknowledged"; }
        [ -z "$why" ] && { nl_wait_log "$la" "SIGTERM[hard,] received, process exiting" 10 ||
            why="the daemon did not exit on signal SIGTERM"; }
    fi
    nl_kill "$pa"
    nl_kill "$pb"
    nl_result "$name" "$why" "$la" "$out"
}

case_passwords()
{
    local name="client: --management-query-passwords, a refused then an accepted password"
    case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
    n=$((n + 1))
    local why="" ps pc mp ls="$NL_DIR/srv$n.log" lc="$NL_DIR/cli$n.log" out="$NL_DIR/mgmt$n.out"
    local v="$NL_DIR/verify$n.sh"
    printf '#!/bin/sh\n{ read -r u; read -r p; } < "$1"\n[ "$u" = alice ] && [ "$p" = "open sesame" ]\n' >"$v"
    chmod 755 "$v"
    nl_start ps "$NL_NS_A" "$ls" "$REF" --server 10.8.0.0 255.255.255.0 --topology subnet --dev tun \
        --local "$NL_A_V4" --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
        --dh none --keepalive 10 60 --verb 3 --script-security 2 --auth-user-pass-verify "$v" via-file
    nl_wait_init "$ls" "$ps" 15 || why="reference server did not start"
    nl_start pc "$NL_NS_B" "$lc" "$OPENVPN" --client --dev tun --remote "$NL_A_V4" --nobind \
        --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
        --remote-cert-tls server --connect-retry 1 1 --verb 3 --auth-user-pass --auth-retry interact \
        --management "$NL_DIR/mgmt$n.sock" unix --management-query-passwords --management-hold
    ip netns exec "$NL_NS_B" timeout 120 "$NL_PYTHON" -c "$MGMT_PY" unix "$NL_DIR/mgmt$n.sock" \
        "wait:>HOLD:Waiting for hold release" "state on" "hold release" \
        "wait:>PASSWORD:Need 'Auth' username/password" 'username "Auth" alice' \
        'password "Auth" wrong' "wait:>PASSWORD:Verification Failed: 'Auth'" \
        "wait:>HOLD:Waiting for hold release:1" "hold release" "wait:>PASSWORD:Need 'Auth' username/password" 'username "Auth" alice' \
        'password "Auth" "open sesame"' "wait:CONNECTED,SUCCESS" "quit" >"$out" 2>&1 &
    mp=$!
    NL_PIDS+=("$mp")
    wait "$mp" 2>/dev/null
    nl_forget "$mp"
    if [ -z "$why" ]; then
        grep -q "TIMEOUT" "$out" && why="$(grep -m1 TIMEOUT "$out")"
        [ -z "$why" ] && { grep -q "^< SUCCESS: 'Auth' password entered, but not yet verified" "$out" ||
            why="password command not acknowledged"; }
        [ -z "$why" ] && { nl_ping "$NL_NS_B" 10.8.0.1 || why="no ping after the accepted password"; }
    fi
    nl_kill "$pc"
    nl_kill "$ps"
    nl_result "$name" "$why" "$lc" "$out"
}

case_client
case_p2p
case_passwords

echo "$pass passed, $fail failed"
[ "$n" -gt 0 ] || { echo "no case matched '$FILTER'"; exit 99; }
[ "$fail" -eq 0 ]
