#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/fuzz/record_corpus.sh -- record real sessions between two reference
# OpenVPN 2.6 peers and turn what crossed the wire into seed inputs for the
# fuzz harnesses (tests/fuzz/corpus/<harness>/).  Run it by hand (as root)
# when a harness or the protocol handling changes; the seeds are committed.
#
#   fuzz_stateless   every datagram the client sent to a UDP server, once
#                    without wrapping and once with --tls-auth using the
#                    harness's own key (256 bytes of 0x5a, SHA1,
#                    direction 0 on the server), so recorded resets pass
#                    its HMAC check and reach the cookie logic
#   fuzz_ctl_pkt     the unwrapped session's control packets, in order,
#                    each behind its length byte (the harness's format)
#   fuzz_stream      the client->server byte stream of a TCP session
#   fuzz_push_client the control messages the client logged receiving
#                    (the PUSH_REPLY), plus one seed with the other kinds
#                    of message written out by hand
#   fuzz_mss         TCP SYNs (IPv4 and IPv6) read from the client's tun,
#                    behind the harness's mode byte
#
# usage: tests/fuzz/record_corpus.sh [OUTDIR]   (default tests/fuzz/corpus)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$(mkdir -p "${1:-$here/corpus}" && cd "${1:-$here/corpus}" && pwd) || exit 99
# only the reference runs here: it is the binary "under test" too
OPENVPN=/usr/sbin/openvpn
# shellcheck source=tests/netns-lib.sh
. "$top/tests/netns-lib.sh"
nl_require
nl_setup corpus
nl_pki "$NL_DIR/pki"
P=$NL_DIR/pki

# the harness's tls-auth key: four 64-byte keys, all 0x5a
{
    echo "-----BEGIN OpenVPN Static key V1-----"
    for _ in $(seq 16); do printf '5a%.0s' $(seq 16); echo; done
    echo "-----END OpenVPN Static key V1-----"
} >"$NL_DIR/ta5a.key"

# sniff.py NS DEV FILE FILTER: write every matching payload, as
# "<len16><dir><bytes>" records, until killed.  FILTER is udp or tcp.
cat >"$NL_DIR/sniff.py" <<'EOF'
import socket, struct, sys
dev, path, proto = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
s.bind((dev, 0))
print("sniffing", flush=True)
with open(path, "wb", buffering=0) as f:
    while True:
        pkt, addr = s.recvfrom(65535)
        d = 1 if addr[2] == socket.PACKET_OUTGOING else 0
        if dev.startswith("tun"):
            f.write(struct.pack(">HB", len(pkt), d) + pkt)
            continue
        if len(pkt) < 20 or pkt[0] >> 4 != 4:
            continue
        ihl = (pkt[0] & 15) * 4
        if proto == "udp" and pkt[9] == 17:
            body = pkt[ihl + 8:]
        elif proto == "tcp" and pkt[9] == 6:
            body = pkt[ihl + (pkt[ihl + 12] >> 4) * 4:]
        else:
            continue
        if body:
            f.write(struct.pack(">HB", len(body), d) + body)
EOF

# split.py RECORDS OUTDIR MODE: turn a record file into seed files.
cat >"$NL_DIR/split.py" <<'EOF'
import hashlib, os, struct, sys
src, outdir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(outdir, exist_ok=True)
data = open(src, "rb").read()
recs, i = [], 0
while i + 3 <= len(data):
    n, d = struct.unpack(">HB", data[i:i + 3])
    recs.append((d, data[i + 3:i + 3 + n]))
    i += 3 + n
def put(blob):
    name = hashlib.sha1(blob).hexdigest()[:16]
    open(os.path.join(outdir, name), "wb").write(blob)
if mode == "each-in":          # every datagram received (client -> server)
    for d, b in recs[:40]:
        if d == 0:
            put(b)
