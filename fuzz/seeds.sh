#!/usr/bin/env bash
# Prints the seed corpus of one fuzz target, a path per line: the files of
# fixtures/fuzz/<target>/ (hand-made seeds and every input a fuzz run found,
# kept as regressions) and the project's own samples that its seeds.list
# names by glob, relative to the source tree (the real cases, sidecars, API
# bodies, SSE transcripts, logs and SigV4 vectors the tests already use).
set -euo pipefail
target=${1:?usage: fuzz/seeds.sh TARGET}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/fixtures/fuzz/$target"
[[ -d $dir ]] || { echo "fuzz/seeds.sh: no seed folder $dir" >&2; exit 2; }
shopt -s nullglob
for file in "$dir"/*; do
  [[ -f $file && $(basename "$file") != seeds.list && $(basename "$file") != SOURCE.md ]] && echo "$file"
done
if [[ -f $dir/seeds.list ]]; then
  while IFS= read -r pattern; do
    [[ -z $pattern || $pattern == \#* ]] && continue
    matches=("$root"/$pattern)
    (( ${#matches[@]} )) || { echo "fuzz/seeds.sh: $target: '$pattern' matches nothing" >&2; exit 1; }
    printf '%s\n' "${matches[@]}"
  done < "$dir/seeds.list"
fi
