// What every dialect shares: identifier validation and quoting, index names, dialect_of(), the refusal of non-arithmetic nodes.
#include "sql/dialect.hpp"

#include <sluice/error.hpp>

#include <algorithm>

#include "types/ascii.hpp"

namespace sluice::detail {

std::string quote_identifier(std::string_view identifier, char quote_char) {
    if (!is_identifier(identifier))
        throw error("sluice: '" + std::string(identifier) +
                    "' is not a valid identifier: expected [A-Za-z_][A-Za-z0-9_]*, at most 64 characters");
    std::string out;
    out.reserve(identifier.size() + 2);
    out += quote_char;
    out += identifier;
    out += quote_char;
    return out;
}

std::string index_name(const table_info& table, const std::vector<std::size_t>& columns, bool unique) {
    // Appended piece by piece: `"_" + std::string(...)` trips GCC 12's -O3 -Wrestrict false positive.
    std::string name = unique ? "ux_" : "ix_";
    name += table.name;
    for (std::size_t c : columns) {
        name += '_';
        name += table.columns[c].name;
    }
    // Identifiers are at most 64 characters on MariaDB; keep long composite names unique-ish.
    if (name.size() > 64) name = name.substr(0, 55) + "_" + std::to_string(std::hash<std::string>{}(name) % 100000000);
    return name;
}

std::size_t key_length_limit(const table_info& t, const column_info& c) {
    if (c.kind != column_kind::text && c.kind != column_kind::blob) return 0;
    const auto column = static_cast<std::size_t>(&c - t.columns.data());
    std::size_t limit = 0;
    auto consider = [&](const std::vector<std::size_t>& key) {
        if (std::find(key.begin(), key.end(), column) == key.end()) return;
        std::size_t variable = 0;  // text and blob parts share the key's bytes
        for (std::size_t k : key)
            if (t.columns[k].kind == column_kind::text || t.columns[k].kind == column_kind::blob) ++variable;
        const std::size_t bytes = 3000 / variable;
        const std::size_t length = std::min<std::size_t>(255, c.kind == column_kind::text ? bytes / 4 : bytes);
        limit = limit == 0 ? length : std::min(limit, length);
    };
    consider(t.primary_key);
    for (const auto& index : t.indexes) consider(index);
    for (const auto& index : t.unique_indexes) consider(index);
    return limit;
}

std::string quoted_literal(std::string_view text, bool backslash_escapes) {
    std::string out = "'";
    for (char ch : text) {
        if (ch == '\'' || (backslash_escapes && ch == '\\')) out += ch;
        out += ch;
    }
    return out + "'";
}

std::string label_list(const column_info& c, bool backslash_escapes) {
    std::string out;
    for (std::string_view label : c.labels) {
        if (!out.empty()) out += ",";
        out += quoted_literal(label, backslash_escapes);
    }
    return out;
}

std::string_view type_head(std::string_view declared) {
    std::size_t end = 0;
    while (end < declared.size() && declared[end] != '(' && declared[end] != ' ') ++end;
    return declared.substr(0, end);
}

bool contains_word(std::string_view declared, std::string_view word) {
    const std::string lower = ascii_lowercase(declared);
    for (std::size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
        const bool starts = at == 0 || lower[at - 1] == ' ' || lower[at - 1] == ')';
        const bool ends = at + word.size() == lower.size() || lower[at + word.size()] == ' ' || lower[at + word.size()] == '(';
        if (starts && ends) return true;
    }
    return false;
}

int fractional_digits(std::string_view declared) {
    const std::string lower = ascii_lowercase(declared);
    const std::string_view head = type_head(lower);
    if (head != "datetime" && head != "timestamp" && head != "time") return -1;
    if (lower.size() > head.size() && lower[head.size()] == '(') {
        int digits = 0;
        for (std::size_t i = head.size() + 1; i < lower.size() && lower[i] >= '0' && lower[i] <= '9'; ++i)
            digits = digits * 10 + (lower[i] - '0');
        return digits;
    }
    return 0;
}

sql_type_parts split_sql_type(std::string_view s) {
    sql_type_parts out;
    std::size_t i = 0;
    auto spaces = [&] { while (i < s.size() && s[i] == ' ') ++i; };
    auto quoted = [&] {  // s[i] is a quote: to the closing one ('' is a quote inside)
        for (++i; i < s.size(); ++i) {
            if (s[i] != '\'') continue;
            if (i + 1 < s.size() && s[i + 1] == '\'') { ++i; continue; }
            ++i;
            return;
        }
    };
    auto word = [&] {
        const std::size_t begin = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '(' && s[i] != ')') ++i;
        return s.substr(begin, i - begin);
    };
    auto with_parentheses = [&](std::size_t begin) {  // CURRENT_TIMESTAMP(3)
        if (i < s.size() && s[i] == '(') {
            while (i < s.size() && s[i] != ')') ++i;
            if (i < s.size()) ++i;
        }
        return s.substr(begin, i - begin);
    };
    spaces();
    out.head = word();
    spaces();
    if (i < s.size() && s[i] == '(') {
        const std::size_t begin = ++i;
        while (i < s.size() && s[i] != ')') {
            if (s[i] == '\'') quoted();
            else ++i;
        }
        out.arguments = s.substr(begin, i - begin);
        if (i < s.size()) ++i;
    }
    while (true) {
        spaces();
        if (i >= s.size()) break;
        const std::string_view w = word();
        if (w.empty()) { ++i; continue; }
        const std::string lower = ascii_lowercase(w);
        if (lower == "default") {
            spaces();
            const std::size_t begin = i;
            if (i < s.size() && s[i] == '\'') {
                quoted();
                out.default_value = s.substr(begin, i - begin);
            } else {
                word();
                out.default_value = with_parentheses(begin);
            }
        } else if (lower == "on") {
            spaces();
            word();  // UPDATE
            spaces();
            const std::size_t begin = i;
            word();
            with_parentheses(begin);
            out.on_update_now = true;
        } else {
            out.modifiers.push_back(w);
        }
    }
    return out;
}

std::string arith_refused(expr_op op) {
    throw error("sluice: internal error: expression node " + std::to_string(static_cast<int>(op)) + " is not arithmetic");
}

const dialect& dialect_of(backend b) noexcept { return b == backend::sqlite ? sqlite_dialect() : mysql_dialect(); }

}  // namespace sluice::detail
