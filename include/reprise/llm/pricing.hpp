#pragma once
// What a model call costs. One table (src/llm/pricing.cpp) of list prices in
// USD per million tokens, with the day someone last checked it against its
// source. Prices change without notice, so `reprise pricing-check` (run by
// CI) fails once that day is more than kPricingMaxAgeDays old: re-read the
// source page, update the table and kPricingVerifiedOn together.
//
// A model missing from the table is an error naming it, never priced at
// zero: a silent $0 would hide the spend of a new model.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "reprise/llm/messages.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

inline constexpr std::string_view kPricingVerifiedOn = "2026-11-21";  // YYYY-MM-DD
inline constexpr std::string_view kPricingSource = "https://docs.claude.com/en/docs/about-claude/pricing";
inline constexpr int kPricingMaxAgeDays = 90;

// USD per million tokens.
struct ModelPrice {
  std::string_view model;  // the dated Anthropic model ID
  double input = 0;
  double output = 0;
  double cache_write_5m = 0;  // cache_control ephemeral, 5-minute TTL (the default)
  double cache_write_1h = 0;  // cache_control ephemeral with ttl "1h"
  double cache_read = 0;      // cache hits and refreshes
};

std::span<const ModelPrice> price_table();

// The dated Anthropic ID a model name is priced as: a dated ID is itself; an
// undated alias ("claude-sonnet-4-5") and a Bedrock model or inference-profile
// ID ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", also as an ARN) map to
// the dated ID. Anything else comes back unchanged (and is then unknown).
std::string pricing_model_id(std::string_view model);

// nullopt for a model the table does not know.
std::optional<ModelPrice> price_for(std::string_view model);

// Input, output, cache writes and cache reads of one call. Cache writes use
// usage.cache_creation's 5-minute / 1-hour split when the API sent it, else
// cache_creation_input_tokens at the 5-minute rate. Errors: an unknown model
// (named), a negative token count.
util::Expected<double, std::string> usd_for_usage(const std::string& model, const Usage& usage);

// Days from kPricingVerifiedOn to `today` ("YYYY-MM-DD"); an error for a
// malformed date.
util::Expected<int, std::string> pricing_age_days(std::string_view today);

// Why the table can no longer be trusted on `today`: older than
// kPricingMaxAgeDays (90 days old passes, 91 fails), or `today` malformed.
std::optional<std::string> pricing_age_problem(std::string_view today);

}  // namespace reprise::llm
