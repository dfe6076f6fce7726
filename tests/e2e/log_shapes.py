#!/usr/bin/env python3
"""Rewrites a plain call log (one line per llm_call record, as the shared
client writes it, ordinary lines in between) into the shapes the same lines
take in AWS: the test's way to get "the same log in the Lambda and
CloudWatch shapes" without an AWS account. The shapes are modelled on AWS's
documentation (see fixtures/capture/SOURCE.md); no AWS tool is involved.

usage: log_shapes.py <shape> <plain.log> > out
shapes: lambda-node, lambda-python, json-log, filter-log-events,
        get-log-events, subscription
"""
import base64, gzip, hashlib, json, sys, uuid

EPOCH_MS = 1795000000000  # a fixed time, so outputs are reproducible


def lambda_request_id(line):
    # One Lambda invocation per agent invocation: the record's invocation id, hashed into a UUID.
    try:
        key = json.loads(line).get("invocation_id") or line
    except ValueError:
        key = line
    return str(uuid.UUID(hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]))


def text(line):
    # For the JSON-wrapped shapes: bytes that are not UTF-8 become U+FFFD, as
    # CloudWatch stores a message (JSON cannot carry them).
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def iso(n):
    seconds, millis = divmod(EPOCH_MS + n * 7, 1000)
    import datetime
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % millis


def main():
    shape, path = sys.argv[1], sys.argv[2]
    lines = [line.rstrip("\n") for line in open(path, encoding="utf-8", errors="surrogateescape")]
    sys.stdout.reconfigure(errors="surrogateescape")
    out = sys.stdout
    if shape == "lambda-node":
        for n, line in enumerate(lines):
            out.write("%s\t%s\tINFO\t%s\n" % (iso(n), lambda_request_id(line), line))
    elif shape == "lambda-python":
        out.write("START RequestId: 00000000-0000-0000-0000-000000000000 Version: $LATEST\n")
        for n, line in enumerate(lines):
            out.write("[INFO]\t%s\t%s\t%s\n" % (iso(n), lambda_request_id(line), line))
        out.write("END RequestId: 00000000-0000-0000-0000-000000000000\n")
    elif shape == "json-log":
        for n, line in enumerate(lines):
            out.write(json.dumps({"timestamp": iso(n), "level": "INFO", "requestId": lambda_request_id(line),
                                  "message": text(line)}) + "\n")
    elif shape in ("filter-log-events", "get-log-events"):
        events = []
        for n, line in enumerate(lines):
            event = {"timestamp": EPOCH_MS + n * 7, "message": text(line) + "\n", "ingestionTime": EPOCH_MS + n * 7 + 250}
            if shape == "filter-log-events":
                event = {"logStreamName": "2026/11/22/[$LATEST]4f1c2ab7d9e04c0b8a7e5d3c2b1a0f9e", **event,
                         "eventId": "%056d" % (37000000000000000000000000000000000000000000000000000000 + n)}
            events.append(event)
        document = {"events": events}
        if shape == "filter-log-events":
            document["searchedLogStreams"] = [{"logStreamName": "2026/11/22/[$LATEST]4f1c2ab7d9e04c0b8a7e5d3c2b1a0f9e",
                                               "searchedCompletely": True}]
        else:
            document["nextForwardToken"] = "f/37000000000000000000000000000000000000000000000000000000"
            document["nextBackwardToken"] = "b/37000000000000000000000000000000000000000000000000000000"
        out.write(json.dumps(document, indent=4) + "\n")  # the aws CLI's --output json indents by 4
    elif shape == "subscription":
        def payload(data):
            return json.dumps({"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}})
        out.write(payload({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
                           "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": EPOCH_MS,
                           "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}) + "\n")
        batch = 5
        for start in range(0, len(lines), batch):
            out.write(payload({"messageType": "DATA_MESSAGE", "owner": "123456789012",
                               "logGroup": "/aws/lambda/reprise-backend", "logStream": "2026/11/22/[$LATEST]4f1c2ab7",
                               "subscriptionFilters": ["capture-llm-calls"],
                               "logEvents": [{"id": "%056d" % (start + i), "timestamp": EPOCH_MS + (start + i) * 7,
                                              "message": text(line)} for i, line in enumerate(lines[start:start + batch])]}) + "\n")
    else:
        sys.exit("unknown shape " + shape)


main()
