// insert_many / upsert_many: multi-row statements sized to the backend's limits.
#include <sluice/detail/bulk.hpp>
#include <sluice/error.hpp>
#include <sluice/session.hpp>

#include <optional>

#include "session/row_size.hpp"
#include "session/session_impl.hpp"
#include "sql/render_statements.hpp"

namespace sluice::detail {

struct bulk_writer::state {
    session* owner;
    const table_info* table;
    std::size_t row_size;
    bool upsert;
    std::size_t capacity;           // rows per statement
    std::size_t packet_budget;      // bytes of bound values per statement
    std::size_t chunk_bytes = 0;
    std::size_t chunk_rows = 0;     // rows fits() admitted to the current chunk
    std::vector<value_ref> row;     // the row fits() is sizing
    std::vector<value> row_scratch; // converted values of that row
    std::uint64_t written = 0;      // rows of earlier chunks: the index of the chunk's first row
    std::vector<std::size_t> columns;  // the columns each row binds (all, or all but an auto key)
    std::vector<value_ref> params;
    std::vector<value> param_scratch;  // converted values params point into, one per parameter
    std::optional<sluice::transaction> tx;
    std::vector<std::int64_t>* ids = nullptr;
    std::size_t ids_before = 0;    // ids->size() when the call began: a failed call reports no keys
    bool consecutive_ids = true;   // one statement's generated ids follow each other
    std::int64_t id_step = 1;      // MariaDB auto_increment_increment (replication setups, Galera)
    // The greatest key in the table, where generated keys follow it (dialect::generated_key_is_max_plus_one):
    // read once, then advanced row by row.
    std::optional<std::int64_t> key_high;
    std::optional<std::size_t> failed_at;  // the chunk's row whose own statement failed (one row per statement)
};

namespace {

bool is_zero(const value_ref& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i == 0;
    if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u == 0;
    return false;
}

// What a failure undoes: this call, or with a flat nested transaction the caller's whole one.
std::string_view what_failure_undoes(const bulk_writer::state& st) {
    return st.tx && st.tx->flat() ? "nothing of this call was written, and the enclosing transaction is rolled back with it "
                                    "(the server refused a SAVEPOINT to undo the call alone)"
                                  : "nothing of this call was written";
}

}  // namespace

namespace {

std::int64_t key_of(const value_ref& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* u = std::get_if<std::uint64_t>(&v)) return static_cast<std::int64_t>(*u);
    return 0;
}

// The largest key an integer key field narrower than 64 bits holds; nullopt for 64-bit keys,
// whose limit is the backend's own.
std::optional<std::int64_t> narrow_key_max(column_kind kind) {
    switch (kind) {
    case column_kind::int8: return INT8_MAX;
    case column_kind::uint8: return UINT8_MAX;
    case column_kind::int16: return INT16_MAX;
    case column_kind::uint16: return UINT16_MAX;
    case column_kind::int32: return INT32_MAX;
    case column_kind::uint32: return UINT32_MAX;
    default: return std::nullopt;
    }
}

// Where the backend generates the greatest key plus one, refuses the chunk before it is sent when
// a generated key would not fit the key field (SQLite takes any 64-bit rowid, which the model
// could not read back); names the first such row.
void check_generated_keys(bulk_writer::state& st, std::size_t count, std::string_view undone) {
    const table_info& t = *st.table;
    session_impl& impl = session_access::impl(*st.owner);
    if (!t.auto_increment || !impl.sql().generated_key_is_max_plus_one()) return;
    const std::size_t key = t.primary_key.front();
    const column_info& c = t.columns[key];
    const std::optional<std::int64_t> max = narrow_key_max(c.kind);
    if (!max) return;
    if (!st.key_high) {
        st.key_high = 0;
        const std::string sql = "SELECT MAX(" + impl.sql().quote(c.name) + ") FROM " + impl.sql().quote(t.name);
        impl.run(sql, {}, [&](row_reader& r) {
            if (!r.is_null(0)) st.key_high = r.get_int64(0);
        });
    }
    const std::size_t width = st.columns.size();
    std::int64_t high = *st.key_high;
    for (std::size_t r = 0; r < count; ++r) {
        const value_ref& k = st.params[r * width + key];
        if (!std::holds_alternative<null_t>(k)) {
            high = std::max(high, key_of(k));
        } else if (++high > *max) {
            throw conversion_error("sluice: " + std::string(t.name) + ": " + (st.upsert ? "upsert_many" : "insert_many") +
                                   " failed at row " + std::to_string(st.written + r) + " of the input; " + std::string(undone) +
                                   ": its generated key " + std::to_string(high) + " does not fit " + std::string(t.name) + "." +
                                   std::string(c.name) + " (" + std::string(to_string(c.kind)) + ")");
        }
    }
    st.key_high = high;
}

}  // namespace

