#!/usr/bin/env bash
# No secret leaks, over the whole flow: recognisable credentials (an
# Anthropic key, AWS keys and session token, an alert webhook token) are set
# in the environment, and every mode and tool runs with them:
#   dry run (console and JUnit), live run against reprise-fake-api with the
#   non-prod call log on, some calls failing over to Bedrock and alerting the
#   webhook (both on loopback, both refusing), the live summary file, review
#   (list and accept), capture of the call log into new cases, their cached
#   replay (JUnit), the cached replay of the refreshed suite (console and
#   JUnit) and secret-scan.
# Then every byte any of them wrote or printed is scanned: for each
# credential, and for anything secret-looking (`reprise secret-scan`'s
# detectors). The fake's own files (the other end of the wire, which is sent
# the key by design) live outside the scanned folder; its request log proves
# the credentials were really used: x-api-key sent, Bedrock called, the
# webhook alerted.
source "$(dirname "$0")/lib.sh"

[[ -n $REPRISE_FAKE_API ]] || fail "needs the reprise-fake-api binary as its 4th argument"

KEY="sk-ant-api03-LeakCheckKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
AWS_KEY_ID="AKIALEAKCHECK7E2E0QZ"
AWS_SECRET="LeakCheckAwsSecret/0123456789+abcdefghijkl"
AWS_TOKEN="LeakCheckSessionToken0123456789abcdefghijklmnop"
WEBHOOK_TOKEN="LeakCheckWebhookToken0123456789abcdefghij"
SECRETS=("$KEY" "$AWS_KEY_ID" "$AWS_SECRET" "$AWS_TOKEN" "$WEBHOOK_TOKEN")

# The fake's files are outside WORK: the scan below covers all of WORK.
SERVER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/reprise-e2e-leak-server.XXXXXX")
trap 'stop_servers; rm -rf "$WORK" "$SERVER_DIR"' EXIT
cd "$WORK"
cp -r "$SOURCE_DIR/eval" eval
find eval -name '*.candidate.*' -delete
# An input edit, so the dry run prints a request diff and the live run's answer differs.
sed -i 's/income: 1850/income: 1950/' eval/coach_narrative/cases/steady-week-on-track.yaml

# One in five requests fails with 529 (by fingerprint, the same ones each
# time): retried, then sent to Bedrock (this same fake, which has no Bedrock
# endpoint: 404), and the fallback alerts the webhook (404 too).
SERVER_FILES=$SERVER_DIR start_server fake --eval-root eval --unknown generic --fail-rate 0.2 --seed 7
BASE="http://127.0.0.1:$PORT"

unset EVAL_LIVE_EXECUTE ANTHROPIC_API_KEY_SECRET_ID AWS_DEFAULT_REGION AWS_ENDPOINT_URL_SECRETS_MANAGER
export ANTHROPIC_API_KEY=$KEY ANTHROPIC_BASE_URL=$BASE
export AWS_ACCESS_KEY_ID=$AWS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET AWS_SESSION_TOKEN=$AWS_TOKEN
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL_BEDROCK_RUNTIME=$BASE
export ALERT_WEBHOOK_URL="$BASE/api/webhooks/4242/$WEBHOOK_TOKEN"
export EVAL_LOG_LLM_CALLS=1 EVAL_LOG_LLM_CALLS_FILE="$WORK/calls.log" ENVIRONMENT=non-prod
mkdir reports

echo "no_secret_leak: [${SECONDS}s] dry run" >&2
run dry "$REPRISE_EVAL" --eval-root eval --live
expect_rc 0
expect_regex out '^\+.*Income: 1950.00'
run dry_junit "$REPRISE_EVAL" --eval-root eval --live -r junit -o reports/dry.xml
expect_rc 0

echo "no_secret_leak: [${SECONDS}s] live run, failing calls falling back to Bedrock" >&2
run live env EVAL_LIVE_EXECUTE=1 "$REPRISE_EVAL" --eval-root eval --live -j 4 --summary-out reports/live-summary.md
expect_rc 1  # the failing calls fail their cases
expect_regex out 'live run: 33 case\(s\): [0-9]+ answered'
[[ -s reports/live-summary.md ]] || fail "the live run wrote no summary file"
grep -q '"x_api_key":"present"' "$SERVER_DIR/fake.log" || fail "no request carried the API key: the test proves nothing"
grep -q '"path":"/model/' "$SERVER_DIR/fake.log" || fail "no call fell back to Bedrock: the AWS credentials were never used"
grep -q '"path":"/api/webhooks/4242/' "$SERVER_DIR/fake.log" || fail "no fallback alert reached the webhook"
grep -q '"environment":"non-prod"' calls.log || fail "the live run wrote no non-prod call log"

echo "no_secret_leak: [${SECONDS}s] review and accept" >&2
run review_list "$REPRISE_CLI" --eval-root eval review
expect_rc 0
run review_accept "$REPRISE_CLI" --eval-root eval review --accept-all
expect_rc 0

echo "no_secret_leak: [${SECONDS}s] capture the call log" >&2
mkdir -p captured/eval
run capture "$REPRISE_CLI" --eval-root captured/eval capture calls.log
expect_rc 0
[[ $(find captured/eval -name '*.yaml' | wc -l) -gt 0 ]] || fail "capture wrote no case from the live run's log"
run captured_junit "$REPRISE_EVAL" --eval-root captured/eval -r junit -o reports/captured.xml
expect_rc 0

echo "no_secret_leak: [${SECONDS}s] cached replay and secret-scan" >&2
run cached "$REPRISE_EVAL" --eval-root eval -s
run cached_junit "$REPRISE_EVAL" --eval-root eval -r junit -o reports/cached.xml
[[ -s reports/cached.xml ]] || fail "no JUnit report"
run scan_eval "$REPRISE_CLI" --eval-root eval secret-scan
expect_rc 0
run scan_captured "$REPRISE_CLI" --eval-root captured/eval secret-scan
expect_rc 0

echo "no_secret_leak: [${SECONDS}s] scanning every byte written and printed" >&2
[[ $(find "$WORK" -type f | wc -l) -gt 100 ]] || fail "too few files to scan: the flow did not run"
for secret in "${SECRETS[@]}"; do
  if leaked=$(grep -rlaF -- "$secret" "$WORK"); then
    fail "a credential (${secret:0:12}...) appears in: $leaked"
  fi
done
# Secret-looking strings, by the detectors capture and the CI scan use. The
# scan skips hidden files; none may be left (they would be abandoned
# temporaries), and the exact search above read them anyway.
hidden=$(find "$WORK" -name '.*' -print)
[[ -z $hidden ]] || fail "hidden files left behind: $hidden"
run scan_all "$REPRISE_CLI" --eval-root "$WORK" secret-scan
[[ $RC -eq 0 ]] || expect_fail "something secret-looking was written or printed"
echo "no_secret_leak: [${SECONDS}s] passed" >&2
