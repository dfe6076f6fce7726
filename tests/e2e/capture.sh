#!/usr/bin/env bash
# `reprise capture`, end to end: the product's agents run through the real
# client (reprise-drive-agents, the inputs of every bundled case) against
# reprise-fake-api with EVAL_LOG_LLM_CALLS=1 ENVIRONMENT=non-prod; the call
# log it writes is captured into an empty eval root, and every case written
# passes `reprise-eval --stale=fail` at once. The same log in the Lambda and
# CloudWatch shapes (tests/e2e/log_shapes.py) yields the same cases; a prod
# log yields none and says why; bad lines are reported with their line
# numbers; against the bundled suite every invocation is already a case;
# --sample is reproducible; secret-scan passes the captured cases and fails
# on a planted key without printing it.
source "$(dirname "$0")/lib.sh"

[[ -n $REPRISE_FAKE_API ]] || fail "needs the reprise-fake-api binary as its 4th argument"
command -v python3 >/dev/null || fail "needs python3 (the log shapes)"
DRIVER=$(dirname "$REPRISE_FAKE_API")/reprise-drive-agents
[[ -x $DRIVER ]] || fail "no reprise-drive-agents beside reprise-fake-api ($DRIVER)"
SHAPES=$SOURCE_DIR/tests/e2e/log_shapes.py

