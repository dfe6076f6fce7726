// Fuzz target: capture's reader of log lines, in every shape it knows
// (capture::Extractor: plain, Lambda Node/Python/JSON, aws logs events,
// subscription), each record then type-checked (parse_logged_call).
// The input is a piece of log; each line of it is read twice, as capture reads a log: the first pass skims a
// record's header without its payloads (json_skim.hpp), the second parses it
// in full.
// Properties: nothing throws; on a line the full parse reads without a
// problem, the skimming pass finds the same records with the same headers;
// the skim accepts every JSON object and keeps its other members as they were.
#include <string>
#include <vector>

#include "fuzz_target.hpp"
#include "reprise/capture/extractor.hpp"
#include "reprise/capture/json_skim.hpp"
#include "reprise/capture/logged_call.hpp"

namespace {

using reprise::fuzz::require;
namespace capture = reprise::capture;
using capture::Json;

struct Pass {
  std::vector<std::string> headers;  // each record without its payloads, as JSON text
  std::size_t problems = 0;
};

Pass read_line(std::string_view line, bool headers_only) {
  Pass pass;
  capture::Extractor extractor(
      [&pass](Json record, const capture::Origin& origin) {
        Json header = record;
        for (const char* payload : {"request", "response", "input"}) header.erase(payload);
        pass.headers.push_back(header.dump());
        (void)capture::parse_logged_call(std::move(record), origin);
      },
      [&pass](const capture::Origin&, std::string) { ++pass.problems; },
      capture::ExtractorLimits{.max_inflated_bytes = 1u << 20, .headers_only = headers_only});
  capture::Origin origin;
  origin.source = "fuzz.log";
  origin.line = 1;
  extractor.line(line, origin);
  return pass;
}

void check_skim(std::string_view text) {
  if (!text.starts_with('{')) return;
  const Json whole = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!whole.is_object()) return;
  const auto skimmed = capture::skim_object(text, {"request", "response", "input"});
  require(skimmed.has_value(), "the skim accepts every JSON object");
  const Json header = Json::parse(skimmed->header, nullptr, false);
  require(header.is_object(), "the skimmed header is a JSON object");
  Json expected = whole;
  for (const char* payload : {"request", "response", "input"}) expected.erase(payload);
  require(header == expected, "the skim keeps every member but the payloads, unchanged");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view log = reprise::fuzz::as_text(data, size);
  while (!log.empty()) {
    const auto end = log.find('\n');
    const std::string_view line = log.substr(0, end);
    log.remove_prefix(end == std::string_view::npos ? log.size() : end + 1);
    const Pass full = read_line(line, false);
    const Pass skimming = read_line(line, true);
    if (full.problems == 0) require(skimming.headers == full.headers, "both passes find the same records and headers");
    check_skim(line);
  }
  return 0;
}
