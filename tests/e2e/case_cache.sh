#!/usr/bin/env bash
# The parsed-case cache, seen from outside: a warm run gives the same results
# as a cold one and as --no-cache, does not rewrite the cache when nothing
# changed, and an edit to a case file is seen on the next run (its assertion
# fails), as is the edit undone.
source "$(dirname "$0")/lib.sh"

AGENT=coach_narrative
mkdir -p "$WORK/eval/$AGENT/cases"
cp "$SOURCE_DIR/eval/$AGENT/cases/"* "$WORK/eval/$AGENT/cases/"
cd "$WORK"
rm -f eval/$AGENT/cases/*.candidate.*
CASE=steady-week-on-track
YAML=eval/$AGENT/cases/$CASE.yaml
[[ -f $YAML ]] || fail "the bundled case $YAML is gone"

# junit_masked <label>: the JUnit report of the run <label> without timings.
junit_masked() {
  sed -E 's/(time|timestamp|hostname)="[^"]*"/\1="masked"/g' "$WORK/$1.xml"
}
cache_sums() { (cd "$REPRISE_CACHE_DIR" && sha256sum ./* 2>/dev/null) || true; }

run cold "$REPRISE_EVAL" --eval-root eval -r junit -o "$WORK/cold.xml"
expect_rc 0
[[ -n $(ls -A "$REPRISE_CACHE_DIR" 2>/dev/null) ]] || fail "the first run wrote no cache file into REPRISE_CACHE_DIR=$REPRISE_CACHE_DIR"
cache_after_cold=$(cache_sums)

run warm "$REPRISE_EVAL" --eval-root eval -r junit -o "$WORK/warm.xml"
expect_rc 0
diff -u <(junit_masked cold) <(junit_masked warm) >&2 || fail "a warm run (cache hits) reported differently from the cold run (- cold, + warm)"
[[ $(cache_sums) == "$cache_after_cold" ]] || fail "a run with nothing changed rewrote the cache"

run uncached "$REPRISE_EVAL" --eval-root eval --no-cache -r junit -o "$WORK/uncached.xml"
expect_rc 0
diff -u <(junit_masked cold) <(junit_masked uncached) >&2 || fail "--no-cache reported differently from the cached run (- cached, + --no-cache)"

# Same console output, cold or warm, apart from timings.
run console_warm "$REPRISE_EVAL" --eval-root eval
expect_rc 0
expect_text out "All tests passed"

# ---- an edit to one case file is seen: its assertion now fails
grep -q '^    - contains: "29%"$' "$YAML" || fail "$YAML no longer has the assertion this test edits"
sed -i 's/^    - contains: "29%"$/    - contains: "31% of income"/' "$YAML"
run edited "$REPRISE_EVAL" --eval-root eval -r compact
expect_rc 1
expect_text out "$YAML:"
expect_text out "contains: \"31% of income\""
expect_text out "text containing \"31% of income\""
expect_text out "Failed 1 test case"
[[ $(cache_sums) != "$cache_after_cold" ]] || fail "the edited case's new parse was not written to the cache"

run edited_again "$REPRISE_EVAL" --eval-root eval -r compact
expect_rc 1  # served from the cache now, still the edited version
expect_text out "text containing \"31% of income\""

# ---- an edit that breaks the file is a load error, not a stale cache hit
sed -i 's/^tags: \[/tags: 5 #[/' "$YAML"
tags_line=$(grep -n -m1 '^tags: 5 #' "$YAML" | cut -d: -f1)
[[ -n $tags_line ]] || fail "could not break the tags line of $YAML"
run broken "$REPRISE_EVAL" --eval-root eval
expect_rc 1
expect_error "$YAML" "$tags_line" 7 "'tags' must be a list of names, not a scalar"

# ---- undone: green again
cp "$SOURCE_DIR/eval/$AGENT/cases/$CASE.yaml" "$YAML"
run restored "$REPRISE_EVAL" --eval-root eval
expect_rc 0
expect_text out "All tests passed"

# ---- a corrupt cache file is only a cold start
for file in "$REPRISE_CACHE_DIR"/*; do printf 'garbage' >"$file"; done
run corrupt "$REPRISE_EVAL" --eval-root eval -r junit -o "$WORK/corrupt.xml"
expect_rc 0
expect_no_text all "garbage"
diff -u <(junit_masked cold) <(junit_masked corrupt) >&2 || fail "a run over a corrupt cache reported differently (- cold, + corrupt)"
# ---- outcomes: a run where nothing changed reuses them and says so; a
# changed completion (same size, same modification time) is replayed again
run reuse_fill "$REPRISE_EVAL" --eval-root eval
expect_rc 0
run reused "$REPRISE_EVAL" --eval-root eval
expect_rc 0
expect_text out "All tests passed"
expect_regex out "^[0-9]+ outcome\(s\) reused"
COMPLETION="${YAML%.yaml}.completion.txt"
grep -q "Status: on_track" "$COMPLETION" || fail "$COMPLETION no longer ends as this test expects"
touch -r "$COMPLETION" "$WORK/completion.mtime"
sed -i 's/Status: on_track/Status: off_trak/' "$COMPLETION"
touch -r "$WORK/completion.mtime" "$COMPLETION"
run changed_completion "$REPRISE_EVAL" --eval-root eval -r compact
expect_rc 1
expect_text out "Status: on_track|watch|off_track"
run no_cache "$REPRISE_EVAL" --eval-root eval --no-cache -r compact
expect_rc 1
expect_no_text out "reused"
echo "ok: $TEST_NAME"
