#!/usr/bin/env bash
# Benchmark of `regal-inventory --list` on generated fleets of 10k, 100k and 1M
# hosts (about 1,000 batches each), against the Python equivalent built on
# regal 1.3 (../shared/bench/py_regal_inventory.py, or the file that
# REGAL_PY_BENCH names, e.g. from a worktree) when it can be set up.
#
# Usage: benches/bench.sh [--no-python] [--sizes "10000 100000 1000000"] [--runs N]
#                         [--python-runs N]
#
# Prints a markdown table: wall time, peak RSS (from /usr/bin/time, in one more
# run), the size of the JSON printed, peak RSS / JSON size, and the Python time
# and ratio. Times are the best of N runs (default 5) after one untimed run, for
# regal-inventory and for Python alike (--python-runs N to run Python fewer
# times: one 1M-host run takes seconds). This machine's timings wander by tens of
# percent from run to run.
#
# Needs: cargo, awk, GNU time (/usr/bin/time; installed from Debian's `time`
# package if missing and we are root). Python: python3 with venv and PyPI access;
# regal==1.3, six and pyyaml go into target/bench-venv.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

sizes="10000 100000 1000000"
runs=5
py_runs=
python=auto
while [ $# -gt 0 ]; do
    case "$1" in
        --no-python) python=no ;;
        --sizes) sizes=$2; shift ;;
        --runs) runs=$2; shift ;;
        --python-runs) py_runs=$2; shift ;;
        -h | --help) sed -n '2,16p' "$0" | cut -c3-; exit 0 ;;
        *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

py_runs=${py_runs:-$runs}

note() { echo "bench.sh: $*" >&2; }

# GNU time reports the peak RSS; bash's `time` keyword does not.
if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        note "/usr/bin/time is missing; installing Debian's 'time' package"
        apt-get update -qq > /dev/null && apt-get install -y -qq time > /dev/null
    else
        note "/usr/bin/time (GNU time) is missing: run 'apt-get install time' as root"
        exit 1
    fi
fi

note "building target/release/regal-inventory"
cargo build --release --quiet
bin=$root/target/release/regal-inventory

py=""
pyscript=${REGAL_PY_BENCH:-$root/../shared/bench/py_regal_inventory.py}
if [ "$python" = auto ]; then
    venv=$root/target/bench-venv
    if [ ! -f "$pyscript" ]; then
        note "no $pyscript; skipping the Python comparison"
    elif [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import regal, yaml, six' 2> /dev/null; then
        py=$venv/bin/python
    elif command -v python3 > /dev/null && python3 -m venv "$venv" > /dev/null 2>&1 \
        && "$venv/bin/pip" install --quiet --disable-pip-version-check 'regal==1.3' six pyyaml > /dev/null 2>&1; then
        note "set up $venv with regal==1.3, six, pyyaml"
        py=$venv/bin/python
    else
        note "cannot set up Python with regal==1.3 (no python3 venv or no PyPI); skipping the Python comparison"
    fi
    if [ -n "$py" ] && ! "$py" -c 'import yaml; yaml.CSafeLoader' 2> /dev/null; then
        note "this PyYAML has no libyaml (CSafeLoader); skipping the Python comparison"
        py=""
    fi
fi

work=$root/target/bench
mkdir -p "$work"

# gen FILE FORM HOSTS VERSIONS: a strategy with HOSTS hosts spread over VERSIONS
# versions, combine = hosts per version / 1000 so each version has ~1,000 batches.
# FORM is `list` (one YAML list item per host) or `comma` (one comma string per version).
gen() {
    local file=$1 form=$2 hosts=$3 versions=$4
    [ -s "$file" ] && return 0
    awk -v form="$form" -v hosts="$hosts" -v versions="$versions" 'BEGIN {
        per = int(hosts / versions)
        combine = int(per / 1000); if (combine < 1) combine = 1
        printf "schedule: 1\ncombine: %d\n", combine
        if (versions > 1) printf "priority: app-v1.%d\n", versions - 1
        printf "versions:\n"
        n = 0
        for (v = 0; v < versions; v++) {
            printf "  app-v1.%d:", v
            if (form == "list") printf "\n"; else printf " \""
            for (i = 0; i < per; i++) {
                n++
                name = sprintf("web-%07d.dc%d.example.com", n, n % 4)
                if (form == "list") printf "    - %s\n", name
                else printf "%s%s", (i ? "," : ""), name
            }
            if (form != "list") printf "\"\n"
        }
    }' > "$file.tmp"
    mv "$file.tmp" "$file"
}

# measure CMD...: runs CMD once, its output to a file, and sets secs (its wall
# time, to the microsecond) and out_bytes (the size of its output). The clock is
# bash's own ($EPOCHREALTIME): reading it starts no process, and nothing but CMD
# runs between the two readings. (Under GNU time, whose %e has only 10 ms, the
# clock would also take in starting `time` itself: 5-10 ms, a tenth of a 1M-host
# run of regal-inventory.)
measure() {
    local out=$work/out.json start end
    # Not timed: dropping the last run's output (truncating it would be).
    rm -f "$out"
    start=$EPOCHREALTIME
    if ! "$@" > "$out" 2> "$work/stderr.txt"; then
        note "failed: $* ($(head -c 300 "$work/stderr.txt"))"
        secs=NA out_bytes=NA
        return 1
    fi
    end=$EPOCHREALTIME
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    out_bytes=$(wc -c < "$out")
}

