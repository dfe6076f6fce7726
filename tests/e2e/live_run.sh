#!/usr/bin/env bash
# `reprise-eval --live`, end to end, against reprise-fake-api on loopback:
#  - dry run (no EVAL_LIVE_EXECUTE) over every bundled case opens no
#    connection and sends nothing, with the server up and with a dead URL;
#  - an input edit shows as a request diff and a per-agent count; a failed
#    request expectation points at its YAML line; a case with no accepted
#    answer says its chain stopped;
#  - live with -j 8 writes exactly one candidate pair per case, byte-equal to
#    what the server answered, and changes no accepted file;
#  - --max-usd stops starting cases and reports the rest as not run;
#  - failing calls leave their cases without candidates, counted by category;
#  - SIGKILL at random moments, five times, never leaves a half-written
#    candidate nor touches an accepted file, and the next run sweeps the
#    abandoned temporaries;
#  - CI refuses live without --force-live, and a cached run under CI writes
#    nothing; live-only flags without --live are a usage error;
#  - the prompt-editing loop: edit, dry run, live, review --accept, and the
#    cached replay is green and not stale;
#  - the API key never appears in anything written or printed.
source "$(dirname "$0")/lib.sh"

[[ -n $REPRISE_FAKE_API ]] || fail "needs the reprise-fake-api binary as its 4th argument"
command -v python3 >/dev/null || fail "needs python3 for JSON checks"
# The system interpreter where there is one: a version manager's shim costs a second a call.
PYTHON=$(command -v /usr/bin/python3 || command -v python3)

KEY="sk-ant-api03-E2eLiveRunKey0123456789abcdefghijklmnopqrstuvwxyzABCDEF"
export ANTHROPIC_API_KEY=$KEY
unset EVAL_LIVE_EXECUTE ANTHROPIC_BASE_URL EVAL_LOG_LLM_CALLS ENVIRONMENT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
  AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION ALERT_WEBHOOK_URL ANTHROPIC_API_KEY_SECRET_ID
cd "$WORK"

fresh_copy() {
  rm -rf "$WORK/eval"
  cp -r "$SOURCE_DIR/eval" "$WORK/eval"
  find "$WORK/eval" -name '*.candidate.*' -delete
}

