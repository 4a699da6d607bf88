// Private: sluice's LIKE semantics as plain functions: the matcher SQLite runs, and the literal
// prefix range both dialects put in front of a LIKE so that an index serves it exactly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::detail {

// SQL LIKE, byte-exact: '%' any run, '_' one UTF-8 character (an invalid byte counts as one),
// `escape` makes the next character literal (a lone trailing escape matches itself, as on
// MariaDB), no case folding, NUL an ordinary byte, no length limit.
bool like_match(std::string_view text, std::string_view pattern, char escape = '\\');

// Whether the pattern ends in an escape character that escapes nothing.
bool like_has_dangling_escape(std::string_view pattern, char escape = '\\');

// The literal text every match starts with: the pattern up to its first unescaped '%' or '_',
// escapes removed.
std::string like_literal_prefix(std::string_view pattern, char escape = '\\');

// The least string greater than every string that starts with `prefix`, in code point (= UTF-8
// byte) order: the last character replaced by its successor. nullopt when there is none (every
// character is U+10FFFF, or the prefix is empty or not valid UTF-8).
std::optional<std::string> prefix_upper_bound(std::string_view prefix);

}  // namespace sluice::detail