# peak_rss CMD...: runs CMD once more, under GNU time, and sets rss_kb (its peak RSS).
peak_rss() {
    local timing=$work/time.txt
    rm -f "$work/out.json"
    if ! /usr/bin/time -f '%M' -o "$timing" "$@" > "$work/out.json" 2> "$work/stderr.txt"; then
        note "failed: $* ($(head -c 300 "$work/stderr.txt"))"
        rss_kb=NA
        return 1
    fi
    rss_kb=$(tail -n 1 "$timing")
}

human_bytes() {
    awk -v b="$1" 'BEGIN {
        if (b == "NA") { print "n/a"; exit }
        if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024 }'
}

cases=()
growth=""
for n in $sizes; do
    cases+=("list $n 1" "comma $n 1")
done
last=${sizes##* }
cases+=("list $last 4")

printf '\nregal-inventory %s, %s, %s cores; best of %s runs (Python: %s)\n\n' \
    "$(git -C "$root" describe --always --dirty 2> /dev/null || echo '?')" \
    "$(uname -m)" "$(nproc)" "$runs" "$py_runs"
echo "| hosts as | hosts | versions | batches | file | JSON out | time | peak RSS | RSS / JSON | Python time | Python RSS | Python JSON | speed-up |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for case in "${cases[@]}"; do
    read -r form n versions <<< "$case"
    file=$work/$form-$n-v$versions.yml
    gen "$file" "$form" "$n" "$versions"
    best_secs="" rust_rss=NA
    # One run first, not timed, for each side: a run right after the other
    # side's (or another row's) is slower by a fifth or more here, as memory the
    # last process gave back is taken back by this machine's host and has to be
    # given again. Each side's timed runs then follow one another.
    measure "$bin" --config "$file" --list || true
    for _ in $(seq "$runs"); do
        measure "$bin" --config "$file" --list || break
        if [ -z "$best_secs" ] || awk -v a="$secs" -v b="$best_secs" 'BEGIN { exit !(a < b) }'; then
            best_secs=$secs
        fi
    done
    rust_out=$out_bytes
    peak_rss "$bin" --config "$file" --list && rust_rss=$rss_kb
    batches=$(awk -v n="$n" -v v="$versions" 'BEGIN { per = int(n / v); c = int(per / 1000); if (c < 1) c = 1; printf "%d", v * (1 + int((per - 1 + c - 1) / c)) }')
    py_secs=- py_rss=- py_out=- ratio=-
    if [ -n "$py" ]; then
        # Best of as many runs as regal-inventory had, so the ratio favours neither.
        best_py=""
        measure "$py" "$pyscript" --config "$file" || true
        for _ in $(seq "$py_runs"); do
            if ! measure "$py" "$pyscript" --config "$file"; then
                best_py=failed
                break
            fi
            if [ -z "$best_py" ] || awk -v a="$secs" -v b="$best_py" 'BEGIN { exit !(a < b) }'; then
                best_py=$secs
                py_out=$(human_bytes "$out_bytes")
            fi
        done
        if [ "$best_py" = failed ]; then
            py_secs=failed
        else
            peak_rss "$py" "$pyscript" --config "$file" && py_rss=$(human_bytes $((rss_kb * 1024)))
            py_secs=${best_py}s
            ratio=$(awk -v p="$best_py" -v r="$best_secs" 'BEGIN { if (r > 0) printf "%.1f×", p / r; else print "∞" }')
        fi
    fi
    rust_rss_bytes=NA
    [ "$rust_rss" != NA ] && rust_rss_bytes=$((rust_rss * 1024))
    rss_ratio=$(awk -v r="$rust_rss" -v o="$rust_out" 'BEGIN { if (r == "NA") print "n/a"; else printf "%.2f", r * 1024 / o }')
    printf '| %s | %s | %s | %s | %s | %s | %ss | %s | %s | %s | %s | %s | %s |\n' \
        "$form" "$n" "$versions" "$batches" \
        "$(human_bytes "$(wc -c < "$file")")" "$(human_bytes "$rust_out")" \
        "$best_secs" "$(human_bytes "$rust_rss_bytes")" "$rss_ratio" \
        "$py_secs" "$py_rss" "$py_out" "$ratio"
    [ "$versions" = 1 ] && growth="$growth $form:$n:$best_secs"
done
# Linear growth: the time per host should stay about the same as hosts grow 10×.
echo
for form in list comma; do
    printf '%s, µs per host:' "$form"
    for entry in $growth; do
        IFS=: read -r f n t <<< "$entry"
        [ "$f" = "$form" ] && awk -v n="$n" -v t="$t" 'BEGIN { printf " %s hosts %.2f;", n, t * 1e6 / n }'
    done
    echo
done
echo
echo "Command: benches/bench.sh$( [ "$python" = no ] && echo ' --no-python')"
