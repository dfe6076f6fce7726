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

source bench/lib.sh

if [[ -z ${CLIENT_BIN:-} ]]; then
  build_release reprise-bench-client
fi
wait_for_builds
exec "$client_bin" "$@"
