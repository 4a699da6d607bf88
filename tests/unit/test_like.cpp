// sluice's LIKE matcher (SQLite's like()) and the prefix ranges rendered before every like().
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "../../lib/sql/like.hpp"

using sluice::detail::like_has_dangling_escape;
using sluice::detail::like_literal_prefix;
using sluice::detail::like_match;
using sluice::detail::prefix_upper_bound;

namespace {

std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return i + n <= s.size() ? n : 1;
}

// Recursive definition of LIKE over valid UTF-8: the oracle for the iterative matcher.
bool like_oracle(std::string_view text, std::string_view pattern) {
    if (pattern.empty()) return text.empty();
    if (pattern[0] == '%') {
        for (std::size_t skip = 0;; skip += utf8_length(text, skip)) {
            if (like_oracle(text.substr(skip), pattern.substr(1))) return true;
            if (skip >= text.size()) return false;
        }
    }
    if (text.empty()) return false;
    const std::size_t t = utf8_length(text, 0);
    if (pattern[0] == '_') return like_oracle(text.substr(t), pattern.substr(1));
    std::size_t at = pattern[0] == '\\' && pattern.size() > 1 ? 1 : 0;
    const std::size_t p = utf8_length(pattern, at);
    return text.substr(0, t) == pattern.substr(at, p) && like_oracle(text.substr(t), pattern.substr(at + p));
}

}  // namespace

TEST_CASE("like_match: wildcards, escapes, UTF-8 characters, NUL bytes") {
    CHECK(like_match("a\xF0\x9F\x98\x80", "a%"));
    CHECK(like_match("a\xF0\x9F\x98\x80", "a_"));  // one character, four bytes
    CHECK_FALSE(like_match("a\xF0\x9F\x98\x80", "a__"));
    CHECK(like_match("_\xF0\x9F\x98\x80", "\\_%"));
    CHECK_FALSE(like_match("x\xF0\x9F\x98\x80", "\\_%"));
    CHECK(like_match(std::string_view("a\0b", 3), "%b"));  // NUL is an ordinary byte
    CHECK(like_match(std::string_view("a\0b", 3), std::string_view("a\0_", 3)));
    CHECK(like_match("50%", "50\\%"));
    CHECK_FALSE(like_match("500", "50\\%"));
    CHECK(like_match("a\\", "a\\"));  // a lone trailing escape matches itself, as on MariaDB
    CHECK(like_match("Abc", "Abc"));
    CHECK_FALSE(like_match("abc", "Abc"));  // case-sensitive
    CHECK(like_match("", "%"));
    CHECK_FALSE(like_match("", "_"));
    const std::string long_text(100'000, 'x');
    CHECK(like_match(long_text, long_text));  // no pattern length limit
}

TEST_CASE("like_match agrees with the recursive definition on random inputs") {
    std::mt19937 rng(7);
    const char* atoms[] = {"a", "b", " ", "%", "_", "\\%", "\\_", "\\\\", "\xF0\x9F\x98\x80", "\xC3\xA9"};
    const char* letters[] = {"a", "b", " ", "%", "_", "\\", "\xF0\x9F\x98\x80", "\xC3\xA9"};
    int matches = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text, pattern;
        for (std::size_t n = rng() % 7; n > 0; --n) text += letters[rng() % std::size(letters)];
        for (std::size_t n = rng() % 6; n > 0; --n) pattern += atoms[rng() % std::size(atoms)];
        const bool expected = like_oracle(text, pattern);
        matches += expected;
        if (like_match(text, pattern) != expected) {
            FAIL_CHECK("text '" << text << "' pattern '" << pattern << "' expected " << expected);
            break;
        }
    }
    CHECK(matches > 100);  // the inputs do exercise matches, not only misses
}

TEST_CASE("literal prefix and its upper bound") {
    CHECK(like_literal_prefix("ab%c") == "ab");
    CHECK(like_literal_prefix("a\\_b_c") == "a_b");
    CHECK(like_literal_prefix("%x").empty());
    CHECK(prefix_upper_bound("ab") == "ac");
    CHECK(prefix_upper_bound("a\xF0\x9F\x98\x80") == "a\xF0\x9F\x98\x81");
    CHECK(prefix_upper_bound("a\x7F") == "a\xC2\x80");
    CHECK(prefix_upper_bound("a\xED\x9F\xBF") == "a\xEE\x80\x80");  // U+D7FF -> U+E000, past the surrogates
    CHECK(prefix_upper_bound("a\xF4\x8F\xBF\xBF") == "b");          // U+10FFFF has no successor: carry
    CHECK_FALSE(prefix_upper_bound("\xF4\x8F\xBF\xBF").has_value());
    CHECK_FALSE(prefix_upper_bound("a\xFF").has_value());  // not UTF-8: no range
    CHECK(like_has_dangling_escape("a\\"));
    CHECK_FALSE(like_has_dangling_escape("a\\\\"));
    CHECK(like_has_dangling_escape("a\\\\\\"));
}
