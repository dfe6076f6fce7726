#!/usr/bin/env python3
"""Writes a large call log for bench/capture.sh: about one line in ten an
llm_call record, written as whole agent invocations (non-prod records
copied from fixtures/capture/plain.log with a fresh invocation id and time;
a chain's calls one after the other), one in a thousand a malformed llm_call
line, the rest ordinary application lines. A block of about
BLOCK_MB is generated once and repeated up to the size asked for, so the
generator is not the benchmark's slow part.

usage: make_capture_log.py <out> <size in MB>
"""
import json, random, sys

out_path, size_mb = sys.argv[1], int(sys.argv[2])
BLOCK_MB = 16
random.seed(20261122)
invocations = {}
for line in open("fixtures/capture/plain.log"):
    if line.startswith('{"event"') and line.rstrip().endswith("}"):
        record = json.loads(line)
        invocations.setdefault(record["invocation_id"], []).append(record)
invocations = list(invocations.values())
ordinary = [
    '{ts} INFO  http: GET /v1/accounts/{n} 200 {ms}ms',
    '{ts} INFO  http: POST /v1/agents/finance_chat 200 {ms}ms user=u_{n}',
    '{ts} DEBUG cache: hit key=budget:{n} age={ms}s',
    '{ts} WARN  db: slow query {ms}ms: SELECT * FROM transactions WHERE user_id = {n} ORDER BY date DESC LIMIT 200',
    '{{"ts":"{ts}","level":"info","msg":"job finished","job":"sync-{n}","duration_ms":{ms}}}',
    '{ts} INFO  coach: weekly narrative requested user=u_{n} week=2026-W47',
]
lines, size, n = [], 0, 0
while size < BLOCK_MB * 1024 * 1024:
    n += 1
    ts = "2026-11-%02dT%02d:%02d:%02d.%03dZ" % (1 + n % 28, n % 24, n % 60, (n * 7) % 60, n % 1000)
    if n % 1000 == 0:
        line = '{"event":"llm_call","schema":"reprise.llm_call/1","timestamp":"%s","agent":"coach_narr' % ts
    elif n % 17 == 0:  # invocations average 1.7 calls: about 10% of lines are llm_call records
        # A whole invocation (a chain's calls one after the other), as one agent run logs it.
        invocation_id = "inv_%016x" % random.getrandbits(64)
        calls = []
        for record in random.choice(invocations):
            record = dict(record, invocation_id=invocation_id, timestamp=ts)
            calls.append(json.dumps(record, separators=(",", ":"), ensure_ascii=False))
        line = "\n".join(calls)
    else:
        line = random.choice(ordinary).format(ts=ts, n=random.randint(1, 99999), ms=random.randint(1, 900))
    lines.append(line)
    size += len(line) + 1
block = ("\n".join(lines) + "\n").encode()
with open(out_path, "wb") as out:
    written, copy = 0, 0
    while written < size_mb * 1024 * 1024:
        # Each copy of the block gets its own invocation ids (same length), so
        # every invocation of the log is a distinct one to group.
        out.write(block.replace(b'"invocation_id":"inv_', b'"invocation_id":"%03x_' % (copy % 4096)))
        written += len(block)
        copy += 1
