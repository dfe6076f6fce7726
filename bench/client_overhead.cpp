// reprise-bench-client: what llm::Client costs above its transport.
//
//   reprise-bench-client [--reps N] [--calls N] [--memory-calls N] [--threads N]
//
// Two parts, each measured against a baseline run in the same go, every mode
// once per repetition in an order that rotates from one repetition to the next:
//
// 1. In memory (no I/O): Client::invoke of a small realistic request with a
//    Transport that hands back a canned Messages API 200, versus calling that
//    transport directly with a prebuilt HttpRequest. The difference is the
//    client's own work: request JSON, provider headers, response parse (and,
//    with a call log, the log line). Target: under 50 µs per call.
// 2. Over loopback: the real CurlTransport against tests/fake_api's server,
//    one caller (sequential calls on one kept-alive connection) and N
//    concurrent callers (one connection each), Client::invoke versus
//    CurlTransport::send of a prebuilt HttpRequest.
//
// Figures are medians over the repetitions, with min and max; the table is
// for people, the JSON lines after it (one per figure) are for scripts.
// Every call must succeed; a failure stops the benchmark (exit 1), since
// its figures would not be comparable.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include "fake_api/fake_api.hpp"
#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/call_log.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/llm/curl_transport.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/util/clock.hpp"

namespace fs = std::filesystem;
using namespace reprise;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTargetOverheadUs = 50.0;
constexpr const char* kApiKey = "sk-ant-api03-bench-not-a-real-key-000000000000000000000000";
constexpr const char* kExpectedText = "Hello! You spent $412.30 on dining this month.";

struct Options {
  int reps = 11;
  int loopback_calls = 5'000;  // per repetition and mode, split between the callers
  int memory_calls = 10'000;   // per repetition and mode
  int threads = 16;
};

// ---------------------------------------------------------------- the request

// One user message under a system prompt of a few hundred bytes: the size of
// a routing or narrative call.
llm::Request small_request() {
  llm::Request request;
  request.model = llm::ModelRoles{}.workhorse;
  request.max_tokens = 1024;
  request.system_text =
      "You are a personal finance coach. You read the user's budget summary for the month and write a short, "
      "friendly note: what went well, the one category that needs attention, and a concrete next step. Never "
      "invent figures: quote only the amounts given. Keep it under 120 words, in the user's currency, with no "
      "headings and no lists. If the data is incomplete, say what is missing instead of guessing.";
  request.messages.push_back(llm::Message::user_text(
      "Month: October. Currency: USD. Income 5,200.00. Rent 1,650.00 (budget 1,650.00). Groceries 512.40 "
      "(budget 600.00). Dining 412.30 (budget 250.00). Transport 138.00 (budget 180.00). Savings goal: emergency "
      "fund, 3,100.00 of 6,000.00."));
  return request;
}

// What the API sends with a 200, in its order: request-id is not the first header.
llm::Headers api_response_headers() {
  return {{"date", "Tue, 21 Oct 2025 09:14:07 GMT"},
          {"content-type", "application/json"},
          {"content-length", "410"},
          {"connection", "keep-alive"},
          {"anthropic-ratelimit-requests-limit", "4000"},
          {"anthropic-ratelimit-requests-remaining", "3999"},
          {"anthropic-ratelimit-requests-reset", "2025-10-21T09:14:07Z"},
          {"anthropic-ratelimit-input-tokens-limit", "400000"},
          {"anthropic-ratelimit-input-tokens-remaining", "398000"},
          {"anthropic-ratelimit-output-tokens-limit", "80000"},
          {"anthropic-ratelimit-output-tokens-remaining", "79500"},
          {"request-id", "req_011CUKbench0000000000000"},
          {"anthropic-organization-id", "00000000-0000-0000-0000-000000000000"},
          {"via", "1.1 google"},
          {"cf-cache-status", "DYNAMIC"},
          {"server", "cloudflare"}};
}

// The in-memory transport: every send returns a fresh copy of one canned
// answer, as a real transport builds a new response per call, and does no I/O.
class CannedTransport final : public llm::Transport {
 public:
  explicit CannedTransport(llm::HttpResponse answer) : answer_(std::move(answer)) {}
  llm::HttpResponse send(const llm::HttpRequest&) override { return answer_; }

 private:
  llm::HttpResponse answer_;
};

// --------------------------------------------------------------- measurement

struct Stats {
  double median = 0, min = 0, max = 0;
};

