// Row mapping: model objects from result rows and into bound values; generated keys.
#include <sluice/error.hpp>

#include "model/messages.hpp"
#include "session/rows.hpp"

namespace sluice::detail {

void read_object(const table_info& t, row_reader& row, void* obj, int first) {
    auto* base = static_cast<char*>(obj);
    std::size_t i = 0;
    try {
        for (; i < t.columns.size(); ++i)
            t.columns[i].codec.read(base + t.columns[i].offset, row, first + static_cast<int>(i));
    } catch (const cell_mismatch& m) {
        const column_info& c = t.columns[i];
        throw conversion_error(column_message(t, c, m.what, true));
    }
}

void read_query_row(const query_spec& q, row_reader& row, void* obj) {
    if (!q.layout) {
        read_object(*q.table, row, obj);
        return;
    }
    // Every model's columns in join order; a left-joined model whose key is NULL matched nothing
    // (key columns are NOT NULL in their table).
    int first = 0;
    for (std::size_t m = 0; m < q.layout->slots.size(); ++m) {
        const table_info& t = m == 0 ? *q.table : *q.joins.at(m - 1).table;
        const model_slot& slot = q.layout->slots[m];
        bool missing = slot.clear != nullptr;
        for (std::size_t k : t.primary_key) missing = missing && row.is_null(first + static_cast<int>(k));
        if (missing) slot.clear(obj);
        else read_object(t, row, slot.emplace(obj), first);
        first += static_cast<int>(t.columns.size());
    }
}

value_ref term_ref(const query_spec& q, const order_term& o, const void* row, value& scratch) {
    if (!q.layout) return field_ref(q.table->columns[o.column], row, scratch);
    const void* obj = q.layout->slots.at(o.model).get(row);
    if (!obj) return null_t{};
    const table_info& t = o.model == 0 ? *q.table : *q.joins.at(o.model - 1).table;
    return field_ref(t.columns[o.column], obj, scratch);
}

value_ref read_ref(row_reader& r, int c, column_kind kind) {
    if (r.is_null(c)) return null_t{};
    switch (kind) {
    case column_kind::uint8: case column_kind::uint16: case column_kind::uint32: case column_kind::uint64: return r.get_uint64(c);
    case column_kind::float32: case column_kind::float64: return r.get_double(c);
    case column_kind::text: return r.get_text(c);
    case column_kind::blob: return r.get_blob(c);
    case column_kind::datetime: return r.get_datetime(c);
    case column_kind::date: return r.get_date(c);
    case column_kind::decimal: return r.get_decimal(c);
    default: return r.get_int64(c);
    }
}

value read_value(row_reader& r, int c, column_kind kind) {
    value out;
    store(out, read_ref(r, c, kind));
    return out;
}

value_ref field_ref(const column_info& c, const void* obj, value& scratch) {
    try {
        return c.codec.to_ref(static_cast<const char*>(obj) + c.offset, scratch);
    } catch (const cell_mismatch& m) {
        throw conversion_error("sluice: " + std::string(c.table) + "." + std::string(c.name) + " (" +
                               std::string(to_string(c.kind)) + "): " + m.what);
    }
}

bool key_is_unset(const table_info& t, const void* obj) {
    if (!t.auto_increment) return false;
    value scratch;
    const value_ref key = field_ref(t.columns[t.primary_key.front()], obj, scratch);
    if (const auto* i = std::get_if<std::int64_t>(&key)) return *i == 0;
    if (const auto* u = std::get_if<std::uint64_t>(&key)) return *u == 0;
    return false;
}

void write_back_key(const table_info& t, void* obj, std::uint64_t id) {
    // The generated id arrives as the backend's integer; reading it through the field's own
    // codec applies the same range check as any other read.
    struct id_row final : row_reader {
        std::uint64_t id;
        explicit id_row(std::uint64_t v) : id(v) {}
        int columns() override { return 1; }
        bool is_null(int) override { return false; }
        std::int64_t get_int64(int) override {
            if (id > static_cast<std::uint64_t>(INT64_MAX)) throw_out_of_range("int64", std::to_string(id));
            return static_cast<std::int64_t>(id);
        }
        std::uint64_t get_uint64(int) override { return id; }
        double get_double(int) override { return static_cast<double>(id); }
        std::string_view get_text(int) override { throw cell_mismatch{"generated key is an integer"}; }
        std::span<const std::byte> get_blob(int) override { throw cell_mismatch{"generated key is an integer"}; }
        datetime get_datetime(int) override { throw cell_mismatch{"generated key is an integer"}; }
        date get_date(int) override { throw cell_mismatch{"generated key is an integer"}; }
        sluice::decimal get_decimal(int) override { throw cell_mismatch{"generated key is an integer"}; }
    } row{id};
    const column_info& key = t.columns[t.primary_key.front()];
    try {
        key.codec.read(static_cast<char*>(obj) + key.offset, row, 0);
    } catch (const cell_mismatch& m) {
        throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(key.name) + ": generated key " + m.what);
    }
}


}  // namespace sluice::detail
