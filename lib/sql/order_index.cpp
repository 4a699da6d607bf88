// Which index serves a keyset scan's order: the judgement and the message of the plan check.
#include "sql/order_index.hpp"

#include <algorithm>

namespace sluice::detail {
namespace {

bool contains(const std::vector<std::size_t>& v, std::size_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

struct column_part {
    std::size_t column;  // no_column: not one of the model's columns
    bool descending;
    bool whole;
    bool key = true;     // one of the index's own columns, not the suffix SQLite lists after them
};

std::vector<column_part> resolve(const table_info& t, const std::vector<index_part>& parts) {
    std::vector<column_part> out;
    for (const index_part& p : parts) {
        const column_info* c = p.column.empty() ? nullptr : t.find(p.column);
        out.push_back({c ? static_cast<std::size_t>(c - t.columns.data()) : no_column, p.descending, p.whole, p.key});
    }
    return out;
}

// The index gives rows in `terms` order: its parts, skipping fixed ones, are the unfixed terms,
// all in the index's direction or all against it (a backward scan).
bool serves(const std::vector<column_part>& parts, const std::vector<order_term>& terms, const std::vector<std::size_t>& fixed) {
    std::size_t i = 0;
    std::optional<bool> backward;
    for (const order_term& term : terms) {
        if (contains(fixed, term.column)) continue;  // one value: any order
        while (i < parts.size() && parts[i].whole && parts[i].column != term.column && contains(fixed, parts[i].column)) ++i;
        if (i == parts.size() || !parts[i].whole || parts[i].column != term.column) return false;
        const bool against = parts[i].descending != term.descending;
        if (backward && *backward != against) return false;
        backward = against;
        ++i;
    }
    return true;
}

// Every column of a unique index (its own columns, not a listed suffix) fixed to one value: one
// row at most. `equal` are the columns fixed by = or a one-value IN; IS NULL does not count, since a
// UNIQUE index holds any number of NULLs.
bool pins_one_row(const std::vector<column_part>& parts, const std::vector<std::size_t>& equal) {
    return std::any_of(parts.begin(), parts.end(), [](const column_part& p) { return p.key; }) &&
           std::all_of(parts.begin(), parts.end(), [&](const column_part& p) { return !p.key || (p.whole && contains(equal, p.column)); });
}

// An indexes{} spec names fields, which column_option may have given other column names.
std::string field_list(const table_info& t, const std::vector<std::size_t>& columns) {
    std::string out;
    for (std::size_t c : columns) out += (out.empty() ? "" : ",") + std::string(t.columns[c].field);
    return out;
}

// The columns the filter fixes to one value, and " = ?" or " IS NULL" for the message.
void fixed_columns(const expr_node* filter, std::vector<std::size_t>& columns, std::vector<std::string_view>& how) {
    if (!filter) return;
    auto add = [&](const expr_node& n) {
        const bool equal = n.op == expr_op::eq && n.column != no_column && n.other_column == no_column && n.values.size() == 1;
        const bool one_of = n.op == expr_op::in && n.values.size() == 1;
        if (!(equal || one_of || n.op == expr_op::is_null) || contains(columns, n.column)) return;
        columns.push_back(n.column);
        how.push_back(n.op == expr_op::is_null ? " IS NULL" : " = ?");
    };
    if (filter->op == expr_op::all_of) {
        for (const expr_node& child : filter->children) add(child);
    } else {
        add(*filter);
    }
}

}  // namespace

std::optional<std::string> missing_order_index(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                                               const expr_node* filter, const std::vector<table_index>& indexes) {
    std::vector<std::size_t> fixed;
    std::vector<std::string_view> how;
    fixed_columns(filter, fixed, how);
    std::vector<std::size_t> equal;  // fixed by a value, not by IS NULL
    for (std::size_t i = 0; i < fixed.size(); ++i)
        if (how[i] != " IS NULL") equal.push_back(fixed[i]);
    std::vector<column_part> key;
    for (std::size_t k : t.primary_key) key.push_back({k, false, true});
    if (pins_one_row(key, equal) || serves(key, terms, fixed)) return std::nullopt;
    const bool implicit_key = !d.index_suffix_listed() && d.index_ends_with_primary_key(t);
    for (const table_index& index : indexes) {
        if (!index.usable) continue;
        std::vector<column_part> parts = resolve(t, index.parts);
        if (index.unique && pins_one_row(parts, equal)) return std::nullopt;
        if (implicit_key)
            for (std::size_t k : t.primary_key)
                if (std::none_of(parts.begin(), parts.end(), [&](const column_part& p) { return p.column == k; }))
                    parts.push_back({k, false, true});
        if (serves(parts, terms, fixed)) return std::nullopt;
    }

    // The message: the order as the pages ask for it, and an index that would serve it (the
    // fixed columns first, then the order's; the key tiebreak left to the implicit suffix where
    // every index ends with the key).
    std::string order, where;
    for (const order_term& o : terms) order += (order.empty() ? "" : ", ") + std::string(t.columns[o.column].name) + (o.descending ? " DESC" : "");
    for (std::size_t i = 0; i < fixed.size(); ++i)
        where += (where.empty() ? "WHERE " : " AND ") + std::string(t.columns[fixed[i]].name) + std::string(how[i]);
    std::vector<std::size_t> suggested = fixed;
    std::vector<order_term> unfixed;
    for (const order_term& o : terms)
        if (!contains(fixed, o.column)) unfixed.push_back(o);
    std::vector<std::size_t> key_rest;  // the key's unfixed columns, in key order
    for (std::size_t k : t.primary_key)
        if (!contains(fixed, k)) key_rest.push_back(k);
    std::size_t keep = unfixed.size();
    if (d.index_ends_with_primary_key(t) && unfixed.size() >= key_rest.size() &&
        std::equal(key_rest.begin(), key_rest.end(), unfixed.end() - static_cast<std::ptrdiff_t>(key_rest.size()),
                   [](std::size_t k, const order_term& o) { return k == o.column; }))
        keep -= key_rest.size();
    bool mixed = false;
    for (std::size_t i = 0; i < keep; ++i) {
        suggested.push_back(unfixed[i].column);
        mixed = mixed || unfixed[i].descending != unfixed[0].descending;
    }
    std::string fix;
    if (mixed) {
        std::string parts;
        for (std::size_t c : suggested) {
            bool descending = false;
            for (const order_term& o : unfixed) descending = descending || (o.column == c && o.descending);
            parts += (parts.empty() ? "" : ", ") + std::string(t.columns[c].name) + (descending ? " DESC" : "");
        }
        fix = "create an index on (" + parts + ") in the database (indexes{} declares ascending ones), or order every key in one direction";
    } else {
        fix = "add indexes{\"" + field_list(t, suggested) + "\"}";
    }
    return "sluice: " + std::string(t.name) + ": " + (where.empty() ? "" : where + " ") + "ORDER BY " + order +
           " has no usable index: every page reads " + (fixed.empty() ? "the whole table" : "every row the filters match, and sorts them") +
           "; " + fix;
}

}  // namespace sluice::detail
