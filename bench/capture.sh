#!/usr/bin/env bash
# The capture benchmark: `reprise capture` against jq doing the same
# selection on the same generated log (bench/make_capture_log.py: about 10%
# llm_call lines, a few malformed, the rest ordinary lines). The selection:
# the non-prod, successful llm_call records of finance_chat in November 2026.
# Each tool runs RUNS times; the medians of wall time and the peak RSS are
# printed. See bench/README.md ("Capture").
#
# A benchmark reports; it does not fail: the exit status is 0 unless it could
# not run. A missed target (capture at least 1.5x faster than jq, peak RSS
# under 64 MB) prints a "TARGET MISSED" line.
#
# Knobs (environment): SIZE_MB (default 1024), RUNS (default 3),
# LOG=PATH (reuse a generated log), REPRISE_BIN=PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
reprise=${REPRISE_BIN:-build/release/tools/reprise}
source bench/lib.sh
[[ -n ${REPRISE_BIN:-} ]] || build_release
ensure_gnu_time
if ! command -v jq >/dev/null; then
  log "installing jq, the baseline"
  apt-get install -y -qq jq >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/reprise-bench-capture.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=${LOG:-$work/big.log}
if [[ -z ${LOG:-} ]]; then
  echo "capture.sh: generating a ${size_mb} MB log" >&2
  python3 bench/make_capture_log.py "$log" "$size_mb"
fi
mkdir -p "$work/eval"
bytes=$(stat -c %s "$log")

# measure <label> <command...>: wall seconds and peak RSS (KiB) of one run.
measure() {
  local label=$1
  shift
  wait_for_builds
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/$label.out" 2>"$work/$label.err" || true
  cat "$work/time.txt"
}

jq_filter='fromjson? | select(type == "object" and .event == "llm_call" and .agent == "finance_chat"
  and .environment == "non-prod" and .error == null and .request != null
  and .timestamp >= "2026-11-01" and .timestamp < "2026-12-01") | .prompt_sha256'

declare -a jq_times reprise_times
jq_rss=0 reprise_rss=0
for ((i = 0; i < runs; i++)); do
  read -r t m < <(measure jq jq -rR "$jq_filter" "$log")
  jq_times+=("$t"); ((m > jq_rss)) && jq_rss=$m
  read -r t m < <(measure reprise "$reprise" --eval-root "$work/eval" capture --dry-run --agent finance_chat \
    --since 2026-11-01 --until 2026-12-01 "$log")
  reprise_times+=("$t"); ((m > reprise_rss)) && reprise_rss=$m
done
# Without --agent every non-prod record's header is held until grouping: the memory bound to watch.
read -r all_time all_rss < <(measure reprise_all "$reprise" --eval-root "$work/eval" capture --dry-run "$log")
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
jq_median=$(median "${jq_times[@]}")
reprise_median=$(median "${reprise_times[@]}")
selected_jq=$(wc -l <"$work/jq.out")
echo "log: $((bytes / 1048576)) MB, $(wc -l <"$log") lines"
echo "jq:      median ${jq_median} s over $runs runs (${jq_times[*]}), peak RSS $((jq_rss / 1024)) MB, $selected_jq records selected"
echo "reprise: median ${reprise_median} s over $runs runs (${reprise_times[*]}), peak RSS $((reprise_rss / 1024)) MB"
grep -E "llm_call record|skipped|would write" "$work/reprise.out" | sed 's/^/  /'
echo "reprise, every agent (no --agent): ${all_time} s, peak RSS $((all_rss / 1024)) MB (holds every non-prod record's header)"
speedup=$(awk -v a="$jq_median" -v b="$reprise_median" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
echo "speed-up over jq: ${speedup}x (target 1.5x); reprise peak RSS $((reprise_rss / 1024)) MB (target < 64 MB)"
awk -v s="$speedup" 'BEGIN {exit !(s < 1.5)}' && echo "TARGET MISSED: capture is not 1.5x faster than jq"
((reprise_rss >= 64 * 1024)) && echo "TARGET MISSED: capture's peak RSS is 64 MB or more"
((all_rss >= 64 * 1024)) && echo "TARGET MISSED: capture without --agent peaks at 64 MB or more"
exit 0
