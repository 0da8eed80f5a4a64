# SPDX-License-Identifier: GPL-2.0-only
#
# tests/flood.py -- the attacker of tests/t_flood.sh (python3, stdlib only).
#
#   capture ADDR PORT OUT SECS   write the first datagram that arrives at
#                                ADDR:PORT to OUT (a real client's reset, to
#                                be replayed: a valid tls-auth/tls-crypt/
#                                tls-crypt-v2 reset without knowing the key)
#   udp DST PORT COUNT SECS PKT  send COUNT client resets to DST:PORT, evenly
#                                over SECS seconds, each from a random source
#                                port (raw socket): PKT is a captured reset
#                                or "plain" (a fresh unwrapped
#                                P_CONTROL_HARD_RESET_CLIENT_V2 each time)
#   tcp DST PORT NSLOW NGARB SECS
#                                NGARB connections that send a
#                                complete frame of garbage (not a client reset)
#                                and hang, then NSLOW that send the first bytes
#                                of a packet and hang; then wait
#                                up to SECS for the server to close them and
#                                print "slow CLOSED/N after S garbage
#                                CLOSED/N after S" (S: the longest any one
#                                stayed open)
#
# Every loop is bounded in count and time.
import os
import random
import select
import socket
import struct
import sys
import time


def capture(addr, port, out, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.settimeout(secs)
    data, _ = s.recvfrom(4096)
    with open(out, "wb") as f:
        f.write(data)


def plain_reset():
    # opcode 7 (hard reset client v2), key id 0; session id; no ACKs;
    # message id 0
    return bytes([7 << 3]) + os.urandom(8) + b"\x00" + b"\x00\x00\x00\x00"


def udp(dst, port, count, secs, pkt):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    fixed = None if pkt == "plain" else open(pkt, "rb").read()
    rnd = random.Random(11)
    start = time.monotonic()
    sent = 0
    for i in range(count):
        payload = fixed if fixed is not None else plain_reset()
        sport = rnd.randrange(1024, 65536)
        # checksum 0: none (IPv4)
        hdr = struct.pack("!HHHH", sport, port, 8 + len(payload), 0)
        try:
            s.sendto(hdr + payload, (dst, 0))
            sent += 1
        except OSError:
            pass
        if i % 50 == 49:
            delay = start + (i + 1) * secs / count - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    print(sent, "%.1f" % (time.monotonic() - start))


def tcp(dst, port, nslow, ngarb, secs):
    rnd = random.Random(5)
    slow, garb = [], []
    opened, closed = {}, {}

    def poll(timeout):
        left = [c for c in opened if c not in closed]
        if not left:
            return
        r, _, _ = select.select(left, [], [], timeout)
        for c in r:
            try:
                data = c.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed[c] = time.monotonic() - opened[c]

    # garbage first: the partial ones that come last are pushed out only by
    # each other, the rest must go when --hand-window runs out
    for i in range(nslow + ngarb):
        try:
            c = socket.create_connection((dst, port), timeout=5)
        except OSError:
            continue
        opened[c] = time.monotonic()
        if i >= ngarb:
            c.sendall(b"\x00\x2a" + bytes([7 << 3]) + os.urandom(4))
            slow.append(c)
        else:
            # anything but a client reset (opcodes 7, 10), which by chance
            # would be a valid start without --tls-auth
            op = rnd.choice([1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 31])
            body = bytes([op << 3 | rnd.randrange(8)]) + rnd.randbytes(rnd.randrange(13, 100))
            c.sendall(struct.pack("!H", len(body)) + body)
            garb.append(c)
        poll(0.005)  # ~200 connections a second: not more than a listen queue holds
    print("opened", len(opened), flush=True)
    start = time.monotonic()
    while len(closed) < len(opened) and time.monotonic() - start < secs:
        poll(0.1)

    def summary(group):
        t = [closed[c] for c in group if c in closed]
        return "%d/%d after %.1f" % (len(t), len(group), max(t) if t else 0)
    print("slow", summary(slow), "garbage", summary(garb))


def main():
    mode = sys.argv[1]
    if mode == "capture":
        capture(sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
    elif mode == "udp":
        udp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    elif mode == "tcp":
        tcp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))


main()
