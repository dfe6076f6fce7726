// reprise-fake-api: a loopback fake of the Anthropic Messages API for the
// end-to-end tests of the real binaries (see fake_server.hpp for what it
// answers and answer_book.hpp for where the answers come from). Thin: parse
// flags, build the answer book, serve until SIGTERM or SIGINT.
//
// Exit codes: 0 after SIGTERM/SIGINT (or --dump-book, --help); 2 for a usage
// error or a server that cannot start; 1 when the server stops by itself.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "fake_api/answer_book.hpp"
#include "fake_api/fake_server.hpp"
#include "reprise/util/files.hpp"

namespace {

namespace fs = std::filesystem;
using namespace reprise::test;
using reprise::util::unexpected;

struct Flags {
  int port = 0;
  std::string port_file;
  std::string eval_root;
  std::vector<std::string> answers;
  std::string unknown = "error";
  int latency_ms = 0;
  double fail_rate = 0;
  int fail_status = 529;
  std::uint64_t seed = 0;
  std::string fail_match;
  bool no_retry_header = false;
  std::string stats_file;
  std::string request_log;
  bool dump_book = false;
};

void add_flags(CLI::App& app, Flags& flags) {
  app.add_option("--port", flags.port, "port on 127.0.0.1; 0: the kernel picks one")->check(CLI::Range(0, 65535))->capture_default_str();
  app.add_option("--port-file", flags.port_file, "write the bound port here (atomically) once listening");
  app.add_option("--eval-root", flags.eval_root, "answer every case under <dir>/<agent>/cases/ with its recorded completion");
  app.add_option("--answers", flags.answers, "JSON lines {\"prompt_sha256\":...,\"text\":...}: add or override answers (repeatable)");
  app.add_option("--unknown", flags.unknown, "a request without a recorded answer: error (400) or generic (a generic text answer)")
      ->check(CLI::IsMember({"error", "generic"}))
      ->capture_default_str();
  app.add_option("--latency-ms", flags.latency_ms, "sleep this long before answering each request")->check(CLI::NonNegativeNumber);
  app.add_option("--fail-rate", flags.fail_rate,
                 "fail this share of requests, by fingerprint: fails when the first 8 hex digits of "
                 "sha256(\"<fingerprint>:<seed>\") mod 1000 < rate*1000")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fail-status", flags.fail_status, "status of injected failures (529 overloaded_error, 429 rate_limit_error, 500 api_error, ...)")
      ->check(CLI::Range(400, 599))
      ->capture_default_str();
  app.add_option("--seed", flags.seed, "seed of the --fail-rate rule")->capture_default_str();
  app.add_option("--fail-match", flags.fail_match, "fail every request whose body contains this text");
  app.add_flag("--no-retry-header", flags.no_retry_header, "send x-should-retry: false with injected failures");
  app.add_option("--stats-file", flags.stats_file, "keep the counters here, rewritten atomically on each connection and request");
  app.add_option("--request-log", flags.request_log, "append one JSON line per request (never a header's value)");
  app.add_flag("--dump-book", flags.dump_book, "print the answer book as JSON lines (with whether --fail-rate fails each key) and exit");
}

int usage_error(const std::string& message) {
  std::cerr << "reprise-fake-api: " << message << "\n";
  return 2;
}

// Fills the book; returns what it holds, for the start-up line, or a usage error.
reprise::util::Expected<std::string, std::string> build_book(const Flags& flags, AnswerBook& book) {
  std::string summary;
  if (!flags.eval_root.empty()) {
    std::error_code error;
    fs::directory_iterator probe(flags.eval_root, error);
    if (error) return unexpected(fmt::format("--eval-root {}: not a readable folder: {}", flags.eval_root, error.message()));
    EvalRootLoad load = add_eval_root(book, flags.eval_root);
    for (const auto& broken : load.broken) std::cerr << "reprise-fake-api: no answers from " << broken << "\n";
    summary += fmt::format(", {} case(s) from {}", load.cases, flags.eval_root);
  }
  for (const auto& file : flags.answers) {
    auto count = add_answers_file(book, file);
    if (!count) return unexpected("--answers " + count.error());
    summary += fmt::format(", {} answer(s) from {}", *count, file);
  }
  return fmt::format("{} key(s){}", book.size(), summary);
}

AnswerPolicy policy_from(const Flags& flags, const AnswerBook& book) {
  FaultOptions faults{std::chrono::milliseconds(flags.latency_ms), flags.fail_rate, flags.fail_status, flags.seed,
                      flags.fail_match,                            flags.no_retry_header};
  return {&book, faults, flags.unknown == "generic"};
}

int dump_book(const AnswerBook& book, const FaultOptions& faults) {
  for (Match match : {Match::exact, Match::messages}) {
    for (const auto& [key, entry] : book.entries(match)) {
      Json line = {{"key", key}, {"match", std::string(to_string(match))}, {"origin", entry.origin}, {"source", entry.answer.source}};
      if (match == Match::exact) line["fails"] = fails_by_rate(key, faults.fail_rate, faults.seed);
      if (match == Match::messages && book.ambiguous(key)) line["ambiguous"] = true;
      if (!entry.request.is_null()) line["request"] = entry.request;
      std::cout << line.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    }
  }
  return 0;
}

// SIGUSR1: the server stopped by itself (see serve()).
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  return set;
}

// Before any thread starts, so that every thread inherits the mask and only
// sigwait() takes these signals. A shell starts background jobs with SIGINT
// ignored, and an ignored signal is discarded rather than waited for.
void block_stop_signals() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  action.sa_handler = SIG_IGN;  // a client that hangs up mid-answer must not end the server
  sigaction(SIGPIPE, &action, nullptr);
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_signal() {
  sigset_t set = stop_signals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

int serve(const Flags& flags, const AnswerBook& book, const std::string& summary) {
  FakeServer server(ServerOptions{policy_from(flags, book), flags.stats_file, flags.request_log});
  auto port = server.start(flags.port);
  if (!port) return usage_error(port.error());
  std::atomic<bool> listened{false};
  std::thread listener([&server, &listened] {
    server.listen();
    listened = true;
    ::kill(::getpid(), SIGUSR1);  // wakes wait_for_signal() if nothing else did
  });
  // stop() before listen() has begun would be lost.
  while (!server.running() && !listened) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  int status = 0;
  try {
    if (!flags.port_file.empty()) reprise::util::write_file_atomically(flags.port_file, fmt::format("{}\n", *port));
    std::cout << fmt::format("reprise-fake-api: listening on http://127.0.0.1:{} ({})", *port, summary) << std::endl;
    status = wait_for_signal() == SIGUSR1 ? 1 : 0;
  } catch (const std::exception& error) {
    status = usage_error(std::string("--port-file: ") + error.what());
  }
  server.stop();
  listener.join();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  CLI::App app{"reprise-fake-api: a loopback fake of the Anthropic Messages API, answering from recorded cases"};
  Flags flags;
  add_flags(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    return usage_error(std::string(error.what()) + " (see --help)");
  }
  AnswerBook book;
  auto summary = build_book(flags, book);
  if (!summary) return usage_error(summary.error());
  if (flags.dump_book) return dump_book(book, policy_from(flags, book).faults);
  return serve(flags, book, *summary);
}
