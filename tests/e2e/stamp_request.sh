#!/usr/bin/env bash
# `reprise stamp` records each call's request in the sidecar, end to end, on
# copies of two bundled cases (one call; two calls with tool use). A sidecar
# stamped before requests were recorded gets them with its fingerprints
# unchanged; a hand-written case's new sidecar has them from the start. Every
# stored request hashes (SHA-256 of canonical JSON) to its call's
# request_sha256, the cases still replay fresh, a second stamp changes
# nothing, and a request edited by hand is a load error naming the sidecar
# and the call.
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed to read the sidecars (tools/setup installs it)"

CHAT=finance_chat/cash-and-spending-two-tools
COACH=coach_narrative/steady-week-on-track
for name in $CHAT $COACH; do
  mkdir -p "$WORK/eval/${name%/*}/cases"
  for suffix in yaml completion.txt fixture.json; do
    cp "$SOURCE_DIR/eval/${name%/*}/cases/${name#*/}.$suffix" "$WORK/eval/${name%/*}/cases/"
  done
done
cd "$WORK"
CHAT_SIDECAR=eval/finance_chat/cases/cash-and-spending-two-tools.fixture.json
COACH_SIDECAR=eval/coach_narrative/cases/steady-week-on-track.fixture.json

# check_requests <sidecar> <calls>: each call has a request, the request's
# fingerprint (the canonical JSON of llm/fingerprint.hpp: sorted keys, no
# whitespace, UTF-8, without "stream") is the call's request_sha256, and the
# request is the call's last key.
check_requests() {
  python3 - "$1" "$2" <<'PY' || fail "$1: the recorded requests are wrong (above)"
import hashlib, json, sys
path, calls = sys.argv[1], int(sys.argv[2])
with open(path, encoding="utf-8") as f:
    sidecar = json.load(f)
assert len(sidecar["calls"]) == calls, f"{len(sidecar['calls'])} calls, expected {calls}"
for number, call in enumerate(sidecar["calls"], 1):
    assert "request" in call, f"call {number} has no request: {sorted(call)}"
    request = dict(call["request"])
    assert request.get("messages"), f"call {number}: the request has no messages"
    request.pop("stream", None)
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert digest == call["request_sha256"], f"call {number}: the request hashes to {digest}, request_sha256 is {call['request_sha256']}"
    assert list(call)[-1] == "request", f"call {number}: request is not the last key: {list(call)}"
PY
}

# edit_sidecar <sidecar> <python statement on `calls`>: rewrites the sidecar.
edit_sidecar() {
  python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    sidecar = json.load(f)
calls = sidecar["calls"]
exec(sys.argv[2])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(sidecar, f, indent=2, ensure_ascii=False)
PY
}

fingerprints() {
  python3 -c 'import json, sys; print(" ".join(c["request_sha256"] for c in json.load(open(sys.argv[1]))["calls"]))' "$1"
}

# ---- a sidecar stamped before requests were recorded
edit_sidecar "$CHAT_SIDECAR" 'for call in calls: call.pop("request", None)'
BEFORE=$(fingerprints "$CHAT_SIDECAR")
[[ $BEFORE =~ ^[0-9a-f]{64}\ [0-9a-f]{64}$ ]] || fail "could not read two fingerprints from $CHAT_SIDECAR (got '$BEFORE')"
run without_requests "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0  # a sidecar without requests is still valid

run stamp "$REPRISE_CLI" --eval-root eval stamp
expect_rc 0
expect_line out "written   $CHAT: recorded the request of calls 1 and 2"
expect_line out "1 sidecar(s) written, 0 refused"
check_requests "$CHAT_SIDECAR" 2
[[ $(fingerprints "$CHAT_SIDECAR") == "$BEFORE" ]] || fail "stamp changed the fingerprints: $BEFORE -> $(fingerprints "$CHAT_SIDECAR")"

# ---- a hand-written case: no sidecar yet
rm "$COACH_SIDECAR"
run stamp_new "$REPRISE_CLI" --eval-root eval stamp "$COACH"
expect_rc 0
expect_line out "written   $COACH: 1 call(s) stamped"
check_requests "$COACH_SIDECAR" 1

run fresh "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_no_text all "stale fixture"
expect_text out "All tests passed"

sums=$(checksums eval)
run again "$REPRISE_CLI" --eval-root eval stamp
expect_rc 0
expect_line out "0 sidecar(s) written, 0 refused"
[[ $(checksums eval) == "$sums" ]] || fail "a second stamp changed files under eval/"

# ---- a request edited by hand no longer has the recorded fingerprint
edit_sidecar "$CHAT_SIDECAR" 'calls[1]["request"]["system"] += " Be brief."'
run edited "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 1
expect_error "$CHAT_SIDECAR" 0 0 "fixture sidecar: calls[1].request (call 2) does not match its request_sha256" prefix
run edited_stamp "$REPRISE_CLI" --eval-root eval stamp
expect_rc 1
expect_text err "$CHAT_SIDECAR: fixture sidecar: calls[1].request (call 2) does not match its request_sha256"
echo "ok: $TEST_NAME"
