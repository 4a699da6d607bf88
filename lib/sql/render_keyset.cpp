// Keyset predicates ("after the last row seen", whole or branch by branch) and keyset pages.
#include "sql/render_keyset.hpp"

#include "sql/render_expr.hpp"
#include "sql/render_statements.hpp"

namespace sluice::detail {

std::vector<order_term> keyset_terms(const query_spec& q) {
    std::vector<order_term> terms = q.order;
    const bool descending = !terms.empty() && terms.front().descending;
    const scope s(q);
    for (std::size_t m = 0; m < s.models(); ++m) {
        if (m > 0 && joined_model_pinned(q, m)) continue;
        for (std::size_t k : s.table(m).primary_key) {
            bool present = false;
            for (const order_term& o : terms) present = present || (o.column == k && o.model == m);
            if (!present) terms.push_back({k, descending, static_cast<std::uint8_t>(m)});
        }
    }
    return terms;
}

bool joined_model_pinned(const query_spec& q, std::size_t model) {
    const join_clause& j = q.joins.at(model - 1);
    if (!j.on) return false;
    const table_info& t = *j.table;
    auto exact = [](column_kind k) {
        return k != column_kind::text && k != column_kind::blob && k != column_kind::float32 && k != column_kind::float64;
    };
    auto pins = [&](const expr_node& n, std::size_t key) {
        if (n.op != expr_op::eq || n.column == no_column || n.other_column == no_column) return false;
        const bool left = n.model == model && n.column == key && n.other_model != model;
        const bool right = n.other_model == model && n.other_column == key && n.model != model;
        return (left || right) && exact(t.columns[key].kind);
    };
    for (std::size_t key : t.primary_key) {
        bool pinned = false;
        if (j.on->op == expr_op::all_of) {
            for (const expr_node& child : j.on->children) pinned = pinned || pins(child, key);
        } else {
            pinned = pins(*j.on, key);
        }
        if (!pinned) return false;
    }
    return true;
}


namespace {

// The pieces of a keyset predicate for key i after value last_key[i], in scan order. NULLs sort
// first ascending and last descending on both backends.
struct keyset_terms_sql {
    const dialect& d;
    const scope& t;
    const std::vector<order_term>& terms;
    const std::vector<value>& last_key;
    rendered& out;

    std::string name(std::size_t i) const { return t.name(d, terms[i].model, terms[i].column); }
    bool is_null(std::size_t i) const { return std::holds_alternative<null_t>(last_key[i]); }
    bool nullable(std::size_t i) const { return t.nullable(terms[i].model, terms[i].column); }
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

void render_keyset(const dialect& d, const scope& t, const std::vector<order_term>& terms,
                   const std::vector<value>& last_key, rendered& out, bool through) {
    keyset_terms_sql k{d, t, terms, last_key, out};
    // at_or_after(k0) AND (gt(k0) OR (eq(k0) AND (gt(k1) OR (eq(k1) AND ...))))
    if (const std::string bound = k.at_or_after(0); !bound.empty()) out.sql += bound + " AND ";
    std::string closing;
    out.sql += '(';
    for (std::size_t i = 0; i < terms.size(); ++i) {
        if (i + 1 == terms.size()) {
            const std::string last = through ? k.at_or_after(i) : k.greater(i);
            out.sql += last.empty() ? (through ? "1 = 1" : "1 = 0") : last;
            break;
        }
        const std::string gt = k.greater(i);
        out.sql += gt.empty() ? "(" : gt + " OR (";
        out.sql += k.equal(i) + " AND (";
        closing += "))";
    }
    out.sql += closing + ')';
}

std::size_t keyset_branch_parts(const scope& t, const std::vector<order_term>& terms,
                                const std::vector<value>& last_key, std::size_t level) {
    const bool split = terms[level].descending && t.nullable(terms[level].model, terms[level].column) &&
                       !std::holds_alternative<null_t>(last_key[level]);
    return split ? 2 : 1;
}

bool render_keyset_branch(const dialect& d, const scope& t, const std::vector<order_term>& terms,
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
    const scope t(q);
    rendered keyset;
    if (!last_key.empty()) {
        if (!branch) render_keyset(d, t, terms, last_key, keyset);
        else if (!render_keyset_branch(d, t, terms, last_key, *branch, keyset, part)) keyset.sql = "1 = 0";
    }
    return render_bounded_page(d, q, terms, keyset, limit, columns);
}

rendered render_bounded_page(const dialect& d, const query_spec& q, const std::vector<order_term>& terms,
                             const rendered& bounds, std::uint64_t limit, const std::vector<std::size_t>& columns) {
    const scope t(q);
    rendered sql;
    sql.sql = "SELECT " + render_column_list(d, t, columns) + " FROM ";
    t.render_from(d, sql);
    render_where(d, q, sql, bounds.sql.empty() ? nullptr : &bounds);
    render_order_by(d, t, terms, sql);
    sql.sql += " LIMIT ?";
    sql.params.emplace_back(limit);
    return sql;
}

}  // namespace sluice::detail