Stats stats_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {median, values.front(), values.back()};
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU time of the calling thread (user and system): what the in-memory modes
// cost the machine, whatever else it is running. Wall time on a shared
// machine also counts the time other processes held the core.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// One batch's wall time and, for the single-threaded in-memory modes, the
// calling thread's CPU time (0 for the loopback modes, whose work is spread
// over threads and the server).
struct Timing {
  double wall = 0;
  double cpu = 0;
};

struct Stopwatch {
  Clock::time_point wall = Clock::now();
  double cpu = thread_cpu_seconds();
  Timing read() const { return {seconds_since(wall), thread_cpu_seconds() - cpu}; }
};

void check(const llm::CallResult& result, std::string_view mode) {
  if (!result) throw std::runtime_error(fmt::format("{}: a call failed: {}", mode, result.error().message));
  if (result->text() != kExpectedText) throw std::runtime_error(fmt::format("{}: unexpected answer text", mode));
}

void check(const llm::HttpResponse& response, std::string_view mode) {
  if (response.status != 200 || response.body.empty()) {
    std::string why = response.failure ? response.failure->message : "status " + std::to_string(response.status);
    throw std::runtime_error(fmt::format("{}: a send failed: {}", mode, why));
  }
}

// One mode of a part: `batch(calls)` makes that many calls and returns the
// time they took; `seconds` and `cpu_seconds` collect one value per repetition.
struct Mode {
  std::string id;
  std::string label;
  std::function<Timing(int calls)> batch;
  std::vector<double> seconds;      // wall, per repetition
  std::vector<double> cpu_seconds;  // thread CPU, per repetition (in-memory modes)
};

// Runs every mode once untimed (warm-up: allocations, connections), then
// `reps` times, the order rotating so no mode always follows the same one.
void measure(std::vector<Mode>& modes, int reps, int calls) {
  for (Mode& mode : modes) (void)mode.batch(std::max(1, calls / 10));
  for (int rep = 0; rep < reps; ++rep) {
    for (std::size_t k = 0; k < modes.size(); ++k) {
      Mode& mode = modes[(static_cast<std::size_t>(rep) + k) % modes.size()];
      Timing timing = mode.batch(calls);
      mode.seconds.push_back(timing.wall);
      mode.cpu_seconds.push_back(timing.cpu);
    }
  }
}

// ------------------------------------------------------------ part 1: memory

// A call log appending to a scratch file, emptied after each batch.
struct ScratchLog {
  fs::path path;
  llm::CallLog log;
};

ScratchLog scratch_log(llm::LogEnvironment environment) {
  fs::path path = fs::temp_directory_path() /
                  fmt::format("reprise-bench-client-{}-{}.jsonl", getpid(), llm::to_string(environment));
  auto log = llm::CallLog::to_file(path, environment, {kApiKey});
  if (!log) throw std::runtime_error(log.error());
  return {path, std::move(*log)};
}

std::function<Timing(int)> client_batch(std::shared_ptr<llm::Transport> transport, std::optional<ScratchLog> log,
                                        std::string mode) {
  llm::ClientConfig config;
  config.api_key = kApiKey;
  std::optional<fs::path> log_path;
  if (log) {
    config.call_log = log->log;
    log_path = log->path;
  }
  auto client = std::make_shared<llm::Client>(std::move(config), std::move(transport));
  auto request = std::make_shared<llm::Request>(small_request());
  return [client, request, log_path, mode](int calls) {
    auto context = llm::CallContext::for_agent("bench");
    context.invocation_id = "inv-bench";
    Stopwatch stopwatch;
    for (int i = 0; i < calls; ++i) {
      context.call_index = i;
      check(client->invoke(*request, context), mode);
    }
    Timing timing = stopwatch.read();
    if (log_path) fs::resize_file(*log_path, 0);
    return timing;
  };
}

