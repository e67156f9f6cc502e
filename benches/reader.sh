#!/usr/bin/env bash
# Benchmark of the read-and-check stage on inputs that used to be cliffs: at
# 1M hosts, `--list` (the path Ansible runs) and `check` on a plain valid file
# against the same fleet written other ways (integer-looking names, IPv4
# names, CRLF or CR line breaks, a flow list over many lines, JSON, quoted names with
# an escape, `!!str` names, one comma string on one line or over many, a
# folded block scalar, files the fast reader leaves, host entries it hands
# over to the event parser one by one or all, host entries with flow lists of
# pairs (`[http: 80]`) or compact nested lists (`- - a`, `- - name: a`) it
# reads, host vars in flow and in
# block style, several vars on one host in ten, a distinct var on every host,
# three scalar vars of its own on every host in block and in flow style, a
# var of its own tagged `!unsafe` on every host, every host's vars an alias)
# and with hundreds of problems (duplicate hosts; 900 of three kinds) or a
# YAML error late in the file (a syntax error at the end or in the middle, a
# tab in indentation, a second document; in a flow list, in JSON; after an
# alias, right after an empty value, in a flow list that starts on the line
# after its key or is a mapping's key, after a file written as JSON; inside an
# anchored node, in a flow mapping over lines on a host entry's line, after a
# comment after a tab beside a plain scalar that goes on, after a run of empty
# values), a valid file with tab-led comment lines late in it or one beside a
# plain scalar that goes on, host entries written alike in a file with a tab;
# and the 30-byte file whose range expands to the 10M-host limit.
#
# Usage: benches/reader.sh [--runs N] [--hosts N] [--cases "valid host-vars"] [--range]
#
# --range adds the 10M-host range file (10M batches, about 2 GB of JSON): one
# run each of `--list`, `check` and `plan`, with time and peak RSS from GNU
# time. The inventory stage makes its groups one at a time as it writes them,
# so this takes about 0.5 GB and seconds (it took 14 GB before).
#
# Prints a markdown table: best wall time of N runs (default 5) after one
# untimed run, the best of N runs of the plain valid file taken in turn with
# them (one run of each, N times: a machine that slows down or speeds up
# between rows moves both alike), the first against the second, the file's size and that
# ratio per byte read (the time ratio over the size ratio: a file three times
# the valid one's size at 3x reads each byte as fast), peak RSS (from
# /usr/bin/time, one more run), the JSON printed and peak RSS / JSON. Every
# file is generated under target/bench-reader, once for this script and host
# count, and written to disk before any run is timed. Needs: cargo, python3,
# GNU time.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
runs=5
hosts=1000000
range=no
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift ;;
        --hosts) hosts=$2; shift ;;
        --cases) only=$2; shift ;;
        --range) range=yes ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | cut -c3-; exit 0 ;;
        *) echo "reader.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

cargo build --release --quiet
bin=$root/target/release/regal-inventory
work=$root/target/bench-reader
mkdir -p "$work"

# The inputs are written once for a generator and a host count, and on disk
# before any run is timed: written again at every run, about 3 GB were still
# going to disk while the first rows were timed, on the same cores.
IFS= read -r -d '' generate << 'EOF' || true
import sys
work, n = sys.argv[1], int(sys.argv[2])
head = "combine: 1000\nversions:\n  app:\n"
def name(i): return f"web-{i:07d}.example.com"
def write(file, lines, nl="\n", first=head):
    with open(f"{work}/{file}.yml", "w", newline="") as f:
        f.write(first.replace("\n", nl))
        for line in lines:
            f.write(line + nl)
write("valid", (f"    - {name(i)}" for i in range(n)))
write("numbers", [f"    - {i}.10" for i in range(10)] + [f"    - {name(i)}" for i in range(n - 10)])
write("ipv4", (f"    - 10.{i >> 16}.{(i >> 8) & 255}.{i & 255}" for i in range(n)))
write("crlf", (f"    - {name(i)}" for i in range(n)), nl="\r\n")
write("cr", (f"    - {name(i)}" for i in range(n)), nl="\r")
write("flow-lines", [",\n".join(f"    {name(i)}" for i in range(n)), "  ]"],
      first="combine: 1000\nversions:\n  app: [\n")
