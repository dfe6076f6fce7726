// Unit tests of src/capture: the line reader, payload decoding, the log
// shapes, the aws logs document reader, selection, the YAML writer, the
// redactor, and whole captures from call logs the real client writes
// (a bundled case replayed through a client with a non-prod call log).
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reprise/agents/registry.hpp"
#include "reprise/capture/capture.hpp"
#include "reprise/capture/case_draft.hpp"
#include "reprise/capture/extractor.hpp"
#include "reprise/capture/json_skim.hpp"
#include "reprise/capture/line_reader.hpp"
#include "reprise/capture/log_reader.hpp"
#include "reprise/capture/payload.hpp"
#include "reprise/capture/redactor.hpp"
#include "reprise/capture/secret_scan.hpp"
#include "reprise/capture/selection.hpp"
#include "reprise/capture/yaml_text.hpp"
#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/replay_transport.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/eval/yaml_json.hpp"
#include "reprise/llm/call_log.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "unit/test_support.hpp"

using namespace reprise;
using namespace reprise::capture;
namespace fs = std::filesystem;

namespace {

// Subscription payloads (base64 of gzip, made with Python's gzip and
// base64): a DATA_MESSAGE with one record and one ordinary event, a
// CONTROL_MESSAGE, "hello", and 200000 zero bytes (200 KB from 0.2 KB).
constexpr const char* kDataPayload =
    "H4sIAAAAAAACA3WPTWvDMAyG/8oQOwYce22z5hZY1kt3Sm51KE6iFYM/gu2ulJD/PnUjsMt0fD8eSTNYjFFdsL1PCCW8VW11/qibpjrUkIG/"
    "OQwkc/Gy2e6K133OBcnGXw7BXydymLpFZpTtR8XUNP2aTQqoLLkiFzvGOROCnZ6PVVs3baf6gVLx2sch6Clp7961SRgilCf4hO6HUH+hSw9lBj0SCDl1"
    "kqZjk7K0lxf7bb5Otj5BwVkCProSSgnG2POgjJGQSXAk8QWWbEWK/5HFX6QPo3Yq3J+MdghLt3wDD05l5jUBAAA=";
constexpr const char* kControlPayload =
    "H4sIAAAAAAACAzWOUQuCMBSF/8rYs0Q9RORbiPpiCSn0EBJLb9tobrLNJMT/3pZ63z7O4dxvxC0YQyiU3w5wiKP8Ul7z7HGOi+KUxjjAapCgfSJU3wzE1"
    "ixT1LhAKJpq1Xcum6mwGkg7o+mfpta8s1zJhAsL2uDwXv178Qek9Thi3sx1y52GJa0b2x2O++16warnBW4ZWvTQoheiiEH95pIiBkRYhtQLNW6JS+I/o4"
    "RrYMrABk/V9AP8aecT7AAAAA==";
constexpr const char* kHelloGzip = "H4sIAAAAAAACA8tIzcnJBwCGphA2BQAAAA==";

struct Found {
  Json record;
  Origin origin;
};
struct Problem {
  Origin origin;
  std::string message;
};

struct Extracted {
  std::vector<Found> records;
  std::vector<Problem> problems;
  std::size_t control = 0;
};

Extracted extract_lines(const std::vector<std::string>& lines) {
  Extracted out;
  Extractor extractor([&](Json record, const Origin& origin) { out.records.push_back({std::move(record), origin}); },
                      [&](const Origin& origin, std::string message) { out.problems.push_back({origin, std::move(message)}); });
  Origin origin;
  origin.source = "test.log";
  for (const auto& line : lines) {
    ++origin.line;
    extractor.line(line, origin);
  }
  out.control = extractor.control_messages();
  return out;
}

Extracted read_all(const std::string& text, ReadOptions options = {}) {
  Extracted out;
  std::istringstream in(text);
  read_log(in, "test.log", options, [&](Json record, const Origin& origin) { out.records.push_back({std::move(record), origin}); },
           [&](const Origin& origin, std::string message) { out.problems.push_back({origin, std::move(message)}); });
  return out;
}

const std::string kRecord = R"({"event":"llm_call","schema":"reprise.llm_call/1","agent":"coach_narrative"})";

// A bundled case copied to a private eval root and loaded.
struct BundledCase {
  test::TempDir dir{"capture"};
  eval::LoadedCase loaded;

  BundledCase(const std::string& agent, const std::string& id) {
    fs::path from = test::source_dir() / "eval" / agent / "cases";
    fs::path to = dir / "bundled" / agent / "cases";
    fs::create_directories(to);
    for (const char* suffix : {".yaml", ".completion.txt", ".fixture.json"}) fs::copy_file(from / (id + suffix), to / (id + suffix));
    eval::LoadOptions load;
    load.save_cache = false;
    auto suite = eval::load_suite(dir / "bundled", load);
    REQUIRE(suite.broken.empty());
    REQUIRE(suite.cases.size() == 1);
    loaded = suite.cases.front();
  }
};

// The call log the shared client writes when the case's agent runs in
// `environment`, answered by the case's recorded answers.
std::string call_log_of(const eval::LoadedCase& loaded, llm::LogEnvironment environment) {
  test::TempDir dir("calllog");
  auto log = llm::CallLog::to_file(dir / "calls.log", environment);
  REQUIRE(log);
  llm::ClientConfig config;
  config.call_log = *log;
  auto transport = std::make_shared<eval::ReplayTransport>(loaded.completions, loaded.fixture);
  llm::Client client(config, transport);
  auto result = agents::find_agent(loaded.spec.agent)->run(loaded.spec.input, client);
  REQUIRE(result);
  return test::read_text(dir / "calls.log");
}

std::vector<Json> records_of(const std::string& log) {
  std::vector<Json> records;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) records.push_back(Json::parse(line));
  return records;
}

