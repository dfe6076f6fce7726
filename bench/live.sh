#!/usr/bin/env bash
# The live-mode benchmarks (bench/README.md, "Live refresh and dry run"):
#
# 1. Live refresh: LIVE_CASES synthetic cases (default 200) refreshed with
#    `reprise-eval --live -j LIVE_JOBS` (default 16) against reprise-fake-api
#    answering every call after LATENCY_MS (default 200). The ideal is
#    cases x latency / jobs; the target is a median within 1.2x of it.
# 2. Dry run against cached replay: DRY_CASES synthetic cases (default
#    10,000), measured interleaved: cached replay with an empty cache (every
#    case parsed and replayed, as a dry run does), cached replay with a warm
#    cache, and the dry run (`--live` without EVAL_LIVE_EXECUTE). The target
#    is a dry-run median within 1.5x of the cold cached replay.
#
# Medians of RUNS runs (default 5), with min and max; wall time from
# `date +%s%N`, peak RSS from GNU time. A benchmark reports; it does not
# fail: it exits 0 unless it could not run, and prints "TARGET MISSED" lines.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
LIVE_CASES=${LIVE_CASES:-200}
LIVE_JOBS=${LIVE_JOBS:-16}
LATENCY_MS=${LATENCY_MS:-200}
DRY_CASES=${DRY_CASES:-10000}
SEED=${SEED:-1}

build=build/release
eval_bin=$build/eval/reprise-eval
make_bin=$build/bench/reprise-bench-make-cases
fake_bin=$build/tests/reprise-fake-api

source bench/lib.sh
build_release
ensure_gnu_time

work=$(mktemp -d "${TMPDIR:-/tmp}/reprise-bench-live.XXXXXX")
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
results=$work/results.txt
: >"$results"

# measure <label> <command...>: one timed run, appended to results as "<label> <ns> <rss KB> <rc>".
measure() {
  local label=$1
  shift
  local rc=0 start end rss
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || rc=$?
  end=$(date +%s%N)
  rss=$(tail -n1 "$work/time.txt")
  echo "$label $((end - start)) $rss $rc" >>"$results"
  if [[ $rc -ne 0 ]]; then
    log "$label exited $rc"
    tail -n 15 "$work/out.txt" "$work/err.txt" >&2
  fi
}

# summarise <label>: "runs median min max (s) peak RSS (MB)" of that label's runs.
summarise() {
  awk -v label="$1" '$1 == label { t[n++] = $2 / 1e9; if ($3 > rss) rss = $3 }
    END {
      if (n == 0) { print "0 0 0 0 0"; exit }
      for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
      median = n % 2 ? t[(n - 1) / 2] : (t[n / 2 - 1] + t[n / 2]) / 2
      printf "%d %.3f %.3f %.3f %.1f\n", n, median, t[0], t[n - 1], rss / 1024
    }' "$results"
}

# --- 1. live refresh --------------------------------------------------------------
live_root=$work/live-root
log "generating $LIVE_CASES cases (seed $SEED)"
"$make_bin" --out "$live_root" --count "$LIVE_CASES" --seed "$SEED" >&2
"$fake_bin" --port 0 --port-file "$work/port" --eval-root "$live_root" --latency-ms "$LATENCY_MS" \
  --stats-file "$work/stats" >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 600); do [[ -s $work/port ]] && break; sleep 0.1; done
[[ -s $work/port ]] || { log "the fake API did not start"; cat "$work/server.out" >&2; exit 1; }
port=$(<"$work/port")

wait_for_builds
for run in $(seq "$RUNS"); do
  find "$live_root" -name '*.candidate.*' -delete
  EVAL_LIVE_EXECUTE=1 ANTHROPIC_BASE_URL="http://127.0.0.1:$port" ANTHROPIC_API_KEY=sk-ant-bench-not-a-real-key-000000 \
    measure live "$eval_bin" --eval-root "$live_root" --live -j "$LIVE_JOBS" -r compact
  written=$(find "$live_root" -name '*.completion.candidate.txt' | wc -l)
  [[ $written -eq $LIVE_CASES ]] || { log "run $run wrote $written candidates, not $LIVE_CASES: figures would not be comparable"; exit 1; }