// Runs the chunk and appends each row's key to st.ids.
void collect_ids(bulk_writer::state& st, std::size_t count, const std::string& sql, bool with_key) {
    const table_info& t = *st.table;
    session_impl& impl = session_access::impl(*st.owner);
    const std::size_t width = st.columns.size();
    if (!t.auto_increment) {
        impl.run(sql, st.params);
        const std::size_t key = t.primary_key.front();
        for (std::size_t r = 0; r < count; ++r) st.ids->push_back(key_of(st.params[r * width + key]));
        return;
    }
    const std::size_t key = t.primary_key.front();
    std::size_t generated = 0;
    for (std::size_t r = 0; r < count; ++r) generated += std::holds_alternative<null_t>(st.params[r * width + key]) ? 1 : 0;
    if (generated == 0) {
        impl.run(sql, st.params);
        for (std::size_t r = 0; r < count; ++r) st.ids->push_back(key_of(st.params[r * width + key]));
        return;
    }
    if (generated == count && st.consecutive_ids) {
        impl.run(sql, st.params);
        // MariaDB reports the first id of the statement, SQLite the last rowid; MariaDB steps by
        // auto_increment_increment.
        const auto reported = static_cast<std::int64_t>(impl.conn().last_insert_id());
        const std::int64_t first = impl.sql().first_generated_id(reported, count);
        for (std::size_t r = 0; r < count; ++r) st.ids->push_back(first + static_cast<std::int64_t>(r) * st.id_step);
        return;
    }
    // Mixed keys, or ids not guaranteed consecutive: one row per statement.
    const std::string one = st.upsert ? render_upsert(impl.sql(), t, with_key, 1) : render_insert(impl.sql(), t, with_key, 1);
    for (std::size_t r = 0; r < count; ++r) {
        const std::span<const value_ref> row(st.params.data() + r * width, width);
        st.failed_at = r;
        impl.run(one, row);
        st.failed_at.reset();
        const bool was_generated = std::holds_alternative<null_t>(row[key]);
        st.ids->push_back(was_generated ? static_cast<std::int64_t>(impl.conn().last_insert_id()) : key_of(row[key]));
    }
}

bulk_writer::bulk_writer(session& s, const table_info& t, std::size_t row_size, bool upsert, bulk_options options)
    : state_(std::make_unique<state>()) {
    state& st = *state_;
    st.owner = &s;
    st.table = &t;
    st.row_size = row_size;
    st.upsert = upsert;
    // Every column is sent; an unset (0) auto-increment key is bound as NULL, which both
    // backends answer with a generated key, so explicit and generated keys can mix.
    // Server-filled columns are left to the server's DEFAULT.
    for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (!t.columns[i].server_default) st.columns.push_back(i);
    if (st.columns.empty())
        throw error("sluice: " + std::string(t.name) + ": every column is server-filled; nothing to insert");
    st.row_scratch.resize(st.columns.size());
    connection& conn = session_access::impl(s).conn();
    const std::size_t by_parameters = std::max<std::size_t>(1, conn.max_parameters() / st.columns.size());
    st.capacity = std::max<std::size_t>(1, std::min(options.chunk_rows, by_parameters));
    st.packet_budget = conn.max_packet_bytes();
    st.params.reserve(st.capacity * st.columns.size());
    st.ids = options.ids;
    if (st.ids) st.ids_before = st.ids->size();
    if (const std::string_view spacing = session_access::impl(s).sql().generated_id_spacing_query();
        st.ids && t.auto_increment && !spacing.empty()) {
        session_access::impl(s).run(spacing, {}, [&](row_reader& r) {
            st.consecutive_ids = r.get_int64(0) != 0;
            st.id_step = std::max<std::int64_t>(1, r.get_int64(1));
        });
    }
    st.tx.emplace(s.transaction());  // a savepoint when the caller already has a transaction
}

// An unfinished writer rolls back through tx, and takes back the keys it reported.
bulk_writer::~bulk_writer() {
    if (state_->tx && state_->ids && state_->ids->size() > state_->ids_before) state_->ids->resize(state_->ids_before);
}

std::size_t bulk_writer::chunk_capacity() const noexcept { return state_->capacity; }

