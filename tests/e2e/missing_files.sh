#!/usr/bin/env bash
# A case whose companion files are missing or empty gets one clear message
# naming the file that is wrong (and, for a missing sidecar, the command that
# writes it); the intact case beside them still passes; `reprise stamp` then
# writes the missing sidecar without touching the case or its completion.
source "$(dirname "$0")/lib.sh"

FROM="$SOURCE_DIR/fixtures/bad_cases/eval/coach_narrative/cases/valid-steady-week"
DIR=eval/coach_narrative/cases
mkdir -p "$WORK/$DIR"
cd "$WORK"

# add <id> <yaml|completion|fixture>...: a copy of the corpus's valid case under a new id, with the listed files.
add() {
  local id=$1 part
  shift
  for part in "$@"; do
    case $part in
      yaml) sed "s/^id: valid-steady-week\$/id: $id/" "$FROM.yaml" >"$DIR/$id.yaml" ;;
      completion) cp "$FROM.completion.txt" "$DIR/$id.completion.txt" ;;
      fixture) cp "$FROM.fixture.json" "$DIR/$id.fixture.json" ;;
    esac
  done
}
add intact yaml completion fixture
add no-completion yaml fixture
add no-sidecar yaml completion
add empty-completion yaml fixture
: >"$DIR/empty-completion.completion.txt"
add blank-completion yaml fixture
printf '\n  \n\t\n' >"$DIR/blank-completion.completion.txt"
add two-call-sidecar yaml completion
printf '{"calls": [{}, {}]}\n' >"$DIR/two-call-sidecar.fixture.json"
add bad-marker yaml fixture
{ echo "=== reprise call 2/2 ==="; cat "$FROM.completion.txt"; } >"$DIR/bad-marker.completion.txt"
# Regression: a first line that only looks like a marker crashed reprise-eval (SIGSEGV).
add marker-without-total yaml fixture
{ echo "=== reprise call 1 ==="; cat "$FROM.completion.txt"; } >"$DIR/marker-without-total.completion.txt"

run all "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 1
expect_line err "reprise: 7 problem(s) in 7 case file(s); the other cases still run:"
expect_error "$DIR/no-completion.completion.txt" 0 0 \
  "missing completion file (cannot open: No such file or directory): every case needs its accepted completion beside it"
expect_error "$DIR/no-sidecar.fixture.json" 0 0 \
  "missing fixture sidecar (cannot open: No such file or directory): run \`reprise stamp coach_narrative/no-sidecar\` to write it"
expect_error "$DIR/empty-completion.completion.txt" 0 0 "completion file is empty"
expect_error "$DIR/blank-completion.completion.txt" 0 0 "completion file is empty"
expect_error "$DIR/two-call-sidecar.fixture.json" 0 0 "the sidecar records 2 call(s) but the completion file has 1 section(s)"
expect_error "$DIR/bad-marker.completion.txt" 1 1 "call section marker out of order: expected call 1"
expect_error "$DIR/marker-without-total.completion.txt" 1 1 \
  "malformed call section marker: expected '=== reprise call 1/<number of calls> ==='"
expect_no_text all "the narrative does not end with"  # an empty completion is not handed to the agent
expect_totals 1 7

run intact "$REPRISE_EVAL" --eval-root eval --stale=fail coach_narrative/intact
expect_rc 0
expect_text out "All tests passed"

# ---- stamp writes the missing sidecar, and only that
rm "$DIR"/{no-completion,empty-completion,blank-completion,two-call-sidecar,bad-marker,marker-without-total}.*
yaml_sum=$(sha256sum <"$DIR/no-sidecar.yaml")
completion_sum=$(sha256sum <"$DIR/no-sidecar.completion.txt")
run stamp "$REPRISE_CLI" --eval-root eval stamp coach_narrative/no-sidecar
expect_rc 0
expect_text out "written   coach_narrative/no-sidecar: 1 call(s) stamped"
[[ -f $DIR/no-sidecar.fixture.json ]] || fail "stamp did not write $DIR/no-sidecar.fixture.json"
cmp -s "$DIR/no-sidecar.fixture.json" "$DIR/intact.fixture.json" && fail "the stamped sidecar is a byte copy of another one (no provenance time?)"
grep -q "\"request_sha256\": \"$(sed -n 's/.*"request_sha256": "\([0-9a-f]*\)".*/\1/p' "$DIR/intact.fixture.json")\"" "$DIR/no-sidecar.fixture.json" ||
  fail "the stamped fingerprint differs from the recorded one of the same request: $(cat "$DIR/no-sidecar.fixture.json")"
grep -q '"how": "hand-written"' "$DIR/no-sidecar.fixture.json" || fail "the stamped sidecar has no hand-written provenance"
[[ $(sha256sum <"$DIR/no-sidecar.yaml") == "$yaml_sum" ]] || fail "stamp changed the case file"
[[ $(sha256sum <"$DIR/no-sidecar.completion.txt") == "$completion_sum" ]] || fail "stamp changed the completion"
[[ -z $(find "$DIR" -name '.*.tmp.*') ]] || fail "stamp left a temporary file"

run stamped "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_totals 2 0

run stamp_again "$REPRISE_CLI" --eval-root eval stamp
expect_rc 0
expect_text out "0 sidecar(s) written, 0 refused"

run stamp_unknown "$REPRISE_CLI" --eval-root eval stamp coach_narrative/nope
expect_rc 1
expect_text out "REFUSED   coach_narrative/nope: no loadable case matches this name"
echo "ok: $TEST_NAME"
