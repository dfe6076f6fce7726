#!/usr/bin/env bash
# Staleness, end to end, on a copy of a bundled case: an edit to its input
# changes the request, so the recorded fixture is stale. --stale=fail fails
# naming the case, --stale=warn passes with a warning, CI=1 fails by default,
# and `reprise restamp` records the old fingerprint in the sidecar and makes
# the run green without touching the case or its completion.
source "$(dirname "$0")/lib.sh"

CASE=steady-week-on-track
NAME=coach_narrative/$CASE
mkdir -p "$WORK/eval/coach_narrative/cases"
cp "$SOURCE_DIR/eval/coach_narrative/cases/$CASE".* "$WORK/eval/coach_narrative/cases/"
cd "$WORK"
DIR=eval/coach_narrative/cases
YAML=$DIR/$CASE.yaml
SIDECAR=$DIR/$CASE.fixture.json
COMPLETION=$DIR/$CASE.completion.txt

sidecar_field() {  # the value of a string field of call 1 of the sidecar
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["calls"][0][sys.argv[2]])' "$SIDECAR" "$1" 2>/dev/null ||
    sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$SIDECAR" | head -n 1
}

# ---- as bundled: fresh and green under --stale=fail
run fresh "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_no_text all "stale fixture"
OLD_FINGERPRINT=$(sidecar_field request_sha256)
[[ ${#OLD_FINGERPRINT} -eq 64 ]] || fail "could not read request_sha256 from $SIDECAR (got '$OLD_FINGERPRINT')"

# ---- change a number of the input: the request changes, the answer still passes
grep -qx '    income: 1850' "$YAML" || fail "$YAML no longer has the line '    income: 1850' this test edits"
sed -i 's/^    income: 1850$/    income: 1870/' "$YAML"
yaml_sum=$(sha256sum <"$YAML")
completion_sum=$(sha256sum <"$COMPLETION")

# The console reporter names the test case; the compact one keeps each message on one line.
run stale_fail "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 1
expect_line out "$NAME"
expect_totals 0 1
run stale_fail_compact "$REPRISE_EVAL" --eval-root eval --stale=fail -r compact
expect_rc 1
expect_text out "$YAML:1: failed: explicitly with 1 message: 'stale fixture: call 1: the request built today (fingerprint "
expect_text out "differs from the one the fixture was recorded for (${OLD_FINGERPRINT:0:12})"
expect_text out "reprise restamp $NAME\`"
expect_text err "coach_narrative       0       1       1 "  # summary: passed, failed, stale

run stale_warn "$REPRISE_EVAL" --eval-root eval --stale=warn -r compact
expect_rc 0
expect_text out "$YAML:1: warning: 'stale fixture: call 1: the request built today (fingerprint "
expect_text out "Passed 1 test case"
expect_text err "coach_narrative       1       0       1 "

run default_local "$REPRISE_EVAL" --eval-root eval
expect_rc 0  # outside CI a stale fixture warns

CI=1 run ci "$REPRISE_EVAL" --eval-root eval -r compact
expect_rc 1  # CI set, no flag: stale fails
expect_text out "failed: explicitly with 1 message: 'stale fixture: call 1"

CI=1 run ci_warn "$REPRISE_EVAL" --eval-root eval --stale=warn
expect_rc 0  # the flag wins over the environment

run bad_flag "$REPRISE_EVAL" --eval-root eval --stale=maybe
expect_rc 2
expect_text err "--stale takes fail or warn, not 'maybe'"

# ---- restamp: acknowledge the reviewed edit
REASON="income corrected from the bank export; the narrative does not mention it"
run restamp "$REPRISE_CLI" --eval-root eval restamp "$NAME" --reason "$REASON"
expect_rc 0
expect_text out "written   $NAME: 1 call(s) restamped"
NEW_FINGERPRINT=$(sidecar_field request_sha256)
[[ $NEW_FINGERPRINT != "$OLD_FINGERPRINT" && ${#NEW_FINGERPRINT} -eq 64 ]] ||
  fail "restamp did not write a new request_sha256 (old $OLD_FINGERPRINT, now '$NEW_FINGERPRINT')"
if command -v python3 >/dev/null; then
  python3 - "$SIDECAR" "$OLD_FINGERPRINT" "$REASON" <<'PY' || fail "the sidecar's restamps entry is wrong: $(cat "$SIDECAR")"
import json, sys
call = json.load(open(sys.argv[1]))["calls"][0]
restamps = call.get("restamps", [])
assert len(restamps) == 1, restamps
assert restamps[0]["from"] == sys.argv[2], restamps
assert restamps[0]["reason"] == sys.argv[3], restamps
assert restamps[0]["at"].endswith("Z"), restamps
PY
else
  grep -qF "\"from\": \"$OLD_FINGERPRINT\"" "$SIDECAR" || fail "no restamps entry from $OLD_FINGERPRINT in $SIDECAR"
  grep -qF "\"reason\": \"$REASON\"" "$SIDECAR" || fail "no restamps reason in $SIDECAR"
fi
[[ $(sha256sum <"$YAML") == "$yaml_sum" ]] || fail "restamp changed $YAML"
[[ $(sha256sum <"$COMPLETION") == "$completion_sum" ]] || fail "restamp changed $COMPLETION"
[[ -z $(find "$DIR" -name '.*.tmp.*') ]] || fail "restamp left a temporary file: $(find "$DIR" -name '.*.tmp.*')"

run after_restamp "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_no_text all "stale fixture"
expect_text out "All tests passed"
expect_text out "coach_narrative       1       0       0 "

# A second restamp has nothing to do and says so.
run restamp_again "$REPRISE_CLI" --eval-root eval restamp "$NAME" --reason "again"
expect_rc 0
expect_text out "unchanged $NAME: not stale"

# ---- restamp refuses when the recorded answer no longer passes
sed -i 's/first_name: Maya/first_name: Priya/' "$YAML"  # stale again, and messages_contain "Maya" fails
sidecar_sum=$(sha256sum <"$SIDECAR")
run restamp_refused "$REPRISE_CLI" --eval-root eval restamp "$NAME" --reason "renamed"
expect_rc 1
expect_text out "REFUSED   $NAME: the recorded answer no longer passes the case's expectations"
[[ $(sha256sum <"$SIDECAR") == "$sidecar_sum" ]] || fail "a refused restamp changed $SIDECAR"
echo "ok: $TEST_NAME"
