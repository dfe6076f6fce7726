#!/usr/bin/env bash
# reprise-eval over a copy of the bad-case corpus (fixtures/bad_cases/README.md):
# every broken file is reported with its one error (file:line:col, the line
# and a caret; "did you mean" for the misspelt key), the valid case still
# loads and passes, the run fails with exit code 1 instead of crashing, and
# no file of the corpus is changed or added.
source "$(dirname "$0")/lib.sh"

cp -R "$SOURCE_DIR/fixtures/bad_cases/eval" "$WORK/eval"
cd "$WORK"
checksums eval >"$WORK/before.sha"

C=eval/coach_narrative/cases
# file, line, col, message, exact|prefix: one row per broken file of the README's table.
expected_errors=(
  "$C/unclosed-quote.yaml|37|25|YAML syntax error: |prefix"
  "$C/bad-indent.yaml|11|4|YAML syntax error: |prefix"
  "$C/tags-not-a-list.yaml|5|7|'tags' must be a list of names, not a scalar|exact"
  "$C/expect-is-a-list.yaml|24|9|'expect' must be a mapping with verdict, assert and/or request, not a list|exact"
  "$C/misspelt-expect.yaml|24|1|unknown key 'expcet' (did you mean 'expect'?)|exact"
  "$C/id-mismatch.yaml|1|5|'id' is 'steady-week' but the file is named 'id-mismatch.yaml': they must match|exact"
  "eval/committee_narrator/cases/filed-in-wrong-folder.yaml|2|8|'agent' is 'coach_narrative' but the case is in eval/committee_narrator/cases/: they must match|exact"
  "eval/no_such_agent/cases/orphan-case.yaml|2|8|unknown agent 'no_such_agent'|exact"
  "$C/missing-completion.completion.txt|0|0|missing completion file (|prefix"
  "$C/empty-completion.completion.txt|0|0|completion file is empty|exact"
  "$C/truncated-fixture.fixture.json|9|50|fixture sidecar is not valid JSON: |prefix"
  "$C/savings-rate-not-a-number.yaml|12|5|input/metrics/savings_rate: 'savings_rate' must be a number, not a string|exact"
  "eval/committee_narrator/cases/same-id.yaml|1|5|duplicate case id 'same-id': already used by eval/coach_narrative/cases/same-id.yaml|exact"
  "eval/coach_narrative/stray.yaml|0|0|case file outside eval/<agent>/cases/: cases must be at eval/<agent>/cases/<case-id>.yaml|exact"
)
# Files of the README's table that must load (their cases run).
loading=("$C/valid-steady-week.yaml" "$C/no-status-line.yaml" "$C/same-id.yaml")

# The README is the contract: every case file it lists is checked here.
covered=" ${loading[*]} "
for row in "${expected_errors[@]}"; do
  file=${row%%|*}
  covered+=" ${file%%.completion.txt} ${file%%.fixture.json} "
done
while IFS= read -r listed; do
  yaml="eval/${listed#eval/}"
  stem=${yaml%.yaml}
  [[ $covered == *" $yaml "* || $covered == *" $stem "* ]] ||
    fail "fixtures/bad_cases/README.md lists $listed, but this test does not check it"
done < <(grep -o '`eval/[^`]*\.yaml`' "$SOURCE_DIR/fixtures/bad_cases/README.md" | tr -d '`' | sort -u)

# ---- the whole corpus, console reporter
run corpus "$REPRISE_EVAL" --eval-root eval
expect_rc 1
expect_line err "reprise: ${#expected_errors[@]} problem(s) in ${#expected_errors[@]} case file(s); the other cases still run:"
for row in "${expected_errors[@]}"; do
  IFS='|' read -r file line col message mode <<<"$row"
  expect_error "$file" "$line" "$col" "$message" "$mode"
done
expect_no_text all "missing required key 'expect'"  # the misspelling is reported once, not also as missing
expect_no_text err "empty-completion.completion.txt: completion declares"  # no parse error on top of "empty"
# no-status-line loads, then fails at replay as a test, not as a load error.
expect_no_text err "no-status-line"
expect_text out "the coach_narrative agent failed (parse): the narrative does not end with"
expect_totals 2 15

# ---- the same run as JUnit: the valid cases pass, every other case fails
run junit "$REPRISE_EVAL" --eval-root eval -r junit -o "$WORK/corpus.xml"
expect_rc 1
junit_cases "$WORK/corpus.xml" | sort >"$WORK/cases.txt"
cat >"$WORK/expected-cases.txt" <<'EOF'
coach_narrative/bad-indent fail
coach_narrative/empty-completion fail
coach_narrative/expect-is-a-list fail
coach_narrative/id-mismatch fail
coach_narrative/missing-completion fail
coach_narrative/misspelt-expect fail
coach_narrative/no-status-line fail
coach_narrative/same-id pass
coach_narrative/savings-rate-not-a-number fail
coach_narrative/tags-not-a-list fail
coach_narrative/truncated-fixture fail
coach_narrative/unclosed-quote fail
coach_narrative/valid-steady-week pass
committee_narrator/filed-in-wrong-folder fail
committee_narrator/same-id fail
invalid/coach_narrative/stray.yaml fail
no_such_agent/orphan-case fail
EOF
LC_ALL=C sort -o "$WORK/expected-cases.txt" "$WORK/expected-cases.txt"
LC_ALL=C sort -o "$WORK/cases.txt" "$WORK/cases.txt"
diff -u "$WORK/expected-cases.txt" "$WORK/cases.txt" >&2 || fail "JUnit test cases differ from the expected pass/fail list (- expected, + actual)"

# ---- the valid case alone: a green run, even with the broken files beside it
run valid "$REPRISE_EVAL" --eval-root eval --stale=fail coach_narrative/valid-steady-week
expect_rc 0
expect_text out "All tests passed"

# ---- nothing in the corpus was written, changed or added
checksums eval >"$WORK/after.sha"
diff -u "$WORK/before.sha" "$WORK/after.sha" >&2 || fail "the run changed files of the corpus (- before, + after)"
echo "ok: $TEST_NAME"
