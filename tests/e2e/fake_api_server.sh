#!/usr/bin/env bash
# reprise-fake-api, the loopback fake of the Messages API that live-run tests
# point reprise-eval at. Checked over real sockets: a bundled case's recorded
# answer for the request the agent builds (and after a system prompt edit),
# an --answers entry, the same answers streamed as SSE, a miss (400 naming
# the request), --fail-match and --fail-rate failures with the API's error
# bodies, --latency-ms, the counters (file and GET /_fake/stats), the request
# log, SIGTERM (exit 0) and usage errors (exit 2, one line).
#
# The HTTP client is python3 (tools/setup installs it; curl is not in a
# minimal Debian 12).
source "$(dirname "$0")/lib.sh"

[[ -n $REPRISE_FAKE_API ]] || fail "needs the reprise-fake-api binary as its 4th argument"
command -v python3 >/dev/null || fail "needs python3 as its HTTP client"

# The Python side: a client keeping every exchange, and expect() that prints
# the exchange it was looking at.
cat >"$WORK/fake_client.py" <<'PY'
import hashlib, http.client, json, sys, time

PORT = int(sys.argv[1])
WORK = sys.argv[2]
HEADERS = {"content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "fake-key-for-tests-0000"}
last = {}

def send(method, path, body=None, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    data = body if isinstance(body, (bytes, type(None))) else body.encode() if isinstance(body, str) else json.dumps(body).encode()
    started = time.monotonic()
    conn.request(method, path, body=data, headers=HEADERS if data is not None else {})
    response = conn.getresponse()
    text = response.read().decode()
    if connection is None:
        conn.close()
    last.update(status=response.status, headers={k.lower(): v for k, v in response.getheaders()}, body=text,
                seconds=time.monotonic() - started, request=(method, path, data[:300] if data else None))
    try:
        last["json"] = json.loads(text)
    except ValueError:
        last["json"] = None
    return last

def post(body, connection=None):
    return send("POST", "/v1/messages", body, connection)

def stats():
    return send("GET", "/_fake/stats")["json"]

def expect(condition, what):
    if not condition:
        sys.stderr.write("FAIL: %s\n--- request: %r\n--- status: %s\n--- headers: %r\n--- body:\n%s\n"
                         % (what, last.get("request"), last.get("status"), last.get("headers"), last.get("body", "")[:3000]))
        sys.exit(1)

def fingerprint(body):
    # The canonical JSON of the fingerprint: sorted keys, no spaces, UTF-8, no "stream".
    body = {k: v for k, v in body.items() if k != "stream"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()

def expect_error(status, error_type, message=None):
    expect(last["status"] == status, "status %d" % status)
    expect(last["json"] is not None and last["json"].get("type") == "error", "the API's error body {\"type\":\"error\",...}")
    expect(last["json"]["error"]["type"] == error_type, "error type " + error_type)
    if message is not None:
        expect(last["json"]["error"]["message"] == message, "error message " + message)

def events():
    # The SSE body of the last exchange as (event, data) pairs; event must equal data's type.
    expect(last["headers"].get("content-type", "").startswith("text/event-stream"), "content-type text/event-stream")
    pairs = []
    for chunk in last["body"].split("\n\n"):
        if not chunk.strip():
            continue
        lines = dict(line.split(": ", 1) for line in chunk.split("\n"))
        data = json.loads(lines["data"])
        expect(lines["event"] == data["type"], "event line %r matches data type %r" % (lines["event"], data["type"]))
        pairs.append((lines["event"], data))
    return pairs

def assemble(pairs):
    # The message a client assembles from the events, checking their order.
    names = [name for name, _ in pairs]
    expect(names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"], "message_start first, message_delta and message_stop last: %r" % names)
    message = pairs[0][1]["message"]
    expect(message["content"] == [] and message["stop_reason"] is None, "message_start holds an empty message")
    blocks, partial = [], {}
    for name, data in pairs[1:-2]:
        if name == "content_block_start":
            expect(data["index"] == len(blocks), "blocks start in order")
            blocks.append(dict(data["content_block"]))
        elif name == "content_block_delta":
            delta = data["delta"]
            if delta["type"] == "text_delta":
                blocks[data["index"]]["text"] += delta["text"]
            else:
                expect(delta["type"] == "input_json_delta", "a known delta type")
                partial[data["index"]] = partial.get(data["index"], "") + delta["partial_json"]
        elif name == "content_block_stop":
            if data["index"] in partial:
                blocks[data["index"]]["input"] = json.loads(partial[data["index"]])
        else:
            expect(name == "ping", "only ping between the blocks, not " + name)
    message["content"] = blocks
    message["stop_reason"] = pairs[-2][1]["delta"]["stop_reason"]
    message["usage"] = pairs[-2][1]["usage"]
    return message
PY

# py <step> <port> [args...] <<'PY' ... PY: runs the step's Python with fake_client's names.
py() {
  local step=$1 port=$2
  shift 2
  { echo "from fake_client import *"; cat; } >"$WORK/step.py"
  PYTHONPATH=$WORK python3 "$WORK/step.py" "$port" "$WORK" "$@" || fail "$step (the expectation that failed is printed above)"
}

# ---- usage errors: exit 2 and one line on stderr ----
expect_usage_error() {
  expect_rc 2
  [[ $(wc -l <"$WORK/$LAST.err") -eq 1 ]] || expect_fail "expected exactly one line on stderr"
}
run bad_flag "$REPRISE_FAKE_API" --bogus
expect_usage_error
expect_text err "--bogus"
run bad_rate "$REPRISE_FAKE_API" --fail-rate 2
expect_usage_error
expect_text err "--fail-rate"
run bad_unknown "$REPRISE_FAKE_API" --unknown maybe
expect_usage_error
expect_text err "--unknown"
run bad_root "$REPRISE_FAKE_API" --eval-root "$WORK/no-such-folder"
expect_usage_error
expect_text err "--eval-root $WORK/no-such-folder: not a readable folder"
printf '%s\n' '{"prompt_sha256":"'"$(printf x | sha256sum | cut -c1-64)"'","text":"ok"}' '{"prompt_sha256":"abc","text":"short key"}' \
  >"$WORK/bad_answers.jsonl"
run bad_answers "$REPRISE_FAKE_API" --answers "$WORK/bad_answers.jsonl"
expect_usage_error
expect_text err "bad_answers.jsonl:2: 'prompt_sha256' must be 64 lowercase hex digits"

# ---- the answer book of the bundled cases ----
CASE=finance_chat/cash-and-spending-two-tools
CASE_DIR=$SOURCE_DIR/eval/finance_chat/cases
RECORDED=$(sed -n 's/.*"request_sha256": "\([0-9a-f]*\)".*/\1/p' "$CASE_DIR/cash-and-spending-two-tools.fixture.json" | head -1)
[[ ${#RECORDED} -eq 64 ]] || fail "could not read call 1's request_sha256 from the bundled sidecar"
run dump "$REPRISE_FAKE_API" --eval-root "$SOURCE_DIR/eval" --dump-book
expect_rc 0
# The request the agent builds today, to send as reprise-eval --live would:
# the bundled cases are not stale, so it is the one the sidecar records.
python3 - "$WORK/dump.out" "$RECORDED" "$CASE call 1/2" "$WORK/case_request.json" <<'PY' || fail "--dump-book has no replayed request for $CASE call 1/2 under the sidecar's fingerprint $RECORDED"
import json, sys
for line in open(sys.argv[1]):
    entry = json.loads(line)
    if entry["key"] == sys.argv[2] and entry["match"] == "exact" and entry["source"] == sys.argv[3] and "request" in entry:
        json.dump(entry["request"], open(sys.argv[4], "w"), indent=2)
        sys.exit(0)
sys.exit(1)
PY

# An answers file entry for a request written here, and its fingerprint.
HELLO='{"max_tokens":64,"messages":[{"content":"Say hello","role":"user"}],"model":"claude-test-model"}'
HELLO_SHA=$(printf '%s' "$HELLO" | sha256sum | cut -c1-64)
printf '{"prompt_sha256":"%s","text":"Hello from the answers file","usage":{"input_tokens":7,"output_tokens":5}}\n' "$HELLO_SHA" \
  >"$WORK/answers.jsonl"

start_server main --eval-root "$SOURCE_DIR/eval" --answers "$WORK/answers.jsonl" --fail-match FAIL-ME --no-retry-header
MAIN_PID=$PID
grep -qF "listening on http://127.0.0.1:$PORT" "$WORK/main.server.out" || fail "no start-up line naming the port"

py "an answers-file entry, as JSON and as SSE" "$PORT" "$HELLO_SHA" <<'PY'
hello_sha = sys.argv[3]
body = {"model": "claude-test-model", "stream": False, "max_tokens": 64,
        "messages": [{"role": "user", "content": "Say hello"}]}
expect(fingerprint(body) == hello_sha, "the test's canonical JSON matches the fingerprint's")
post(json.dumps(body, indent=2))  # whitespace and key order are not part of the fingerprint
expect(last["status"] == 200, "200 for a known request")
expect(last["headers"]["content-type"].startswith("application/json"), "content-type application/json")
expect(last["headers"]["request-id"].startswith("req_fake_"), "request-id req_fake_<n>")
message = last["json"]
expect(message["id"] == "msg_fake_" + hello_sha[:24] and message["type"] == "message" and message["role"] == "assistant",
       "id msg_fake_..., type message, role assistant")
expect(message["model"] == "claude-test-model", "the request's model when the answer names none")
expect(message["content"] == [{"type": "text", "text": "Hello from the answers file"}], "the answer's text block")
expect(message["stop_reason"] == "end_turn" and message["stop_sequence"] is None, "stop_reason end_turn, stop_sequence null")
expect(message["usage"]["input_tokens"] == 7 and message["usage"]["output_tokens"] == 5, "the answer's usage")
first_id = last["headers"]["request-id"]

body["stream"] = True
post(body)
expect(last["status"] == 200, "200 for the streamed request")
expect(last["headers"]["request-id"] != first_id, "a new request-id per request")
streamed = assemble(events())
expect(streamed == message, "the streamed message %r equals the JSON one" % streamed)
PY

py "a bundled case's recorded answer" "$PORT" "$WORK/case_request.json" "$CASE_DIR" <<'PY'
request = json.load(open(sys.argv[3]))
completion = open(sys.argv[4] + "/cash-and-spending-two-tools.completion.txt").read()
first_section = completion.split("=== reprise call 2/2 ===")[0].split("\n", 1)[1].rstrip("\n")
fixture = json.load(open(sys.argv[4] + "/cash-and-spending-two-tools.fixture.json"))["calls"][0]

def check_answer(message):
    expect(message["content"][0] == {"type": "text", "text": first_section}, "call 1's completion section as the text block")
    expect(message["content"][1:] == fixture["tool_use"], "then the sidecar's tool_use blocks")
    expect(message["stop_reason"] == "tool_use" and message["model"] == fixture["model"], "the sidecar's stop_reason and model")
    expect(message["usage"]["input_tokens"] == fixture["usage"]["input_tokens"], "the sidecar's usage")

post(request)
expect(last["status"] == 200, "200 for the request the agent builds")
check_answer(last["json"])
request["stream"] = True
post(request)
check_answer(assemble(events()))
# A system prompt edit: the messages-only key still finds the answer.
request["stream"] = False
request["system"] = "An edited system prompt."
post(request)
expect(last["status"] == 200, "200 after a system prompt edit")
check_answer(last["json"])
PY

py "misses, injected failures, bad JSON, the counters" "$PORT" <<'PY'
body = {"model": "claude-test-model", "max_tokens": 64, "messages": [{"role": "user", "content": "Nobody recorded this"}]}
post(body)
expect_error(400, "invalid_request_error", "fake: no recorded answer for request " + fingerprint(body)[:12])
body["messages"][0]["content"] = "please FAIL-ME now"
post(body)
expect_error(529, "overloaded_error")
expect(last["headers"].get("x-should-retry") == "false", "x-should-retry: false with --no-retry-header")
post("{not json")
expect_error(400, "invalid_request_error")
send("GET", "/v1/models")
expect_error(404, "not_found_error")
counters = stats()
# Answered: the file's answer as JSON and SSE, the case's as JSON, SSE and after the
# edit; then the 4 above. Each exchange is a connection; stats reads are not requests.
expect(counters == {"connections": 10, "requests": 9, "answered": 5, "failed": 1, "unknown": 1},
       "counters %r" % counters)
on_disk = json.load(open(WORK + "/main.stats"))
expect(on_disk == counters, "the stats file %r equals GET /_fake/stats" % on_disk)
PY

# The request log: one line per request, the key only as present.
[[ $(wc -l <"$WORK/main.log") -eq 9 ]] || fail "expected 9 lines in the request log, got $(wc -l <"$WORK/main.log")"
grep -q '"x_api_key":"present"' "$WORK/main.log" || fail "the request log does not say the x-api-key was present"
if grep -q 'fake-key-for-tests' "$WORK/main.log"; then fail "the request log holds the x-api-key's value"; fi
grep -q '"match":"messages".*"outcome":"answered"' "$WORK/main.log" || fail "the request log shows no answer by the messages-only key"
grep -qF "\"fingerprint\":\"$HELLO_SHA\"" "$WORK/main.log" || fail "the request log does not name the fingerprint"
stop_server "$MAIN_PID"

# ---- --fail-rate: predictable by the documented rule; --latency-ms; --unknown=generic; keep-alive ----
for n in 1 2 3 4 5 6 7 8 9 10; do
  body='{"max_tokens":64,"messages":[{"content":"question '$n'","role":"user"}],"model":"claude-test-model"}'
  printf '{"prompt_sha256":"%s","text":"answer %s"}\n' "$(printf '%s' "$body" | sha256sum | cut -c1-64)" "$n"
done >"$WORK/answers10.jsonl"
FLAKY=(--answers "$WORK/answers10.jsonl" --fail-rate 0.5 --fail-status 429 --seed 7 --latency-ms 300 --unknown generic)
run flaky_dump "$REPRISE_FAKE_API" "${FLAKY[@]}" --dump-book
expect_rc 0
start_server flaky "${FLAKY[@]}"
py "--fail-rate, --latency-ms, --unknown=generic, connection counting" "$PORT" "$WORK/flaky_dump.out" <<'PY'
def predicted(fp):
    return int(hashlib.sha256((fp + ":7").encode()).hexdigest()[:8], 16) % 1000 < 500

dumped = {entry["key"]: entry["fails"] for entry in map(json.loads, open(sys.argv[3]))}
fates = []
for n in range(1, 11):
    body = {"model": "claude-test-model", "max_tokens": 64, "messages": [{"role": "user", "content": "question %d" % n}]}
    fails = predicted(fingerprint(body))
    expect(dumped[fingerprint(body)] == fails, "--dump-book's 'fails' follows the rule for question %d" % n)
    for attempt in range(2 if n <= 2 else 1):  # the same request, the same fate
        post(body)
        if fails:
            expect_error(429, "rate_limit_error")
            expect(last["headers"].get("retry-after") == "1", "retry-after with 429")
            expect("x-should-retry" not in last["headers"], "no x-should-retry without --no-retry-header")
        else:
            expect(last["status"] == 200 and last["json"]["content"][0]["text"] == "answer %d" % n, "answer %d" % n)
        expect(last["seconds"] >= 0.3, "--latency-ms 300 before each answer (took %.3f s)" % last["seconds"])
    fates.append(fails)
expect(0 < sum(fates) < 10, "with seed 7 some requests fail and some do not: %r" % fates)

n = next(n for n in range(100) if not predicted(fingerprint(
    {"model": "claude-test-model", "max_tokens": 64, "messages": [{"role": "user", "content": "unrecorded %d" % n}]})))
post({"model": "claude-test-model", "max_tokens": 64, "messages": [{"role": "user", "content": "unrecorded %d" % n}]})
expect(last["status"] == 200 and "generic answer" in last["json"]["content"][0]["text"], "--unknown=generic answers a miss")

before = stats()
kept = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
for _ in range(2):
    post({"model": "claude-test-model", "max_tokens": 64, "messages": [{"role": "user", "content": "question 3"}]}, kept)
kept.close()
after = stats()
expect(after["connections"] == before["connections"] + 2, "one connection for two kept-alive requests, one for the stats read: %r then %r" % (before, after))
expect(after["requests"] == before["requests"] + 2 and after["unknown"] == 1, "counters %r" % after)
PY
tail -2 "$WORK/flaky.log" | python3 -c '
import json, sys
a, b = (json.loads(line) for line in sys.stdin)
sys.exit(0 if a["remote_port"] == b["remote_port"] > 0 else 1)' || fail "the two kept-alive requests did not share a client port in the request log"
stop_server "$PID"

# The last stats file after SIGTERM still parses.
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$WORK/flaky.stats" || fail "the stats file is not JSON"
echo "ok: $TEST_NAME"