std::string lines_of(const std::vector<Json>& records) {
  std::string text;
  for (const auto& record : records) text += record.dump() + "\n";
  return text;
}

CaptureReport capture_text(const std::string& log, const fs::path& eval_root, CaptureOptions options = {}) {
  fs::path file = eval_root.parent_path() / "input.log";
  test::write_text(file, log);
  options.sources = {file.string()};
  options.eval_root = eval_root;
  return run_capture(options);
}

std::vector<fs::path> files_under(const fs::path& root) {
  std::vector<fs::path> files;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(root));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("iso_from_epoch_ms: CloudWatch event times; none outside 1970-2261", "[capture]") {
  CHECK(capture::iso_from_epoch_ms(1795000000000) == "2026-11-18T11:06:40.000Z");
  CHECK(capture::iso_from_epoch_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(capture::iso_from_epoch_ms(9214646399999) == "2261-12-31T23:59:59.999Z");
  // Found by fuzz/capture_subscription: year 2514 overflowed the clock's nanoseconds (UB).
  CHECK(capture::iso_from_epoch_ms(17195000000021).empty());
  CHECK(capture::iso_from_epoch_ms(-1).empty());
}

TEST_CASE("LineReader: lines, CRLF, a last line without newline", "[capture]") {
  std::istringstream in("one\r\ntwo\n\nthree");
  LineReader reader(in, 100);
  LineReader::Line line;
  std::vector<std::string> seen;
  while (reader.next(line)) seen.push_back(std::string(line.text) + "@" + std::to_string(line.number));
  CHECK(seen == std::vector<std::string>{"one@1", "two@2", "@3", "three@4"});
}

TEST_CASE("LineReader: a line over the limit is skipped whole, across chunk boundaries, and the next line is intact", "[capture]") {
  // Lines longer than the reader's 1 MiB chunk, so they cross chunks.
  std::string big(1536 * 1024, 'x');
  std::string medium(700 * 1024, 'm');
  std::istringstream in("first\n" + big + "\n" + medium + "\nlast\n");
  LineReader reader(in, 1024 * 1024);
  LineReader::Line line;
  REQUIRE(reader.next(line));
  CHECK(line.text == "first");
  REQUIRE(reader.next(line));
  CHECK(line.too_long);
  CHECK(line.text.empty());
  CHECK(line.number == 2);
  REQUIRE(reader.next(line));
  CHECK_FALSE(line.too_long);
  CHECK(line.text.size() == medium.size());
  REQUIRE(reader.next(line));
  CHECK(line.text == "last");
  CHECK(line.number == 4);
  CHECK_FALSE(reader.next(line));
}

TEST_CASE("payload: base64 and gzip decode, and name what is wrong", "[capture]") {
  auto hello = base64_decode(kHelloGzip);
  REQUIRE(hello);
  auto text = gunzip(*hello, 1000);
  REQUIRE(text);
  CHECK(*text == "hello");
  CHECK(*base64_decode("aGk") == "hi");  // padding optional

  auto bad = base64_decode("aGVs*G8=");
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == "bad base64: unexpected byte 0x2a at offset 4");

  auto truncated = gunzip(hello->substr(0, hello->size() - 6), 1000);
  REQUIRE_FALSE(truncated);
  CHECK_THAT(truncated.error(), Catch::Contains("truncated"));

  std::string corrupt = *hello;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  CHECK_FALSE(gunzip(corrupt, 1000));
  CHECK_FALSE(gunzip("not gzip at all", 1000));

  // Two members back to back (as Firehose may concatenate them).
  auto twice = gunzip(*hello + *hello, 1000);
  REQUIRE(twice);
  CHECK(*twice == "hellohello");
}

TEST_CASE("payload: gunzip refuses to inflate past its limit", "[capture]") {
  std::string bomb = "H4sIAAAAAAACA+3BMQEAAADCoPVPbQZ/oA" + std::string(256, 'A') + "CA1wB7WOBcQA0DAA==";
  auto bytes = base64_decode(bomb);
  REQUIRE(bytes);
  auto whole = gunzip(*bytes, 1u << 20);
  REQUIRE(whole);
  CHECK(whole->size() == 200000);
  auto capped = gunzip(*bytes, 1000);
  REQUIRE_FALSE(capped);
  CHECK_THAT(capped.error(), Catch::Contains("more than 1000 bytes"));
}

