# SPDX-License-Identifier: GPL-2.0-only
#
# tests/mgmt/drive.py -- a scripted management-interface client for the
# end-to-end tests.  Usage:
#     drive.py (unix PATH | tcp HOST PORT) STEP...
# Each STEP is one of
#     wait:TEXT      wait (<= 40 s) for one more notification containing TEXT
#                    than earlier waits for TEXT consumed (early ones count)
#     raw:LINE       send LINE and read nothing (multi-line input, `version N`)
#     pw:SECRET      answer the password prompt
#     kill-real:     `kill ADDR:PORT` with the Real Address of the last
#                    CLIENT_LIST line of a `status 2` reply
#     LINE           send the command and read its whole reply: up to a
#                    SUCCESS:/ERROR: line, or up to END for the commands whose
#                    reply is a block (status, state, log, echo, help, version)
# Output: "> LINE" for each command sent, "< TEXT" for each reply line and
# "! >TEXT" for each notification (a line starting with '>'), in arrival
# order; "TIMEOUT ..." when a wait or a reply does not come.  Every wait is
# bounded, so the script ends by itself.
import socket
import sys
import time

args = sys.argv[1:]
if args[0] == "unix":
    fam, addr, steps = socket.AF_UNIX, args[1], args[2:]
else:
    fam, addr, steps = socket.AF_INET, (args[1], int(args[2])), args[3:]
s = socket.socket(fam, socket.SOCK_STREAM)
for _ in range(150):
    try:
        s.connect(addr)
        break
    except OSError:
        time.sleep(0.2)
else:
    print("TIMEOUT connecting", flush=True)
    sys.exit(1)
s.settimeout(0.2)
buf = b""
notes = []
replies = []
used = {}
closed = False


def read_line(deadline):
    """The next line, or None at the deadline or when the peer closed."""
    global buf, closed
    while True:
        if buf.startswith(b"ENTER PASSWORD:"):
            buf = buf[len(b"ENTER PASSWORD:"):]
            return "ENTER PASSWORD:"
        if b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            return line.decode(errors="replace").rstrip("\r")
        if closed or time.monotonic() > deadline:
            return None
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            d = b""
        if not d:
            closed = True
            print("EOF", flush=True)
        buf += d


def take(line):
    """Print LINE; True when it is a notification."""
    if line.startswith(">"):
        print("!", line, flush=True)
        notes.append(line)
        return True
    print("<", line, flush=True)
    replies.append(line)
    return False


def wait_note(text, secs=40):
    deadline = time.monotonic() + secs
    while True:
        if sum(text in n for n in notes) > used.get(text, 0):
            used[text] = used.get(text, 0) + 1
            return True
        line = read_line(deadline)
        if line is None:
            print("TIMEOUT waiting for", text, flush=True)
            return False
        take(line)


BLOCK = ("status", "state", "log", "echo", "help", "version")


def command(c, secs=20):
    print(">", c, flush=True)
    try:
        s.sendall((c + "\n").encode())
    except OSError:
        print("EOF", flush=True)
        return
    words = c.split()
    block = words[0] in BLOCK and not (words[0] == "version" and len(words) > 1)
    if words[0] in ("exit", "quit"):
        block = None
    deadline = time.monotonic() + secs
    while True:
        line = read_line(deadline)
        if line is None:
            if block is not None and not closed:
                print("TIMEOUT reply to", c, flush=True)
            return
        if take(line):
            continue
        if line.startswith(("SUCCESS:", "ERROR:")):
            # `log on all`: SUCCESS for "on", then the history up to END
            if not (block and words[0] in ("log", "state", "echo") and len(words) > 2):
                return
        elif block and line == "END":
            return


for st in steps:
    if st.startswith("wait:"):
        wait_note(st[5:])
    elif st.startswith("raw:"):
        print(">", st[4:], flush=True)
        s.sendall((st[4:] + "\n").encode())
    elif st == "kill-real:":
        real = [r.split(",")[2] for r in replies if r.startswith("CLIENT_LIST,")]
        command("kill " + (real[-1] if real else "nobody"))
    elif st.startswith("pw:"):
        deadline = time.monotonic() + 10
        while True:
            line = read_line(deadline)
            if line is None or line == "ENTER PASSWORD:":
                break
            take(line)
        s.sendall((st[3:] + "\n").encode())
    else:
        command(st)
# what is still on its way (e.g. after `signal SIGTERM`)
deadline = time.monotonic() + 1
while not closed:
    line = read_line(deadline)
    if line is None:
        break
    take(line)
