// Keyset predicates ("after the last row seen", whole or branch by branch) and keyset pages.
#include "sql/render_keyset.hpp"

#include "sql/render_expr.hpp"
#include "sql/render_statements.hpp"

namespace sluice::detail {

std::vector<order_term> keyset_terms(const query_spec& q) {
    std::vector<order_term> terms = q.order;
    const bool descending = !terms.empty() && terms.front().descending;
    for (std::size_t k : q.table->primary_key) {
        bool present = false;
        for (const order_term& o : terms) present = present || o.column == k;
        if (!present) terms.push_back({k, descending});
    }
    return terms;
}


namespace {

// The pieces of a keyset predicate for key i after value last_key[i], in scan order. NULLs sort
// first ascending and last descending on both backends.
struct keyset_terms_sql {
    const dialect& d;
    const table_info& t;
    const std::vector<order_term>& terms;
    const std::vector<value>& last_key;
    rendered& out;

    std::string name(std::size_t i) const { return d.quote(t.columns[terms[i].column].name); }
    bool is_null(std::size_t i) const { return std::holds_alternative<null_t>(last_key[i]); }
    bool nullable(std::size_t i) const { return t.columns[terms[i].column].nullable; }
    // "(c <op> ? OR c IS NULL)", appended piece by piece: "(" + std::string&& trips GCC 12's -O3
    // -Wrestrict false positive.
    std::string or_null(std::size_t i, std::string_view comparison) const {
        std::string out = "(";
        out += name(i);
        out += comparison;
        out += " OR ";
        out += name(i);
        out += " IS NULL)";
        return out;
    }

    // Strictly after, in scan order; empty when nothing can be (after NULL, descending).
    std::string greater(std::size_t i) {
        if (!terms[i].descending) {
            if (is_null(i)) return name(i) + " IS NOT NULL";
            out.params.push_back(as_ref(last_key[i]));
            return name(i) + " > ?";
        }
        if (is_null(i)) return {};
        out.params.push_back(as_ref(last_key[i]));
        return nullable(i) ? or_null(i, " < ?") : name(i) + " < ?";
    }
    std::string equal(std::size_t i) {
        if (is_null(i)) return name(i) + " IS NULL";
        out.params.push_back(as_ref(last_key[i]));
        return name(i) + " = ?";
    }
    // At or after: the redundant leading bound; empty when everything is (after NULL, ascending).
    std::string at_or_after(std::size_t i) {
        if (!terms[i].descending) {
            if (is_null(i)) return {};
            out.params.push_back(as_ref(last_key[i]));
            return name(i) + " >= ?";
        }
        if (is_null(i)) return name(i) + " IS NULL";
        out.params.push_back(as_ref(last_key[i]));
        return nullable(i) ? or_null(i, " <= ?") : name(i) + " <= ?";
    }
};

}  // namespace

void render_keyset(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                   const std::vector<value>& last_key, rendered& out) {
    keyset_terms_sql k{d, t, terms, last_key, out};
    // at_or_after(k0) AND (gt(k0) OR (eq(k0) AND (gt(k1) OR (eq(k1) AND ...))))
    if (const std::string bound = k.at_or_after(0); !bound.empty()) out.sql += bound + " AND ";
    std::string closing;
    out.sql += '(';
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const std::string gt = k.greater(i);
        if (i + 1 == terms.size()) {
            out.sql += gt.empty() ? "1 = 0" : gt;
            break;
        }
        out.sql += gt.empty() ? "(" : gt + " OR (";
        out.sql += k.equal(i) + " AND (";
        closing += "))";
    }
    out.sql += closing + ')';
}

std::size_t keyset_branch_parts(const table_info& t, const std::vector<order_term>& terms,
                                const std::vector<value>& last_key, std::size_t level) {
    const bool split = terms[level].descending && t.columns[terms[level].column].nullable &&
                       !std::holds_alternative<null_t>(last_key[level]);
    return split ? 2 : 1;
}

bool render_keyset_branch(const dialect& d, const table_info& t, const std::vector<order_term>& terms,
                          const std::vector<value>& last_key, std::size_t level, rendered& out, std::size_t part) {
    keyset_terms_sql k{d, t, terms, last_key, out};
    const std::size_t params_before = out.params.size();
    std::string sql;
    for (std::size_t i = 0; i < level; ++i) sql += k.equal(i) + " AND ";
    std::string gt;
    if (keyset_branch_parts(t, terms, last_key, level) == 2) {
        gt = k.name(level);
        if (part == 0) {
            out.params.push_back(as_ref(last_key[level]));
            gt += " < ?";
        } else {
            gt += " IS NULL";
        }
    } else {
        gt = k.greater(level);
    }
    if (gt.empty()) {
        out.params.resize(params_before);
        return false;
    }
    out.sql += sql + gt;
    return true;
}

rendered render_page(const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                     const std::vector<value>& last_key, std::uint64_t limit,
                     const std::vector<std::size_t>& columns, std::optional<std::size_t> branch, std::size_t part) {
    const table_info& t = *q.table;
    rendered sql;
    sql.sql = "SELECT " + render_column_list(d, t, columns);
    sql.sql += " FROM " + d.quote(t.name);
    if (!last_key.empty()) {
        rendered keyset;
        if (!branch) render_keyset(d, t, terms, last_key, keyset);
        else if (!render_keyset_branch(d, t, terms, last_key, *branch, keyset, part)) keyset.sql = "1 = 0";
        render_where(d, q, sql, &keyset);
    } else {
        render_where(d, q, sql);
    }
    render_order_by(d, t, terms, sql);
    sql.sql += " LIMIT ?";
    sql.params.emplace_back(limit);
    return sql;
}


}  // namespace sluice::detail
