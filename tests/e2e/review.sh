#!/usr/bin/env bash
# `reprise review` and `reprise orphans`, end to end, on copies of two bundled
# cases with candidates written here as a live run writes them. The listing
# (text and JSON) changes nothing; --accept, --reject and --accept-all move
# or delete exactly the candidate files, and an accepted candidate passes
# `reprise-eval --stale=fail`; an accept interrupted between its two renames
# is finished; the interactive mode is driven through a pseudo-terminal
# (colour unless NO_COLOR); `orphans --fail` fails on a candidate without a case.
source "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (JSON checks and the pseudo-terminal)"

STEADY=steady-week-on-track
DINING=dining-far-over-budget
DIR=eval/coach_narrative/cases
mkdir -p "$WORK/$DIR"
for id in $STEADY $DINING; do
  cp "$SOURCE_DIR/$DIR/$id".{yaml,completion.txt,fixture.json} "$WORK/$DIR/"
done
cd "$WORK"

# propose <id> <sed expression>: a candidate as a live run writes it: the
# accepted completion edited by the expression, and the accepted sidecar
# (same requests, so same fingerprints) with live provenance, usage and cost.
propose() {
  local id=$1
  sed "$2" "$DIR/$id.completion.txt" >"$DIR/$id.completion.candidate.txt"
  cmp -s "$DIR/$id.completion.txt" "$DIR/$id.completion.candidate.txt" && fail "propose $id: '$2' changed nothing"
  python3 - "$DIR/$id.fixture.json" "$DIR/$id.candidate.json" <<'PY'
import json, sys
fixture = json.load(open(sys.argv[1]))
for call in fixture["calls"]:
    call["recorded"] = {"how": "live", "at": "2026-11-22T09:00:00Z"}
    call["usage"] = {"input_tokens": 610, "output_tokens": 290,
                     "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    call.pop("usage_estimated", None)
    call["cost_usd"] = 0.0071  # not what the usage prices at (0.00618): the recorded cost wins
    call["request_id"] = "req_e2e"
json.dump(fixture, open(sys.argv[2], "w"), indent=2)
PY
}

# The interactive mode needs a terminal on stdin and stdout: pty_review
# <answers, comma-separated> <command...> runs the command on a
# pseudo-terminal, types one answer after each prompt (end of input once they
# run out), prints everything the terminal showed and exits with the command's code.
cat >"$WORK/pty_review.py" <<'PY'
import os, pty, select, sys, time
answers = [a for a in sys.argv[1].split(",") if a]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
shown, prompts, deadline = b"", 0, time.time() + 120
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 1.0)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the command exited and closed the terminal
        break
    if not chunk:
        break
    shown += chunk
    while shown.count(b"[q]uit: ") > prompts:
        prompts += 1
        os.write(fd, (answers.pop(0) + "\n").encode() if answers else b"\x04")
else:
    os.kill(pid, 9)
    sys.stdout.buffer.write(shown)
    sys.exit("pty_review: timed out")
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(shown)
sys.exit(os.waitstatus_to_exitcode(status))
PY

expect_files_unchanged() {  # <label>: nothing under eval/ changed since `checksums eval >before`
  checksums eval >"$WORK/after.sums"
  diff -u "$WORK/before.sums" "$WORK/after.sums" >&2 || fail "$1 changed files under eval/"
}

# ---- nothing pending, no orphans
run empty_json "$REPRISE_CLI" --eval-root eval review --list --json
expect_rc 0
[[ $(tr -d ' \n' <"$WORK/empty_json.out") == "[]" ]] || expect_fail "expected an empty JSON array"
run clean_orphans "$REPRISE_CLI" --eval-root eval orphans --fail
expect_rc 0
expect_line out "no orphans"

# ---- two candidates: steady still passes, dining moves its verdict out of the band
propose $STEADY 's/a quietly strong week/a strong week/'
propose $DINING 's/^Status: watch$/Status: off_track/'
STEADY_PROPOSAL=$(sha256sum <"$DIR/$STEADY.completion.candidate.txt")
STEADY_CANDIDATE_SIDECAR=$(sha256sum <"$DIR/$STEADY.candidate.json")
DINING_COMPLETION=$(sha256sum <"$DIR/$DINING.completion.txt")
DINING_SIDECAR=$(sha256sum <"$DIR/$DINING.fixture.json")
checksums eval >"$WORK/before.sums"

