# Sourced by the benchmark scripts (replay.sh, client.sh, live.sh): logging
# under the script's name, waiting out builds, the release build, GNU time.

BENCH_NAME=$(basename "$0")
log() { echo "$BENCH_NAME: $*" >&2; }

# Timings on a shared 2-core machine are meaningless next to a compiler.
wait_for_builds() {
  local waited=0
  while pgrep -x ninja >/dev/null || pgrep -x cc1plus >/dev/null || pgrep -x ld >/dev/null; do
    ((waited % 60 == 0)) && log "a build is running; waiting for it to finish before measuring"
    sleep 5
    waited=$((waited + 5))
  done
}

# build_release [target]: configure once, then build (an up-to-date build does no work).
build_release() {
  wait_for_builds
  [[ -f build/release/build.ninja ]] || cmake --preset release >/dev/null
  cmake --build --preset release ${1:+--target "$1"} >/dev/null || { log "the release build failed"; exit 1; }
}

# Peak RSS comes from GNU time's %M; Debian's minimal images lack it.
ensure_gnu_time() {
  [[ -x /usr/bin/time ]] && return 0
  log "installing GNU time (/usr/bin/time)"
  apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
}