TEST_CASE("Extractor: every log shape yields the record with its origin", "[capture]") {
  std::string as_string = Json(kRecord).dump();
  auto out = extract_lines({
      "2026-11-22 INFO starting up",                                                                   // 1 ordinary
      kRecord,                                                                                          // 2 plain
      "2026-11-22T10:00:00.123Z\t6f1c2a9e-1111-4c2b-9d3e-0a1b2c3d4e5f\tINFO\t" + kRecord,              // 3 lambda-node
      "[INFO]\t2026-11-22T10:00:01.000Z\t7a2b3c4d-2222-4c2b-9d3e-0a1b2c3d4e5f\t" + kRecord,            // 4 lambda-python
      R"({"timestamp":"2026-11-22T10:00:02Z","level":"INFO","requestId":"req-3","message":)" + as_string + "}",  // 5 json-log, text
      R"({"timestamp":"2026-11-22T10:00:03Z","level":"INFO","requestId":"req-4","message":)" + kRecord + "}",    // 6 json-log, object
      R"({"events":[{"logStreamName":"s1","timestamp":1795000000000,"message":)" + as_string + R"(,"eventId":"ev9"}]})",  // 7
      std::string(R"({"awslogs":{"data":")") + kDataPayload + R"("}})",                                 // 8 subscription
      std::string(R"({"awslogs":{"data":")") + kControlPayload + R"("}})",                              // 9 control
      "app: recorded " + kRecord,                                                                       // 10 prefixed print
  });
  CHECK(out.problems.empty());
  std::string lines_found;
  for (const auto& found : out.records) lines_found += " " + std::to_string(found.origin.line);
  INFO("records found at lines" << lines_found);
  REQUIRE(out.records.size() == 8);
  std::map<std::size_t, Origin> by_line;
  for (const auto& found : out.records) by_line[found.origin.line] = found.origin;
  CHECK(by_line[2].shape == "plain");
  CHECK(by_line[3].shape == "lambda-node");
  CHECK(by_line[3].lambda_request_id == "6f1c2a9e-1111-4c2b-9d3e-0a1b2c3d4e5f");
  CHECK(by_line[3].log_time == "2026-11-22T10:00:00.123Z");
  CHECK(by_line[4].shape == "lambda-python");
  CHECK(by_line[4].lambda_request_id == "7a2b3c4d-2222-4c2b-9d3e-0a1b2c3d4e5f");
  CHECK(by_line[5].shape == "json-log");
  CHECK(by_line[5].lambda_request_id == "req-3");
  CHECK(by_line[6].lambda_request_id == "req-4");
  CHECK(by_line[7].shape == "events");
  CHECK(by_line[7].log_stream == "s1");
  CHECK(by_line[7].event_id == "ev9");
  CHECK(by_line[7].log_time == "2026-11-18T11:06:40.000Z");
  CHECK(by_line[8].shape == "subscription");
  CHECK(by_line[8].log_group == "/aws/lambda/app");
  CHECK(by_line[8].event_id == "e1");
  CHECK(by_line[10].shape == "plain");
  CHECK(out.control == 1);
  for (const auto& found : out.records) {
    CHECK(found.record.value("agent", "") == (found.origin.line == 8 ? "" : "coach_narrative"));  // the payload's record has no agent
  }
}

TEST_CASE("Extractor: bad input is a problem at its line, never a crash", "[capture]") {
  std::string junk;
  for (int i = 0; i < 256; ++i) junk.push_back(static_cast<char>(i));
  auto out = extract_lines({
      R"({"event":"llm_call","agent":"x")",                                      // 1 truncated JSON
      junk + "llm_call" + junk,                                                  // 2 binary junk
      R"({"awslogs":{"data":"!!!not base64"}})",                                 // 3 bad base64
      std::string(R"({"awslogs":{"data":")") + std::string(kDataPayload).substr(0, 60) + R"("}})",  // 4 truncated gzip
      R"({"event":"llm_call_summary","note":"mentions llm_call"})",              // 5 another event: not ours, not a problem
      R"(["llm_call"])",                                                         // 6 an array
      "\xff\xfe{\"event\":\"llm_call\",\"agent\":\"\xff\"}",                      // 7 invalid UTF-8 in a string
      R"({"event":"llm_call","cost_usd":1e999})",                                // 8 a number beyond a double (found by fuzzing: threw)
  });
  CHECK(out.records.empty());
  std::map<std::size_t, std::string> by_line;
  for (const auto& problem : out.problems) by_line[problem.origin.line] = problem.message;
  CHECK(by_line.size() == 7);
  CHECK_THAT(by_line[8], Catch::StartsWith("malformed JSON") && Catch::Contains("number overflow"));
  CHECK_THAT(by_line[1], Catch::StartsWith("malformed JSON"));
  CHECK(by_line.count(2) == 1);
  CHECK_THAT(by_line[3], Catch::Contains("bad base64"));
  CHECK_THAT(by_line[4], Catch::Contains("gzip"));
  CHECK(by_line.count(5) == 0);
  CHECK_THAT(by_line[6], Catch::Contains("holds no JSON object"));
  CHECK_THAT(by_line[7], Catch::StartsWith("malformed JSON"));
}

TEST_CASE("read_log: a pretty-printed aws logs document is streamed event by event with line numbers", "[capture]") {
  Json document = {{"events",
                    {{{"logStreamName", "stream-a"}, {"timestamp", 1795000000000}, {"message", kRecord + "\n"}, {"eventId", "1"}},
                     {{"logStreamName", "stream-a"}, {"timestamp", 1795000000001}, {"message", "START RequestId: x"}, {"eventId", "2"}},
                     {{"logStreamName", "stream-b"}, {"timestamp", 1795000000002}, {"message", kRecord}, {"eventId", "3"}}}},
                   {"searchedLogStreams", {{{"logStreamName", "stream-a"}, {"searchedCompletely", true}}}}};
  std::string text = document.dump(4) + "\n";
  ReadOptions options;
  options.log_group = "/aws/lambda/app";
  auto out = read_all(text, options);
  CHECK(out.problems.empty());
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].origin.log_stream == "stream-a");
  CHECK(out.records[0].origin.log_group == "/aws/lambda/app");
  CHECK(out.records[0].origin.shape == "events");
  CHECK(out.records[1].origin.log_stream == "stream-b");
  // Each event is reported at the line of its opening brace.
  std::vector<std::string> lines;
  std::istringstream split(text);
  for (std::string line; std::getline(split, line);) lines.push_back(line);
  REQUIRE(out.records[1].origin.line <= lines.size());
  std::size_t at = out.records[1].origin.line;
  CHECK(lines[at - 1] == "        {");
  std::string event_text;
  for (std::size_t i = at; i < at + 5 && i < lines.size(); ++i) event_text += lines[i];
  CHECK_THAT(event_text, Catch::Contains("stream-b"));

  // Cut short: the events before the cut are kept, the break is reported with its line.
  auto cut = read_all(text.substr(0, text.find("stream-b")));
  REQUIRE(cut.records.size() == 1);
  REQUIRE(cut.problems.size() == 1);
  CHECK_THAT(cut.problems[0].message, Catch::StartsWith("malformed aws logs output (after 2 event(s))"));
  CHECK(cut.problems[0].origin.line > 10);
}

TEST_CASE("read_log: a first line longer than the 4 KiB looked at to choose the layout is read whole", "[capture]") {
  // Regression: choosing the layout dropped byte 4097 of a long first line.
  std::string record = R"({"event":"llm_call","padding":")" + std::string(5000, 'p') + R"("})";
  auto out = read_all(record + "\n" + record + "\n");
  CHECK(out.problems.empty());
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].record["padding"].get<std::string>().size() == 5000);
}