# The accepted files (cases, completions, sidecars), without candidates or temporaries.
accepted_sums() {
  (cd "$WORK/eval" && find . -type f ! -name '*.candidate.*' ! -name '.*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
count() { find "$WORK/eval" -name "$1" | wc -l; }
stat_of() { grep -oE "\"$2\":[0-9]+" "$WORK/$1.stats" | cut -d: -f2; }
live() { env EVAL_LIVE_EXECUTE=1 ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" "$REPRISE_EVAL" --eval-root eval --live "$@"; }
dry() { env ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" "$REPRISE_EVAL" --eval-root eval --live "$@"; }

# Every candidate completion must equal the accepted one byte for byte (the
# fake answers with it), and every candidate sidecar must be whole JSON.
check_candidates_whole() {
  "$PYTHON" - "$WORK/eval" "$1" <<'PY' || fail "$1: a candidate is not whole (see above)"
import json, pathlib, sys
for path in pathlib.Path(sys.argv[1]).rglob("*.completion.candidate.txt"):
    accepted = path.with_name(path.name.replace(".completion.candidate.txt", ".completion.txt"))
    if path.read_bytes() != accepted.read_bytes():
        sys.exit(f"{sys.argv[2]}: {path} is not the whole answer")
for path in pathlib.Path(sys.argv[1]).rglob("*.candidate.json"):
    try:
        json.loads(path.read_text())
    except ValueError as error:
        sys.exit(f"{sys.argv[2]}: {path} is not whole JSON: {error}")
PY
}

fresh_copy
BEFORE=$(accepted_sums)

# --- dry run: every request built and checked, no connection ------------------
echo "live_run: [${SECONDS}s] dry run: every request built and checked, no connection" >&2
start_server dry --eval-root eval
run dry dry
expect_rc 0
expect_text err "dry run (--live without EVAL_LIVE_EXECUTE=1)"
expect_totals 33 0
expect_line out "dry run: no request changed since its fixture was recorded"
expect_regex out "^total +33 +0 +0 +0$"
[[ $(stat_of dry connections) -eq 0 ]] || fail "the dry run opened $(stat_of dry connections) connection(s)"
[[ $(count '*.candidate.*') -eq 0 ]] || fail "the dry run wrote candidates"
[[ "$(accepted_sums)" == "$BEFORE" ]] || fail "the dry run changed a file under eval/"
run dry_dead env ANTHROPIC_BASE_URL=http://127.0.0.1:1 "$REPRISE_EVAL" --eval-root eval --live
expect_rc 0
expect_totals 33 0

# --- dry run after an edit ------------------------------------------------------
echo "live_run: [${SECONDS}s] dry run after an edit" >&2
STEADY=eval/coach_narrative/cases/steady-week-on-track.yaml
CHAIN=eval/content_polish/cases/chain-irregular-income-emergency-fund
sed -i 's/income: 1850/income: 1950/; s/messages_contain: \["Maya", "Japan trip"\]/messages_contain: ["Maya", "Japan trip", "Kyoto"]/' "$STEADY"
REQUEST_LINE=$(grep -n "^    messages_contain:" "$STEADY" | cut -d: -f1)  # a failed request check is reported at its own key
rm "$CHAIN.completion.txt" "$CHAIN.fixture.json"
run dry_edit dry
expect_rc 1
expect_totals 31 2
expect_text out "=== coach_narrative/steady-week-on-track call 1 ($STEADY) ==="
expect_regex out '^-.*Income: 1850.00'
expect_regex out '^\+.*Income: 1950.00'
expect_regex out "^coach_narrative +8 +1 +0 +0$"
expect_regex out "^content_polish +6 +0 +1 +1$"
expect_text out "$STEADY:$REQUEST_LINE: FAILED"
expect_text out "Kyoto"
expect_text out "the accepted fixture holds no answer to call 1"
[[ $(stat_of dry connections) -eq 0 ]] || fail "the dry run after an edit opened a connection"
stop_servers

# --- live, -j 8 ---------------------------------------------------------------
echo "live_run: [${SECONDS}s] live, -j 8" >&2
fresh_copy
start_server live --eval-root eval --latency-ms 100
run live_all live -j 8
expect_rc 0
expect_totals 33 0
expect_text out "live run: 33 case(s): 33 answered (33 passed, 0 failed), 0 with a failed call, 0 not run"
expect_regex err "^live: 33 case\(s\), 43 call\(s\) known before the run"
expect_regex err '^live: \[33/33\] '
[[ $(count '*.completion.candidate.txt') -eq 33 && $(count '*.candidate.json') -eq 33 ]] ||
  fail "expected 33 candidate pairs, found $(count '*.completion.candidate.txt') completions and $(count '*.candidate.json') sidecars"
check_candidates_whole live_all
[[ "$(accepted_sums)" == "$BEFORE" ]] || fail "the live run changed an accepted file"
[[ $(stat_of live requests) -eq 43 && $(stat_of live answered) -eq 43 ]] || fail "expected 43 requests answered, stats: $(cat "$WORK/live.stats")"
[[ $(stat_of live connections) -le 8 ]] || fail "8 workers opened $(stat_of live connections) connections: not reused"
"$PYTHON" - "$WORK/eval" <<'PY' || fail "a candidate sidecar lacks live provenance, usage or cost"
import json, pathlib, sys
for path in pathlib.Path(sys.argv[1]).rglob("*.candidate.json"):
    for call in json.load(open(path))["calls"]:
        assert call["recorded"]["how"] == "live" and call["request_id"].startswith("req_fake_"), path
        assert call["usage"]["output_tokens"] > 0 and call["cost_usd"] > 0 and len(call["request_sha256"]) == 64, path
PY

# On a terminal: one progress line redrawn in place, no line per case.
if command -v script >/dev/null; then
  find eval -name '*.candidate.*' -delete
  run live_tty env EVAL_LIVE_EXECUTE=1 ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" \
    script -qec "'$REPRISE_EVAL' --eval-root eval --live -j 8 '[coach_narrative]'" /dev/null
  expect_rc 0
  expect_text out $'\r\e[Klive: 8/8 cases  $'
  expect_regex out 'error\(s\)  ~[0-9]+ s left'
  expect_no_text out "live: [1/8]"
fi

# --- the budget -----------------------------------------------------------------
echo "live_run: [${SECONDS}s] the budget" >&2
find eval -name '*.candidate.*' -delete
run budget live -j 1 --max-usd 0.03
expect_rc 1
expect_text err "live: the estimate exceeds --max-usd \$0.0300: no case starts once the actual spend reaches it"
expect_regex out "^live run: 33 case\(s\): ([1-9]|1[0-9]) answered .* 0 with a failed call, ([1-9][0-9]?) not run$"
ANSWERED=$(grep -oE '^live run: 33 case\(s\): [0-9]+' "$WORK/budget.out" | grep -oE '[0-9]+$')
NOT_RUN=$(grep -oE '[0-9]+ not run$' "$WORK/budget.out" | grep -oE '^[0-9]+')
[[ $((ANSWERED + NOT_RUN)) -eq 33 ]] || fail "answered $ANSWERED + not run $NOT_RUN != 33"
[[ $(count '*.candidate.json') -eq $ANSWERED ]] || fail "$ANSWERED answered but $(count '*.candidate.json') candidates"
expect_text out "not run: the --max-usd budget of \$0.0300 was reached before this case started"
expect_text out "$NOT_RUN case(s) not run (budget reached)"
SPENT=$(grep -oE 'cost \$[0-9.]+' "$WORK/budget.out" | tr -d 'cost $')
awk -v s="$SPENT" 'BEGIN { exit !(s >= 0.03 && s < 0.05) }' ||
  fail "spent \$$SPENT: a budget of \$0.03 at -j 1 should stop within one case of it"
stop_servers

# --- failing calls ----------------------------------------------------------------
echo "live_run: [${SECONDS}s] failing calls" >&2
find eval -name '*.candidate.*' -delete
start_server flaky --eval-root eval --fail-rate 0.3 --fail-status 500 --seed 11
run flaky live -j 8
expect_rc 1
expect_regex out "^call errors by category: server [1-9][0-9]*$"
FAILED_CASES=$(grep -oE '^live: \[[0-9]+/33\] [a-z_]+/[a-z0-9-]+ call failed' "$WORK/flaky.err" | awk '{print $3}')
[[ -n $FAILED_CASES ]] || expect_fail "no case had a failed call at --fail-rate 0.3"
for name in $FAILED_CASES; do
  [[ ! -e eval/${name%%/*}/cases/${name#*/}.candidate.json && ! -e eval/${name%%/*}/cases/${name#*/}.completion.candidate.txt ]] ||
    fail "$name had a failed call but got a candidate"
  expect_text out "$name"
done
ANSWERED=$(grep -oE '^live run: 33 case\(s\): [0-9]+' "$WORK/flaky.out" | grep -oE '[0-9]+$')
[[ $(count '*.candidate.json') -eq $ANSWERED ]] || fail "$ANSWERED answered but $(count '*.candidate.json') candidates"
# Each failing call was tried three times (2 retries), as the SDKs do: every
# failed fingerprint in the server's request log appears exactly three times.
"$PYTHON" - "$WORK/flaky.log" <<'PY' || fail "failing calls were not each tried 3 times (see above)"
import collections, json, sys
tries = collections.Counter(json.loads(line)["fingerprint"] for line in open(sys.argv[1]) if '"outcome":"failed"' in line)
assert tries, "no request failed"
wrong = {fingerprint: n for fingerprint, n in tries.items() if n != 3}
assert not wrong, f"attempts per failing call: {wrong}"
PY
check_candidates_whole flaky
[[ "$(accepted_sums)" == "$BEFORE" ]] || fail "a run with failures changed an accepted file"
stop_servers

# --- SIGKILL at random moments ------------------------------------------------------
echo "live_run: [${SECONDS}s] SIGKILL at random moments" >&2
start_server kill --eval-root eval --latency-ms 120
for attempt in 1 2 3 4 5; do
  find eval -name '*.candidate.*' -delete
  ms=$((200 + RANDOM % 1400))
  delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
  EVAL_LIVE_EXECUTE=1 ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" "$REPRISE_EVAL" --eval-root eval --live -j 4 \
    >"$WORK/kill$attempt.out" 2>"$WORK/kill$attempt.err" &
  victim=$!
  sleep "$delay"
  kill -KILL "$victim" 2>/dev/null || true
  wait "$victim" 2>/dev/null || true
  check_candidates_whole "kill $attempt (after ${delay}s)"
  [[ "$(accepted_sums)" == "$BEFORE" ]] || fail "kill $attempt (after ${delay}s) changed an accepted file"
done
# A temporary as a killed writer leaves it: the next live run removes it.
sleep 3 &
dead=$!
wait "$dead"
printf 'half' >"eval/coach_narrative/cases/.steady-week-on-track.candidate.json.tmp.$dead.0"
run after_kill live -j 8
expect_rc 0
expect_regex err "^live: removed [1-9][0-9]* temporary file\(s\) left by an interrupted run$"
[[ -z $(find eval -name '.*.tmp.*') ]] || fail "temporaries remain after a complete live run: $(find eval -name '.*.tmp.*')"
check_candidates_whole after_kill
stop_servers

# --- CI ---------------------------------------------------------------------------
echo "live_run: [${SECONDS}s] CI" >&2
find eval -name '*.candidate.*' -delete
start_server ci --eval-root eval
run ci_refused env CI=true EVAL_LIVE_EXECUTE=1 ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" "$REPRISE_EVAL" --eval-root eval --live
expect_rc 2
expect_text err "refusing a live run while CI is set"
[[ $(stat_of ci connections) -eq 0 ]] || fail "a refused live run connected"
run ci_forced env CI=true EVAL_LIVE_EXECUTE=1 ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" "$REPRISE_EVAL" --eval-root eval --live \
  --force-live "[finance_chat]"
expect_rc 0
expect_totals 7 0
[[ $(count '*.candidate.json') -eq 7 ]] || fail "--force-live under CI wrote $(count '*.candidate.json') candidates, expected 7"
find eval -name '*.candidate.*' -delete
run ci_cached env CI=true REPRISE_CACHE_DIR="$WORK/ci-cache" "$REPRISE_EVAL" --eval-root eval
expect_rc 0
[[ ! -e $WORK/ci-cache || -z $(find "$WORK/ci-cache" -type f) ]] || fail "a cached run under CI wrote $(find "$WORK/ci-cache" -type f)"
[[ "$(accepted_sums)" == "$BEFORE" ]] || fail "a cached run under CI changed eval/"
run usage "$REPRISE_EVAL" --eval-root eval --max-usd 1
expect_rc 2
expect_text err "--force-live and --max-usd go with --live"
stop_servers

# --- the prompt-editing loop: edit, dry run, refresh, review, green --------------------
echo "live_run: [${SECONDS}s] the prompt-editing loop: edit, dry run, refresh, review, green" >&2
fresh_copy
sed -i 's/income: 1850/income: 1950/' "$STEADY"
run loop_stale "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 1
run loop_dry dry
expect_regex out "^coach_narrative +8 +1 +0 +0$"
start_server loop --eval-root eval
run loop_live live "coach_narrative/steady-week-on-track"
expect_rc 0
expect_totals 1 0
run loop_accept "$REPRISE_CLI" --eval-root eval review --accept coach_narrative/steady-week-on-track
expect_rc 0
run loop_green "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_totals 33 0
expect_regex out "^total +33 +0 +0 "

# --- no secret anywhere ---------------------------------------------------------------
echo "live_run: [${SECONDS}s] no secret anywhere" >&2
if grep -rqF -- "$KEY" "$WORK"; then
  fail "the API key appears in: $(grep -rlF -- "$KEY" "$WORK")"
fi
echo "live_run: ok"
