#!/usr/bin/env bash
# Catch2's own options on reprise-eval over the bundled eval/: --list-tests and
# --list-test-names-only name every case as <agent>/<id> with its tags,
# -r junit writes well-formed XML with one testcase per case, and test specs
# ("[agent]", "[tag]", a name) select exactly those cases. Pass or fail of the
# cases themselves is bundled_suite's job, not this test's.
source "$(dirname "$0")/lib.sh"

cd "$SOURCE_DIR"
# The cases on disk: every eval/<agent>/cases/<id>.yaml is the test <agent>/<id>.
for yaml in eval/*/cases/*.yaml; do
  agent=${yaml#eval/}
  agent=${agent%%/*}
  echo "$agent/$(basename "$yaml" .yaml)"
done | LC_ALL=C sort >"$WORK/all-cases.txt"
[[ -s $WORK/all-cases.txt ]] || fail "no cases found under $SOURCE_DIR/eval"

# same_names <expected-file> <actual-file> <what>
same_names() {
  diff -u "$1" "$2" >&2 || fail "$3: the test names differ from the case files on disk (- expected, + actual)"
}

# ---- --list-test-names-only: exactly the case files
run names "$REPRISE_EVAL" --eval-root eval --list-test-names-only
LC_ALL=C sort "$WORK/names.out" | sed '/^$/d' >"$WORK/listed.txt"
same_names "$WORK/all-cases.txt" "$WORK/listed.txt" "--list-test-names-only"

# ---- --list-tests: each name, and its agent as a tag on the line below
run list "$REPRISE_EVAL" --eval-root eval --list-tests
while IFS= read -r name; do
  expect_line out "  $name"
  tags=$(grep -A1 -xF -- "  $name" "$WORK/list.out" | sed -n 2p)
  [[ $tags == *"[${name%%/*}]"* ]] || expect_fail "the tags of $name ('$tags') do not include [${name%%/*}]"
done <"$WORK/all-cases.txt"
expect_text out "$(wc -l <"$WORK/all-cases.txt" | tr -d ' ') test cases"

# ---- -r junit: well-formed, one testcase per case
run junit "$REPRISE_EVAL" --eval-root eval -r junit -o "$WORK/all.xml"
[[ $RC -eq 0 || $RC -eq 1 ]] || expect_fail "expected exit code 0 or 1, got $RC"
junit_cases "$WORK/all.xml" | cut -d' ' -f1 | LC_ALL=C sort >"$WORK/junit.txt"
same_names "$WORK/all-cases.txt" "$WORK/junit.txt" "-r junit"
expect_no_text out "<testsuites>"  # -o: the XML went to the file, not stdout

# ---- -r junit to stdout: still well-formed (the summary table goes to stderr)
run junit_stdout "$REPRISE_EVAL" --eval-root eval -r junit
cp "$WORK/junit_stdout.out" "$WORK/stdout.xml"
junit_cases "$WORK/stdout.xml" >/dev/null
expect_text err "total"

# ---- a test spec by agent tag runs only that agent's cases
for agent in committee_narrator coach_narrative; do
  grep "^$agent/" "$WORK/all-cases.txt" >"$WORK/expected-$agent.txt" || true
  [[ -s $WORK/expected-$agent.txt ]] || continue  # an agent with no cases yet
  run "spec_$agent" "$REPRISE_EVAL" --eval-root eval -r junit -o "$WORK/$agent.xml" "[$agent]"
  [[ $RC -eq 0 || $RC -eq 1 ]] || expect_fail "expected exit code 0 or 1, got $RC"
  junit_cases "$WORK/$agent.xml" | cut -d' ' -f1 | LC_ALL=C sort >"$WORK/ran-$agent.txt"
  same_names "$WORK/expected-$agent.txt" "$WORK/ran-$agent.txt" "spec [$agent]"
done

# ---- a spec by a case's own tag: the cases whose YAML lists it
grep -lE '^tags: \[(.*[ ,])?smoke[],]' eval/*/cases/*.yaml | while IFS= read -r yaml; do
  agent=${yaml#eval/}
  echo "${agent%%/*}/$(basename "$yaml" .yaml)"
done | LC_ALL=C sort >"$WORK/expected-smoke.txt"
run smoke "$REPRISE_EVAL" --eval-root eval --list-test-names-only "[smoke]"
LC_ALL=C sort "$WORK/smoke.out" | sed '/^$/d' >"$WORK/listed-smoke.txt"
same_names "$WORK/expected-smoke.txt" "$WORK/listed-smoke.txt" "spec [smoke]"

# ---- a spec by name runs that one case
one=$(head -n 1 "$WORK/all-cases.txt")
run by_name "$REPRISE_EVAL" --eval-root eval -r junit -o "$WORK/one.xml" "$one"
junit_cases "$WORK/one.xml" | cut -d' ' -f1 >"$WORK/ran-one.txt"
echo "$one" | same_names /dev/stdin "$WORK/ran-one.txt" "spec $one"

# ---- --help lists reprise's own options next to Catch2's
run help "$REPRISE_EVAL" --help
expect_rc 0
for option in --eval-root --stale --jobs --no-cache --summary-out --list-tests --reporter; do expect_text out "$option"; done
echo "ok: $TEST_NAME"
