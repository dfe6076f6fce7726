#!/usr/bin/env bash
# The cached-replay benchmark: wall time and peak RSS of reprise-eval on
# 1,000 and 10,000 synthetic coach_narrative cases, cold (empty parsed-case
# cache) and warm (cache filled, nothing changed), beside two floors measured
# in the same go: an I/O floor (cat every file of the root) and a parse floor
# (yaml-cpp YAML::Load() of every case file, nothing else). See bench/README.md.
#
# A benchmark reports; it does not fail: the exit status is 0 unless the
# benchmark itself could not run. A missed target prints a "TARGET MISSED" line.
#
# Knobs (environment):
#   RUNS_1K=15 RUNS_10K=7   runs per mode and size (interleaved)
#   SIZES="1000 10000"      case counts (any; the 10,000 targets apply to 10000)
#   SEED=1                  generator seed
#   BENCH_DIR=DIR           keep the generated roots in DIR and reuse them on the
#                           next call (default: a temp folder, removed at exit)
#   EVAL_BIN=PATH           measure another reprise-eval build (default: the release preset's)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS_1K=${RUNS_1K:-15}
RUNS_10K=${RUNS_10K:-7}
SIZES=${SIZES:-"1000 10000"}
SEED=${SEED:-1}
TARGET_COLD_S=2
TARGET_WARM_S=1
TARGET_RSS_MB=200

build=build/release
eval_bin=${EVAL_BIN:-$build/eval/reprise-eval}
make_bin=$build/bench/reprise-bench-make-cases
yaml_bin=$build/bench/reprise-bench-yaml-parse

source bench/lib.sh

# 1. Build (configure once; an up-to-date build does no work).
build_release
ensure_gnu_time

# 2. Generate the roots (once).
if [[ -n ${BENCH_DIR:-} ]]; then
  work=$BENCH_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/reprise-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
scratch=$work/scratch
rm -rf "$scratch"
mkdir -p "$scratch"

for size in $SIZES; do
  root=$work/root-$size
  if [[ ! -f $root/.complete ]]; then
    rm -rf "$root"
    log "generating $size cases (seed $SEED) into $root"
    "$make_bin" --out "$root" --count "$size" --seed "$SEED" >&2
    touch "$root/.complete"
  fi
done

# Checks that a replay of ROOT passed with nothing stale; prints the summary total row.
check_run() {
  local size=$1 out=$2 rc=$3
  local total
  total=$(grep -E '^total ' "$out" | tail -n1 || true)
  # total  passed  failed  stale  time
  read -r _ passed failed stale _ <<<"$total"
  if [[ $rc -ne 0 || ${passed:-0} -ne $size || ${failed:-1} -ne 0 || ${stale:-1} -ne 0 ]]; then
    log "the replay of $size cases did not pass cleanly (exit $rc; summary: '${total}'); figures would not be comparable"
    tail -n 30 "$out" >&2
    exit 1
  fi
}

# 3. Prepare each size's warm cache with one cold run, which also checks that
#    every case passes and none is stale. The cache is only valid for this
#    exact reprise-eval executable, so note its identity.
wait_for_builds
eval_identity=$(stat -c '%s %Y' "$eval_bin")
for size in $SIZES; do
  warm=$work/warm-cache-$size
  rm -rf "$warm"
  mkdir -p "$warm"
  rc=0
  REPRISE_CACHE_DIR=$warm "$eval_bin" --eval-root "$work/root-$size" -r compact >"$scratch/check.txt" 2>&1 || rc=$?
  check_run "$size" "$scratch/check.txt" "$rc"
  [[ -n $(ls -A "$warm") ]] || { log "the cold run wrote no cache file into $warm"; exit 1; }
done

results=$scratch/results.txt
: >"$results"

# measure SIZE MODE CMD...: one timed run, appended to $results as
#   size mode wall_ns peak_rss_kb time_e exit_status
measure() {
  local size=$1 mode=$2
  shift 2
  local rc=0 start end
  start=$(date +%s%N)
  /usr/bin/time -f '%e %M' -o "$scratch/time.txt" "$@" >"$scratch/out.txt" 2>&1 || rc=$?
  end=$(date +%s%N)
  local e m
  # GNU time puts "Command exited with non-zero status N" first when N != 0.
  read -r e m < <(tail -n1 "$scratch/time.txt")
  echo "$size $mode $((end - start)) $m $e $rc" >>"$results"
  if [[ $rc -ne 0 ]]; then log "$mode run on $size cases exited $rc"; tail -n 20 "$scratch/out.txt" >&2; fi
}

run_mode() {
  local size=$1 mode=$2 root=$work/root-$1
  case $mode in
    io)
      measure "$size" io sh -c 'find "$1" -type f -print0 | xargs -0 cat >/dev/null' sh "$root"
      ;;
    yaml)
      measure "$size" yaml "$yaml_bin" "$root"
      ;;
    cold)
      local fresh
      fresh=$(mktemp -d "$scratch/cold-cache.XXXXXX")
      REPRISE_CACHE_DIR=$fresh measure "$size" cold "$eval_bin" --eval-root "$root" -r compact
      rm -rf "$fresh"
      ;;
    warm)
      REPRISE_CACHE_DIR=$work/warm-cache-$size measure "$size" warm "$eval_bin" --eval-root "$root" -r compact
      ;;
  esac
}

