#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/check_doc_refs.sh -- the tree explains itself.  Fails when
#   - a file of the tree points at documents or tools that are not in it
#     (the protocol, style and DCO fact sheets it was first written from,
#     the directory they live in), or
#   - a `§N` / `§N.N` reference in src/ or tests/ names a section that is
#     not a heading of doc/protocol.md, or a "doc/dco.md N.N" reference one
#     that is not a heading of doc/dco.md.
# Each problem is printed as FILE:LINE: what; exit status 1 if there is any,
# else 0.  Reads files only: no root, no network, well under a second.
#
# Files: those tracked by git when run from a checkout, else (release
# tarball) every text file under the source tree except what configure and
# make generate.
#
# By hand:  bash tests/check_doc_refs.sh

set -u

top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1

# Names of documents and tools that live outside the repository, and the old
# ways of citing them.  Matched case-sensitively ("README.dco.md" is ours).
forbidden='shared/docs|shared/tools|PROTOCOL\.md|STYLE\.md|DCO\.md'
forbidden="$forbidden|PROTOCOL §|PROTOCOL [0-9]|STYLE E[0-9]|STYLE rule"

self=tests/check_doc_refs.sh

fail=0
problem()
{
    echo "$1"
    fail=1
}

# The file list: NUL-separated paths relative to $top.
list_files()
{
    # a checkout of this tree itself, not a tarball unpacked in some other one
    if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
        git ls-files -z
    else
        find . \( -name autom4te.cache -o -name .deps \) -prune -o -type f \
            ! -name Makefile ! -name Makefile.in ! -name 'config.*' ! -name configure \
            ! -name aclocal.m4 ! -name libtool ! -name '*.log' ! -name '*.trs' \
            -print0 | sed -z 's|^\./||'
    fi
}

# ---- 1. no pointers out of the tree -----------------------------------------
# One grep over all files; -I skips binary files.
while IFS= read -r hit; do
    f=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    text=${rest#*:}
    [ "$f" = "$self" ] && continue
    what=$(grep -oE "$forbidden" <<<"$text" | head -n 1)
    problem "$f:$line: refers to '$what', which is not part of this repository (cite doc/protocol.md, doc/dco.md, doc/architecture.md or CODE_CHECKLIST.md instead)"
done < <(list_files | xargs -0 grep -InHE "$forbidden" -- 2>/dev/null)

# ---- 2. every § reference has its section ------------------------------------
headings()
{
    # "## 6. Data channel" -> 6, "### 6.3 AEAD ..." -> 6.3
    sed -nE 's/^#{2,4} ([0-9]+(\.[0-9]+)*)[. ].*/\1/p' "$1"
}

for doc in doc/protocol.md doc/dco.md; do
    if [ ! -s "$doc" ]; then
        echo "$doc: missing or empty"
        exit 1
    fi
done

declare -A proto_sec dco_sec
while read -r s; do proto_sec[$s]=1; done < <(headings doc/protocol.md)
while read -r s; do dco_sec[$s]=1; done < <(headings doc/dco.md)

n_refs=0
declare -A seen
# "file:line:match" for every reference in src/ and tests/
refs()
{
    list_files | grep -zE '^(src|tests)/' | xargs -0 grep -IonHE "$1" -- 2>/dev/null
}
while IFS= read -r hit; do
    f=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    ref=${rest#*:}
    case "$ref" in RFC*) continue ;; esac # "RFC 2246 §5" is the RFC's section
    sec=${ref##*§}
    sec=${sec# }
    n_refs=$((n_refs + 1))
    seen[$sec]=1
    [ -n "${proto_sec[$sec]:-}" ] ||
        problem "$f:$line: §$sec is not a section of doc/protocol.md"
done < <(refs "(RFC [0-9]+ )?§ ?[0-9]+(\.[0-9]+)*")
while IFS= read -r hit; do
    f=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    sec=${hit##* }
    sec=${sec#§}
    n_refs=$((n_refs + 1))
    [ -n "${dco_sec[$sec]:-}" ] ||
        problem "$f:$line: section $sec is not a section of doc/dco.md"
done < <(refs "doc/dco\.md §?[0-9]+(\.[0-9]+)*")

if [ "$n_refs" -eq 0 ]; then
    problem "no section references found at all: is this the source tree?"
fi
echo "check_doc_refs: $n_refs section references checked (${#seen[@]} distinct doc/protocol.md sections)"
exit "$fail"
