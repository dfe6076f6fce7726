#!/usr/bin/env bash
# Hostile files through the real binaries (issue 6's corpus, made here so no
# 50 MB file is committed): an alias bomb, nesting 100,000 deep, a 50 MB
# line, invalid UTF-8, a NUL byte, a case file linked from outside eval/, an
# id with ../, names that differ only in case, a completion that is a
# folder, unreadable case files, completions, sidecars and folders, and a
# file size limit hit while a live run writes candidates.
# Each: one clear error naming the file, in bounded time and memory; the
# valid case beside them still passes; no accepted file changes.
source "$(dirname "$0")/lib.sh"

[[ -n $REPRISE_FAKE_API ]] || fail "needs the reprise-fake-api binary as its 4th argument"
PYTHON=$(command -v /usr/bin/python3 || command -v python3) || fail "needs python3 to write the hostile files"

C=eval/coach_narrative/cases
VALID=steady-week-on-track
mkdir -p "$WORK/$C"
cp "$SOURCE_DIR/$C/$VALID".{yaml,completion.txt,fixture.json} "$WORK/$C/"
cd "$WORK"

# hostile <id>: a copy of the valid case's completion beside the case file <id>.yaml
# written by the caller, so each case reaches the check it is about.
with_completion() { cp "$C/$VALID.completion.txt" "$C/$1.completion.txt"; }

"$PYTHON" - "$C" <<'PY'
import sys
c = sys.argv[1]
head = "agent: coach_narrative\ndescription: hostile\n"
def write(name, text, mode="w"):
    with open(f"{c}/{name}.yaml", mode) as f:
        f.write(text)
# Ten levels of nine aliases each: 3.4 billion values once expanded.
bomb = [f"id: alias-bomb\n{head}input:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
for i in range(1, 10):
    bomb.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]\n")
bomb.append("expect: {verdict: {labels: [on_track]}}\n")
write("alias-bomb", "".join(bomb))
write("deep-nesting", f"id: deep-nesting\n{head}input: " + "[" * 100000 + "]" * 100000 + "\n")
write("huge-line", f"id: huge-line\n{head}input: {{user: {{first_name: '" + "x" * 50_000_000 + "'}}\n")
with open(f"{c}/nul-byte.yaml", "wb") as f:
    f.write(b"id: nul-byte\nagent: coach_narrative\ndescription: a\x00b\n")
PY
for id in alias-bomb deep-nesting huge-line bad-utf8 nul-byte; do with_completion "$id"; done
printf 'id: bad-utf8\nagent: coach_narrative\ndescription: "caf\xc3\x28 \xff\xfe"\n' >"$C/bad-utf8.yaml"

mkdir -p "$WORK/outside"
cp "$C/$VALID.yaml" "$WORK/outside/linked-out.yaml"
sed -i 's/^id: .*/id: linked-out/' "$WORK/outside/linked-out.yaml"
ln -s "$WORK/outside/linked-out.yaml" "$C/linked-out.yaml"
with_completion linked-out
sed "s|^id: .*|id: ../../escape|" "$C/$VALID.yaml" >"$C/dot-dot.yaml"
with_completion dot-dot
sed "s|^id: .*|id: steady-week-on-track|" "$C/$VALID.yaml" >"$C/Steady-Week-On-Track.yaml"
sed "s|^id: .*|id: folder-completion|" "$C/$VALID.yaml" >"$C/folder-completion.yaml"
mkdir "$C/folder-completion.completion.txt"

BEFORE=$(checksums eval)
[[ -x /usr/bin/time ]] || fail "needs GNU time (/usr/bin/time, tools/setup installs it) to bound memory"
run hostile timeout 120 /usr/bin/time -f 'peak-rss-kb %M' "$REPRISE_EVAL" --eval-root eval --no-cache
[[ $RC -ne 124 ]] || expect_fail "the run did not finish within 120 s"
expect_rc 1
RSS_KB=$(grep -oE '^peak-rss-kb [0-9]+' "$WORK/hostile.err" | grep -oE '[0-9]+$')
LIMIT_KB=1048576
# The sanitizer build (its test preset sets ASAN_OPTIONS) keeps shadow memory and redzones: about 3x.
[[ -z ${ASAN_OPTIONS:-} ]] || LIMIT_KB=$((3 * LIMIT_KB))
[[ $RSS_KB -lt $LIMIT_KB ]] || expect_fail "peak RSS ${RSS_KB} KB (limit ${LIMIT_KB} KB): the hostile files must not cost a gigabyte"
expect_text err "$C/alias-bomb.yaml:5:3: 'input': more than 100000 values once aliases are expanded"
expect_regex err "^$C/deep-nesting.yaml:[0-9]+:[0-9]+: "
expect_regex err "^$C/huge-line.yaml:[0-9]+:[0-9]+: "
expect_regex err "^$C/bad-utf8.yaml:[0-9]+:[0-9]+: "
expect_regex err "^$C/nul-byte.yaml:[0-9]+:[0-9]+: "
expect_text err "$C/linked-out.yaml: the case file is a link to outside the eval folder; refusing to read it"
expect_text err "$C/dot-dot.yaml:1:5: 'id' must be lowercase letters, digits, '-' or '_' (at most 100), got '../../escape'"
expect_text err "$C/Steady-Week-On-Track.yaml:1:5: 'id' is 'steady-week-on-track' but the file is named 'Steady-Week-On-Track.yaml'"
expect_text err "$C/folder-completion.completion.txt: cannot read the completion file (is a directory, not a file)"
expect_totals 1 9
[[ "$(checksums eval)" == "$BEFORE" ]] || fail "reading hostile files changed a file under eval/"
[[ ! -e ../escape.yaml && ! -e ../../escape.yaml ]] || fail "a path escaped the eval folder"

