#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/relay.py -- an unreliable link for the end-to-end tests, run in a
# middle namespace that does not forward packets, so that the two peers can
# only reach each other through it.  The kernel has no netem here; this
# relay does what the tests need from one.
#
#   udp  Every datagram a peer sends to LISTEN is passed on to TARGET (and
#        the answers back), each direction with its own seeded random
#        sequence: a datagram is dropped (--drop), sent twice (--dup), or
#        held back until the next one of its direction has gone (--reorder;
#        at most 50 ms).  Three draws per datagram whatever the outcome (a
#        fourth with --corrupt-data, which flips a bit in that fraction of
#        the data-channel packets), so the same seed gives the same
#        decisions for the same datagram sequence.  Each peer address gets
#        its own upstream socket bound to SRC, like a NAT.
#   tcp  Every connection accepted on LISTEN is joined to a new connection
#        to TARGET (from SRC); the byte stream is forwarded cut at random
#        byte boundaries (1..--split-max bytes per send, TCP_NODELAY so the
#        cuts reach the wire) with a random pause of up to --delay-ms after
#        a fraction (--delay-frac) of the pieces.
#
# Prints "relay ready" once it listens, and its counters ("relay stats: ...")
# when it ends (SIGTERM or SIGINT, or after --lifetime seconds whatever
# happens, so that a forgotten relay cannot outlive its test for long), so a
# test can check that the link really was lossy.  Test-only code: not
# installed.
#
# Usage: relay.py [options] udp|tcp LISTEN_ADDR:PORT TARGET_ADDR:PORT SRC_ADDR

import argparse
import random
import select
import signal
import socket
import sys
import threading
import time

HOLD_MAX = 0.05  # a held-back datagram goes after this long at the latest


def addr_port(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class Direction:
    """One direction of one UDP relay: its random sequence and held datagram."""

    def __init__(self, rng, args, stats, name):
        self.rng, self.args, self.stats, self.name = rng, args, stats, name
        self.held = None  # (deadline, data, send)

    def forward(self, data, send):
        a, st = self.args, self.stats
        r_drop, r_dup, r_reorder = self.rng.random(), self.rng.random(), self.rng.random()
        st[self.name + "_in"] += 1
        if r_drop < a.drop:
            st[self.name + "_dropped"] += 1
            return
        if a.corrupt_data and len(data) > 8 and data[0] >> 3 in (6, 9):
            if self.rng.random() < a.corrupt_data:
                st[self.name + "_corrupted"] += 1
                pos = self.rng.randrange(8, len(data))
                data = data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1:]
        copies = 2 if r_dup < a.dup else 1
        if copies == 2:
            st[self.name + "_duplicated"] += 1
        if r_reorder < a.reorder and self.held is None:
            st[self.name + "_reordered"] += 1
            self.held = (time.monotonic() + HOLD_MAX, data, send, copies)
            return
        for _ in range(copies):
            send(data)
        self.flush()

    def flush(self, now=None):
        if self.held and (now is None or now >= self.held[0]):
            _, data, send, copies = self.held
            self.held = None
            for _ in range(copies):
                send(data)

    def deadline(self):
        return self.held[0] if self.held else None


def safe_send(fn):
    def send(data):
        try:
            fn(data)
        except OSError:
            pass  # a full buffer or an unreachable peer is just more loss

    return send


def run_udp(args, stats, stop):
    lhost, lport = args.listen
    ls = socket.socket(family(lhost), socket.SOCK_DGRAM)
    ls.bind((lhost, lport))
    up = Direction(random.Random(args.seed * 2), args, stats, "up")
    down = Direction(random.Random(args.seed * 2 + 1), args, stats, "down")
    by_peer, by_sock = {}, {}
    print("relay ready", flush=True)
    while not stop.is_set():
        deadlines = [d for d in (up.deadline(), down.deadline()) if d is not None]
        timeout = 0.2 if not deadlines else max(0.0, min(deadlines) - time.monotonic())
        try:
            readable, _, _ = select.select([ls] + list(by_sock), [], [], timeout)
        except InterruptedError:
            continue
        for s in readable:
            try:
                data, src = s.recvfrom(65535)
            except OSError:
                continue
            if s is ls:
                us = by_peer.get(src)
                if us is None:
                    us = socket.socket(family(args.target[0]), socket.SOCK_DGRAM)
                    us.bind((args.src, 0))
                    us.connect(args.target)
                    by_peer[src], by_sock[us] = us, src
                    stats["flows"] += 1
                up.forward(data, safe_send(us.send))
            else:
                peer = by_sock[s]
                down.forward(data, safe_send(lambda d, p=peer: ls.sendto(d, p)))
        now = time.monotonic()
        up.flush(now)
        down.flush(now)