TEST_CASE("read_log: a line over the limit is reported with its number and reading goes on", "[capture]") {
  ReadOptions options;
  options.max_line_bytes = 64;
  auto out = read_all("x\n" + std::string(100, 'a') + "llm_call\n" + R"({"event":"llm_call"})" + "\n", options);
  REQUIRE(out.problems.size() == 1);
  CHECK(out.problems[0].origin.line == 2);
  CHECK_THAT(out.problems[0].message, Catch::Contains("longer than 64 bytes"));
  CHECK(out.records.size() == 1);
}

TEST_CASE("selection: grouping, completeness, filters, reproducible sampling", "[capture]") {
  auto call = [](std::string invocation, int index, std::string model, std::string time, bool failed = false) {
    LoggedCall c;
    c.agent = "content_polish";
    c.invocation_id = std::move(invocation);
    c.call_index = index;
    c.model = std::move(model);
    c.timestamp = std::move(time);
    c.prompt_sha256 = std::string(63, 'a') + static_cast<char>('0' + index);
    if (failed) c.error_category = "overloaded";
    return c;
  };
  Grouper grouper;
  CHECK(grouper.add(call("inv_b", 1, "m2", "2026-11-22T10:00:01Z")));
  CHECK(grouper.add(call("inv_a", 0, "m1", "2026-11-21T09:00:00Z")));
  CHECK(grouper.add(call("inv_b", 0, "m1", "2026-11-22T10:00:00Z")));
  CHECK_FALSE(grouper.add(call("inv_b", 0, "m1", "2026-11-22T10:00:00Z")));  // the same line twice
  CHECK(grouper.add(call("inv_c", 1, "m1", "2026-11-23T00:00:00Z", true)));
  auto invocations = grouper.take();
  REQUIRE(invocations.size() == 3);
  CHECK(invocations[0].id == "inv_b");
  CHECK(invocations[0].calls[0].call_index == 0);
  CHECK(invocations[0].fingerprint_key() == std::string(63, 'a') + "0," + std::string(63, 'a') + "1");
  CHECK(incomplete_reason(invocations[0]).empty());
  CHECK(incomplete_reason(invocations[2]) == "invocation inv_c has no record of call_index 0 (calls 1 to 1 are logged)");

  Filter filter;
  CHECK(matches(filter, invocations[0]));
  filter.models = {"m2"};
  CHECK(matches(filter, invocations[0]));
  CHECK_FALSE(matches(filter, invocations[1]));
  filter.models.clear();
  filter.since = "2026-11-22";
  CHECK(matches(filter, invocations[0]));
  CHECK_FALSE(matches(filter, invocations[1]));
  filter.until = "2026-11-22T10:00:00Z";
  CHECK_FALSE(matches(filter, invocations[0]));  // until is exclusive
  filter = {};
  filter.agents = {"coach_narrative"};
  CHECK_FALSE(matches(filter, invocations[0]));
  filter = {};
  CHECK_FALSE(matches(filter, invocations[2]));  // success only, by default
  filter.status = StatusFilter::error;
  CHECK(matches(filter, invocations[2]));

  auto sample = sample_indices(100, 10, 42);
  CHECK(sample == sample_indices(100, 10, 42));
  CHECK(sample != sample_indices(100, 10, 43));
  CHECK(std::is_sorted(sample.begin(), sample.end()));
  CHECK(std::set<std::size_t>(sample.begin(), sample.end()).size() == 10);
  CHECK(sample.back() < 100);
  CHECK(sample_indices(3, 10, 1) == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("yaml_text: what the loader reads back equals the JSON written", "[capture]") {
  Json value = Json::parse(R"({
    "plain": "Groceries and rent", "looks_true": "true", "looks_yes": "Yes", "number_text": "1.50", "date": "2026-06-01",
    "empty": "", "colon": "a: b", "hash": "x #y", "dash": "- item", "quote": "it's \"fine\"",
    "markdown": "# Title\n\nFirst paragraph.\n\n- a point\n  indented", "trailing_space": "line \nnext",
    "trailing_newline": "ends\n", "leading_space": " starts", "unicode": "café ☕", "tab": "a\tb", "control": "bell\u0007",
    "numbers": [0, -3, 2.5, 1e-7, 8250.0], "flags": [true, false, null], "nested": {"list": [{"a": 1, "b": [1, 2]}, []], "empty": {}},
    "weird key: x": 1, "123": "numeric key"})");
  std::string yaml = yaml_entry("input", value, 0);
  Json back = eval::yaml_to_json(YAML::Load(yaml)["input"], "", nullptr);
  CHECK(back == value);
  CHECK_THAT(yaml, Catch::Contains("plain: Groceries and rent\n"));
  CHECK_THAT(yaml, Catch::Contains("markdown: |-\n    # Title\n"));
}

TEST_CASE("Redactor: keys and values, custom patterns, findings without the secret", "[capture]") {
  auto redactor = Redactor::with_patterns({"acct-[0-9]{6}"});
  REQUIRE(redactor);
  std::string key = "sk-ant-api03-" + std::string(40, 'Q');
  Json input = {{"note", "my key is " + key}, {key, "value"}, {"account", "acct-123456"}, {"list", {"Bearer " + std::string(30, 'z')}}};
  Json clean = redactor->redact(input);
  std::string text = clean.dump();
  CHECK(text.find(key) == std::string::npos);
  CHECK(text.find("acct-123456") == std::string::npos);
  CHECK(clean["note"] == "my key is [REDACTED]");
  CHECK(clean["account"] == "[REDACTED]");
  CHECK_FALSE(redactor->find(text));

  auto found = redactor->find("ok\nthe key " + key);
  REQUIRE(found);
  CHECK(found->describe() == "line 2, column 9: anthropic_key");
  CHECK(found->describe().find(key) == std::string::npos);
  auto custom = redactor->find("x acct-654321");
  REQUIRE(custom);
  CHECK(custom->describe() == "line 1, column 3: matches --secret-pattern 'acct-[0-9]{6}'");

  auto bad = Redactor::with_patterns({"(unclosed"});
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error(), Catch::StartsWith("--secret-pattern '(unclosed': not a valid regular expression"));
}

