# Sourced by every end-to-end test. Usage of a test:
#   bash tests/e2e/<name>.sh <reprise-eval> <reprise> <source-dir> [<reprise-fake-api>]
#
# Gives the test: the arguments as REPRISE_EVAL, REPRISE_CLI, SOURCE_DIR and
# REPRISE_FAKE_API (the loopback fake API server; empty when not given, ctest
# gives it to every test); a hermetic environment (no CI, no colour settings,
# a private parsed-case cache); a private folder WORK, removed on exit; and
# helpers that run a command, keep its output, and on a failed expectation
# print what was expected next to what the command actually printed.
set -euo pipefail

if [[ $# -ne 3 && $# -ne 4 ]]; then
  echo "usage: $0 <reprise-eval> <reprise> <source-dir> [<reprise-fake-api>]" >&2
  exit 2
fi
# Absolute, as the tests change folder.
REPRISE_EVAL=$(realpath "$1")
REPRISE_CLI=$(realpath "$2")
SOURCE_DIR=$(realpath "$3")
REPRISE_FAKE_API=${4:+$(realpath "$4")}
TEST_NAME=$(basename "$0" .sh)

# Hermetic: CI changes the stale default, the colour variables change the
# output, and a shared cache would let one run see another's files.
unset CI NO_COLOR CLICOLOR_FORCE TERM XDG_CACHE_HOME
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reprise-e2e-$TEST_NAME.XXXXXX")
trap 'stop_servers; rm -rf "$WORK"' EXIT
export REPRISE_CACHE_DIR="$WORK/cache"

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  exit 1
}

# run <label> <command...>: runs the command, keeping stdout in $WORK/<label>.out,
# stderr in $WORK/<label>.err and the exit code in RC. Never stops the script.
run() {
  LAST=$1
  shift
  RUN_COMMAND="$*"
  set +e
  "$@" >"$WORK/$LAST.out" 2>"$WORK/$LAST.err"
  RC=$?
  set -e
  if [[ $RC -ge 128 ]]; then
    show_output
    fail "$LAST: the command died with exit code $RC (a signal: crash or abort): $RUN_COMMAND"
  fi
}

show_output() {
  {
    echo "----- command: $RUN_COMMAND"
    echo "----- exit code: $RC"
    echo "----- stdout:"
    cat "$WORK/$LAST.out"
    echo "----- stderr:"
    cat "$WORK/$LAST.err"
    echo "-----"
  } >&2
}

# expect_fail <message>: prints the last run's output, then fails.
expect_fail() {
  show_output
  fail "$LAST: $*"
}

expect_rc() {
  [[ $RC -eq $1 ]] || expect_fail "expected exit code $1, got $RC"
}

# stream_files <out|err|all>: the file(s) of the last run to search.
stream_files() {
  case $1 in
    out) echo "$WORK/$LAST.out" ;;
    err) echo "$WORK/$LAST.err" ;;
    all) echo "$WORK/$LAST.out $WORK/$LAST.err" ;;
    *) fail "stream must be out, err or all, not '$1'" ;;
  esac
}

# expect_text <out|err|all> <text>: the fixed text occurs in the stream.
expect_text() {
  # shellcheck disable=SC2046
  grep -qF -- "$2" $(stream_files "$1") || expect_fail "expected $1 to contain: $2"
}

# expect_no_text <out|err|all> <text>: the fixed text does not occur.
expect_no_text() {
  # shellcheck disable=SC2046
  if grep -qF -- "$2" $(stream_files "$1"); then expect_fail "expected $1 NOT to contain: $2"; fi
}

# expect_line <out|err|all> <line>: a whole line equals the text.
expect_line() {
  # shellcheck disable=SC2046
  grep -qxF -- "$2" $(stream_files "$1") || expect_fail "expected $1 to hold the line: $2"
}

# expect_regex <out|err|all> <extended regex>: some line matches.
expect_regex() {
  # shellcheck disable=SC2046
  grep -qE -- "$2" $(stream_files "$1") || expect_fail "expected $1 to match the regex: $2"
}

# expect_totals <passed> <failed>: Catch2's console totals of the last run.
expect_totals() {
  if [[ $2 -eq 0 ]]; then
    expect_regex out "^All tests passed \\([0-9]+ assertions? in $1 test cases?\\)\$"
  else
    expect_regex out "^test cases: +$(($1 + $2)) \\| +$1 passed \\| +$2 failed\$"
  fi
}