def pump(src, dst, rng, args, stats, name):
    """Copy src to dst in random small pieces until EOF, then half-close dst."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            stats[name + "_bytes"] += len(data)
            off = 0
            while off < len(data):
                n = rng.randint(1, args.split_max)
                dst.sendall(data[off:off + n])
                off += n
                stats[name + "_pieces"] += 1
                if rng.random() < args.delay_frac:
                    stats[name + "_delays"] += 1
                    time.sleep(rng.random() * args.delay_ms / 1000.0)
    except OSError:
        pass
    for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
        try:
            s.shutdown(how)
        except OSError:
            pass


def join(conn, index, args, stats):
    try:
        up = socket.socket(family(args.target[0]), socket.SOCK_STREAM)
        up.bind((args.src, 0))
        up.connect(args.target)
    except OSError:
        conn.close()
        return
    for s in (conn, up):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threads = [
        threading.Thread(target=pump, daemon=True,
                         args=(conn, up, random.Random(args.seed * 1000 + index * 2), args,
                               stats, "up")),
        threading.Thread(target=pump, daemon=True,
                         args=(up, conn, random.Random(args.seed * 1000 + index * 2 + 1), args,
                               stats, "down")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conn.close()
    up.close()


def run_tcp(args, stats, stop):
    lhost, lport = args.listen
    ls = socket.socket(family(lhost), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((lhost, lport))
    ls.listen(16)
    ls.settimeout(0.2)
    print("relay ready", flush=True)
    while not stop.is_set():
        try:
            conn, _ = ls.accept()
        except (socket.timeout, InterruptedError):
            continue
        stats["flows"] += 1
        threading.Thread(target=join, args=(conn, stats["flows"], args, stats),
                         daemon=True).start()


def main():
    p = argparse.ArgumentParser(description="lossy UDP / splitting TCP relay for tests")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--drop", type=float, default=0.10)
    p.add_argument("--dup", type=float, default=0.05)
    p.add_argument("--reorder", type=float, default=0.10)
    p.add_argument("--corrupt-data", type=float, default=0.0,
                   help="flip one bit past byte 8 of this fraction of data packets (udp)")
    p.add_argument("--split-max", type=int, default=1400)
    p.add_argument("--delay-ms", type=float, default=2.0)
    p.add_argument("--delay-frac", type=float, default=0.01)
    p.add_argument("--lifetime", type=float, default=600.0,
                   help="exit after this many seconds in any case")
    p.add_argument("mode", choices=("udp", "tcp"))
    p.add_argument("listen", type=addr_port)
    p.add_argument("target", type=addr_port)
    p.add_argument("src")
    args = p.parse_args()

    stats = {"flows": 0}
    for d in ("up", "down"):
        for k in ("in", "dropped", "duplicated", "reordered", "corrupted", "bytes", "pieces",
                  "delays"):
            stats[d + "_" + k] = 0
    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    timer = threading.Timer(args.lifetime, stop.set)
    timer.daemon = True
    timer.start()
    (run_udp if args.mode == "udp" else run_tcp)(args, stats, stop)
    keys = ("flows", "up_in", "up_dropped", "up_duplicated", "up_reordered", "up_corrupted",
            "down_in", "down_dropped", "down_duplicated", "down_reordered", "down_corrupted") if args.mode == "udp" else (
            "flows", "up_bytes", "up_pieces", "up_delays", "down_bytes", "down_pieces",
            "down_delays")
    print("relay stats: " + " ".join("%s=%d" % (k, stats[k]) for k in keys), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