TEST_CASE("case_id_for: readable, safe as a file name, stable", "[capture]") {
  Json input = {{"brief", {{"topic", "The 50/30/20 budget: how it works?"}}}};
  std::string id = case_id_for("content_polish", input, "abc");
  CHECK(id.starts_with("content-polish-the-50-30-20-budget-how-it-works-"));
  CHECK(id == case_id_for("content_polish", input, "abc"));
  CHECK(id != case_id_for("content_polish", input, "abd"));
  CHECK(case_id_for("coach_narrative", Json::object(), "k").starts_with("coach-narrative-captured-"));
  Json hostile = {{"title", "../../etc/passwd \x01 ☃"}};
  std::string safe = case_id_for("x", hostile, "k");
  CHECK(safe.find('/') == std::string::npos);
  CHECK(safe.find('.') == std::string::npos);
}

TEST_CASE("capture: a non-prod log of a bundled chain becomes a case that replays green; again, it is already a case", "[capture]") {
  BundledCase bundled("content_polish", "chain-debt-avalanche-card-act-high");
  std::string log = "2026-11-22 INFO web: request served\n" + call_log_of(bundled.loaded, llm::LogEnvironment::non_prod) +
                    "not json llm_call\n";
  test::TempDir dir("capture-root");
  fs::create_directories(dir / "eval");
  CaptureReport report = capture_text(log, dir / "eval");
  INFO(render_capture_report(report, false));
  CHECK(report.fatal.empty());
  CHECK(report.records == 2);
  CHECK(report.invocations == 1);
  CHECK(report.count(SkipReason::malformed) == 1);
  REQUIRE(report.cases.size() == 1);
  const CapturedCase& captured = report.cases.front();
  CHECK(captured.status == CapturedCase::Status::written);
  CHECK(captured.calls == 2);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].where == (dir / "input.log").string() + ":4");

  // The real loader, cached replay, --stale=fail semantics.
  eval::LoadOptions load;
  load.save_cache = false;
  auto suite = eval::load_suite(dir / "eval", load);
  REQUIRE(suite.broken.empty());
  REQUIRE(suite.cases.size() == 1);
  auto outcome = eval::replay_case(suite.cases.front());
  CHECK(outcome.passed(eval::StalePolicy::fail));
  CHECK(suite.cases.front().spec.verdict.labels == std::vector<std::string>{"needs_review"});
  REQUIRE(suite.cases.front().spec.verdict.score);
  CHECK(suite.cases.front().spec.verdict.score->min.value_or(0) == Approx(0.60));
  CHECK(suite.cases.front().fixture.calls[0].request_sha256 == bundled.loaded.fixture.calls[0].request_sha256);
  CHECK(suite.cases.front().completions == bundled.loaded.completions);
  CHECK(suite.cases.front().fixture.calls[1].recorded["source"]["line"] == 3);

  auto before = files_under(dir / "eval");
  CaptureReport again = capture_text(log, dir / "eval");
  CHECK(again.count(SkipReason::existing_case) == 1);
  CHECK(again.written() == 0);
  CHECK(files_under(dir / "eval") == before);
}

