// Private: model objects <-> rows: reading a row into an object, a field as a bound value,
// generated keys written back.
#pragma once

#include <sluice/detail/query_spec.hpp>
#include <sluice/model.hpp>

namespace sluice::detail {

// Fills obj's fields from the current row (columns in model order, starting at `first`);
// wraps conversion failures with table and column.
void read_object(const table_info& t, row_reader& row, void* obj, int first = 0);
// A field as a bound value, pointing into obj or, for a converted or composed value, into
// scratch; throws conversion_error naming the column for a value it cannot hold.
value_ref field_ref(const column_info& c, const void* obj, value& scratch);
// An order term's value in a query's row object: a field of its model's object, or NULL for a
// left-joined model that matched nothing.
value_ref term_ref(const query_spec& q, const order_term& o, const void* row, value& scratch);
// A cell as a value of the column's kind (NULL as null_t), valid until the row moves on.
value_ref read_ref(row_reader& r, int column, column_kind kind);
// The same, owned (for keys kept between statements).
value read_value(row_reader& r, int column, column_kind kind);
// dst = src, reusing dst's string or blob capacity: keys kept row after row allocate nothing.
inline void store(value& dst, const value_ref& src) { store_ref(dst, src); }
// Whether obj's auto-increment key is 0, to be assigned by the database.
bool key_is_unset(const table_info& t, const void* obj);
// Writes a generated key into obj's key field, through the field's own range checks.
void write_back_key(const table_info& t, void* obj, std::uint64_t id);

}  // namespace sluice::detail
