// LIKE matching and literal prefixes, byte-exact (see like.hpp).
#include "sql/like.hpp"

#include "model/messages.hpp"

#include <cstdint>
#include <vector>

#include <sluice/error.hpp>
#include <sluice/expr.hpp>

namespace sluice::detail {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Bytes in the UTF-8 character at s[i]; an invalid or truncated sequence counts as one byte.
std::size_t char_length(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                                : lead >= 0xF0 && lead <= 0xF4   ? 4
                                                                 : 1;
    if (i + n > s.size()) return 1;
    for (std::size_t k = 1; k < n; ++k)
        if (!is_continuation(static_cast<unsigned char>(s[i + k]))) return 1;
    return n;
}

struct token {
    enum kind_t : std::uint8_t { any_run, one_char, literal } kind;
    std::string_view text;  // literal: one character's bytes
};

std::vector<token> tokenize(std::string_view pattern, char escape) {
    std::vector<token> out;
    for (std::size_t i = 0; i < pattern.size();) {
        const char c = pattern[i];
        if (c == escape && i + 1 < pattern.size()) {
            const std::size_t n = char_length(pattern, i + 1);
            out.push_back({token::literal, pattern.substr(i + 1, n)});
            i += 1 + n;
        } else if (c == '%') {
            if (out.empty() || out.back().kind != token::any_run) out.push_back({token::any_run, {}});
            ++i;
        } else if (c == '_') {
            out.push_back({token::one_char, {}});
            ++i;
        } else {
            const std::size_t n = char_length(pattern, i);
            out.push_back({token::literal, pattern.substr(i, n)});
            i += n;
        }
    }
    return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Code points of a valid UTF-8 string (no overlong forms, no surrogates); nullopt otherwise.
std::optional<std::vector<std::uint32_t>> decode(std::string_view s) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = char_length(s, i);
        const auto lead = static_cast<unsigned char>(s[i]);
        if (n == 1 && lead >= 0x80) return std::nullopt;
        std::uint32_t cp = n == 1 ? lead : n == 2 ? lead & 0x1F : n == 3 ? lead & 0x0F : lead & 0x07;
        for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out.push_back(cp);
        i += n;
    }
    return out;
}

}  // namespace

bool like_match(std::string_view text, std::string_view pattern, char escape) {
    const std::vector<token> tokens = tokenize(pattern, escape);
    // Greedy matching with one backtrack point, the last '%': a later '%' can absorb anything an
    // earlier one could, so earlier ones never need revisiting (linear in practice, O(n*m) worst).
    std::size_t t = 0, p = 0;
    std::size_t star = tokens.size(), star_text = 0;
    while (t < text.size()) {
        if (p < tokens.size() && tokens[p].kind == token::one_char) {
            t += char_length(text, t);
            ++p;
        } else if (p < tokens.size() && tokens[p].kind == token::literal && char_length(text, t) == tokens[p].text.size() &&
                   text.substr(t, tokens[p].text.size()) == tokens[p].text) {
            t += tokens[p].text.size();
            ++p;
        } else if (p < tokens.size() && tokens[p].kind == token::any_run) {
            star = p++;
            star_text = t;
        } else if (star < tokens.size()) {
            star_text += char_length(text, star_text);
            t = star_text;
            p = star + 1;
        } else {
            return false;
        }
    }
    while (p < tokens.size() && tokens[p].kind == token::any_run) ++p;
    return p == tokens.size();
}

bool like_has_dangling_escape(std::string_view pattern, char escape) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != escape) continue;
        if (i + 1 == pattern.size()) return true;
        ++i;  // the escaped character, whatever it is
    }
    return false;
}

std::string like_literal_prefix(std::string_view pattern, char escape) {
    std::string prefix;
    for (const token& t : tokenize(pattern, escape)) {
        if (t.kind != token::literal) break;
        prefix += t.text;
    }
    return prefix;
}

std::optional<std::string> prefix_upper_bound(std::string_view prefix) {
    auto points = decode(prefix);
    if (!points) return std::nullopt;
    while (!points->empty() && points->back() == 0x10FFFF) points->pop_back();
    if (points->empty()) return std::nullopt;
    std::uint32_t& last = points->back();
    last = last == 0xD7FF ? 0xE000 : last + 1;
    std::string out;
    for (std::uint32_t cp : *points) append_utf8(out, cp);
    return out;
}

expr_node like_node(const table_info& t, std::size_t column, std::string pattern) {
    if (like_has_dangling_escape(pattern))
        throw error(column_message(t, t.columns.at(column),
                                   "like() pattern ends in a lone '\\', which escapes nothing: write '\\\\' for a "
                                   "literal backslash (sluice::like_escape does)"));
    expr_node n{expr_op::like, column, no_column, {}, {}};
    std::string prefix = like_literal_prefix(pattern);
    std::optional<std::string> upper = prefix.empty() ? std::nullopt : prefix_upper_bound(prefix);
    n.values.emplace_back(std::move(pattern));
    if (!prefix.empty()) n.values.emplace_back(std::move(prefix));
    if (upper) n.values.emplace_back(std::move(*upper));
    return n;
}

}  // namespace sluice::detail