TEST_CASE("capture: a prod log yields nothing and says why", "[capture]") {
  BundledCase bundled("coach_narrative", "steady-week-on-track");
  test::TempDir dir("capture-root");
  fs::create_directories(dir / "eval");
  CaptureReport report = capture_text(call_log_of(bundled.loaded, llm::LogEnvironment::prod), dir / "eval");
  CHECK(report.records == 1);
  CHECK(report.count(SkipReason::prod) == 1);
  CHECK(report.written() == 0);
  CHECK(files_under(dir / "eval").empty());
  CHECK_THAT(render_capture_report(report, false), Catch::Contains("log with ENVIRONMENT=non-prod to capture"));
}

TEST_CASE("capture: --dry-run writes nothing; filters and --limit count what they skip", "[capture]") {
  BundledCase coach("coach_narrative", "steady-week-on-track");
  BundledCase chat("finance_chat", "cash-and-spending-two-tools");
  std::string log = call_log_of(coach.loaded, llm::LogEnvironment::non_prod) + call_log_of(chat.loaded, llm::LogEnvironment::non_prod);
  test::TempDir dir("capture-root");
  fs::create_directories(dir / "eval");
  CaptureOptions options;
  options.dry_run = true;
  CaptureReport all = capture_text(log, dir / "eval", options);
  INFO(render_capture_report(all, true));
  CHECK(all.written() == 2);
  CHECK(all.cases[0].status == CapturedCase::Status::would_write);
  CHECK(files_under(dir / "eval").empty());

  options.filter.agents = {"finance_chat"};
  CaptureReport filtered = capture_text(log, dir / "eval", options);
  CHECK(filtered.written() == 1);
  CHECK(filtered.count(SkipReason::filtered) == 1);
  CHECK(filtered.cases[0].test_name.starts_with("finance_chat/finance-chat-"));

  options.filter.agents.clear();
  options.limit = 1;
  CaptureReport limited = capture_text(log, dir / "eval", options);
  CHECK(limited.written() == 1);
  CHECK(limited.count(SkipReason::not_sampled) == 1);
  CHECK(limited.cases[0].test_name.starts_with("coach_narrative/"));
}

TEST_CASE("capture: a prompt changed since the log keeps the case aside", "[capture]") {
  BundledCase bundled("coach_narrative", "steady-week-on-track");
  auto records = records_of(call_log_of(bundled.loaded, llm::LogEnvironment::non_prod));
  REQUIRE(records.size() == 1);
  // The log was written by yesterday's prompt: its request (and so its fingerprint) differ from today's.
  records[0]["request"]["system"] = "Yesterday's system prompt.";
  records[0]["prompt_sha256"] = llm::request_fingerprint(records[0]["request"]);
  test::TempDir dir("capture-root");
  fs::create_directories(dir / "eval");
  CaptureOptions options;
  options.rejected_dir = dir / "rejected";
  CaptureReport report = capture_text(lines_of(records), dir / "eval", options);
  CHECK(report.count(SkipReason::kept_aside) == 1);
  CHECK(report.written() == 0);
  CHECK(files_under(dir / "eval").empty());
  REQUIRE(report.cases.size() == 1);
  CHECK_THAT(report.cases[0].detail, Catch::Contains("differs from the logged one"));
  CHECK(files_under(dir / "rejected").size() == 3);
}

