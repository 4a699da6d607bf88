// Private: whole statements over a query's rows (SELECT, COUNT, UPDATE, DELETE) and over single
// rows (INSERT, UPSERT, by primary key). Values never appear in the text, only `?` placeholders.
#pragma once

#include <string>
#include <vector>

#include <sluice/detail/query_spec.hpp>

#include "sql/dialect.hpp"
#include "sql/rendered.hpp"
#include "sql/scope.hpp"

namespace sluice::detail {

// "`a`, `b`, ..." : the model's columns (a join's: every model's, in order), or `columns` (of the
// query's own model) when not empty.
std::string render_column_list(const dialect& d, const scope& s, const std::vector<std::size_t>& columns = {});
// " ORDER BY k1 [DESC], ..." for the given terms (nothing when empty).
void render_order_by(const dialect& d, const scope& s, const std::vector<order_term>& terms, rendered& out);
// `after`, when given, is a keyset predicate that leads the WHERE (a resumed query).
rendered render_select(const dialect& d, const query_spec& q, const std::vector<std::size_t>& columns,
                       const rendered* after = nullptr);
rendered render_count(const dialect& d, const query_spec& q, const rendered* after = nullptr);
// `range`, when given, leads the WHERE (a batch's key range). Expressions read the row as it was
// before the update, whatever the backend (the SET clause is ordered so; a cycle of expressions
// reading each other's columns throws sluice::error). `param_columns`, when given, receives the
// column each parameter of the SET clause feeds (they come first).
rendered render_update(const dialect& d, const query_spec& q, const std::vector<column_set>& sets,
                       const rendered* range = nullptr, std::vector<std::size_t>* param_columns = nullptr);
rendered render_delete(const dialect& d, const query_spec& q, const rendered* range = nullptr);
// The primary key of the row at position `offset` in key order, among the rows the filters
// match: a partition boundary probe.
rendered render_key_probe(const dialect& d, const query_spec& q, std::uint64_t offset);

// INSERT of `rows` rows; the auto-increment key is left out when `with_key` is false.
std::string render_insert(const dialect& d, const table_info& t, bool with_key, std::size_t rows = 1);
std::string render_upsert(const dialect& d, const table_info& t, bool with_key, std::size_t rows = 1);
// "`k1` = ? AND `k2` = ?"
std::string render_key_match(const dialect& d, const table_info& t);
std::string render_select_by_key(const dialect& d, const table_info& t);
// UPDATE ... SET <columns> = ? WHERE <key>: the columns given (updated_by_default: every column
// but the key and server-filled ones).
std::string render_update_by_key(const dialect& d, const table_info& t, const std::vector<std::size_t>& columns);
std::vector<std::size_t> updated_by_default(const table_info& t);
// Whether an INSERT binds column c: not a server-filled column, nor an auto-increment key the
// database assigns (with_key false).
inline bool written_by_insert(const table_info& t, const column_info& c, bool with_key) noexcept {
    if (c.server_default) return false;
    return with_key || !(t.auto_increment && c.primary_key);
}
std::string render_delete_by_key(const dialect& d, const table_info& t);

}  // namespace sluice::detail