# 4. Measure: per size, runs interleaved across the modes, the mode order
#    rotating from run to run so no mode always follows the same one.
modes=(io yaml cold warm)
for size in $SIZES; do
  runs=$RUNS_10K
  ((size <= 1000)) && runs=$RUNS_1K
  warm_cache_file=$(ls "$work/warm-cache-$size"/*)
  warm_stamp=$(stat -c '%Y.%Z %s' "$warm_cache_file")
  log "measuring $size cases: $runs runs x ${#modes[@]} modes"
  for ((run = 0; run < runs; ++run)); do
    wait_for_builds
    for ((k = 0; k < ${#modes[@]}; ++k)); do
      run_mode "$size" "${modes[$(((run + k) % ${#modes[@]}))]}"
    done
  done
  if [[ $(stat -c '%Y.%Z %s' "$warm_cache_file") != "$warm_stamp" ]]; then
    log "note: a warm run rewrote the cache file of $size cases (it should not when nothing changed)"
  fi
done

if [[ $(stat -c '%s %Y' "$eval_bin") != "$eval_identity" ]]; then
  log "WARNING: $eval_bin was rebuilt while the benchmark ran: the figures mix two binaries and"
  log "         the warm runs after the rebuild were cold; run the benchmark again"
fi

# 5. Report.
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "reprise cached-replay benchmark - $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty')"
echo "machine: $(nproc) cores ($cpu), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "reprise-eval runs with its default --jobs (one per core); the parse floor uses as many threads"
echo "wall: date +%s%N around /usr/bin/time (its %e agrees to 10 ms); peak RSS: /usr/bin/time %M"
echo
awk -v t_cold="$TARGET_COLD_S" -v t_warm="$TARGET_WARM_S" -v t_rss="$TARGET_RSS_MB" '
  function median(list, n,    sorted, i, j, tmp) {
    for (i = 1; i <= n; ++i) sorted[i] = list[i]
    for (i = 2; i <= n; ++i) { tmp = sorted[i]; for (j = i - 1; j >= 1 && sorted[j] > tmp; --j) sorted[j + 1] = sorted[j]; sorted[j + 1] = tmp }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
  }
  {
    key = $1 " " $2
    if (!(key in count)) { order[++keys] = key; lo[key] = $3; hi[key] = $3; rssmax[key] = $4 }
    n = ++count[key]
    wall[key, n] = $3 / 1e9; rss[key, n] = $4 / 1024
    if ($3 < lo[key]) lo[key] = $3
    if ($3 > hi[key]) hi[key] = $3
    if ($4 > rssmax[key]) rssmax[key] = $4
    if ($6 != 0) bad[key]++
  }
  END {
    label["io"] = "I/O floor (cat)"; label["yaml"] = "parse floor (yaml-cpp)"
    label["cold"] = "cold (empty cache)"; label["warm"] = "warm (cache filled)"
    for (k = 1; k <= keys; ++k) {
      key = order[k]; n = count[key]
      for (i = 1; i <= n; ++i) { w[i] = wall[key, i]; r[i] = rss[key, i] }
      med[key] = median(w, n); medrss[key] = median(r, n)
    }
    printf "%6s  %-22s %4s  %8s  %7s  %7s  %9s  %8s  %8s  %s\n", "cases", "mode", "runs", "median s", "min s", "max s", "cases/s", "RSS MB", "x parse", "target"
    printf "%s\n", "----------------------------------------------------------------------------------------------------------"
    for (k = 1; k <= keys; ++k) {
      key = order[k]; split(key, part, " "); size = part[1]; mode = part[2]
      base = med[size " yaml"]
      target = ""
      if (size == 10000 && mode == "cold") target = sprintf("< %d s, < %d MB", t_cold, t_rss)
      if (size == 10000 && mode == "warm") target = sprintf("< %d s, < %d MB", t_warm, t_rss)
      printf "%6d  %-22s %4d  %8.3f  %7.3f  %7.3f  %9.0f  %8.1f  %8.2f  %s%s\n", size, label[mode], count[key], med[key],
             lo[key] / 1e9, hi[key] / 1e9, size / med[key], medrss[key], (base > 0 ? med[key] / base : 0), target,
             (bad[key] ? sprintf("  (%d run(s) exited non-zero)", bad[key]) : "")
    }
    print ""
    missed = 0
    for (k = 1; k <= keys; ++k) {
      key = order[k]; split(key, part, " "); size = part[1]; mode = part[2]
      if (size != 10000 || (mode != "cold" && mode != "warm")) continue
      limit = mode == "cold" ? t_cold : t_warm
      if (med[key] >= limit) { printf "TARGET MISSED: %d cases %s: median %.3f s (target < %d s)\n", size, mode, med[key], limit; missed++ }
      if (rssmax[key] / 1024 >= t_rss) { printf "TARGET MISSED: %d cases %s: peak RSS %.1f MB in the worst run (target < %d MB)\n", size, mode, rssmax[key] / 1024, t_rss; missed++ }
    }
    if (("10000 yaml") in count && med["10000 yaml"] >= t_cold)
      printf "note: the parse floor alone takes %.3f s for 10,000 cases here: on this machine nothing that YAML-parses every case file with yaml-cpp can meet the cold target\n", med["10000 yaml"]
    if (!(("10000 cold") in count)) print "(no 10,000-case run: the targets were not checked)"
    else if (!missed) print "all targets met (10,000 cases: cold < " t_cold " s, warm < " t_warm " s, peak RSS < " t_rss " MB)"
  }' "$results"
exit 0