done
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=

# --- 2. dry run against cached replay ------------------------------------------------
dry_root=$work/dry-root
log "generating $DRY_CASES cases (seed $SEED)"
"$make_bin" --out "$dry_root" --count "$DRY_CASES" --seed "$SEED" >&2
REPRISE_CACHE_DIR=$work/warm "$eval_bin" --eval-root "$dry_root" -r compact >/dev/null 2>&1 ||
  { log "the cached replay of $DRY_CASES cases failed: figures would not be comparable"; exit 1; }
wait_for_builds
for run in $(seq "$RUNS"); do
  # The order rotates so no mode always runs right after another.
  modes=(cold warm dry)
  for ((k = 0; k < 3; k++)); do
    mode=${modes[$(((run + k) % 3))]}
    case $mode in
      cold)
        rm -rf "$work/cold"
        REPRISE_CACHE_DIR=$work/cold measure cold "$eval_bin" --eval-root "$dry_root" -r compact
        ;;
      warm) REPRISE_CACHE_DIR=$work/warm measure warm "$eval_bin" --eval-root "$dry_root" -r compact ;;
      dry) REPRISE_CACHE_DIR=$work/unused measure dry "$eval_bin" --eval-root "$dry_root" --live -r compact ;;
    esac
  done
done

# --- report -------------------------------------------------------------------------
ideal=$(awk -v n="$LIVE_CASES" -v l="$LATENCY_MS" -v j="$LIVE_JOBS" 'BEGIN { printf "%.3f", n * l / 1000 / j }')
read -r n median min max rss < <(summarise live)
printf '\n%-44s %5s %9s %8s %8s %8s %7s\n' "benchmark" "runs" "median s" "min s" "max s" "RSS MB" "ratio"
printf '%-44s %5s %9s %8s %8s %8s %7s\n' "live ideal: $LIVE_CASES x ${LATENCY_MS} ms / $LIVE_JOBS" "-" "$ideal" "-" "-" "-" "1.00"
live_ratio=$(awk -v a="$median" -v b="$ideal" 'BEGIN { printf "%.2f", a / b }')
printf '%-44s %5d %9.3f %8.3f %8.3f %8.1f %7s\n' "live refresh -j $LIVE_JOBS (x ideal)" "$n" "$median" "$min" "$max" "$rss" "$live_ratio"
read -r n cold_median min max rss < <(summarise cold)
printf '%-44s %5d %9.3f %8.3f %8.3f %8.1f %7s\n' "cached replay, empty cache, $DRY_CASES cases" "$n" "$cold_median" "$min" "$max" "$rss" "1.00"
read -r n median min max rss < <(summarise warm)
printf '%-44s %5d %9.3f %8.3f %8.3f %8.1f %7s\n' "cached replay, warm cache (x cold)" "$n" "$median" "$min" "$max" "$rss" \
  "$(awk -v a="$median" -v b="$cold_median" 'BEGIN { printf "%.2f", a / b }')"
read -r n median min max rss < <(summarise dry)
dry_ratio=$(awk -v a="$median" -v b="$cold_median" 'BEGIN { printf "%.2f", a / b }')
printf '%-44s %5d %9.3f %8.3f %8.3f %8.1f %7s\n' "dry run (x cold cached)" "$n" "$median" "$min" "$max" "$rss" "$dry_ratio"

awk -v r="$live_ratio" 'BEGIN { exit !(r > 1.2) }' && echo "TARGET MISSED: live refresh median is ${live_ratio}x the ideal (target 1.2x)"
awk -v r="$dry_ratio" 'BEGIN { exit !(r > 1.5) }' && echo "TARGET MISSED: dry run median is ${dry_ratio}x cold cached replay (target 1.5x)"
if awk '$4 != 0 { bad = 1 } END { exit !bad }' "$results"; then echo "some runs exited non-zero: see the log above"; fi
exit 0