std::vector<Mode> memory_modes(const std::string& body, std::vector<fs::path>& scratch_files) {
  llm::HttpResponse answer;
  answer.status = 200;
  answer.headers = api_response_headers();
  answer.body = body;
  // Called through the interface, as the client calls it.
  std::shared_ptr<llm::Transport> transport = std::make_shared<CannedTransport>(answer);
  auto prebuilt = std::make_shared<llm::HttpRequest>(
      llm::AnthropicProvider(llm::kAnthropicDefaultBaseUrl, kApiKey).build_http_request(small_request()));

  std::vector<Mode> modes;
  modes.push_back({"memory.transport", "transport alone (baseline)", [transport, prebuilt](int calls) {
                     Stopwatch stopwatch;
                     for (int i = 0; i < calls; ++i) check(transport->send(*prebuilt), "memory.transport");
                     return stopwatch.read();
                   }, {}, {}});
  modes.push_back({"memory.client", "Client::invoke, no call log", client_batch(transport, std::nullopt, "memory.client"), {}, {}});
  for (auto environment : {llm::LogEnvironment::prod, llm::LogEnvironment::non_prod}) {
    ScratchLog log = scratch_log(environment);
    scratch_files.push_back(log.path);
    std::string id = environment == llm::LogEnvironment::prod ? "memory.client_log_prod" : "memory.client_log_nonprod";
    std::string label = fmt::format("Client::invoke + call log ({})", llm::to_string(environment));
    modes.push_back({id, label, client_batch(transport, std::move(log), id), {}, {}});
  }
  return modes;
}

// ---------------------------------------------------------- part 2: loopback

// `threads` callers, each making its share of `calls` with `one_call`. Each
// caller first makes one untimed call, so its connection is open (a new
// thread has a new curl handle, and the server closes connections idle for
// 1 s); the clock runs from when all are ready until the last one is done.
// The callers connect one at a time: cpp-httplib listens with a backlog of 5,
// and a connection beyond it waits for the kernel's SYN retry (1 s).
double concurrent_batch(int threads, int calls, const std::function<void()>& one_call) {
  std::latch ready(threads + 1);
  std::mutex connecting;
  std::atomic<bool> failed{false};
  std::string failure;
  std::vector<std::thread> callers;
  int each = std::max(1, calls / threads);
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&] {
      bool arrived = false;
      try {
        {
          std::lock_guard lock(connecting);
          one_call();
        }
        arrived = true;
        ready.arrive_and_wait();
        for (int i = 0; i < each; ++i) one_call();
      } catch (const std::exception& error) {
        if (!failed.exchange(true)) failure = error.what();
        if (!arrived) ready.count_down();  // or the others would wait for it forever
      }
    });
  }
  ready.arrive_and_wait();
  auto start = Clock::now();
  for (auto& caller : callers) caller.join();
  double seconds = seconds_since(start);
  if (failed) throw std::runtime_error(failure);
  // Per call of the whole batch: `each * threads` calls were made.
  return seconds * calls / (static_cast<double>(each) * threads);
}

std::vector<Mode> loopback_modes(const test::FakeApi& api, int threads) {
  auto transport = std::make_shared<llm::CurlTransport>();
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = kApiKey;
  auto client = std::make_shared<llm::Client>(config, transport);
  auto request = std::make_shared<llm::Request>(small_request());
  auto prebuilt = std::make_shared<llm::HttpRequest>(
      llm::AnthropicProvider(api.base_url(), kApiKey).build_http_request(*request));

  auto send_alone = [transport, prebuilt] { check(transport->send(*prebuilt), "loopback.transport"); };
  auto invoke = [client, request] { check(client->invoke(*request, llm::CallContext::for_agent("bench")), "loopback.client"); };

  std::vector<Mode> modes;
  for (int callers : {1, threads}) {
    std::string suffix = std::to_string(callers);
    std::string who = callers == 1 ? "1 caller" : fmt::format("{} callers", callers);
    modes.push_back({"loopback.transport_" + suffix, fmt::format("CurlTransport::send, {} (baseline)", who),
                     [callers, send_alone](int calls) { return Timing{concurrent_batch(callers, calls, send_alone), 0}; },
                     {}, {}});
    modes.push_back({"loopback.client_" + suffix, fmt::format("Client::invoke, {}", who),
                     [callers, invoke](int calls) { return Timing{concurrent_batch(callers, calls, invoke), 0}; }, {}, {}});
  }
  return modes;
}

// ----------------------------------------------------------------- reporting

// One reported figure: per-repetition values, and the baseline they are
// compared with (same repetitions).
struct Figure {
  std::string id;
  std::string label;
  std::string unit;               // "us/call" or "calls/s"
  std::vector<double> values;     // per repetition
  std::vector<double> baseline;   // empty: this is a baseline
  std::optional<double> target;   // the overhead target, for overhead lines
};

