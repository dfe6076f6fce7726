#pragma once
// Small text helpers used by expectations and reports.
#include <cstddef>
#include <string>
#include <string_view>

namespace reprise::util {

std::string to_lower_ascii(std::string_view text);
// Words are maximal runs of non-whitespace characters.
std::size_t count_words(std::string_view text);
// At most `max_chars` bytes of `text`, cut at a UTF-8 boundary, with "..." when cut.
std::string excerpt(std::string_view text, std::size_t max_chars);
// Lowercase a-z0-9 and '-', for case ids and file names.
std::string slugify(std::string_view text, std::size_t max_chars);

}  // namespace reprise::util
