// Golden-SQL helpers shared by the tests of lib/sql/: a query spec over models::User, a
// predicate rendered per dialect, and the expected text for both.
#pragma once

#include <doctest/doctest.h>

#include "../../lib/sql/render_expr.hpp"
#include "../models.hpp"

namespace golden_sql {
using models::User;
using namespace sluice::detail;


struct golden {
    std::string sqlite, mariadb;
};

inline sluice::detail::query_spec spec_of(std::optional<sluice::predicate<User>> where = std::nullopt,
                                   std::vector<order_term> order = {}) {
    query_spec q;
    q.table = &sluice::table_of<User>();
    if (where) q.filter = std::make_shared<const expr_node>(where->node);
    q.order = std::move(order);
    return q;
}

inline std::string where_sql(const dialect& d, const sluice::predicate<User>& p, std::size_t* params = nullptr) {
    rendered r;
    render_expr(d, sluice::table_of<User>(), p.node, r);
    if (params) *params = r.params.size();
    return r.sql;
}

inline void check_where(const sluice::predicate<User>& p, const golden& expected, std::size_t expected_params) {
    std::size_t params = 0;
    CHECK(where_sql(sqlite_dialect(), p, &params) == expected.sqlite);
    CHECK(params == expected_params);
    CHECK(where_sql(mysql_dialect(), p) == expected.mariadb);
}

}  // namespace golden_sql