# expect_error <file> <line> <col> <message> [prefix]: the stderr of the last
# run holds exactly one load error rendered as "file:line:col: message" (or
# "file: message" for line 0), followed, for a positioned error in a YAML
# file, by the offending line of `file` (read from the working folder) and a
# caret under the column. With "prefix", the message only has to start so.
expect_error() {
  local file=$1 line=$2 col=$3 message=$4 mode=${5:-exact}
  local head
  if [[ $line -eq 0 ]]; then head="$file: $message"; else head="$file:$line:$col: $message"; fi
  local err="$WORK/$LAST.err" found=0 at=0 n=0 text
  while IFS= read -r text; do
    n=$((n + 1))
    if [[ $text == "$head" || ($mode == prefix && $text == "$head"*) ]]; then
      found=$((found + 1))
      at=$n
    fi
  done <"$err"
  [[ $found -eq 1 ]] || expect_fail "expected exactly one error line $( [[ $mode == prefix ]] && echo 'starting with' || echo 'equal to'): $head (found $found)"
  if [[ $line -gt 0 && $file == *.yaml ]]; then
    local source gutter caret
    source=$(sed -n "${line}p" "$file")
    gutter=$(printf '%5d | %s' "$line" "$source")
    caret=$(printf '%5s | %*s^' '' "$((col - 1))" '')
    [[ $(sed -n "$((at + 1))p" "$err") == "$gutter" ]] || expect_fail "expected after '$head' the source line: $gutter"
    [[ $(sed -n "$((at + 2))p" "$err") == "$caret" ]] || expect_fail "expected under it the caret line: $caret"
  fi
  return 0
}

# sha256 of every file under a folder, by relative path: compare two listings
# to prove a run changed, added or removed nothing.
checksums() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# junit_cases <file.xml>: checks the file is well-formed XML and prints one
# line per <testcase>: "<name> pass" or "<name> fail".
junit_cases() {
  if command -v python3 >/dev/null; then
    python3 - "$1" <<'PY' || fail "$1 is not well-formed JUnit XML"
import sys, xml.dom.minidom
document = xml.dom.minidom.parse(sys.argv[1])
for case in document.getElementsByTagName("testcase"):
    broken = case.getElementsByTagName("failure") or case.getElementsByTagName("error")
    print(case.getAttribute("name"), "fail" if broken else "pass")
PY
    return
  fi
  if command -v xmllint >/dev/null; then
    xmllint --noout "$1" || fail "$1 is not well-formed XML"
  else
    grep -q '</testsuites>' "$1" || fail "$1 is not complete JUnit XML (no </testsuites>)"
  fi
  # Catch2's JUnit writer puts each <testcase ...> and <failure on lines of their own.
  awk '
    /<testcase / { match($0, / name="[^"]*"/); name = substr($0, RSTART + 7, RLENGTH - 8)
                   if ($0 ~ /\/>[[:space:]]*$/) print name, "pass"; else { open = 1; failed = 0 } next }
    open && /<(failure|error)[ >]/ { failed = 1 }
    open && /<\/testcase>/ { print name, (failed ? "fail" : "pass"); open = 0 }
  ' "$1"
}

# The loopback fake API (reprise-fake-api), for tests of live runs. Every
# server started here is stopped when the test exits.
SERVER_PIDS=()
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}

# start_server <name> <flags...>: starts the fake on a port the kernel picks,
# with a stats file and a request log (<name>.stats, <name>.log) in
# SERVER_FILES (default WORK), and waits for its port file. Sets PORT and PID.
start_server() {
  local name=$1 dir=${SERVER_FILES:-$WORK}
  shift
  "$REPRISE_FAKE_API" --port 0 --port-file "$dir/$name.port" --stats-file "$dir/$name.stats" \
    --request-log "$dir/$name.log" "$@" >"$dir/$name.server.out" 2>"$dir/$name.server.err" &
  PID=$!
  SERVER_PIDS+=("$PID")
  local tries
  for ((tries = 0; tries < 600; tries++)); do
    [[ -s $dir/$name.port ]] && break
    kill -0 "$PID" 2>/dev/null || { cat "$dir/$name.server.err" >&2; fail "$name: the server exited before writing its port file"; }
    sleep 0.1
  done
  [[ -s $dir/$name.port ]] || fail "$name: no port file after 60 s"
  PORT=$(<"$dir/$name.port")
  [[ $PORT =~ ^[0-9]+$ && $PORT -gt 0 ]] || fail "$name: the port file holds '$PORT', not a port"
}

# stop_server <pid>: SIGTERM, and the server must exit 0.
stop_server() {
  kill -TERM "$1"
  local rc=0
  wait "$1" || rc=$?
  local kept=() pid
  for pid in "${SERVER_PIDS[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  SERVER_PIDS=("${kept[@]}")
  [[ $rc -eq 0 ]] || fail "the server exited with $rc after SIGTERM, expected 0"
}

