#!/usr/bin/env bash
# Ansible's own cost over a regal rollout (see docs/PERFORMANCE.md, "Ansible side"):
#
# 1. playbooks/rollout.yml against a plain playbook (`serial:` + `include_tasks`)
#    over the same hosts and batches, hosts on `ansible_connection: local`, a
#    one-task deploy (a debug line). Reports both times and the rollout's
#    extra cost per batch.
# 2. `ansible-inventory --list` over the regal-inventory script against the same
#    groups as a static JSON inventory without regal's vars: time, peak RSS,
#    output size.
#
# Usage: benches/ansible.sh [--rollout "2000/400 500/100"] [--inventory "10000/100 10000/1000"]
#                           [--runs N]
#   --rollout    hosts/batches pairs for part 1 ("" to skip)
#   --inventory  hosts/batches pairs for part 2 ("" to skip); add 100000/1000 for the
#                large case (minutes)
#   --runs       runs per measurement, the median is reported (default 3)
#   --no-build   use target/release/regal-inventory as it is
#
# Uses the pinned ansible-core of the test suite (target/ansible-venv, made by
# `cargo test --test ansible` or here), target/release/regal-inventory and GNU
# time. Run it under `nice`: it keeps one core busy for minutes.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
rollout_cases="2000/400"
inventory_cases="10000/100 10000/1000"
runs=3
build=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --rollout) rollout_cases=$2; shift ;;
        --inventory) inventory_cases=$2; shift ;;
        --runs) runs=$2; shift ;;
        --no-build) build=no ;;
        -h | --help) sed -n '2,22p' "$0" | cut -c3-; exit 0 ;;
        *) echo "ansible.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

note() { echo "ansible.sh: $*" >&2; }

# shellcheck source=benches/ansible-setup.sh
. "$root/benches/ansible-setup.sh" ansible-bench
export ANSIBLE_PYTHON_INTERPRETER=$venv/bin/python ANSIBLE_RETRY_FILES_ENABLED=0
unset ANSIBLE_INVENTORY

# regal.yml with `hosts` hosts in `batches` batches of one version.
strategy() { # hosts batches file
    local size=$(($1 / $2))
    printf 'batches: [%d]\nvars: {ansible_connection: local}\nversions:\n  app-v1.0: "h[1:%d]"\n' \
        "$size" "$1" > "$3"
}

# The same groups, hosts and connection var as JSON without regal's vars.
static() { # regal-json out
    python3 - "$1" "$2" << 'EOF'
import json, sys
inv = json.load(open(sys.argv[1]))
out = {}
for name, group in inv.items():
    if name == "_meta":
        out[name] = {"hostvars": {h: {} for h in group["hostvars"]}}
        continue
    out[name] = {k: v for k, v in group.items() if k != "vars"}
out["all"]["vars"] = {"ansible_connection": "local"}
json.dump(out, open(sys.argv[2], "w"))
EOF
}

script() { # regal.yml out
    printf '#!/bin/sh\nexec %s --config %s "$@"\n' "$bin" "$1" > "$2"
    chmod +x "$2"
}

# A script inventory printing a fixed JSON file: the same way in for both sides.
cat_script() { # json out
    printf '#!/bin/sh\nexec cat %s\n' "$1" > "$2"
    chmod +x "$2"
}

# Median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Seconds of wall time of one run of "$@", output thrown away; fails loudly.
seconds() {
    local start=$EPOCHREALTIME
    "$@" > "$work/out.txt" 2>&1 || { tail -20 "$work/out.txt" >&2; note "failed: $*"; exit 1; }
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f\n", b - a}'
}

median_of() { for _ in $(seq "$runs"); do seconds "$@"; done | median; }

cat > "$work/deploy.yml" << 'EOF'
- name: Deploy
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }}"
EOF

# In DIR: regal.yml of HOSTS in BATCHES, the regal script `inventory`, and
# `static`, a script printing the same groups without regal's vars.
prepare() {
    local dir=$1
    mkdir -p "$dir"
    strategy "$2" "$3" "$dir/regal.yml"
    script "$dir/regal.yml" "$dir/inventory"
    "$bin" --config "$dir/regal.yml" --list > "$dir/regal.json"
    static "$dir/regal.json" "$dir/static.json"
    cat_script "$dir/static.json" "$dir/static"
}

if [ -n "$rollout_cases" ]; then
    echo "| hosts / batches | plain serial | rollout.yml | extra per batch |"
    echo "|---|---:|---:|---:|"
    for case in $rollout_cases; do
        hosts=${case%/*} batches=${case#*/}
        dir=$work/rollout-$hosts-$batches
        prepare "$dir" "$hosts" "$batches"
        cat > "$dir/plain.yml" << EOF
- name: Plain serial
  hosts: all
  serial: $((hosts / batches))
  gather_facts: false
  tasks:
    - name: Deploy
      ansible.builtin.include_tasks: $work/deploy.yml
EOF
        note "$case: plain serial"
        plain=$(median_of "$venv/bin/ansible-playbook" -i "$dir/static" "$dir/plain.yml")
        note "$case: rollout.yml"
        regal=$(median_of "$venv/bin/ansible-playbook" -i "$dir/inventory" "$root/playbooks/rollout.yml" \
            -e "regal_tasks=$work/deploy.yml")
        per=$(awk -v a="$plain" -v b="$regal" -v n="$batches" 'BEGIN {printf "%.3f s", (b - a) / n}')
        echo "| $hosts / $batches | $plain s | $regal s | $per |"
    done
    echo
fi

if [ -n "$inventory_cases" ]; then
    echo "| hosts / batches | static: time, RSS, output | regal script: time, RSS, output | time ratio |"
    echo "|---|---:|---:|---:|"
    for case in $inventory_cases; do
        hosts=${case%/*} batches=${case#*/}
        dir=$work/inventory-$hosts-$batches
        prepare "$dir" "$hosts" "$batches"
        row="| $hosts / $batches"
        times=()
        # Static and regal runs alternate, so that a change of load on the
        # machine falls on both sides.
        note "$case: ansible-inventory --list, static and regal in turn"
        : > "$work/static.times"
        : > "$work/regal.times"
        for _ in $(seq "$runs"); do
            seconds "$venv/bin/ansible-inventory" -i "$dir/static" --list >> "$work/static.times"
            seconds "$venv/bin/ansible-inventory" -i "$dir/inventory" --list >> "$work/regal.times"
        done
        for side in static regal; do
            source=$dir/static
            [ "$side" = static ] || source=$dir/inventory
            t=$(median < "$work/$side.times")
            /usr/bin/time -f %M -o "$work/rss.txt" "$venv/bin/ansible-inventory" -i "$source" --list > "$work/list.json"
            rss=$(awk '{printf "%d MB", $1 / 1024}' "$work/rss.txt")
            size=$(stat -c %s "$work/list.json" | awk '{printf "%.1f MB", $1 / 1e6}')
            row="$row | $t s, $rss, $size"
            times+=("$t")
        done
        ratio=$(awk -v a="${times[0]}" -v b="${times[1]}" 'BEGIN {printf "%.2f", b / a}')
        echo "$row | $ratio |"
    done
fi