elif mode == "ctl-seq":        # control packets both ways, length-prefixed
    seq = b"".join(bytes([len(b)]) + b for d, b in recs[:60]
                   if len(b) < 256 and (b[0] >> 3) in (3, 4, 5, 7, 8))
    put(seq)
    put(seq[:len(seq) // 2])
elif mode == "stream":         # the client's TCP byte stream
    put(b"".join(b for d, b in recs if d == 0)[:4096])
elif mode == "syn":            # TCP SYNs read from the tun, tun mode byte
    for d, b in recs:
        v = b[0] >> 4 if b else 0
        if v == 4 and len(b) >= 40 and b[9] == 6 and b[20 + 13] & 2:
            for lim in (0x08, 0x0a):
                put(bytes([lim]) + b)
        if v == 6 and len(b) >= 60 and b[6] == 6 and b[40 + 13] & 2:
            put(bytes([0x0a]) + b)
EOF

sniff()
{
    local var=$1 ns=$2 dev=$3 file=$4 proto=$5
    nl_start "$var" "$ns" "$file.log" "$NL_PYTHON" "$NL_DIR/sniff.py" "$dev" "$file" "$proto"
    nl_wait_log "$file.log" sniffing 10 1 "${!var}" || nl_die "the sniffer on $dev did not start"
}

common_s=(--server 10.66.0.0 255.255.255.0 --server-ipv6 2001:db8:66::/64 --dev tun
    --ca "$P/ca.crt" --cert "$P/server.crt" --key "$P/server.key" --dh none --verb 4
    --push "route 10.67.0.0 255.255.0.0")
common_c=(--client --dev tun --remote "$NL_A_V4" --nobind --ca "$P/ca.crt" --cert "$P/client.crt"
    --key "$P/client.key" --verb 4 --remote-cert-tls server)

# tun_syns: from the client, one TCP connection attempt to the server's
# tunnel address per IP version, sniffed on the client's tun.
tun_syns()
{
    local tp
    sniff tp "$NL_NS_B" tun0 "$NL_DIR/tun.rec" tcp
    ip netns exec "$NL_NS_B" timeout 3 "$NL_PYTHON" -c '
import socket
for a in ("10.66.0.1", "2001:db8:66::1"):
    try:
        socket.create_connection((a, 9), timeout=1)
    except OSError:
        pass' 2>/dev/null
    nl_kill "$tp"
}

# session NAME PROTO [WRAP_FILE]: one reference server and client; what the
# server's veth saw goes to $NL_DIR/NAME.wire.
session()
{
    local name=$1 proto=$2 wrap=${3:-} sp cp snp sx=() cx=()
    if [ -n "$wrap" ]; then
        sx=(--tls-auth "$wrap" 0)
        cx=(--tls-auth "$wrap" 1)
    fi
    if [ "$proto" = tcp ]; then
        sx+=(--proto tcp-server)
        cx+=(--proto tcp-client)
    else
        sx+=(--proto udp)
        cx+=(--proto udp)
    fi
    sniff snp "$NL_NS_A" veth0 "$NL_DIR/$name.wire" "$proto"
    nl_start sp "$NL_NS_A" "$NL_DIR/$name-s.log" "$REF" "${common_s[@]}" "${sx[@]}"
    nl_wait_log "$NL_DIR/$name-s.log" "Initialization Sequence Completed" 20 1 "$sp" ||
        nl_die "$name: the server did not start"
    nl_start cp "$NL_NS_B" "$NL_DIR/$name-c.log" "$REF" "${common_c[@]}" "${cx[@]}"
    nl_wait_log "$NL_DIR/$name-c.log" "Initialization Sequence Completed" 30 1 "$cp" ||
        nl_die "$name: the client did not connect"
    [ "$name" = plain ] && tun_syns
    nl_kill "$cp"
    nl_kill "$sp"
    nl_kill "$snp"
}

session plain udp
session auth udp "$NL_DIR/ta5a.key"
session tcp tcp

"$NL_PYTHON" "$NL_DIR/split.py" "$NL_DIR/plain.wire" "$out/fuzz_stateless" each-in
"$NL_PYTHON" "$NL_DIR/split.py" "$NL_DIR/auth.wire" "$out/fuzz_stateless" each-in
"$NL_PYTHON" "$NL_DIR/split.py" "$NL_DIR/plain.wire" "$out/fuzz_ctl_pkt" ctl-seq
"$NL_PYTHON" "$NL_DIR/split.py" "$NL_DIR/tcp.wire" "$out/fuzz_stream" stream
[ -s "$NL_DIR/tun.rec" ] && "$NL_PYTHON" "$NL_DIR/split.py" "$NL_DIR/tun.rec" "$out/fuzz_mss" syn

# control messages as the client logged them, one seed each and one with all
mkdir -p "$out/fuzz_push_client"
sed -n "s/.*PUSH: Received control message: '\(.*\)'$/\1/p" "$NL_DIR"/*-c.log | sort -u |
    while IFS= read -r m; do
        printf '%s' "$m" >"$out/fuzz_push_client/$(printf '%s' "$m" | sha1sum | cut -c1-16)"
    done
printf 'AUTH_FAILED\0AUTH_PENDING,timeout 30\0RESTART,[P]:server restarting\0INFO,hello' \
    >"$out/fuzz_push_client/messages"
for d in "$out"/*/; do
    echo "record_corpus: $(basename "$d"): $(find "$d" -type f | wc -l) seeds"
done