bool bulk_writer::fits(const void* row) {
    state& st = *state_;
    st.row.clear();
    std::size_t bytes = 0;
    for (std::size_t c : st.columns) {
        st.row.push_back(field_ref(st.table->columns[c], row, st.row_scratch[st.row.size()]));
        bytes += value_bytes(st.row.back());
    }
    session_impl& impl = session_access::impl(*st.owner);
    check_exact_writes(impl, *st.table, st.row, st.columns, [&] {
        return "row " + std::to_string(st.written + st.chunk_rows) + " of the input; " + std::string(what_failure_undoes(st));
    });
    const connection& conn = impl.conn();
    if (!row_fits_statement(conn, st.row.size(), bytes))
        throw_oversize_row(conn, *st.table, st.row, st.columns,
                           "row " + std::to_string(st.written + st.chunk_rows) + " of the input", what_failure_undoes(st));
    if (st.chunk_bytes > 0 && st.chunk_bytes + bytes > st.packet_budget) return false;
    st.chunk_bytes += bytes;
    ++st.chunk_rows;
    return true;
}

void bulk_writer::write(const void* rows, std::size_t count) {
    state& st = *state_;
    const table_info& t = *st.table;
    session_impl& impl = session_access::impl(*st.owner);
    st.params.clear();
    if (st.param_scratch.size() < count * st.columns.size()) st.param_scratch.resize(count * st.columns.size());
    const auto* base = static_cast<const char*>(rows);
    for (std::size_t r = 0; r < count; ++r) {
        for (std::size_t c : st.columns) {
            value_ref v = field_ref(t.columns[c], base + r * st.row_size, st.param_scratch[st.params.size()]);
            if (t.auto_increment && t.columns[c].primary_key && is_zero(v)) v = null_t{};
            st.params.push_back(v);
        }
    }
    const bool with_key = true;
    const std::string sql = st.upsert ? render_upsert(impl.sql(), t, with_key, count) : render_insert(impl.sql(), t, with_key, count);
    const std::string undone(what_failure_undoes(st));
    check_generated_keys(st, count, undone);
    st.failed_at.reset();
    try {
        if (!st.ids) {
            impl.run(sql, st.params);
        } else {
            collect_ids(st, count, sql, with_key);
        }
    } catch (const bind_mismatch& m) {
        const std::size_t row = m.index / st.columns.size();
        const column_info& c = t.columns[st.columns[m.index % st.columns.size()]];
        throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" +
                               std::string(to_string(c.kind)) + "), row " + std::to_string(st.written + row) +
                               " of the input: " + m.what + "; " + undone);
    } catch (const statement_error& e) {
        // The failing row: the one whose own statement failed, else the row the server names (its
        // diagnostics, read before anything else runs), else found by a probe below. Not after a
        // deadlock or lock wait timeout, where no row is at fault.
        std::string detail = e.what();
        int code = e.code();
        std::size_t failing = st.failed_at.value_or(count);
        if (failing == count && !session::is_retryable(e))
            if (const std::optional<std::uint64_t> reported = impl.conn().failed_row(); reported && *reported <= count)
                failing = static_cast<std::size_t>(*reported - 1);
        // Else find it one row at a time (the server's row is better where it has one: a failed
        // multi-row INSERT may have used up AUTO_INCREMENT values, so that every probe row fails).
        const std::string one = st.upsert ? render_upsert(impl.sql(), t, with_key, 1) : render_insert(impl.sql(), t, with_key, 1);
        // No savepoint is needed around the probe: the call's own transaction (or savepoint) is
        // rolled back after it, taking the probe's rows along. Not after a deadlock or lock wait
        // timeout: the row is not at fault, a deadlock has ended the transaction (the probe's rows
        // would commit on their own), and a lock wait would be waited out again.
        try {
            for (std::size_t r = 0; r < count && failing == count && !session::is_retryable(e); ++r) {
                try {
                    impl.run(one, std::span<const value_ref>(st.params).subspan(r * st.columns.size(), st.columns.size()));
                } catch (const statement_error& single) {
                    failing = r;
                    detail = single.what();
                    code = single.code();
                }
            }
        } catch (const error&) {
            // The probe is best effort (a lost connection, an aborted transaction): report the chunk.
        }
        if (failing < count && st.upsert && impl.sql().is_upsert_key_conflict(code))
            detail = "it collides with a different row on a unique key other than the primary key (an "
                     "upsert updates only the row with the same primary key): " + detail;
        const std::string where = failing < count ? "row " + std::to_string(st.written + failing) + " of the input"
                                                  : "rows " + std::to_string(st.written) + "-" + std::to_string(st.written + count - 1) + " of the input";
        throw statement_error("sluice: " + std::string(t.name) + ": " + (st.upsert ? "upsert_many" : "insert_many") + " failed at " +
                                  where + "; " + undone + ": " + detail,
                              e.code(), e.sql_state());
    }
    st.written += count;
    st.chunk_bytes = 0;
    st.chunk_rows = 0;
}

std::uint64_t bulk_writer::finish() {
    state& st = *state_;
    st.tx->commit();
    st.tx.reset();
    return st.written;
}

}  // namespace sluice::detail
