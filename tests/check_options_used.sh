#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/check_options_used.sh -- fail when an option is accepted and then
# ignored: for every keyword of src/openvpn/options_table.c, find the fields
# of struct options (or of the structs it fills: remote entries, ccd
# configs) that its handler writes, and require each to be read somewhere in
# the daemon, i.e. outside the option handlers, the defaults (options.c),
# the --verb 4 dump (options_show.c) and the copy kept for pushes
# (options_push.c).  The post-processing in options_*.c counts as a reader
# only where the allow-list below says which derived field carries the
# value on (e.g. --server fills the pool and the push list).
#
# Prints one line per offending keyword and field; exit 1 if there is any.
# `VERBOSE=1 sh tests/check_options_used.sh` also shows where each field is
# read.  Needs python3 (as the end-to-end tests do).

cd "${top_srcdir:-.}/src/openvpn" || exit 99
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }

exec python3 - "$@" <<'EOF'
import glob, os, re, sys

# Handlers that store nothing on purpose, with the reason.
HANDLER_ALLOW = {
    # refused at start: "not supported by this build yet" (nothing accepted)
    "opt_h_not_yet": "refuses the option with a reason",
    # tun-ipv6 is a no-op since 2.4: 2.6 notes that for a configured one and
    # takes a pushed one silently (checked with the reference).  The Windows
    # options block-outside-dns and register-dns are not in the table: 2.6 on
    # Linux calls them unrecognized, configured (exit 1) or pushed (skipped).
    "opt_h_tun_ipv6": "2.6 ignores it too, with its note",
    # acts in the handler itself: logs the ECHO: line as 2.6 does
    "opt_h_echo": "acts at once (logs ECHO:)",
    # push-continuation N is read by options_push_apply() from the PUSH_REPLY;
    # the table row only says where it is legal
    "opt_h_push_continuation": "consumed by options_push_apply()",
}

# Keywords whose fields reach the daemon through another field that the
# post-processing derives from them ("field: derived fields, why").  The
# derived fields must themselves have readers.
DERIVED = {
    "server_defined": ["mode", "ifconfig_pool_start", "push"],
    "server_network": ["ifconfig_pool_start", "ifconfig_local", "push"],
    "server_netmask": ["ifconfig_pool_netmask", "ifconfig_remote_netmask", "push"],
    "server_nopool": ["ifconfig_pool_defined"],
    "server_ipv6_defined": ["ifconfig_ipv6_local", "ifconfig_ipv6_pool_base", "push"],
    "server_ipv6_net": ["ifconfig_ipv6_local", "ifconfig_ipv6_pool_base"],
    "server_ipv6_bits": ["ifconfig_ipv6_pool_bits"],
    "server_bridge_defined": ["mode", "ifconfig_pool_start", "push"],
    "server_bridge_proxy_dhcp": ["push"],
    "server_bridge_nogw": ["push"],
    "server_bridge_ip": ["push"],
    "server_bridge_netmask": ["ifconfig_pool_netmask", "push"],
    "server_bridge_pool_start": ["ifconfig_pool_start"],
    "server_bridge_pool_end": ["ifconfig_pool_end"],
    "client": ["pull", "tls_client"],
    "keepalive_ping": ["ping_send_timeout", "push"],
    "keepalive_timeout": ["ping_rec_timeout", "push"],
    "tcp_nodelay": ["sock_tcp_nodelay"],
    "push_ifconfig_constraint_defined": ["push"],
    "redirect_private": ["redirect_gateway"],
    "bind_defined": ["bind_local"],
    "remote_cert_tls": ["remote_cert_eku", "remote_cert_ku"],
}

# Fields a handler writes that only steer the parse itself (where the next
# lines go, which file is being read): the parse is their reader.
PARSE_STATE = {"conn_target", "ccd_target", "config_depth", "inline_data", "parse_keep_going",
               "config_names", "n_config_names", "config_file",
               "cd_dir",              # --cd: chdir in the handler (2.6: during the parse)
               "loc_of_fingerprint"}  # only locates a later error message

# Reasons for single fields (each with the option it belongs to).
FIELD_ALLOW = {
    # --fast-io asks 2.6 not to poll before writing the tun or a UDP socket;
    # we never do, so the option describes how we always work
    "fast_io": "our writes never wait for a poll first",
    # --route-delay N W: W bounds how long 2.6 waits for a Windows adapter
    # to come up; on Linux it never waits, so W only shows in the dump
    "route_delay_window": "Windows-only in 2.6 (no adapter wait on Linux)",
}

src = {f: open(f, encoding="utf-8").read() for f in glob.glob("*.c") + glob.glob("*.h")}
table = src["options_table.c"]
rows = re.findall(r'\{\s*"([a-z0-9-]+)",\s*\d+,\s*\d+,\s*[A-Z_]+,\s*(opt_h_\w+)\s*\}', table)
if len(rows) < 100:
    print("check_options_used: could not read the option table")
    sys.exit(99)

def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    return re.sub(r"//[^\n]*", " ", text)

clean = {f: strip_comments(t) for f, t in src.items()}

def functions(text):
    """name -> body of every function definition in a file."""
    out = {}
    for m in re.finditer(r"^(?:OPT_HANDLER\((\w+)\)|(?:static\s+)?[a-z_][\w\s\*]*?\b(\w+)\([^;{]*\))\s*\{",
                         text, flags=re.M):
        name = m.group(1) or m.group(2)
        depth, i = 0, m.end() - 1
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        out[name] = text[m.end():i]
    return out

