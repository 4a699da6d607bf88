// The tables of a statement: column names, bare or alias-qualified, and the FROM clause of a join.
#include "sql/scope.hpp"

#include "sql/render_expr.hpp"

namespace sluice::detail {
namespace {

std::string alias(const dialect& d, std::size_t model) { return d.quote("t" + std::to_string(model)); }

}  // namespace

const table_info& scope::table(std::size_t model) const {
    if (model == 0) return *table_;
    return *joins_->at(model - 1).table;
}

bool scope::nullable(std::size_t model, std::size_t column) const {
    return this->column(model, column).nullable || (model > 0 && joins_->at(model - 1).left);
}

std::string scope::name(const dialect& d, std::size_t model, std::size_t column) const {
    const std::string bare = d.quote(this->column(model, column).name);
    if (!joins_) return bare;
    return alias(d, model) + "." + bare;
}

std::size_t scope::first_position(std::size_t model) const {
    std::size_t position = 0;
    for (std::size_t m = 0; m < model; ++m) position += table(m).columns.size();
    return position;
}

std::size_t scope::total_columns() const { return first_position(models()); }

void scope::render_from(const dialect& d, rendered& out) const {
    out.sql += d.quote(table_->name);
    if (!joins_) return;
    out.sql += " AS " + alias(d, 0);
    for (std::size_t m = 1; m < models(); ++m) {
        const join_clause& j = joins_->at(m - 1);
        out.sql += ' ';
        out.sql += j.left ? std::string_view("LEFT JOIN") : d.inner_join();
        out.sql += ' ' + d.quote(j.table->name) + " AS " + alias(d, m) + " ON ";
        if (j.on) render_expr(d, *this, *j.on, out);
        else out.sql += "1 = 1";
    }
}

}  // namespace sluice::detail
