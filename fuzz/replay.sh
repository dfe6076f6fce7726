#!/usr/bin/env bash
# ctest's fuzz.<target>: runs a fuzz target's replay build over its whole seed
# corpus (fuzz/seeds.sh), so every input a fuzz run ever found stays fixed.
set -euo pipefail
binary=${1:?usage: fuzz/replay.sh BINARY TARGET}
target=${2:?usage: fuzz/replay.sh BINARY TARGET}
list=$("$(dirname "${BASH_SOURCE[0]}")/seeds.sh" "$target")
mapfile -t seeds <<< "$list"
[[ -n $list ]] || { echo "fuzz/replay.sh: $target has no seeds" >&2; exit 1; }
exec "$binary" "${seeds[@]}"