# Unreadable files and folders. Root reads everything, so as root the
# binaries run as nobody (setpriv); the cases folder is writable by them, so
# a stamp that took an unreadable sidecar for a missing one would replace it.
AS_USER=()
if [[ $(id -u) -eq 0 ]]; then
  command -v setpriv >/dev/null || fail "needs setpriv (util-linux) to run as a user permissions apply to"
  AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
U=$WORK/unreadable
mkdir -p "$U/$C" "$U/eval/finance_chat/cases"
for id in $VALID unreadable-case unreadable-completion unreadable-sidecar; do
  sed "s|^id: .*|id: $id|" "$C/$VALID.yaml" >"$U/$C/$id.yaml"
  cp "$C/$VALID.completion.txt" "$U/$C/$id.completion.txt"
  cp "$C/$VALID.fixture.json" "$U/$C/$id.fixture.json"
done
cp "$SOURCE_DIR"/eval/finance_chat/cases/* "$U/eval/finance_chat/cases/"
chmod 755 "$WORK" "$U"
chmod 777 "$U/$C"
chmod 000 "$U/$C/unreadable-case.yaml" "$U/$C/unreadable-completion.completion.txt" "$U/$C/unreadable-sidecar.fixture.json" \
  "$U/eval/finance_chat/cases"
BEFORE=$(checksums "$U")
cd "$U"
run unreadable "${AS_USER[@]}" "$REPRISE_EVAL" --eval-root eval --no-cache
expect_rc 1
expect_text err "$C/unreadable-case.yaml: cannot read the case file: cannot open: Permission denied"
expect_text err "$C/unreadable-completion.completion.txt: cannot read the completion file (cannot open: Permission denied)"
expect_text err "$C/unreadable-sidecar.fixture.json: cannot read the fixture sidecar (cannot open: Permission denied)"
expect_text err "eval/finance_chat/cases: cannot read the folder (Permission denied): its cases cannot run"
expect_totals 1 4
run unreadable_stamp "${AS_USER[@]}" "$REPRISE_CLI" --eval-root eval stamp
expect_rc 1
expect_text err "$C/unreadable-sidecar.fixture.json: cannot read the fixture sidecar (cannot open: Permission denied)"
expect_line out "0 sidecar(s) written, 0 refused"
cd "$WORK"
chmod 755 "$U/eval/finance_chat/cases"
chmod 644 "$U/$C"/*
[[ "$(checksums "$U")" == "$BEFORE" ]] || fail "unreadable files were replaced or changed"

# A file size limit while a live run writes candidates: each write fails with
# the path, no half file is left, the accepted files are untouched.
rm -rf "$C"/{alias-bomb,deep-nesting,huge-line,bad-utf8,nul-byte,linked-out,dot-dot,folder-completion,Steady-Week-On-Track}.* 
cp "$SOURCE_DIR"/eval/coach_narrative/cases/*.{yaml,completion.txt,fixture.json} "$C/"
BEFORE=$(checksums eval)
start_server limit --eval-root eval
# The limit applies inside the subshell only; cat writes the output outside it.
set +e
(ulimit -f 2 && exec env EVAL_LIVE_EXECUTE=1 ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" \
  ANTHROPIC_API_KEY=sk-ant-api03-hostile-test-key-000000000000000000 \
  "$REPRISE_EVAL" --eval-root eval --live -j 2) 2>&1 | cat >"$WORK/limit.out"
RC=${PIPESTATUS[0]}
set -e
LAST=limit
cp "$WORK/limit.out" "$WORK/limit.err"
RUN_COMMAND="ulimit -f 2; reprise-eval --live"
[[ $RC -eq 1 ]] || expect_fail "expected exit code 1 (candidates not written), got $RC: a signal means SIGXFSZ was not handled"
expect_text out "the candidate could not be written: "
expect_text out "File too large"
[[ -z $(find eval -name '*.candidate.json' -o -name '.*.tmp.*') ]] || fail "a half candidate or a temporary is left: $(find eval -name '*.candidate.*' -o -name '.*.tmp.*')"
# A completion whose sidecar could not be written is taken back; one small enough for both stays whole.
while IFS= read -r -d '' file; do
  [[ -e ${file%.completion.candidate.txt}.candidate.json ]] || fail "$file was left without its sidecar"
done < <(find eval -name '*.completion.candidate.txt' -print0)
[[ "$(checksums eval | grep -v candidate)" == "$(echo "$BEFORE" | grep -v candidate)" ]] || fail "the size limit changed an accepted file"
echo "hostile_inputs: ok"
