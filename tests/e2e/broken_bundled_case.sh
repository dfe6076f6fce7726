#!/usr/bin/env bash
# Broken copies of a bundled case, next to the intact bundled cases of the
# same agent: each broken copy gets one file:line:col message with its line
# and a caret (a suggestion for the misspelt key), is a failing test of its
# own, and every other case still runs and passes.
source "$(dirname "$0")/lib.sh"

AGENT=coach_narrative
SOURCE_CASE=steady-week-on-track
mkdir -p "$WORK/eval/$AGENT/cases"
cp "$SOURCE_DIR/eval/$AGENT/cases/"* "$WORK/eval/$AGENT/cases/"
cd "$WORK"
DIR=eval/$AGENT/cases
rm -f "$DIR"/*.candidate.*

# copy_as <new-id>: a copy of the source case (YAML, completion, sidecar) under a new id.
copy_as() {
  local id=$1
  sed "s/^id: $SOURCE_CASE\$/id: $id/" "$DIR/$SOURCE_CASE.yaml" >"$DIR/$id.yaml"
  cp "$DIR/$SOURCE_CASE.completion.txt" "$DIR/$id.completion.txt"
  cp "$DIR/$SOURCE_CASE.fixture.json" "$DIR/$id.fixture.json"
  grep -q "^id: $id\$" "$DIR/$id.yaml" || fail "could not rename the copy to $id"
}
line_of() {  # line_of <file> <regex>: the number of the first matching line
  local n
  n=$(grep -n -m1 -- "$2" "$1" | cut -d: -f1)
  [[ -n $n ]] || fail "$1 has no line matching $2 (the bundled case changed shape?)"
  echo "$n"
}
intact=()
for yaml in "$DIR"/*.yaml; do intact+=("$AGENT/$(basename "$yaml" .yaml)"); done
[[ ${#intact[@]} -ge 2 ]] || fail "expected several bundled $AGENT cases, found ${#intact[@]}"

# 1. expect.verdict written as a list
copy_as broken-verdict
sed -i '/^  verdict:$/{N;s/^  verdict:\n    labels: \(.*\)$/  verdict: \1/}' "$DIR/broken-verdict.yaml"
VERDICT_LINE=$(line_of "$DIR/broken-verdict.yaml" '^  verdict: \[')
# 2. a misspelt top-level key
copy_as broken-key
sed -i 's/^description:/descripton:/' "$DIR/broken-key.yaml"
KEY_LINE=$(line_of "$DIR/broken-key.yaml" '^descripton:')
# 3. a number in the input written as a percentage
copy_as broken-input
sed -i 's/^    savings_rate: .*/    savings_rate: 29%/' "$DIR/broken-input.yaml"
INPUT_LINE=$(line_of "$DIR/broken-input.yaml" '^    savings_rate: 29%')

run all "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 1
expect_line err "reprise: 3 problem(s) in 3 case file(s); the other cases still run:"
expect_error "$DIR/broken-verdict.yaml" "$VERDICT_LINE" 12 "'expect.verdict' must be a mapping with labels and/or score, not a list"
expect_error "$DIR/broken-key.yaml" "$KEY_LINE" 1 "unknown key 'descripton' (did you mean 'description'?)"
expect_error "$DIR/broken-input.yaml" "$INPUT_LINE" 5 "input/metrics/savings_rate: 'savings_rate' must be a number, not a string"
expect_no_text all "missing required key"
expect_totals "${#intact[@]}" 3

# The same, as JUnit: each broken copy a failing test case, every intact case passing.
run junit "$REPRISE_EVAL" --eval-root eval --stale=fail -r junit -o "$WORK/all.xml"
expect_rc 1
junit_cases "$WORK/all.xml" | LC_ALL=C sort >"$WORK/cases.txt"
{
  for name in "${intact[@]}"; do echo "$name pass"; done
  for id in broken-verdict broken-key broken-input; do echo "$AGENT/$id fail"; done
} | LC_ALL=C sort >"$WORK/expected.txt"
diff -u "$WORK/expected.txt" "$WORK/cases.txt" >&2 || fail "JUnit test cases differ from the expected pass/fail list (- expected, + actual)"

# Leaving the broken ones out by their tag, the run is green.
run others "$REPRISE_EVAL" --eval-root eval --stale=fail "~[load-error]"
expect_rc 0
expect_text out "All tests passed"
expect_text out "in ${#intact[@]} test cases"
echo "ok: $TEST_NAME"
