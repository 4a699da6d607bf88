// Randomised test data (fixed seed) with NULLs and ties, and C++ versions of SQL semantics, so
// each query's result can be checked against the same filter applied in memory.
#pragma once

#include <algorithm>
#include <random>
#include <string_view>
#include <vector>

#include "models.hpp"
#include "support.hpp"

namespace oracle {

inline std::vector<models::User> random_users(std::size_t n, unsigned seed = 42) {
    std::mt19937 rng(seed);
    const char* names[] = {"ada", "alan", "barbara", "bob", "grace", "Grace", "a_b", "50%", "x' OR '1'='1", "zed"};
    std::vector<models::User> users;
    users.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        models::User u;
        u.name = names[rng() % std::size(names)];
        u.age = static_cast<std::int32_t>(rng() % 20);                       // many ties
        u.score = static_cast<double>(rng() % 1000) / 8.0 - 40.0;             // exact binary fractions
        u.created_at = support::at(2020 + static_cast<int>(rng() % 3), 1 + rng() % 12, 1 + rng() % 28,
                                   static_cast<int>(rng() % 24), 0, 0, static_cast<int>(rng() % 1000000));
        if (rng() % 3 != 0) u.bio = std::string(names[rng() % std::size(names)]) + " bio";  // a third NULL
        users.push_back(std::move(u));
    }
    return users;
}

// Bytes in the UTF-8 character at s[0] (an invalid byte counts as one).
inline std::size_t utf8_char(std::string_view s) {
    const auto c = static_cast<unsigned char>(s[0]);
    const std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 1;
    if (n > s.size()) return 1;
    for (std::size_t i = 1; i < n; ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 1;
    return n;
}

// SQL LIKE with '\' as the escape character, case-sensitive (sluice makes both backends so);
// '_' is one UTF-8 character, NUL an ordinary byte.
inline bool like(std::string_view text, std::string_view pattern) {
    if (pattern.empty()) return text.empty();
    if (pattern[0] == '%') {
        for (std::size_t skip = 0;; skip += utf8_char(text.substr(skip))) {
            if (like(text.substr(skip), pattern.substr(1))) return true;
            if (skip >= text.size()) return false;
        }
    }
    if (text.empty()) return false;
    const std::size_t t = utf8_char(text);
    if (pattern[0] == '_') return like(text.substr(t), pattern.substr(1));
    const std::size_t at = pattern[0] == '\\' && pattern.size() > 1 ? 1 : 0;
    const std::size_t p = utf8_char(pattern.substr(at));
    return text.substr(0, t) == pattern.substr(at, p) && like(text.substr(t), pattern.substr(at + p));
}

template <class T, class Pred> std::vector<T> filtered(const std::vector<T>& rows, Pred keep) {
    std::vector<T> out;
    std::copy_if(rows.begin(), rows.end(), std::back_inserter(out), keep);
    return out;
}

inline std::vector<models::User> by_id(std::vector<models::User> rows) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return rows;
}

}  // namespace oracle
