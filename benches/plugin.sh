#!/usr/bin/env bash
# The `regal` inventory plugin at scale (see docs/PERFORMANCE.md, "The plugin"):
# `ansible-inventory --list` of an INI source alone against the same source
# followed by the plugin (`-i hosts.ini -i rollout.regal.yml`), whose strategy
# takes every host but 1 % with `hosts_from: web:!maint` and spreads them over
# the `zone` label that group_vars/ files give (batches of 1 % of the hosts).
#
# The source: HOSTS hosts in RACKS leaf groups `rack_N`, nested in zones (one
# per 10 racks, each with a group_vars/zone_N.yml), regions (one per 5 zones)
# and `web`; `maint` holds every 100th host. Reports the median wall time and
# CPU time (user + sys) of both, the plugin's own steps (its -vvv line) and
# peak RSS.
#
# Usage: benches/plugin.sh [--cases "25000/300 50000/300 100000/300"] [--runs N] [--no-build]
#
# Uses the pinned ansible-core of the test suite (target/ansible-venv),
# target/release/regal-inventory and GNU time. One benchmark at a time on the
# machine; run it under `nice`.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
cases="25000/300 50000/300 100000/300"
runs=3
build=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --cases) cases=$2; shift ;;
        --runs) runs=$2; shift ;;
        --no-build) build=no ;;
        -h | --help) sed -n '2,18p' "$0" | cut -c3-; exit 0 ;;
        *) echo "plugin.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

note() { echo "plugin.sh: $*" >&2; }

# shellcheck source=benches/ansible-setup.sh
. "$root/benches/ansible-setup.sh" plugin-bench
unset ANSIBLE_INVENTORY

generate() { # dir hosts racks
    python3 - "$@" "$bin" << 'PY'
import os, sys
out, n, racks, binary = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
os.makedirs(out + "/group_vars", exist_ok=True)
zones, regions = max(1, racks // 10), max(1, racks // 50)
lines = []
for r in range(racks):
    lines.append("[rack_%d]" % r)
    lines += ["h%d" % i for i in range(r * n // racks, (r + 1) * n // racks)]
for z in range(zones):
    lines.append("[zone_%d:children]" % z)
    lines += ["rack_%d" % r for r in range(racks) if r * zones // racks == z]
    with open("%s/group_vars/zone_%d.yml" % (out, z), "w") as f:
        f.write("zone: z%d\n" % z)
for g in range(regions):
    lines.append("[region_%d:children]" % g)
    lines += ["zone_%d" % z for z in range(zones) if z * regions // zones == g]
lines.append("[web:children]")
lines += ["region_%d" % g for g in range(regions)]
lines.append("[maint]")
lines += ["h%d" % i for i in range(0, n, 100)]
lines.append("[all:vars]\nansible_connection=local")
with open(out + "/hosts.ini", "w") as f:
    f.write("\n".join(lines) + "\n")
with open(out + "/regal.yml", "w") as f:
    f.write("batches: [%d]\nspread: zone\nversions:\n  app:\n    hosts_from: web:!maint\n" % max(1, n // 100))
with open(out + "/rollout.regal.yml", "w") as f:
    f.write("plugin: regal\nstrategy: regal.yml\nbinary: %s\n" % binary)
PY
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# One run of ansible-inventory -vvv --list ARGS: appends "wall cpu rss_kb" to
# FILE and keeps the plugin's -vvv timing line (on stdout) in $work/steps.txt.
run() { # file args...
    local file=$1; shift
    local start=$EPOCHREALTIME
    /usr/bin/time -f '%U %S %M' -o "$work/time.txt" "$venv/bin/ansible-inventory" -vvv \
        --playbook-dir "$root/playbooks" "$@" --list > "$work/list.json" 2> "$work/err.txt" ||
        { tail -20 "$work/err.txt" >&2; note "failed: $*"; exit 1; }
    local end=$EPOCHREALTIME
    grep -o "regal: [0-9]* earlier hosts.*" "$work/list.json" >> "$work/steps.txt" || true
    awk -v a="$start" -v b="$end" '{printf "%.2f %.2f %d\n", b - a, $1 + $2, $3}' "$work/time.txt" >> "$file"
}

col() { awk -v c="$1" '{print $c}' "$2" | median; }

echo "| hosts / groups | sources alone: wall, CPU, RSS | with the plugin: wall, CPU, RSS | plugin's steps (last run) | CPU ratio |"
echo "|---|---:|---:|---|---:|"
for case in $cases; do
    hosts=${case%/*} racks=${case#*/}
    dir=$work/case-$hosts-$racks
    generate "$dir" "$hosts" "$racks"
    groups=$(grep -c '^\[' "$dir/hosts.ini")
    : > "$work/alone.txt"
    : > "$work/plugin.txt"
    : > "$work/steps.txt"
    note "$case: ansible-inventory --list, without and with the plugin in turn"
    for _ in $(seq "$runs"); do
        run "$work/alone.txt" -i "$dir/hosts.ini"
        run "$work/plugin.txt" -i "$dir/hosts.ini" -i "$dir/rollout.regal.yml"
    done
    row="| $hosts / $((groups - 1))"
    for side in alone plugin; do
        row="$row | $(col 1 "$work/$side.txt") s, $(col 2 "$work/$side.txt") s, $(($(col 3 "$work/$side.txt") / 1024)) MB"
    done
    steps=$(tail -1 "$work/steps.txt" | sed 's/^regal: [0-9]* earlier hosts //')
    ratio=$(awk -v a="$(col 2 "$work/alone.txt")" -v b="$(col 2 "$work/plugin.txt")" 'BEGIN {printf "%.2f", b / a}')
    echo "$row | $steps | $ratio |"
done