TEST_CASE("capture: secrets are redacted, and a key that only appears once text blocks join is refused", "[capture]") {
  BundledCase bundled("coach_narrative", "steady-week-on-track");
  auto records = records_of(call_log_of(bundled.loaded, llm::LogEnvironment::non_prod));
  REQUIRE(records.size() == 1);
  std::string key_tail = "api03-" + std::string(32, 'K');
  test::TempDir dir("capture-root");
  fs::create_directories(dir / "eval");

  // The answer's text split in two blocks, "... sk-ant-" and "api03-KKK...":
  // each block alone holds no key, the completion file (their join) does.
  Json split = records[0];
  Json& content = split["response"]["content"];
  std::string text = content[0]["text"].get<std::string>();
  content[0]["text"] = "Reference: sk-ant-";
  content.push_back({{"type", "text"}, {"text", key_tail + "\n" + text}});
  CaptureReport refused = capture_text(lines_of({split}), dir / "eval");
  CHECK(refused.count(SkipReason::secret) == 1);
  CHECK(refused.exit_code() == 1);
  CHECK(files_under(dir / "eval").empty());
  std::string rendered = render_capture_report(refused, false);
  CHECK_THAT(rendered, Catch::Contains(".completion.txt: line "));
  CHECK(rendered.find(key_tail) == std::string::npos);

  // A whole key in the answer is redacted; the case is written without it.
  Json whole = records[0];
  whole["response"]["content"][0]["text"] = "Reference: sk-ant-" + key_tail + "\n" + text;
  CaptureReport written = capture_text(lines_of({whole}), dir / "eval");
  INFO(render_capture_report(written, false));
  CHECK(written.written() == 1);
  CHECK(written.exit_code() == 0);
  auto redactor = Redactor::with_patterns({});
  CHECK(scan_tree_for_secrets(dir / "eval", *redactor).empty());
  for (const auto& file : files_under(dir / "eval")) {
    CHECK(test::read_text(dir / "eval" / file).find(key_tail) == std::string::npos);
  }

  // The CI scan finds a key planted by hand, naming the file and line only.
  test::write_text(dir / "eval" / "coach_narrative" / "cases" / "planted.completion.txt", "fine\nkey sk-ant-" + key_tail + "\n");
  auto findings = scan_tree_for_secrets(dir / "eval", *redactor);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].where == "line 2, column 5: anthropic_key");
}

TEST_CASE("capture: records naming an unknown agent or carrying an input the agent rejects are skipped with their line", "[capture]") {
  BundledCase bundled("coach_narrative", "steady-week-on-track");
  auto records = records_of(call_log_of(bundled.loaded, llm::LogEnvironment::non_prod));
  Json unknown = records[0];
  unknown["agent"] = "no_such_agent";
  unknown["invocation_id"] = "inv_other";
  Json rejected = records[0];
  rejected["input"] = Json::object();
  rejected["invocation_id"] = "inv_third";
  rejected["prompt_sha256"] = std::string(64, 'b');
  Json bad_field = records[0];
  bad_field["call_index"] = "zero";
  test::TempDir dir("capture-root");
  fs::create_directories(dir / "eval");
  CaptureReport report = capture_text(lines_of({unknown, rejected, bad_field}), dir / "eval");
  CHECK(report.count(SkipReason::unknown_agent) == 1);
  CHECK(report.count(SkipReason::input_rejected) == 1);
  CHECK(report.count(SkipReason::malformed) == 1);
  std::set<std::string> where;
  for (const auto& problem : report.problems) where.insert(problem.where.substr(problem.where.rfind(':') + 1) + " " + std::string(to_string(problem.reason)));
  CHECK(where == std::set<std::string>{"1 unknown agent", "2 input rejected", "3 malformed"});
  CHECK(report.written() == 0);
}

TEST_CASE("fixtures/capture: every shape of the sample log yields the same records and the same bad line", "[capture]") {
  fs::path folder = test::source_dir() / "fixtures" / "capture";
  auto read_fixture = [&](const std::string& name) {
    std::ifstream in(folder / name, std::ios::binary);
    REQUIRE(in);
    Extracted out;
    read_log(in, name, {}, [&](Json record, const Origin& origin) { out.records.push_back({std::move(record), origin}); },
             [&](const Origin& origin, std::string message) { out.problems.push_back({origin, std::move(message)}); });
    return out;
  };
  auto fingerprints = [](const Extracted& out) {
    std::vector<std::string> list;
    for (const auto& found : out.records) list.push_back(found.record.value("prompt_sha256", ""));
    return list;
  };
  Extracted plain = read_fixture("plain.log");
  REQUIRE(plain.records.size() == 5);
  REQUIRE(plain.problems.size() == 1);
  CHECK(plain.problems[0].origin.line == 11);  // the line cut short
  std::set<std::string> agents;
  for (const auto& found : plain.records) {
    agents.insert(found.record.value("agent", ""));
    auto call = parse_logged_call(found.record, found.origin);
    REQUIRE(call);
    CHECK(call->has_payload());
  }
  CHECK(agents == std::set<std::string>{"coach_narrative", "finance_chat", "content_polish"});
  for (const char* name : {"lambda-node.log", "lambda-python.log", "json-log.log", "filter-log-events.json",
                           "get-log-events.json", "subscription.log"}) {
    INFO(name);
    Extracted shaped = read_fixture(name);
    CHECK(fingerprints(shaped) == fingerprints(plain));
    CHECK(shaped.problems.size() == 1);
  }
  Extracted prod = read_fixture("prod.log");
  CHECK(fingerprints(prod) == fingerprints(plain));
  for (const auto& found : prod.records) CHECK_FALSE(parse_logged_call(found.record, found.origin)->has_payload());
}

