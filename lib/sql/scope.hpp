// Private: the tables a statement reads and how it names their columns: one table by bare column
// names, or a join's tables as t0, t1, ... with every column qualified by its alias.
#pragma once

#include <string>

#include <sluice/detail/query_spec.hpp>

#include "sql/dialect.hpp"
#include "sql/rendered.hpp"

namespace sluice::detail {

class scope {
public:
    // One table, its columns by name (every statement that is not a join).
    scope(const table_info& t) noexcept : table_(&t) {}  // NOLINT: implicit, so single-table callers pass the table
    // A query's table and its joins.
    explicit scope(const query_spec& q) noexcept : table_(q.table), joins_(q.joins.empty() ? nullptr : &q.joins) {}

    bool joined() const noexcept { return joins_ != nullptr; }
    std::size_t models() const noexcept { return joins_ ? joins_->size() + 1 : 1; }
    const table_info& table(std::size_t model) const;
    const column_info& column(std::size_t model, std::size_t column) const { return table(model).columns.at(column); }
    // Whether the column can be NULL in the statement's rows: a nullable column, or any column of a
    // left-joined model (NULL where nothing matched).
    bool nullable(std::size_t model, std::size_t column) const;
    // The column as the statement names it: "`c`", or "`t1`.`c`" in a join.
    std::string name(const dialect& d, std::size_t model, std::size_t column) const;
    // Where the model's columns start in a row that selects every model's columns in order.
    std::size_t first_position(std::size_t model) const;
    std::size_t total_columns() const;

    // "`t`", or "`a` AS `t0` JOIN `b` AS `t1` ON ..." (ON conditions' values bound in order).
    void render_from(const dialect& d, rendered& out) const;

private:
    const table_info* table_;
    const std::vector<join_clause>* joins_ = nullptr;
};

}  // namespace sluice::detail