std::vector<double> per_call_us(const std::vector<double>& seconds, int calls) {
  std::vector<double> us;
  for (double s : seconds) us.push_back(s * 1e6 / calls);
  return us;
}
std::vector<double> per_call_us(const Mode& mode, int calls) { return per_call_us(mode.seconds, calls); }

std::vector<double> calls_per_second(const Mode& mode, int calls) {
  std::vector<double> rate;
  for (double s : mode.seconds) rate.push_back(calls / s);
  return rate;
}

std::vector<double> minus(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> out;
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(a[i] - b[i]);
  return out;
}

const Mode& find(const std::vector<Mode>& modes, std::string_view id) {
  for (const Mode& mode : modes) {
    if (mode.id == id) return mode;
  }
  throw std::logic_error("no mode " + std::string(id));
}

std::vector<Figure> figures_of(const std::vector<Mode>& memory, const std::vector<Mode>& loopback, const Options& options) {
  std::vector<Figure> figures;
  auto base_us = per_call_us(find(memory, "memory.transport"), options.memory_calls);
  for (const Mode& mode : memory) {
    bool is_base = mode.id == "memory.transport";
    figures.push_back({mode.id, mode.label, "us/call", per_call_us(mode, options.memory_calls),
                       is_base ? std::vector<double>{} : base_us, std::nullopt});
  }
  // The client's overhead: per repetition, client minus transport of that repetition.
  for (const Mode& mode : memory) {
    if (mode.id == "memory.transport") continue;
    std::string id = "memory.overhead" + mode.id.substr(std::string_view("memory.client").size());
    figures.push_back({id, "overhead: client" + mode.label.substr(std::string_view("Client::invoke").size()) + ", minus transport", "us/call",
                       minus(per_call_us(mode, options.memory_calls), base_us), {}, kTargetOverheadUs});
  }
  // The same overhead in the thread's CPU time: the client's own work, not
  // counting the time other processes held the core.
  auto base_cpu_us = per_call_us(find(memory, "memory.transport").cpu_seconds, options.memory_calls);
  for (const Mode& mode : memory) {
    if (mode.id == "memory.transport") continue;
    std::string id = "memory.cpu_overhead" + mode.id.substr(std::string_view("memory.client").size());
    figures.push_back({id, "overhead, CPU time: client" + mode.label.substr(std::string_view("Client::invoke").size()),
                       "us/call", minus(per_call_us(mode.cpu_seconds, options.memory_calls), base_cpu_us), {},
                       kTargetOverheadUs});
  }
  for (std::size_t k = 0; k + 1 < loopback.size(); k += 2) {
    const Mode& base = loopback[k];
    const Mode& client = loopback[k + 1];
    auto base_rate = calls_per_second(base, options.loopback_calls);
    figures.push_back({base.id, base.label, "calls/s", base_rate, {}, std::nullopt});
    figures.push_back({client.id, client.label, "calls/s", calls_per_second(client, options.loopback_calls), base_rate,
                       std::nullopt});
    figures.push_back({client.id + "_added_us", "added per call: " + client.label + ", minus send", "us/call",
                       minus(per_call_us(client, options.loopback_calls), per_call_us(base, options.loopback_calls)), {},
                       std::nullopt});
  }
  return figures;
}

// The median of the per-repetition ratios value / baseline.
std::optional<Stats> ratio_of(const Figure& figure) {
  if (figure.baseline.empty()) return std::nullopt;
  std::vector<double> ratios;
  for (std::size_t i = 0; i < figure.values.size(); ++i) ratios.push_back(figure.values[i] / figure.baseline[i]);
  return stats_of(ratios);
}

std::string machine_line() {
  std::string cpu = "?";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::string load;
  std::ifstream loadavg("/proc/loadavg");
  std::getline(loadavg, load);
  return fmt::format("machine: {} cores ({}), load average: {}", std::thread::hardware_concurrency(), cpu,
                     load.substr(0, load.find(' ', load.find(' ', load.find(' ') + 1) + 1)));
}