funcs = {}
func_file = {}
for f in sorted(clean):
    if f.startswith("options") and f.endswith(".c"):
        for n, b in functions(clean[f]).items():
            funcs[n] = b
            func_file[n] = f

WRITE = re.compile(r"(?:&\s*)o->(\w+)|o->(\w+)(?:\[[^\]]*\])?(?:\s*(?:\.|->)\s*\w+)*\s*(?:=(?!=)|\+\+|--|\+=|-=|\|=|&=)"
                   r"|(?:\+\+|--)\s*o->(\w+)")
CALL = re.compile(r"\b(\w+)\s*\(")
# writes through the ccd / <connection> targets land in these structs' fields
TARGET_WRITE = re.compile(r"\b(?:cc|r|re|o->ccd_target|o->conn_target)\s*->\s*(\w+)(?:\[[^\]]*\])?"
                          r"(?:\s*\.\s*\w+)*\s*(?:=(?!=)|\+\+)|&\s*(?:cc|r|re)\s*->\s*(\w+)")

target_fields = set()  # fields of the remote entry / ccd structs: read through other names

def written(name, seen):
    """Fields that handler (or a helper it calls in the options files) writes."""
    if name in seen or name not in funcs:
        return set()
    seen.add(name)
    body = funcs[name]
    out = set()
    for m in WRITE.finditer(body):
        out.add(m.group(1) or m.group(2) or m.group(3))
    for m in TARGET_WRITE.finditer(body):
        out.add(m.group(1) or m.group(2))
        target_fields.add(m.group(1) or m.group(2))
    for m in CALL.finditer(body):
        callee = m.group(1)
        if callee != name and callee in funcs and not callee.startswith("opt_h_"):
            out |= written(callee, seen)
    return out

handler_bodies = set()
for _, h in rows:
    seen = set()
    written(h, seen)
    handler_bodies |= seen

# Functions of the options files that the daemon calls to turn options into
# a module's configuration (options_ssl_config(), options_dco_allowed() ...):
# what they read is used.  The parse/post-processing entry points are not.
ENTRY = {"options_parse_argv", "options_postprocess", "options_show", "options_init_defaults",
         "options_free", "options_usage", "options_print_version", "options_title"}
daemon_text = "\n".join(t for f, t in clean.items() if not f.startswith("options"))
bridges = set()
# saving and restoring the pushable values (options_push.c) copies them: no use
COPIES = {"copy_pushable", "options_push_save", "options_push_restore", "options_push_saved_free"}
ENTRY |= COPIES
todo = [n for n in funcs if n not in ENTRY and not n.startswith("opt_h_")
        and re.search(r"\b" + n + r"\s*\(", daemon_text)]
while todo:
    n = todo.pop()
    if n in bridges:
        continue
    bridges.add(n)
    for m in CALL.finditer(funcs[n]):
        c = m.group(1)
        if c in funcs and c not in ENTRY and not c.startswith("opt_h_"):
            todo.append(c)
bridge_text = "\n".join(funcs[n] for n in sorted(bridges))

NOT_READERS = {"options.c", "options_show.c", "options_push.c", "options.h", "options_table.c",
               "options_table.h"}

def readers(field):
    """Places outside the handlers that read @field (file:line)."""
    # struct options is "o" wherever the daemon holds it (o->, c->o->, m->o->);
    # a bare "->field" would also match other structs' members of that name
    if field in target_fields:
        pat = re.compile(r"(?:->|\.)\s*" + re.escape(field) + r"\b")
    else:
        pat = re.compile(r"(?<![\w.])o(?:->|\.)" + re.escape(field) + r"\b")
    hits = []
    for f, text in sorted(clean.items()):
        if f in NOT_READERS:
            continue
        if f.startswith("options"):
            # post-processing is no reader here: DERIVED says what it feeds
            continue
        for i, line in enumerate(text.split("\n"), 1):
            if pat.search(line):
                hits.append("%s:%d" % (f, i))
    for n in sorted(bridges):
        if pat.search(funcs[n]):
            hits.append("%s:%s()" % (func_file[n], n))
    return hits

def used(field, depth=0):
    if field in FIELD_ALLOW or field in PARSE_STATE:
        return True
    if readers(field):
        return True
    if field in DERIVED and depth < 4:
        return any(used(d, depth + 1) for d in DERIVED[field])
    if field.startswith("n_"):
        return used(field[2:], depth + 1) or used(field[2:] + "s", depth + 1)
    if field.endswith("_defined"):
        return used(field[: -len("_defined")], depth + 1)
    return False

bad = 0
verbose = os.environ.get("VERBOSE")
for kw, h in rows:
    if h in HANDLER_ALLOW:
        continue
    fields = written(h, set())
    if not fields:
        print("%s (%s): writes no field this check can see" % (kw, h))
        bad += 1
        continue
    for f in sorted(fields):
        if not used(f):
            print("%s: field '%s' is stored but nothing in the daemon reads it" % (kw, f))
            bad += 1
        elif verbose:
            print("ok %s.%s: %s" % (kw, f, " ".join(readers(f)[:3]) or "via " + str(DERIVED.get(f, FIELD_ALLOW.get(f, "parse")))))
if bad:
    print("check_options_used: %d option field(s) accepted and ignored" % bad)
    sys.exit(1)
print("check_options_used: every option of the table reaches the daemon (%d keywords)" % len(rows))
EOF
