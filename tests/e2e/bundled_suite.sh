#!/usr/bin/env bash
# The regression net itself: every bundled case under eval/ replays green in
# cached mode with stale fixtures failing, as CI runs it; the result does not
# depend on the number of jobs; the run writes nothing into the source tree.
source "$(dirname "$0")/lib.sh"

cd "$SOURCE_DIR"
count=$(find eval -path '*/cases/*.yaml' -type f | wc -l | tr -d ' ')
[[ $count -gt 0 ]] || fail "no bundled cases under $SOURCE_DIR/eval"
checksums eval >"$WORK/before.sha"

run suite "$REPRISE_EVAL" --eval-root eval --stale=fail --summary-out "$WORK/summary.md"
expect_rc 0
expect_totals "$count" 0
expect_no_text all "stale fixture"
expect_no_text err "problem(s) in"  # no load errors
expect_regex out "^total +$count +0 +0 +[0-9.]+\$"  # summary: all passed, none failed, none stale
grep -qE "^\| \*\*total\*\* \| $count \| 0 \| 0 \| [0-9.]+ \|\$" "$WORK/summary.md" ||
  fail "--summary-out: expected a Markdown total row with $count passed, 0 failed, 0 stale; got: $(cat "$WORK/summary.md")"

# As CI runs it: CI set, no --stale flag.
CI=true run ci "$REPRISE_EVAL" --eval-root eval
expect_rc 0
expect_totals "$count" 0

# The same outcome, case by case, on one thread and on several.
masked() { sed -E 's/(time|timestamp|hostname)="[^"]*"/\1="masked"/g' "$WORK/$1.xml"; }
run one_job "$REPRISE_EVAL" --eval-root eval --stale=fail --jobs 1 -r junit -o "$WORK/one_job.xml"
expect_rc 0
run many_jobs "$REPRISE_EVAL" --eval-root eval --stale=fail --jobs 8 -r junit -o "$WORK/many_jobs.xml"
expect_rc 0
diff -u <(masked one_job) <(masked many_jobs) >&2 || fail "--jobs 1 and --jobs 8 reported differently (- 1 job, + 8 jobs)"
[[ $(junit_cases "$WORK/one_job.xml" | grep -c ' pass$') -eq $count ]] || fail "JUnit does not report $count passing cases"

checksums eval >"$WORK/after.sha"
diff -u "$WORK/before.sha" "$WORK/after.sha" >&2 || fail "replaying the bundled suite changed files under eval/ (- before, + after)"
echo "ok: $TEST_NAME ($count cases)"