void render(const std::vector<Figure>& figures, const Options& options, std::ostream& out) {
  out << fmt::format("reprise client-overhead benchmark - {}\n{}\n", reprise::util::utc_now_iso8601(), machine_line());
  out << fmt::format("{} repetitions; {} in-memory calls and {} loopback calls per mode and repetition; {} concurrent callers\n",
                     options.reps, options.memory_calls, options.loopback_calls, options.threads);
  out << "figures: median [min - max] over the repetitions; x base: median of the per-repetition ratios to the baseline\n\n";
  out << fmt::format("{:<54} {:>9} {:>9} {:>9}  {:<8} {:>7}  {}\n", "figure", "median", "min", "max", "unit", "x base",
                     "target");
  out << std::string(112, '-') << '\n';
  int missed = 0;
  for (const Figure& figure : figures) {
    Stats s = stats_of(figure.values);
    auto ratio = ratio_of(figure);
    std::string target;
    if (figure.target) {
      bool met = s.median < *figure.target;
      target = fmt::format("< {:.0f} us: {}", *figure.target, met ? "met" : "MISSED");
      if (!met) ++missed;
    }
    int digits = figure.unit == "calls/s" ? 0 : 2;
    out << fmt::format("{:<54} {:>9.{}f} {:>9.{}f} {:>9.{}f}  {:<8} {:>7}  {}\n", figure.label, s.median, digits, s.min,
                       digits, s.max, digits, figure.unit, ratio ? fmt::format("{:.2f}", ratio->median) : "", target);
  }
  out << '\n';
  for (const Figure& figure : figures) {
    if (figure.target && stats_of(figure.values).median >= *figure.target) {
      out << fmt::format("TARGET MISSED: {}: median {:.2f} us per call (target < {:.0f} us)\n", figure.label,
                         stats_of(figure.values).median, *figure.target);
    }
  }
  if (missed == 0) out << fmt::format("target met: the client's overhead is under {:.0f} us per call\n", kTargetOverheadUs);
  out << '\n';
  for (const Figure& figure : figures) {
    Stats s = stats_of(figure.values);
    llm::Json line = {{"bench", "client_overhead"}, {"figure", figure.id}, {"unit", figure.unit}, {"median", s.median},
                      {"min", s.min}, {"max", s.max}, {"reps", figure.values.size()}};
    if (auto ratio = ratio_of(figure)) line["ratio_to_baseline"] = ratio->median;
    if (figure.target) line["target_lt"] = *figure.target;
    out << line.dump() << '\n';
  }
}

// ---------------------------------------------------------------------- main

std::optional<int> positive(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

constexpr const char* kUsage =
    "usage: reprise-bench-client [--reps N] [--calls N] [--memory-calls N] [--threads N]\n"
    "  --reps N          repetitions of every mode (default 11)\n"
    "  --calls N         loopback calls per mode and repetition, split between the callers (default 5000)\n"
    "  --memory-calls N  in-memory calls per mode and repetition (default 10000)\n"
    "  --threads N       concurrent callers of the loopback part (default 16)\n";

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    int* field = flag == "--reps"           ? &options.reps
                 : flag == "--calls"        ? &options.loopback_calls
                 : flag == "--memory-calls" ? &options.memory_calls
                 : flag == "--threads"      ? &options.threads
                                            : nullptr;
    std::optional<int> value = field != nullptr && i + 1 < argc ? positive(argv[i + 1]) : std::nullopt;
    if (!value) return std::nullopt;
    *field = *value;
    ++i;
  }
  return options;
}

struct RemoveFiles {
  std::vector<fs::path> paths;
  ~RemoveFiles() {
    std::error_code ignored;
    for (const auto& path : paths) fs::remove(path, ignored);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  auto options = parse_options(argc, argv);
  if (!options) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    std::string body = test::sample_message_body();
    RemoveFiles scratch;
    std::vector<Mode> memory = memory_modes(body, scratch.paths);
    measure(memory, options->reps, options->memory_calls);

    test::FakeApi api;
    api.set_recording(false);
    api.set_default({200, {{"request-id", "req_011CUKbench0000000000000"}}, body});
    std::vector<Mode> loopback = loopback_modes(api, options->threads);
    measure(loopback, options->reps, options->loopback_calls);

    render(figures_of(memory, loopback, *options), *options, std::cout);
    // Every batch starts new caller threads, hence new curl handles: one
    // connection per caller and batch when connections are reused, about one
    // per call when they are not.
    int batches = options->reps + 1;  // the warm-up batch too
    int expected = batches * 2 * (1 + options->threads);
    std::cout << fmt::format("\nloopback connections accepted by the fake: {} (one per caller and batch: {}){}\n",
                             api.accepted_connections(), expected,
                             api.accepted_connections() > expected ? " - CONNECTIONS NOT REUSED" : "");
  } catch (const std::exception& error) {
    std::cerr << "reprise-bench-client: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
