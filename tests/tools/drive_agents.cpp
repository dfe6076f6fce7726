// reprise-drive-agents: runs the product's agents as production runs them,
// through the shared client configured from the environment (the API base
// URL, key, call log: EVAL_LOG_LLM_CALLS, EVAL_LOG_LLM_CALLS_FILE,
// ENVIRONMENT), on inputs read from a file of JSON lines
// {"agent": "<name>", "input": {...}}, or from the cases of an eval root
// (the input of every case, in name order). The capture end-to-end test points it
// at reprise-fake-api to produce a real call log, in place of a deployed
// backend. Prints one line per run: "<line> <agent> ok <label>" or "... error <kind>".
//
// Usage: reprise-drive-agents <inputs.jsonl | eval-root>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <string>

#include "reprise/agents/registry.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/llm/client_environment.hpp"
#include "reprise/llm/curl_transport.hpp"

int main(int argc, char** argv) {
  using namespace reprise;
  if (argc != 2) {
    std::cerr << "usage: reprise-drive-agents <inputs.jsonl>\n";
    return 2;
  }
  std::ifstream file(argv[1]);
  std::istringstream from_cases;
  if (std::filesystem::is_directory(argv[1])) {
    eval::LoadOptions load;
    load.require_fixture = false;
    load.save_cache = false;
    std::string lines;
    for (const auto& loaded : eval::load_suite(argv[1], load).cases) {
      lines += nlohmann::json{{"agent", loaded.spec.agent}, {"input", loaded.spec.input}}.dump() + "\n";
    }
    from_cases.str(lines);
  }
  std::istream& in = std::filesystem::is_directory(argv[1]) ? static_cast<std::istream&>(from_cases) : file;
  if (!in) {
    std::cerr << "reprise-drive-agents: cannot open " << argv[1] << "\n";
    return 2;
  }
  auto environment = llm::read_client_environment();
  auto transport = std::make_shared<llm::CurlTransport>();
  auto keys = llm::api_key_source_for(environment, transport);
  auto config = llm::live_client_config(environment, *keys);
  if (!config) {
    std::cerr << "reprise-drive-agents: " << config.error() << "\n";
    return 2;
  }
  llm::Client client(*config, transport);
  std::string text;
  int failures = 0;
  for (int number = 1; std::getline(in, text); ++number) {
    if (text.empty()) continue;
    auto line = nlohmann::json::parse(text, nullptr, false);
    const agents::Agent* agent = line.is_object() ? agents::find_agent(line.value("agent", "")) : nullptr;
    if (!agent) {
      std::cerr << fmt::format("{}:{}: not {{\"agent\": <a known agent>, \"input\": ...}}\n", argv[1], number);
      return 2;
    }
    auto result = agent->run(line["input"], client);
    if (result) {
      std::cout << fmt::format("{} {} ok {}\n", number, agent->name(), result->verdict.label.value_or("-"));
    } else {
      ++failures;
      std::cout << fmt::format("{} {} error {}: {}\n", number, agent->name(), agents::to_string(result.error().kind),
                               result.error().message);
    }
  }
  return failures == 0 ? 0 : 1;
}
