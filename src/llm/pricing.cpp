#include "reprise/llm/pricing.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>

namespace reprise::llm {

namespace {

// List prices, USD per million tokens, as published on
// https://docs.claude.com/en/docs/about-claude/pricing (kPricingSource),
// checked on kPricingVerifiedOn. Cache writes cost 1.25x the input price for
// the 5-minute TTL and 2x for the 1-hour TTL; cache reads 0.1x.
// Bedrock IDs are priced as the Anthropic model they name.
constexpr std::array<ModelPrice, 4> kPrices{{
    //  model                          input output  5m write  1h write  cache read
    {"claude-sonnet-4-5-20250929", 3.00, 15.00, 3.75, 6.00, 0.30},
    {"claude-sonnet-4-20250514", 3.00, 15.00, 3.75, 6.00, 0.30},
    {"claude-opus-4-5-20251101", 5.00, 25.00, 6.25, 10.00, 0.50},
    {"claude-haiku-4-5-20251001", 1.00, 5.00, 1.25, 2.00, 0.10},
}};

struct Alias {
  std::string_view alias;
  std::string_view model;
};

// Anthropic's undated aliases of the dated IDs above.
constexpr std::array<Alias, 5> kAliases{{
    {"claude-sonnet-4-5", "claude-sonnet-4-5-20250929"},
    {"claude-sonnet-4-0", "claude-sonnet-4-20250514"},
    {"claude-sonnet-4", "claude-sonnet-4-20250514"},
    {"claude-opus-4-5", "claude-opus-4-5-20251101"},
    {"claude-haiku-4-5", "claude-haiku-4-5-20251001"},
}};

bool all_lower_letters(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "anthropic.<id>-v1:0" or "<geo>.anthropic.<id>-v1:0" (us, eu, apac, global, ...) -> "<id>".
std::optional<std::string_view> bedrock_model(std::string_view model) {
  if (auto slash = model.rfind('/'); slash != std::string_view::npos) model.remove_prefix(slash + 1);  // an ARN
  auto vendor = model.find("anthropic.");
  if (vendor == std::string_view::npos) return std::nullopt;
  if (vendor != 0 && !(model[vendor - 1] == '.' && all_lower_letters(model.substr(0, vendor - 1)))) return std::nullopt;
  model.remove_prefix(vendor + std::string_view("anthropic.").size());
  auto version = model.rfind("-v");
  if (version == std::string_view::npos) return model;
  std::string_view suffix = model.substr(version + 2);  // "1:0" or "1"
  auto colon = suffix.find(':');
  bool versioned = all_digits(suffix.substr(0, colon)) && (colon == std::string_view::npos || all_digits(suffix.substr(colon + 1)));
  return versioned ? model.substr(0, version) : model;
}

util::Expected<std::chrono::sys_days, std::string> parse_date(std::string_view text) {
  auto number = [&](std::size_t from, std::size_t length, int& out) {
    auto piece = text.substr(from, length);
    return all_digits(piece) && std::from_chars(piece.data(), piece.data() + piece.size(), out).ec == std::errc{};
  };
  int year = 0, month = 0, day = 0;
  bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  if (shaped && number(0, 4, year) && number(5, 2, month) && number(8, 2, day)) {
    std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                     std::chrono::day{static_cast<unsigned>(day)}};
    if (date.ok()) return std::chrono::sys_days{date};
  }
  return util::Unexpected<std::string>{"'" + std::string(text) + "' is not a date of the form YYYY-MM-DD"};
}

double per_million(std::int64_t tokens, double usd_per_million) {
  return static_cast<double>(tokens) * usd_per_million / 1'000'000.0;
}

}  // namespace

std::span<const ModelPrice> price_table() { return kPrices; }

std::string pricing_model_id(std::string_view model) {
  if (auto bedrock = bedrock_model(model)) model = *bedrock;
  for (const auto& alias : kAliases) {
    if (alias.alias == model) return std::string(alias.model);
  }
  return std::string(model);
}

std::optional<ModelPrice> price_for(std::string_view model) {
  std::string id = pricing_model_id(model);
  for (const auto& price : kPrices) {
    if (price.model == id) return price;
  }
  return std::nullopt;
}

util::Expected<double, std::string> usd_for_usage(const std::string& model, const Usage& usage) {
  auto price = price_for(model);
  if (!price) {
    return util::Unexpected<std::string>{"no price for model '" + model + "': add it to the table in src/llm/pricing.cpp"};
  }
  std::int64_t write_5m = usage.cache_creation_input_tokens, write_1h = 0;
  if (usage.cache_creation) {
    write_5m = usage.cache_creation->ephemeral_5m_input_tokens;
    write_1h = usage.cache_creation->ephemeral_1h_input_tokens;
  }
  for (std::int64_t tokens : {usage.input_tokens, usage.output_tokens, usage.cache_read_input_tokens, write_5m, write_1h}) {
    if (tokens < 0) return util::Unexpected<std::string>{"usage of model '" + model + "' has a negative token count"};
  }
  return per_million(usage.input_tokens, price->input) + per_million(usage.output_tokens, price->output) +
         per_million(write_5m, price->cache_write_5m) + per_million(write_1h, price->cache_write_1h) +
         per_million(usage.cache_read_input_tokens, price->cache_read);
}

util::Expected<int, std::string> pricing_age_days(std::string_view today) {
  auto now = parse_date(today);
  if (!now) return util::Unexpected<std::string>{now.error()};
  auto verified = parse_date(kPricingVerifiedOn);
  return static_cast<int>((*now - *verified).count());
}

std::optional<std::string> pricing_age_problem(std::string_view today) {
  auto age = pricing_age_days(today);
  if (!age) return age.error();
  if (*age <= kPricingMaxAgeDays) return std::nullopt;
  return "the price table was verified on " + std::string(kPricingVerifiedOn) + ", " + std::to_string(*age) +
         " days before " + std::string(today) + " (limit " + std::to_string(kPricingMaxAgeDays) +
         "): check " + std::string(kPricingSource) + " and update src/llm/pricing.cpp and kPricingVerifiedOn";
}

}  // namespace reprise::llm
