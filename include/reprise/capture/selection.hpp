#pragma once
// From records to the invocations worth a case: grouping, filters,
// de-duplication and sampling. Pure: no file system, no clock.
//
// A case is one agent invocation: the calls sharing an invocation_id (a
// chain, a tool loop), ordered by call_index. A record without an
// invocation id is an invocation of its own.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reprise/capture/logged_call.hpp"

namespace reprise::capture {

// Why a record or an invocation did not become a case.
enum class SkipReason {
  malformed,       // a line or record that could not be read (record level)
  prod,            // a prod record: the fingerprint only, no payload (record level)
  filtered,        // outside --agent/--model/--since/--until/--status
  incomplete,      // an invocation with calls missing or repeated in the log
  failed_call,     // an invocation with a failed call: there is no answer to replay
  duplicate,       // the same requests as an earlier invocation of the log
  existing_case,   // the same requests as an existing case's fixture
  not_sampled,     // left out by --sample or --limit
  unknown_agent,   // a record naming an agent this reprise does not have
  input_rejected,  // the agent rejects the logged input
  unusable,        // the logged answer cannot be replayed (unparseable, the agent fails on it)
  kept_aside,      // the case would not replay green with the logged fingerprints today
  secret,          // a secret-looking string survived redaction: refused
  case_exists,     // a case file of that id is already there: never overwritten
};
std::string_view to_string(SkipReason reason);
inline constexpr int kSkipReasons = 14;

enum class StatusFilter { success, error, any };

struct Filter {
  std::set<std::string> agents;  // empty: any
  std::set<std::string> models;  // empty: any; an invocation matches when any call's model is listed
  std::string since, until;      // ISO 8601 UTC prefixes; since inclusive, until exclusive; empty: open
  StatusFilter status = StatusFilter::success;
};

struct Invocation {
  std::string id;  // the invocation id, or "line <n> of <file>" for a record without one
  std::vector<LoggedCall> calls;  // by call_index once grouped

  const LoggedCall& first() const { return calls.front(); }
  bool failed() const;
  // The requests' fingerprints in call order, joined by ',': what two
  // invocations (or an invocation and a case) share when they are the same.
  std::string fingerprint_key() const;
};

// Collects records into invocations, in the order their first call appears.
//
// Memory: a record is kept as a compact header (about 150 bytes: the
// fingerprint as 32 bytes, agent, model and file interned, the origin as
// file and line), not as a LoggedCall (about 1 KB with its strings). An
// Invocation of LoggedCalls (without payloads, and with only the file and
// line of their origin) is built one at a time by drain(), so a caller that
// keeps only the invocations it wants never holds the others in full.
class Grouper {
 public:
  // False, and the record dropped, when the invocation already has this call
  // with the same fingerprint: the same line read twice (a log shipped or
  // passed twice), a duplicate, not a broken invocation.
  bool add(const LoggedCall& call);
  // Each invocation in order, its calls sorted by call_index; the headers
  // are freed as they are handed over.
  void drain(const std::function<void(Invocation)>& each);
  std::vector<Invocation> take();  // drain() into a vector

 private:
  struct Header {
    std::string timestamp;
    std::array<unsigned char, 32> fingerprint{};
    std::uint64_t line = 0;
    std::uint32_t ordinal = 0;
    std::int32_t call_index = 0;
    std::uint16_t model = 0, source = 0;
    bool failed = false;
  };
  struct Group {
    std::string id;  // the invocation id, or "" for a record without one
    std::uint16_t agent = 0;
    std::vector<Header> calls;
  };
  std::uint16_t intern(std::vector<std::string>& table, const std::string& value);

  std::vector<Group> groups_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::string> agents_, models_, sources_;
};

// Why an invocation cannot be whole ("call 1 of 2 is missing"), or empty.
std::string incomplete_reason(const Invocation& invocation);
bool matches(const Filter& filter, const Invocation& invocation);
// Whether a timestamp falls in [since, until): compared as text, which is
// the order of ISO 8601 UTC times of one format.
bool in_time_range(const std::string& timestamp, const std::string& since, const std::string& until);

// `count` of `total` indices, chosen uniformly with a seeded mt19937_64 (the
// standard fixes its sequence, so a seed picks the same on every platform),
// in increasing order. All of them when count >= total.
std::vector<std::size_t> sample_indices(std::size_t total, std::size_t count, std::uint64_t seed);

}  // namespace reprise::capture