SERVER_PID=
trap '[[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
"$REPRISE_FAKE_API" --port 0 --port-file "$WORK/port" --eval-root "$SOURCE_DIR/eval" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for ((tries = 0; tries < 600; tries++)); do
  [[ -s $WORK/port ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; fail "reprise-fake-api exited before writing its port"; }
  sleep 0.1
done
PORT=$(<"$WORK/port")
FAKE_KEY=sk-ant-e2e-capture-0123456789abcdef

# drive <log file> <ENVIRONMENT value>: every bundled case's input through its agent.
drive() {
  run "drive_$2" env -u ANTHROPIC_API_KEY_SECRET_ID -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" ANTHROPIC_API_KEY=$FAKE_KEY \
    EVAL_LOG_LLM_CALLS=1 EVAL_LOG_LLM_CALLS_FILE="$1" ENVIRONMENT="$2" "$DRIVER" "$SOURCE_DIR/eval"
  expect_rc 0
}
drive "$WORK/calls.log" non-prod
CASES=$(find "$SOURCE_DIR/eval" -path '*/cases/*.yaml' | wc -l)
RUNS=$(wc -l <"$WORK/drive_non-prod.out")
[[ $RUNS -eq $CASES ]] || fail "the driver ran $RUNS agent invocations, expected one per bundled case ($CASES)"
grep -q '"environment":"non-prod"' "$WORK/calls.log" || fail "the call log is not a non-prod log"
if grep -qF "$FAKE_KEY" "$WORK/calls.log"; then fail "the call log holds the API key"; fi

# The plain log: the client's lines among ordinary ones, and three bad lines.
{
  echo "2026-11-22T10:00:00Z INFO server: listening on :8080"
  cat "$WORK/calls.log"
  echo '{"event":"llm_call","agent":"coach_narrative", "truncated'
  printf 'binary \001\002\377\376 junk mentioning llm_call\n'
  echo "2026-11-22T10:05:00Z INFO server: shutting down"
} >"$WORK/plain.log"
RECORDS=$(wc -l <"$WORK/calls.log")
BAD1=$((RECORDS + 2))
BAD2=$((RECORDS + 3))

# capture_into <name> <log> [flags...]: a fresh empty eval root $WORK/<name>/eval.
capture_into() {
  local name=$1 log=$2
  shift 2
  mkdir -p "$WORK/$name/eval"
  run "capture_$name" "$REPRISE_CLI" --eval-root "$WORK/$name/eval" capture "$log" "$@"
}
# replays_green <name>: every case of the root passes cached replay with --stale=fail.
replays_green() {
  run "replay_$1" "$REPRISE_EVAL" --eval-root "$WORK/$1/eval" --stale=fail
  expect_rc 0
  expect_totals "$2" 0
}

capture_into plain "$WORK/plain.log"
expect_rc 0
expect_line out "  written: $CASES case(s)"
expect_text out "$RECORDS llm_call record(s), $CASES capturable invocation(s)"
expect_text out "plain.log:$BAD1: malformed: malformed JSON"
expect_text out "plain.log:$BAD2: malformed: mentions llm_call but holds no JSON object"
expect_line out "  skipped, malformed: 2 line(s) or record(s)"
WRITTEN=$(find "$WORK/plain/eval" -name '*.yaml' | wc -l)
[[ $WRITTEN -eq $CASES ]] || fail "expected $CASES case files, found $WRITTEN"
replays_green plain "$CASES"

# A case's content, without what names the source: the description and the sidecar's provenance.
# One Python for the whole root: its start-up is the slow part on a busy machine.
fingerprint_of_root() {
  python3 - "$WORK/$1/eval" <<'PY'
import hashlib, json, os, sys
root = sys.argv[1]
for folder, _, names in sorted(os.walk(root)):
    for name in sorted(names):
        path = os.path.join(folder, name)
        data = open(path, "rb").read()
        if name.endswith(".yaml"):
            data = b"\n".join(line for line in data.split(b"\n") if not line.startswith(b"description:"))
        elif name.endswith(".fixture.json"):
            sidecar = json.loads(data)
            for call in sidecar["calls"]:
                call.pop("recorded")
            data = json.dumps(sidecar, sort_keys=True).encode()
        print(hashlib.sha256(data).hexdigest(), os.path.relpath(path, root))
PY
}
fingerprint_of_root plain >"$WORK/plain.sums"

for shape in lambda-node lambda-python json-log filter-log-events get-log-events subscription; do
  python3 "$SHAPES" "$shape" "$WORK/plain.log" >"$WORK/$shape.log" || fail "log_shapes.py $shape failed"
  capture_into "$shape" "$WORK/$shape.log"
  expect_rc 0
  expect_line out "  written: $CASES case(s)"
  expect_line out "  skipped, malformed: 2 line(s) or record(s)"
  fingerprint_of_root "$shape" >"$WORK/$shape.sums"
  diff "$WORK/plain.sums" "$WORK/$shape.sums" >"$WORK/$shape.diff" || { cat "$WORK/$shape.diff" >&2; fail "$shape: the cases differ from the plain log's"; }
  replays_green "$shape" "$CASES"
done
# Provenance from the shapes: the subscription's log group, the Lambda request id.
grep -rq '"log_group": "/aws/lambda/reprise-backend"' "$WORK/subscription/eval" || fail "subscription cases do not record their log group"
grep -rq '"lambda_request_id"' "$WORK/lambda-node/eval" || fail "lambda-node cases do not record the Lambda request id"
expect_no_text out "CONTROL MESSAGE"

# Broken CloudWatch payloads: bad base64 and a truncated gzip, each at its line.
python3 - "$WORK/subscription.log" >"$WORK/broken-subscription.log" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
data = json.loads(lines[1])["awslogs"]["data"]
print(lines[0])
print(json.dumps({"awslogs": {"data": "%%%" + data}}))
print(json.dumps({"awslogs": {"data": data[: len(data) // 2]}}))
for line in lines[1:]:
    print(line)
PY
capture_into broken "$WORK/broken-subscription.log"
expect_rc 0
expect_text out "broken-subscription.log:2: malformed: subscription payload: bad base64"
expect_text out "broken-subscription.log:3: malformed: subscription payload: gzip: truncated"
expect_line out "  written: $CASES case(s)"

# A prod log: nothing to capture, and why.
drive "$WORK/prod.log" prod
capture_into prod "$WORK/prod.log"
expect_rc 0
expect_line out "  written: 0 case(s)"
expect_line out "  skipped, prod (not capturable): $RECORDS record(s)"
expect_text out "log with ENVIRONMENT=non-prod to capture"
[[ -z $(find "$WORK/prod/eval" -type f) ]] || fail "a prod log wrote files"

# Against the bundled suite: every invocation is already a case; --dry-run writes nothing.
checksums "$SOURCE_DIR/eval" >"$WORK/bundled.before"
run bundled "$REPRISE_CLI" --eval-root "$SOURCE_DIR/eval" capture --dry-run "$WORK/plain.log"
expect_rc 0
expect_line out "  skipped, already a case: $CASES invocation(s)"
expect_line out "  would write: 0 case(s)"
checksums "$SOURCE_DIR/eval" >"$WORK/bundled.after"
cmp -s "$WORK/bundled.before" "$WORK/bundled.after" || fail "capture --dry-run changed the bundled eval folder"

# Capturing the same log again: nothing new, nothing overwritten.
checksums "$WORK/plain/eval" >"$WORK/plain.before"
run again "$REPRISE_CLI" --eval-root "$WORK/plain/eval" capture "$WORK/plain.log" "$WORK/lambda-node.log"
expect_rc 0
expect_line out "  written: 0 case(s)"
checksums "$WORK/plain/eval" >"$WORK/plain.after"
cmp -s "$WORK/plain.before" "$WORK/plain.after" || fail "a second capture changed existing cases"

# --sample is reproducible with its seed; --dry-run lists without writing.
capture_into sample1 "$WORK/plain.log" --sample 5 --seed 7
expect_line out "  written: 5 case(s)"
capture_into sample2 "$WORK/json-log.log" --sample 5 --seed 7
(cd "$WORK/sample1/eval" && find . -name '*.yaml' | sort) >"$WORK/sample1.list"
(cd "$WORK/sample2/eval" && find . -name '*.yaml' | sort) >"$WORK/sample2.list"
cmp -s "$WORK/sample1.list" "$WORK/sample2.list" || fail "--sample 5 --seed 7 chose different cases from the same records"
# Flags before the log too: --agent takes one value each time, never the log's name.
mkdir -p "$WORK/dry/eval"
run capture_dry "$REPRISE_CLI" --eval-root "$WORK/dry/eval" capture --dry-run --agent finance_chat --agent coach_narrative --limit 2 "$WORK/plain.log"
expect_rc 0
expect_line out "  would write: 2 case(s)"
expect_text out "would write $WORK/dry/eval/coach_narrative/cases/coach-narrative-"
expect_no_text out "/content_polish/"
[[ -z $(find "$WORK/dry/eval" -type f) ]] || fail "--dry-run wrote files"

# From standard input.
mkdir -p "$WORK/stdin/eval"
run stdin bash -c "'$REPRISE_CLI' --eval-root '$WORK/stdin/eval' capture - <'$WORK/filter-log-events.log'"
expect_line out "  written: $CASES case(s)"

# The CI secret scan: clean captured cases pass; a planted key fails, named by file and line only.
run scan_clean "$REPRISE_CLI" --eval-root "$WORK/plain/eval" secret-scan
expect_rc 0
PLANTED=$(find "$WORK/plain/eval" -name '*.completion.txt' -print -quit)
printf '\nkey: %s\n' "$FAKE_KEY" >>"$PLANTED"
run scan_dirty "$REPRISE_CLI" --eval-root "$WORK/plain/eval" secret-scan
expect_rc 1
expect_regex out "completion\\.txt: line [0-9]+, column 6: anthropic_key\$"
expect_no_text all "$FAKE_KEY"
echo "ok: $TEST_NAME"