write("comma", [",".join(name(i) for i in range(n))], first="combine: 1000\nversions:\n  app: ")
# Other ways to write the same fleet: the whole file as JSON, every name
# double-quoted with an escape or tagged `!!str`, one comma string over many
# lines (plain, or a folded block scalar), a tab in a comment on the first
# line (the fast reader takes tabs in comments); and a file the fast reader
# leaves to the event parser: the block list with a var after it that it does
# not take (keep chomping, `|+`), given up at the end.
import json
with open(f"{work}/json.yml", "w") as f:
    json.dump({"combine": 1000, "versions": {"app": [name(i) for i in range(n)]}}, f, indent=2)
write("dq-escape", (f'    - "web-{i:07d}\\x2eexample.com"' for i in range(n)))
write("str-tag", (f"    - !!str {name(i)}" for i in range(n)))
write("comma-lines", [",\n".join(f"    {name(i)}" for i in range(n))])
write("folded", [",\n".join(f"    {name(i)}" for i in range(n))], first="combine: 1000\nversions:\n  app: >-\n")
write("tab-comment", (f"    - {name(i)}" for i in range(n)), first="#\ta comment\n" + head)
write("late-give-up", [f"    - {name(i)}" for i in range(n)] + ["vars:", "  motd: |+", "    text"])
# Host entries the fast reader hands over to the event parser (a var holding
# a flow list with a plain scalar over two lines whose second line starts with
# an indicator, `[http 80,\n https\n -443]`, which it does not take; before
# commit c23b5a5 it took no plain scalar over lines in a flow list, and these
# cases were written `443`): one in the middle of the list, one host in a
# hundred (each alone), and on every host (then the rest of the list goes to
# the event parser at once); and constructs the fast reader takes on every
# host: a flow list of `key: value` pairs (`[http: 80]`; handed over before),
# a keep-chomped var, a var holding a list of lists written compactly
# (`- - a`; handed over before), and one holding lists of mappings written
# compactly (`- - name: a`).
handed = "        ports: [http 80,\n          https\n          -443]"
pairs = "        ports: [http: 80, https: 443]"
write("pairs-every", (f"    - {name(i)}:\n{pairs}" for i in range(n)))
write("handed-mid", (f"    - {name(i)}:\n{handed}" if i == n // 2 else f"    - {name(i)}" for i in range(n)))
write("handed-every", (f"    - {name(i)}:\n{handed}" for i in range(n)))
write("handed-1pc", (f"    - {name(i)}:\n{handed}" if i % 100 == 50 else f"    - {name(i)}" for i in range(n)))
# The same with a value of its own in every entry, so that no entry is written
# like another (entries written alike are read once; see docs/READER.md).
write("handed-distinct", (f"    - {name(i)}:\n        ports: [http {i},\n          https\n          443]" for i in range(n)))
# The fast reader reads those (a plain scalar over lines in a flow list, since
# commit c23b5a5); with `-443`, as `handed` above, every entry is handed over
# (the rest of the list at once).
write("handed-left", (f"    - {name(i)}:\n        ports: [http {i},\n          https\n          -443]" for i in range(n)))
write("keep-every", (f"    - {name(i)}:\n        motd: |+\n          hi\n" for i in range(n)))
nested = "        pairs:\n          - - a\n            - b"
write("nested-every", (f"    - {name(i)}:\n{nested}" for i in range(n)))
write("nested-distinct", (f"    - {name(i)}:\n        pairs:\n          - - a{i}\n            - b" for i in range(n)))
write("pairs-distinct", (f"    - {name(i)}:\n        ports: [http: {i}, https: 443]" for i in range(n)))
nested_maps = ("        users:\n          - - name: a\n              uid: 1\n"
               "            - name: b\n          - - name: c")
write("nested-maps-every", (f"    - {name(i)}:\n{nested_maps}" for i in range(n)))
write("host-vars", (f"    - {name(i)}: {{zone: z{i % 3}}}" for i in range(n)))
write("host-vars-block", (f"    - {name(i)}:\n        zone: z{i % 3}" for i in range(n)))
# One host in ten with several vars, nested values among them; the rest none.
def mixed(i):
    if i % 10:
        return f"    - {name(i)}"
    return (f"    - {name(i)}:\n        zone: z{i % 3}\n        rack: r{i % 40}\n"
            f"        tags: [web, 'edge']\n        limits: {{cpu: 2, mem: 4096}}\n"
            f"        maintenance: no")
write("host-vars-mixed", (mixed(i) for i in range(n)))
# Every host with a var of its own, no two alike (an address each).
write("host-vars-unique", (f"    - {name(i)}: {{ansible_host: 10.{i >> 16}.{(i >> 8) & 255}.{i & 255}}}" for i in range(n)))
# Every host with three scalar vars of its own (the commonest real inventory:
# zone, rack, port per host), in block and in flow style; and a var of its
# own tagged `!unsafe` (quoted) on every host.
write("host-vars-three", (f"    - {name(i)}:\n        zone: z{i}\n        rack: r{i % 40}\n        port: {i}" for i in range(n)))
write("host-vars-three-flow", (f"    - {name(i)}: {{zone: z{i}, rack: r{i % 40}, port: {i}}}" for i in range(n)))
write("unsafe-every", (f"    - {name(i)}: {{cmd: !unsafe 'x{i}'}}" for i in range(n)))
# Every host given its vars by an alias of the first host's (refused as a
# "billion laughs" document before aliases were bounded by the file's size).
write("alias-every", [f"    - {name(0)}: &v {{zone: a}}"] + [f"    - {name(i)}: *v" for i in range(1, n)])
# Hundreds of problems of three kinds: a name with a space, a `regal_` var,
# a host listed twice (one of each in every 3,333 hosts: 900 at 1M hosts).
def problem(i):
    if i % 3333 == 0:
        return f"    - web {i}"
    if i % 3333 == 1:
        return f"    - {name(i)}: {{regal_x: 1}}"
    if i % 3333 == 2:
        return f"    - {name(i - 1)}"
    return f"    - {name(i)}"
write("problems-900", (problem(i) for i in range(n)))
# Files the event parser refuses, at a place late in the file: a YAML
# syntax error in the last host entry (an unclosed quote), in one in the
# middle (a host var indented less than the one before, a line indented
# more than the list after a quoted host) or an unclosed quote
# in the middle (the quoted scalar then runs to the file's end), a tab before
# a host entry near the end, a second document after the list.
write("error-end", [f"    - {name(i)}" for i in range(n - 1)] + [f'    - "{name(n - 1)}'])
write("error-mid", (f"    - {name(i)}:\n        zone: a\n       rack: b" if i == n // 2 else f"    - {name(i)}" for i in range(n)))
write("indent-mid", (f'    - "{name(i)}"\n       extra' if i == n // 2 else f"    - {name(i)}" for i in range(n)))
write("quote-mid", (f'    - "{name(i)}' if i == n // 2 else f"    - {name(i)}" for i in range(n)))
write("tab-late", (f"\t- {name(i)}" if i == n - 10 else f"    - {name(i)}" for i in range(n)))
write("documents", [f"    - {name(i)}" for i in range(n)] + ["---", "versions:", "  web: [w1]"])
# The same in a flow list over many lines and in the file as JSON: the last
# host's closing quote missing.
write("error-flow", [",\n".join(f"    {name(i)}" for i in range(n - 1)) + f',\n    "{name(n - 1)}', "  ]"],
      first="combine: 1000\nversions:\n  app: [\n")
with open(f"{work}/error-json.yml", "w") as f:
    text = json.dumps({"combine": 1000, "versions": {"app": [name(i) for i in range(n)]}}, indent=2)
    f.write(text.replace(f'"{name(n - 1)}"', f'"{name(n - 1)}'))
# Inputs the event parser read whole before, placed late in the file too:
# lines of a tab and a comment, or of tabs only, near the end of a valid list
# (YAML 1.2 reads them as blank lines); an unclosed flow list after an alias
# in a host entry (`{zone: *z, rack: [r1}`, the anchor at the top); an
# unclosed quote right after a host entry without vars (`- web:`); the flow
# list over lines starting on the line after its key (`app:` then `[`), the
# last host's quote missing; an unclosed quote in a flow sequence that is a
# flow mapping's key (`{[a,` then `"b]: c}` on the next line) as the last
# entry of a flow list over lines, after the one before on its line; content
# after the file written as JSON.
write("tab-lines", ([f"    - {name(i)}" for i in range(n - 10)] + ["\t# a comment", "\t\t"]
                    + [f"    - {name(i)}" for i in range(n - 10, n)]))
write("error-alias", [f"    - {name(i)}" for i in range(n - 1)] + [f"    - {name(n - 1)}: {{zone: *z, rack: [r1}}"],
      first="vars:\n  zone: &z eu-1\n" + head)
write("error-empty", [f"    - {name(i)}" for i in range(n - 2)] + [f"    - {name(n - 2)}:", f'    - "{name(n - 1)}'])
write("error-flow-next", ["    [", ",\n".join(f"    {name(i)}" for i in range(n - 1)) + f',\n    "{name(n - 1)}', "    ]"],
      first="combine: 1000\nversions:\n  app:\n")
write("error-flow-key", [",\n".join(f"    {name(i)}" for i in range(n - 1)) + f', {{[a,\n      "{name(n - 1)}]: b}}', "  ]"],
      first="combine: 1000\nversions:\n  app: [\n")
with open(f"{work}/error-json-after.yml", "w") as f:
    json.dump({"combine": 1000, "versions": {"app": [name(i) for i in range(n)]}}, f, indent=2)
    f.write("\nextra: 1\n")
# Inputs the event parser read whole before commit 8d4d821's successor
# (issue 10, errors4), each late in the file: an unclosed flow list inside an
# anchored node being read (the anchor on the last host's name, or on its
# vars over lines); an error in a flow mapping that opens on a host entry's
# line and goes on over lines (`- web: {zone: a,` then `rack: [r1}`), after
# a host entry handed over in the middle of the list (which looked for an
# error there first); a comment after a tab beside a var's plain scalar
# that goes on over the next line (valid, then with an unclosed quote in the
# last host); a run of empty values after a host entry over lines whose
# last var is empty, then an unclosed quote; and host entries written alike
# (handed over, as `handed-every`) in a file with a tab in a comment line.
last = n - 1
most = [f"    - {name(i)}" for i in range(n - 1)]
write("error-anchor", most + [f"    - &a {name(last)}: {{x: [1, }}"])
write("error-anchor-vars", most + [f"    - {name(last)}: &a\n        x: 1\n        y: [1, }}"])
write("error-flow-host", [f"    - {name(i)}:\n{handed}" if i == n // 2 else f"    - {name(i)}" for i in range(n - 1)]
      + [f"    - {name(last)}: {{zone: a,\n        rack: [r1}}"])
tab_plain = f"    - web-a:\n        motd: hello\n\t# c\n          world"
write("tab-plain", [tab_plain] + [f"    - {name(i)}" for i in range(n - 1)])
write("error-tab-plain", [tab_plain] + most[1:] + [f'    - "{name(last)}'])
write("error-empty-run", most[:-3] + [f"    - {name(n - 4)}:\n        zone:", f"    - {name(n - 3)}:",
                                       f"    - {name(n - 2)}:", f'    - "{name(last)}'])
write("handed-every-tab", (f"    - {name(i)}:\n{handed}" for i in range(n)), first="#\ta comment\n" + head)
write("dup-25", [f"    - {name(i)}" for i in range(n)] + [f"    - {name(i)}" for i in range(25)])
write("dup-300", [f"    - {name(i)}" for i in range(n)] + [f"    - {name(i)}" for i in range(300)])
with open(f"{work}/range.yml", "w") as f:
    f.write("versions:\n  a: h[0:9999999]\n")
EOF
stamp=$(printf '%s\n%s' "$hosts" "$generate" | sha256sum | cut -c1-16)
if [ "$(cat "$work/.generated" 2> /dev/null)" != "$stamp" ] || [ ! -f "$work/range.yml" ]; then
    rm -f "$work/.generated"
    python3 - "$work" "$hosts" <<< "$generate"
    sync
    echo "$stamp" > "$work/.generated"
fi

# The best wall time in ms of `runs` runs of `--config FILE MODE`, each run
# after one of the plain valid file: "FILE_MS VALID_MS" (the valid file
# alone: its time twice). One untimed run of each first.
best_beside() {
    local mode=$1 file=$2 best_file="" best_valid="" start end took f
    for f in "$file" "$work/valid.yml"; do "$bin" "$mode" --config "$f" > /dev/null 2>&1 || true; done
    for _ in $(seq "$runs"); do
        for f in "$work/valid.yml" "$file"; do
            start=$(date +%s%N)
            "$bin" "$mode" --config "$f" > /dev/null 2>&1 || true
            end=$(date +%s%N)
            took=$(((end - start) / 1000000))
            if [ "$f" = "$file" ]; then
                if [ -z "$best_file" ] || [ "$took" -lt "$best_file" ]; then best_file=$took; fi
            fi
            if [ "$f" = "$work/valid.yml" ]; then
                if [ -z "$best_valid" ] || [ "$took" -lt "$best_valid" ]; then best_valid=$took; fi
            fi
            [ "$file" = "$work/valid.yml" ] && break
        done
    done
    [ "$file" = "$work/valid.yml" ] && best_file=$best_valid
    echo "$best_file $best_valid"
}

echo "| input | mode | best time | valid beside | vs valid | file | vs valid per byte | peak RSS | JSON | RSS / JSON |"
echo "|---|---|---|---|---|---|---|---|---|---|"
cases="valid numbers ipv4 crlf cr flow-lines json dq-escape str-tag comma comma-lines folded tab-comment late-give-up handed-mid handed-1pc handed-every handed-distinct handed-left pairs-every pairs-distinct keep-every nested-every nested-distinct nested-maps-every host-vars host-vars-block host-vars-mixed host-vars-unique host-vars-three host-vars-three-flow unsafe-every alias-every error-end error-mid indent-mid quote-mid tab-late documents error-flow error-json tab-lines error-alias error-empty error-flow-next error-flow-key error-json-after error-anchor error-anchor-vars error-flow-host tab-plain error-tab-plain error-empty-run handed-every-tab dup-25 dup-300 problems-900"
# --cases: only these (the valid run always first).
[ -n "$only" ] && cases="valid ${only//valid/}"
base_size=$(stat -c %s "$work/valid.yml")
for case in $cases; do
    for mode in --list check; do
        file=$work/$case.yml
        read -r ms valid_ms < <(best_beside "$mode" "$file")
        rss=$( (/usr/bin/time -f %M "$bin" "$mode" --config "$file" 2>&1 > /dev/null || true) | tail -1)
        json=$("$bin" "$mode" --config "$file" 2> /dev/null | wc -c || true)
        ratio=$(awk -v a="$ms" -v b="$valid_ms" 'BEGIN { printf "%.2fx", a / b }')
        size=$(stat -c %s "$file")
        per_byte=$(awk -v a="$ms" -v b="$valid_ms" -v s="$size" -v v="$base_size" \
            'BEGIN { printf "%.2fx", (a / b) / (s / v) }')
        per=$(awk -v r="$rss" -v j="$json" 'BEGIN { if (j > 1000) printf "%.2f", r * 1024 / j; else print "-" }')
        shown=-
        [ "$json" -gt 1000 ] && shown="$((json / 1000000)) MB"
        echo "| $case | $mode | $((ms))ms | $((valid_ms))ms | $ratio | $((size / 1000000)) MB | $per_byte | $((rss / 1024)) MB | $shown | $per |"
    done
done
if [ "$range" = yes ]; then
    file=$work/range.yml
    for mode in --list check plan; do
        # GNU time's seconds and KiB to a file: on stderr they may come
        # before or after the byte count.
        bytes=$(/usr/bin/time -o "$work/time" -f "%e %M" "$bin" $mode --config "$file" | wc -c)
        read -r secs rss < "$work/time"
        if [ "$mode" = --list ]; then
            shown="$((bytes / 1000000)) MB"
            per=$(awk -v r="$rss" -v j="$bytes" 'BEGIN { printf "%.2f", r * 1024 / j }')
        else
            shown="($bytes bytes printed)"
            per=-
        fi
        echo "| range to 10M hosts | $mode | ${secs}s (one run) | - | - | $(stat -c %s "$file") bytes | - | $((rss / 1024)) MB | $shown | $per |"
    done
fi