run list_json "$REPRISE_CLI" --eval-root eval review --list --json
expect_rc 0
python3 - "$WORK/list_json.out" <<'PY' || expect_fail "the JSON listing is not what review computed"
import json, sys
listed = json.load(open(sys.argv[1]))
assert [c["case"] for c in listed] == ["coach_narrative/dining-far-over-budget", "coach_narrative/steady-week-on-track"], listed
dining, steady = listed
assert dining["state"] == "complete" and dining["problem"] is None, dining
assert dining["verdict"]["before"]["label"] == "watch", dining["verdict"]
assert dining["verdict"]["after"]["label"] == "off_track", dining["verdict"]
assert dining["band"] == {"present": True, "before": True, "after": False}, dining["band"]
assert dining["expectations"]["before"] is True and dining["expectations"]["after"] is False, dining["expectations"]
assert len(dining["expectations"]["failing_after"]) == 2, dining["expectations"]
assert "-Status: watch\n+Status: off_track\n" in dining["diff"], dining["diff"]
assert steady["band"]["after"] is True and steady["expectations"]["after"] is True, steady
assert steady["fresh"] == {"before": True, "after": True}, steady["fresh"]
assert steady["tokens"]["input"]["after"] == 610 and steady["tokens"]["output"]["after"] == 290, steady["tokens"]
assert steady["tokens"]["output"]["change"] == 290 - steady["tokens"]["output"]["before"], steady["tokens"]
assert steady["usd"]["after"] == 0.0071 and steady["usd"]["before"] > 0, steady["usd"]
assert abs(steady["usd"]["change"] - (0.0071 - steady["usd"]["before"])) < 1e-12, steady["usd"]
assert steady["completion_changed"] is True, steady
PY
expect_files_unchanged "review --list --json"

# Without a terminal and without an action: the text listing, uncoloured.
run list_text "$REPRISE_CLI" --eval-root eval review
expect_rc 0
expect_text out "coach_narrative/$DINING  $DIR/$DINING.yaml"
expect_line out "  verdict       watch -> off_track"
expect_line out "  band          holds -> FAILS"
# The accepted cost is priced from the bundled sidecar's (estimated) usage; the JSON listing says what it is.
DINING_COST=$(python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))[0]["usd"]; c=u["change"]; print("${:.6f} -> ${:.6f} ({}${:.6f})".format(u["before"], u["after"], "-" if c < 0 else "+", abs(c)))' "$WORK/list_json.out")
[[ $DINING_COST == *" -> \$0.007100 "* ]] || fail "dining's candidate cost should be the recorded 0.0071, the listing says: $DINING_COST"
expect_line out "  cost          $DINING_COST"
expect_line out "--- $DIR/$STEADY.completion.txt"
expect_line out "+++ $DIR/$STEADY.completion.candidate.txt"
expect_line out "2 pending candidate(s): \`reprise review --accept <case>\` or \`--reject <case>\`, or run it on a terminal"
grep -q $'\x1b' "$WORK/list_text.out" && expect_fail "colour in output that is not a terminal"
expect_files_unchanged "review (listing)"

# Usage errors and unknown names change nothing.
run both_all "$REPRISE_CLI" --eval-root eval review --accept-all --reject-all
expect_rc 2
expect_text err "--accept-all and --reject-all exclude each other"
run list_and_act "$REPRISE_CLI" --eval-root eval review --list --accept $STEADY
expect_rc 2
run bad_flag "$REPRISE_CLI" --eval-root eval review --accept-everything
expect_rc 2
run unknown "$REPRISE_CLI" --eval-root eval review --accept $STEADY --accept no-such-case
expect_rc 1
expect_text err "reprise review: no loadable case is named 'no-such-case'"
expect_files_unchanged "refused review commands"

# ---- scripted: accept one, reject the other
run scripted "$REPRISE_CLI" --eval-root eval review --accept $STEADY --reject coach_narrative/$DINING
expect_rc 0
expect_line out "accepted  coach_narrative/$STEADY: 1 call(s) accepted"
expect_line out "rejected  coach_narrative/$DINING: 2 candidate file(s) deleted"
expect_line out "1 accepted, 1 rejected, 0 failed, 0 still pending"
[[ $(sha256sum <"$DIR/$STEADY.completion.txt") == "$STEADY_PROPOSAL" ]] || fail "--accept did not move the candidate completion into place"
[[ $(sha256sum <"$DIR/$STEADY.fixture.json") == "$STEADY_CANDIDATE_SIDECAR" ]] || fail "--accept did not move the candidate sidecar into place"
[[ $(sha256sum <"$DIR/$DINING.completion.txt") == "$DINING_COMPLETION" ]] || fail "--reject changed the accepted completion"
[[ $(sha256sum <"$DIR/$DINING.fixture.json") == "$DINING_SIDECAR" ]] || fail "--reject changed the accepted sidecar"
leftover=$(find eval -name '*.candidate.*' -o -name '.*.tmp.*')
[[ -z $leftover ]] || fail "candidate or temporary files left: $leftover"
cmp -s "$DIR/$STEADY.yaml" "$SOURCE_DIR/$DIR/$STEADY.yaml" || fail "review changed a case file"

run replay_after_accept "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_totals 2 0

run nothing_left "$REPRISE_CLI" --eval-root eval review --accept $STEADY
expect_rc 1
expect_line out "FAILED    $STEADY: no candidate to accept"