TEST_CASE("Extractor headers_only: payloads are left out, the JSON is still checked whole, and non-prod says there is one", "[capture]") {
  Json record = {{"event", "llm_call"}, {"schema", "reprise.llm_call/1"}, {"timestamp", "2026-11-22T10:00:00.000Z"},
                 {"environment", "non-prod"}, {"agent", "coach_narrative"}, {"invocation_id", "inv_1"}, {"call_index", 0},
                 {"prompt_sha256", std::string(64, 'a')}, {"request", {{"model", "m"}}}, {"response", {{"id", "msg"}}},
                 {"input", {{"user", {{"request", "nested keys stay"}}}}}};
  std::vector<Json> found;
  std::vector<std::string> problems;
  ExtractorLimits limits;
  limits.headers_only = true;
  Extractor extractor([&](Json value, const Origin&) { found.push_back(std::move(value)); },
                      [&](const Origin&, std::string message) { problems.push_back(std::move(message)); }, limits);
  Json prod = record;
  prod["environment"] = "prod";
  prod.erase("request");
  prod.erase("response");
  prod.erase("input");
  extractor.line(record.dump(), {});
  extractor.line(prod.dump(), {});
  std::string broken = record.dump();
  broken.insert(broken.find("\"msg\"") + 4, "\x01");  // a control character inside the dropped response
  extractor.line(broken, {});
  REQUIRE(found.size() == 2);
  CHECK(problems.size() == 1);
  CHECK_FALSE(found[0].contains("request"));
  CHECK_FALSE(found[0].contains("input"));
  CHECK(found[0]["agent"] == "coach_narrative");
  auto non_prod_call = parse_logged_call(found[0], {});
  REQUIRE(non_prod_call);
  CHECK(non_prod_call->has_payload());
  CHECK(non_prod_call->request.is_null());
  auto prod_call = parse_logged_call(found[1], {});
  REQUIRE(prod_call);
  CHECK_FALSE(prod_call->has_payload());
}

TEST_CASE("skim_object: drops the payload members, keeps the rest, and catches broken structure", "[capture]") {
  auto skimmed = skim_object(R"( {"event":"llm_call","request":{"messages":[{"content":"a \"}] quoted"}]},"n":1.5e3,"input":null,"tail":[true]} )",
                             {"request", "response", "input"});
  REQUIRE(skimmed);
  CHECK(skimmed->dropped_any);
  CHECK(Json::parse(skimmed->header) == Json::parse(R"({"event":"llm_call","n":1.5e3,"tail":[true]})"));
  CHECK(skim_object("{}", {"request"})->header == "{}");

  auto error_of = [](std::string_view text) {
    auto result = skim_object(text, {"request"});
    return result ? std::string("ok") : result.error();
  };
  CHECK(error_of(R"({"a":1,"request":{"m":"cut short)") == "byte 32: unterminated string");  // at the end, where it ran out
  CHECK(error_of(R"({"a":1,"request":{"m":[1,2}})") == "byte 26: mismatched bracket");  // the } closing a [
  CHECK(error_of(R"({"a":1,"request":{"m":1})") == "byte 24: the object is not closed");
  CHECK(error_of(R"({"a":1,"request":{"m":[1)") == "byte 24: unterminated object or array");
  CHECK(error_of(R"({"a":1} {"b":2})") == "byte 8: text after the object");
  CHECK(error_of(R"({"a" 1})") == "byte 5: expected ':'");
  CHECK(error_of("{\"a\":\"tab\there\"}") == "byte 9: control character in a string");
  CHECK(error_of(R"([1,2])") == "byte 0: expected '{'");
}

TEST_CASE("capture: a payload sound in structure but not JSON is reported as malformed on the second pass", "[capture]") {
  BundledCase bundled("coach_narrative", "steady-week-on-track");
  std::string log = call_log_of(bundled.loaded, llm::LogEnvironment::non_prod);
  // Brackets and strings stay balanced (the skim passes), but a bare word is no JSON value.
  auto at = log.find("\"max_tokens\":");
  REQUIRE(at != std::string::npos);
  log.replace(at, std::string("\"max_tokens\":").size(), "\"max_tokens\":seven,\"was\":");
  test::TempDir dir("capture-root");
  fs::create_directories(dir / "eval");
  CaptureReport report = capture_text(log, dir / "eval");
  INFO(render_capture_report(report, false));
  CHECK(report.records == 1);
  CHECK(report.count(SkipReason::malformed) == 1);
  REQUIRE(report.problems.size() == 1);
  CHECK_THAT(report.problems[0].message, Catch::StartsWith("malformed JSON"));
  CHECK(report.problems[0].where.ends_with(":1"));
  CHECK(report.written() == 0);
}
