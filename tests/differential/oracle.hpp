// The differential tester's oracle: SQL semantics over a std::vector of rows, without sluice's SQL.
// Three-valued logic, byte-wise text without padding, LIKE by code point, NULLs first ascending.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "models.hpp"

namespace diff {

// --- field access by runtime column index -------------------------------------------------

template <class X> struct unwrap { using type = X; static constexpr bool nullable = false; };
template <class X> struct unwrap<std::optional<X>> { using type = X; static constexpr bool nullable = true; };

template <class T> constexpr std::size_t column_count = std::tuple_size_v<decltype(traits<T>::members)>;

// f(&T::field) for the i-th field; every call must return the same type.
template <class T, std::size_t I = 0, class F>
auto with_member(std::size_t i, F&& f) -> decltype(f(std::get<0>(traits<T>::members))) {
    if constexpr (I + 1 == column_count<T>) {
        return f(std::get<I>(traits<T>::members));
    } else {
        if (i == I) return f(std::get<I>(traits<T>::members));
        return with_member<T, I + 1>(i, std::forward<F>(f));
    }
}

template <class P> struct member_of;
template <class C, class M> struct member_of<M C::*> { using type = M; };
template <class P> using member_t = typename member_of<P>::type;
template <class P> using value_t = typename unwrap<member_t<P>>::type;

enum class category { text, integer, boolean, datetime };

template <class V> constexpr category category_of() {
    if constexpr (std::is_same_v<V, std::string>) return category::text;
    else if constexpr (std::is_same_v<V, bool>) return category::boolean;
    else if constexpr (std::is_same_v<V, sluice::datetime>) return category::datetime;
    else return category::integer;
}

struct column_desc {
    std::string name;
    category cat;
    bool nullable;
    bool primary_key;
};

template <class T> const std::vector<column_desc>& columns() {
    static const std::vector<column_desc> cols = [] {
        std::vector<column_desc> out;
        const auto& info = sluice::table_of<T>();
        for (std::size_t i = 0; i < column_count<T>; ++i) {
            with_member<T>(i, [&](auto m) {
                using P = decltype(m);
                out.push_back({std::string(traits<T>::names[i]), category_of<value_t<P>>(),
                               unwrap<member_t<P>>::nullable, info.columns[i].primary_key});
            });
        }
        return out;
    }();
    return cols;
}

template <class T> std::vector<std::size_t> primary_key() {
    std::vector<std::size_t> pk(sluice::table_of<T>().primary_key.begin(), sluice::table_of<T>().primary_key.end());
    return pk;
}

// --- scalar values and comparison ---------------------------------------------------------

// A non-NULL value: text as its bytes; integers, bool and datetime (microseconds) as int64.
struct scalar {
    bool text = false;
    std::int64_t num = 0;
    std::string str;
};
using oval = std::optional<scalar>;

template <class V> scalar to_scalar(const V& v) {
    if constexpr (std::is_same_v<V, std::string>) return {true, 0, v};
    else if constexpr (std::is_same_v<V, sluice::datetime>) return {false, v.time_since_epoch().count(), {}};
    else return {false, static_cast<std::int64_t>(v), {}};
}

template <class T> oval field(const T& row, std::size_t i) {
    return with_member<T>(i, [&](auto m) -> oval {
        const auto& v = row.*m;
        if constexpr (unwrap<std::remove_cvref_t<decltype(v)>>::nullable) {
            if (!v) return std::nullopt;
            return to_scalar(*v);
        } else {
            return to_scalar(v);
        }
    });
}

// Byte-wise as unsigned char, no padding: "a" < "a\0" < "a " < "a\x7f" < "a\xc3\xa9" (é).
inline int compare_bytes(std::string_view a, std::string_view b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
        if (x != y) return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

inline int compare_scalar(const scalar& a, const scalar& b) {
    if (a.text) return compare_bytes(a.str, b.str);
    return a.num == b.num ? 0 : (a.num < b.num ? -1 : 1);
}

// For ordering: NULL before every value.
inline int compare_nulls_first(const oval& a, const oval& b) {
    if (!a || !b) return a ? 1 : (b ? -1 : 0);
    return compare_scalar(*a, *b);
}

// --- three-valued logic --------------------------------------------------------------------

enum class tv { f, t, u };
inline tv tv_not(tv a) { return a == tv::u ? tv::u : (a == tv::t ? tv::f : tv::t); }
inline tv tv_and(tv a, tv b) {
    if (a == tv::f || b == tv::f) return tv::f;
    return a == tv::t && b == tv::t ? tv::t : tv::u;
}
inline tv tv_or(tv a, tv b) {
    if (a == tv::t || b == tv::t) return tv::t;
    return a == tv::f && b == tv::f ? tv::f : tv::u;
}

enum class cmp { eq, ne, lt, le, gt, ge };
inline const char* cmp_text(cmp c) {
    static const char* const t[] = {"==", "!=", "<", "<=", ">", ">="};
    return t[static_cast<int>(c)];
}
inline tv compare_tv(const oval& a, cmp c, const oval& b) {
    if (!a || !b) return tv::u;
    const int r = compare_scalar(*a, *b);
    bool v = false;
    switch (c) {
    case cmp::eq: v = r == 0; break;
    case cmp::ne: v = r != 0; break;
    case cmp::lt: v = r < 0; break;
    case cmp::le: v = r <= 0; break;
    case cmp::gt: v = r > 0; break;
    case cmp::ge: v = r >= 0; break;
    }
    return v ? tv::t : tv::f;
}

// --- LIKE ----------------------------------------------------------------------------------

inline std::size_t code_point_length(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return std::min(n, s.size() - i);
}

inline std::vector<std::string_view> code_points(std::string_view s) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = code_point_length(s, i);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

struct like_token {
    enum kind_t { literal, one, any } kind;
    std::string_view cp;
};

// nullopt: the pattern ends in an escape with nothing to escape.
inline std::optional<std::vector<like_token>> parse_like(std::string_view pattern) {
    std::vector<like_token> out;
    const auto cps = code_points(pattern);
    for (std::size_t i = 0; i < cps.size(); ++i) {
        if (cps[i] == "\\") {
            if (i + 1 == cps.size()) return std::nullopt;
            out.push_back({like_token::literal, cps[++i]});
        } else if (cps[i] == "%") {
            out.push_back({like_token::any, {}});
        } else if (cps[i] == "_") {
            out.push_back({like_token::one, {}});
        } else {
            out.push_back({like_token::literal, cps[i]});
        }
    }
    return out;
}

// '%' any run of code points, '_' exactly one, '\' escapes; byte-exact, case-sensitive.
inline bool like(std::string_view text, const std::vector<like_token>& pattern) {
    const auto t = code_points(text);
    // reach[j]: the first i tokens can match the first j code points.
    std::vector<char> reach(t.size() + 1, 0), next(t.size() + 1, 0);
    reach[0] = 1;
    for (const like_token& tok : pattern) {
        std::fill(next.begin(), next.end(), 0);
        for (std::size_t j = 0; j <= t.size(); ++j) {
            if (tok.kind == like_token::any) {
                next[j] = reach[j] || (j > 0 && next[j - 1]);
            } else if (j > 0 && reach[j - 1]) {
                next[j] = tok.kind == like_token::one || t[j - 1] == tok.cp;
            }
        }
        reach.swap(next);
    }
    return reach[t.size()] != 0;
}

// --- the filter tree -----------------------------------------------------------------------

// Values live in a per-case pool of rows: a value of column c is pool[index].c, so that every
// value has exactly its column's C++ type.
struct filter {
    enum kind_t { compare_value, compare_column, like, in, between, is_null, is_not_null, all_of, any_of, negate } kind = all_of;
    cmp op = cmp::eq;
    std::size_t column = 0, other = 0;
    std::vector<std::size_t> values;
    std::string pattern;
    std::vector<filter> children;
};

template <class T> tv evaluate(const filter& f, const T& row, const std::vector<T>& pool) {
    switch (f.kind) {
    case filter::compare_value: return compare_tv(field(row, f.column), f.op, field(pool[f.values[0]], f.column));
    case filter::compare_column: return compare_tv(field(row, f.column), f.op, field(row, f.other));
    case filter::like: {
        const oval v = field(row, f.column);
        if (!v) return tv::u;
        const auto tokens = parse_like(f.pattern);
        return tokens && like(v->str, *tokens) ? tv::t : tv::f;
    }
    case filter::in: {
        // x IN (a, b) is x = a OR x = b: an empty list is FALSE.
        tv r = tv::f;
        for (std::size_t v : f.values) r = tv_or(r, compare_tv(field(row, f.column), cmp::eq, field(pool[v], f.column)));
        return r;
    }
    case filter::between:
        return tv_and(compare_tv(field(pool[f.values[0]], f.column), cmp::le, field(row, f.column)),
                      compare_tv(field(row, f.column), cmp::le, field(pool[f.values[1]], f.column)));
    case filter::is_null: return field(row, f.column) ? tv::f : tv::t;
    case filter::is_not_null: return field(row, f.column) ? tv::t : tv::f;
    case filter::all_of: {
        tv r = tv::t;
        for (const filter& c : f.children) r = tv_and(r, evaluate(c, row, pool));
        return r;
    }
    case filter::any_of: {
        tv r = tv::f;
        for (const filter& c : f.children) r = tv_or(r, evaluate(c, row, pool));
        return r;
    }
    case filter::negate: return tv_not(evaluate(f.children.at(0), row, pool));
    }
    return tv::u;
}

// --- ordering ------------------------------------------------------------------------------

struct order_term {
    std::size_t column;
    bool descending;
};

// The order keys, then the primary key columns not among them in the first key's direction.
template <class T> std::vector<order_term> effective_order(const std::vector<order_term>& order) {
    std::vector<order_term> terms = order;
    const bool descending = !order.empty() && order.front().descending;
    for (std::size_t k : primary_key<T>()) {
        if (std::none_of(order.begin(), order.end(), [&](const order_term& o) { return o.column == k; }))
            terms.push_back({k, descending});
    }
    return terms;
}

template <class T> int compare_rows(const T& a, const T& b, const std::vector<order_term>& terms) {
    for (const order_term& o : terms) {
        const int r = compare_nulls_first(field(a, o.column), field(b, o.column));
        if (r != 0) return o.descending ? -r : r;
    }
    return 0;
}

// The terms always end in the whole primary key, so the order is total and std::sort exact.
// (Not std::stable_sort: its nothrow operator new meets test_cursor.cpp's replaced operator
// delete, which ASan reports as an alloc-dealloc mismatch.)
template <class T> void sort_rows(std::vector<T>& rows, const std::vector<order_term>& terms) {
    std::sort(rows.begin(), rows.end(), [&](const T& a, const T& b) { return compare_rows(a, b, terms) < 0; });
}

template <class T> void sort_by_key(std::vector<T>& rows) { sort_rows(rows, effective_order<T>({})); }

// --- printing ------------------------------------------------------------------------------

// Quoted, escaped, runs of one code point shortened: "ab"+"x"*300+"c".
inline std::string show_text(std::string_view s) {
    auto escape = [](std::string_view piece) {
        static const char hex[] = "0123456789abcdef";
        std::string e;
        for (unsigned char c : piece) {
            if (c == '"' || c == '\\') {
                e += '\\';
                e += static_cast<char>(c);
            } else if (c < 0x20 || c == 0x7f) {
                e += "\\x";
                e += hex[c >> 4];
                e += hex[c & 15];
            } else {
                e += static_cast<char>(c);
            }
        }
        return e;
    };
    std::vector<std::string> pieces;  // each already quoted
    std::string plain;
    auto flush = [&] {
        if (!plain.empty()) pieces.push_back('"' + escape(plain) + '"');
        plain.clear();
    };
    const auto cps = code_points(s);
    for (std::size_t i = 0; i < cps.size();) {
        // The longest run of a one- or two-code-point unit starting here.
        std::size_t best_unit = 1, best_reps = 1;
        for (std::size_t unit = 1; unit <= 2; ++unit) {
            std::size_t reps = 1;
            while (i + (reps + 1) * unit <= cps.size() &&
                   std::equal(cps.begin() + static_cast<std::ptrdiff_t>(i), cps.begin() + static_cast<std::ptrdiff_t>(i + unit),
                              cps.begin() + static_cast<std::ptrdiff_t>(i + reps * unit)))
                ++reps;
            if (reps * unit > best_reps * best_unit) best_unit = unit, best_reps = reps;
        }
        if (best_reps * best_unit >= 8 && best_reps >= 4) {
            flush();
            std::string unit;
            for (std::size_t k = 0; k < best_unit; ++k) unit += cps[i + k];
            pieces.push_back('"' + escape(unit) + "\"*" + std::to_string(best_reps));
            i += best_reps * best_unit;
        } else {
            plain += cps[i++];
        }
    }
    flush();
    if (pieces.empty()) return "\"\"";
    std::string out;
    for (const std::string& p : pieces) out += (out.empty() ? "" : "+") + p;
    return out;
}

inline std::string show_datetime(sluice::datetime t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    auto us = (t - day).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld.%06lld", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long long>(us / 3'600'000'000), static_cast<long long>(us / 60'000'000 % 60),
                  static_cast<long long>(us / 1'000'000 % 60), static_cast<long long>(us % 1'000'000));
    return buf;
}

template <class T> std::string show_field(const T& row, std::size_t i) {
    return with_member<T>(i, [&](auto m) -> std::string {
        const auto& v = row.*m;
        using M = std::remove_cvref_t<decltype(v)>;
        using V = typename unwrap<M>::type;
        const V* p;
        if constexpr (unwrap<M>::nullable) {
            if (!v) return "NULL";
            p = &*v;
        } else {
            p = &v;
        }
        if constexpr (std::is_same_v<V, std::string>) return show_text(*p);
        else if constexpr (std::is_same_v<V, bool>) return *p ? "true" : "false";
        else if constexpr (std::is_same_v<V, sluice::datetime>) return show_datetime(*p);
        else return std::to_string(*p);
    });
}

template <class T> std::string show_row(const T& row) {
    std::string out = "{";
    for (std::size_t i = 0; i < column_count<T>; ++i) out += (i ? ", " : "") + columns<T>()[i].name + "=" + show_field(row, i);
    return out + "}";
}

template <class T> std::string show_filter(const filter& f, const std::vector<T>& pool) {
    const auto& cols = columns<T>();
    auto c = [&](std::size_t i) { return "col(" + cols[i].name + ")"; };
    switch (f.kind) {
    case filter::compare_value: return c(f.column) + " " + cmp_text(f.op) + " " + show_field(pool[f.values[0]], f.column);
    case filter::compare_column: return c(f.column) + " " + cmp_text(f.op) + " " + c(f.other);
    case filter::like: return c(f.column) + ".like(" + show_text(f.pattern) + ")";
    case filter::in: {
        std::string s = c(f.column) + ".in({";
        for (std::size_t i = 0; i < f.values.size(); ++i) s += (i ? ", " : "") + show_field(pool[f.values[i]], f.column);
        return s + "})";
    }
    case filter::between:
        return c(f.column) + ".between(" + show_field(pool[f.values[0]], f.column) + ", " + show_field(pool[f.values[1]], f.column) + ")";
    case filter::is_null: return c(f.column) + ".is_null()";
    case filter::is_not_null: return c(f.column) + ".is_not_null()";
    case filter::all_of:
    case filter::any_of: {
        std::string s = "(";
        for (std::size_t i = 0; i < f.children.size(); ++i)
            s += (i ? (f.kind == filter::all_of ? " && " : " || ") : "") + show_filter(f.children[i], pool);
        return s + ")";
    }
    case filter::negate: return "!" + show_filter(f.children.at(0), pool);
    }
    return "?";
}

template <class T> std::string show_order(const std::vector<order_term>& order) {
    std::string s;
    for (const order_term& o : order) s += (s.empty() ? "" : ", ") + std::string(o.descending ? "desc(" : "asc(") + columns<T>()[o.column].name + ")";
    return s.empty() ? "(none)" : s;
}

}  // namespace diff