# ---- --accept-all
propose $STEADY 's/Nothing ran over\./Nothing went over./'
propose $DINING 's/three quarters/three-quarters/'
STEADY_PROPOSAL=$(sha256sum <"$DIR/$STEADY.completion.candidate.txt")
DINING_PROPOSAL=$(sha256sum <"$DIR/$DINING.completion.candidate.txt")
run accept_all "$REPRISE_CLI" --eval-root eval review --accept-all
expect_rc 0
expect_line out "2 accepted, 0 rejected, 0 failed, 0 still pending"
[[ $(sha256sum <"$DIR/$STEADY.completion.txt") == "$STEADY_PROPOSAL" ]] || fail "--accept-all did not accept $STEADY"
[[ $(sha256sum <"$DIR/$DINING.completion.txt") == "$DINING_PROPOSAL" ]] || fail "--accept-all did not accept $DINING"
[[ -z $(find eval -name '*.candidate.*') ]] || fail "--accept-all left candidate files"
run replay_after_accept_all "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_totals 2 0

# ---- an accept interrupted after its first rename is seen, and finished
propose $STEADY 's/Steady weeks like this one/Weeks like this one/'
STEADY_CANDIDATE_SIDECAR=$(sha256sum <"$DIR/$STEADY.candidate.json")
mv "$DIR/$STEADY.completion.candidate.txt" "$DIR/$STEADY.completion.txt"  # the first rename, then a crash
run interrupted_list "$REPRISE_CLI" --eval-root eval review --list
expect_rc 0
expect_text out "INTERRUPTED ACCEPT: the completion is in place, its sidecar is not yet"
run interrupted_finish "$REPRISE_CLI" --eval-root eval review --accept $STEADY
expect_rc 0
expect_text out "accepted  coach_narrative/$STEADY: finished an interrupted accept"
[[ $(sha256sum <"$DIR/$STEADY.fixture.json") == "$STEADY_CANDIDATE_SIDECAR" ]] || fail "the interrupted accept was not finished"
[[ -z $(find eval -name '*.candidate.*') ]] || fail "finishing the accept left candidate files"

# ---- interactive, on a pseudo-terminal: NO_COLOR, then a (dining) and r (steady)
propose $STEADY 's/a strong week/a solid week/'
propose $DINING 's/three-quarters/three quarters/'
STEADY_COMPLETION=$(sha256sum <"$DIR/$STEADY.completion.txt")
DINING_PROPOSAL=$(sha256sum <"$DIR/$DINING.completion.candidate.txt")
checksums eval >"$WORK/before.sums"
NO_COLOR=1 run pty_quit python3 "$WORK/pty_review.py" "q" "$REPRISE_CLI" --eval-root eval review
expect_rc 0
expect_text out "[a]ccept [r]eject [s]kip [A]ccept all [R]eject all [q]uit: "
expect_text out "0 accepted, 0 rejected, 0 failed, 2 still pending"
grep -q $'\x1b\\[' "$WORK/pty_quit.out" && expect_fail "colour on a terminal although NO_COLOR is set"
expect_files_unchanged "an interactive review that quit at once"

run pty_answers python3 "$WORK/pty_review.py" "a,r" "$REPRISE_CLI" --eval-root eval review
expect_rc 0
expect_text out "accepted  coach_narrative/$DINING: 1 call(s) accepted"
expect_text out "rejected  coach_narrative/$STEADY: 2 candidate file(s) deleted"
expect_text out "1 accepted, 1 rejected, 0 failed, 0 still pending"
grep -qF $'\x1b[32m+' "$WORK/pty_answers.out" || expect_fail "no coloured diff on a terminal"
[[ $(sha256sum <"$DIR/$DINING.completion.txt") == "$DINING_PROPOSAL" ]] || fail "answering a did not accept $DINING"
[[ $(sha256sum <"$DIR/$STEADY.completion.txt") == "$STEADY_COMPLETION" ]] || fail "answering r changed the accepted $STEADY"
[[ -z $(find eval -name '*.candidate.*') ]] || fail "the interactive review left candidate files"
run replay_after_interactive "$REPRISE_EVAL" --eval-root eval --stale=fail
expect_rc 0
expect_totals 2 0

# ---- orphans: a candidate whose case is gone fails the check; listing alone does not
echo "an answer for a deleted case" >"$DIR/deleted-case.completion.candidate.txt"
run orphans_fail "$REPRISE_CLI" --eval-root eval orphans --fail
expect_rc 1
expect_line out "candidate completion without a case: $DIR/deleted-case.completion.candidate.txt"
expect_line out "1 orphan(s)"
run orphans_list "$REPRISE_CLI" --eval-root eval orphans
expect_rc 0
expect_line out "1 orphan(s)"
rm "$DIR/deleted-case.completion.candidate.txt"
run orphans_clean "$REPRISE_CLI" --eval-root eval orphans --fail
expect_rc 0
expect_line out "no orphans"
echo "ok: $TEST_NAME"
