#!/usr/bin/env bash
# The client-overhead benchmark: what llm::Client costs above its transport,
# in memory and over loopback against the tests' fake API server, each beside
# its baseline measured in the same go. See bench/README.md ("Client overhead").
#
# A benchmark reports; it does not fail: the exit status is 0 unless the
# benchmark itself could not run. A missed target prints a "TARGET MISSED" line.
#
# Arguments go to reprise-bench-client (--reps N --calls N --memory-calls N
# --threads N; --help). Knobs (environment):
#   CLIENT_BIN=PATH   measure another build (default: the release preset's)
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/release
client_bin=${CLIENT_BIN:-$build/bench/reprise-bench-client}

log() { echo "client.sh: $*" >&2; }

# Timings on a shared 2-core machine are meaningless next to a compiler.
wait_for_builds() {
  local waited=0
  while pgrep -x ninja >/dev/null || pgrep -x cc1plus >/dev/null || pgrep -x ld >/dev/null; do
    ((waited % 60 == 0)) && log "a build is running; waiting for it to finish before measuring"
    sleep 5
    waited=$((waited + 5))
  done
}

if [[ -z ${CLIENT_BIN:-} ]]; then
  wait_for_builds
  [[ -f $build/build.ninja ]] || cmake --preset release >/dev/null
  cmake --build --preset release --target reprise-bench-client >/dev/null || { log "the release build failed"; exit 1; }
fi
wait_for_builds
exec "$client_bin" "$@"
