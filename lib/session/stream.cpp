// stream<R>: one statement read row by row into typed rows, on a connection of the session's own
// (or, inside a transaction, on the session's), ended early without reading the rest.
#include <algorithm>
#include <cstdio>

#include "session/session_impl.hpp"
#include "types/ascii.hpp"

namespace sluice::detail {

namespace {

// Whether a field of `kind` can take a column the backend declares as `r` (before any row).
bool fits(column_kind kind, result_kind r) {
    if (r == result_kind::null) return true;  // SELECT NULL AS x: each row's NULL decides
    switch (kind) {
    case column_kind::boolean:
    case column_kind::int8: case column_kind::int16: case column_kind::int32: case column_kind::int64:
    case column_kind::uint8: case column_kind::uint16: case column_kind::uint32: case column_kind::uint64:
        // A DECIMAL is read into an integer when each value is whole (checked per row).
        return r == result_kind::integer || r == result_kind::bit || r == result_kind::year || r == result_kind::decimal;
    case column_kind::float32: case column_kind::float64:
        return r == result_kind::integer || r == result_kind::real || r == result_kind::decimal;
    case column_kind::decimal: return r == result_kind::decimal || r == result_kind::integer;
    case column_kind::text: case column_kind::blob: return r == result_kind::text || r == result_kind::blob;
    case column_kind::datetime: return r == result_kind::datetime || r == result_kind::date;
    case column_kind::date: return r == result_kind::date;
    case column_kind::year: return r == result_kind::year || r == result_kind::integer;
    }
    return false;
}

std::string_view result_kind_name(result_kind r) {
    switch (r) {
    case result_kind::integer: return "an integer";
    case result_kind::bit: return "BIT";
    case result_kind::real: return "floating point";
    case result_kind::decimal: return "DECIMAL";
    case result_kind::text: return "text";
    case result_kind::blob: return "binary";
    case result_kind::datetime: return "DATETIME/TIMESTAMP";
    case result_kind::date: return "DATE";
    case result_kind::time: return "TIME";
    case result_kind::year: return "YEAR";
    case result_kind::null: return "NULL";
    }
    return "?";
}

std::string field_label(const row_shape& shape, std::size_t i) {
    return shape.by_position ? "element " + std::to_string(i) : "field " + std::string(shape.fields[i].field);
}

}  // namespace

struct raw_stream::state {
    session_handle handle;
    connection_target target;          // to reach the server should the session be gone
    std::unique_ptr<connection> own;   // the stream's own connection (outside a transaction)
    connection* conn = nullptr;        // own, or the session's
    std::unique_ptr<row_stream> rows;
    const row_shape* shape = nullptr;
    std::vector<int> column_of;        // the result column of each field
    std::string sql;
    std::string label;                 // "stream<CustomerTotal>"
    std::uint64_t read = 0;
    std::chrono::steady_clock::time_point opened;
    bool detached = false;  // ended by its session's destruction
    std::string ended_because;  // ended early by something else (a rollback)

    session_impl* session() const noexcept { return handle.impl && !handle.alive.expired() ? handle.impl : nullptr; }

    std::string where() const { return " [in: " + sql + "]"; }

    void map_columns() {
        const std::size_t n = rows->columns();
        const auto& fields = shape->fields;
        column_of.assign(fields.size(), -1);
        if (shape->by_position) {
            if (n != fields.size())
                throw error("sluice: " + label + ": the result has " + std::to_string(n) + " columns, the tuple " +
                            std::to_string(fields.size()) + " elements" + where());
            for (std::size_t i = 0; i < n; ++i) column_of[i] = static_cast<int>(i);
        } else {
            std::string known;
            for (const column_info& f : fields) known += (known.empty() ? "" : ", ") + std::string(f.name);
            for (std::size_t c = 0; c < n; ++c) {
                const std::string name = ascii_lowercase(rows->column_name(c));
                std::size_t match = fields.size();
                for (std::size_t i = 0; i < fields.size(); ++i)
                    if (ascii_lowercase(fields[i].name) == name) match = i;
                if (match == fields.size())
                    throw error("sluice: " + label + ": the result column '" + std::string(rows->column_name(c)) +
                                "' has no field (fields: " + known + "); leave it out of the SELECT or name it with AS" + where());
                if (column_of[match] >= 0)
                    throw error("sluice: " + label + ": two result columns are named '" + std::string(rows->column_name(c)) +
                                "'; name each with AS" + where());
                column_of[match] = static_cast<int>(c);
            }
            for (std::size_t i = 0; i < fields.size(); ++i)
                if (column_of[i] < 0)
                    throw error("sluice: " + label + ": no result column for field " + std::string(fields[i].field) +
                                "; select one AS " + std::string(fields[i].name) + where());
        }
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const auto declared = rows->column_kind(static_cast<std::size_t>(column_of[i]));
            if (declared && !fits(fields[i].kind, *declared))
                throw conversion_error("sluice: " + label + ": result column '" +
                                       std::string(rows->column_name(static_cast<std::size_t>(column_of[i]))) + "' is " +
                                       std::string(result_kind_name(*declared)) + ", which " + field_label(*shape, i) + " (" +
                                       std::string(to_string(fields[i].kind)) + ") cannot hold" + where());
        }
    }

    // Stops the server sending the rest, from a connection other than the stream's.
    void stop_server(std::uint64_t id) {
        const std::string kill = "KILL QUERY " + std::to_string(id);
        session_impl* s = session();
        if (own && s && !s->main_stream && s->connected()) {
            // Straight on the connection: sluice's own statement, not the user's (no log, no hook).
            s->settle_in_flight();
            try {
                s->conn().run(kill, {}, [](row_reader&) {});
            } catch (...) {
                s->connection_failed();
                throw;
            }
            return;
        }
        std::unique_ptr<connection> other = s ? s->take_spare_connection() : open_connection(target);
        other->run(kill, {}, [](row_reader&) {});
        if (s) s->give_back_spare_connection(std::move(other));
    }

    // Ends the statement (abandoning it when rows remain) and gives the connection back.
    void finish() noexcept {
        if (rows) {
            if (!rows->finished()) rows->abandon([this](std::uint64_t id) { stop_server(id); });
            rows.reset();
        }
        session_impl* s = session();
        if (s && s->main_stream == this) s->main_stream = nullptr;
        if (own) {
            if (s && !own->lost()) s->give_back_spare_connection(std::move(own));
            own.reset();
        }
        if (s && s->logs(log_level::trace) && !sql.empty()) {
            const auto elapsed = std::chrono::steady_clock::now() - opened;
            s->emit({.level = log_level::trace, .event = log_event::statement, .sql = sql, .elapsed = elapsed, .rows = read},
                    "stream, " + std::to_string(read) + " rows handed out");
            sql.clear();
        }
        conn = nullptr;
    }

    void detach() noexcept {
        finish();
        detached = true;
    }

    ~state() { finish(); }
};

raw_stream::raw_stream(session& s, std::string_view sql, std::span<const value_ref> params, const row_shape& shape)
    : state_(std::make_unique<state>()) {
    session_impl& impl = session_access::impl(s);
    state& st = *state_;
    st.handle = {&impl, impl.alive};
    st.target = impl.target();
    st.shape = &shape;
    st.sql = std::string(sql);
    st.label = "stream<" + std::string(shape.type_name) + ">";
    if (impl.main_stream)
        throw error("sluice: " + st.label + ": another stream is open on this session's connection; finish it first" + st.where());
    const bool memory = impl.target().backend == backend_kind::sqlite && impl.target().path == ":memory:";
    const bool on_main = impl.transaction_depth > 0 || memory;
    if (on_main) {
        impl.settle_in_flight();
        if (!impl.connected()) impl.reconnect();
        // A consumer slower than the server's net_write_timeout would be cut off mid-result.
        if (impl.target().backend == backend_kind::mysql) impl.run("SET SESSION net_write_timeout = 86400", {});
        st.conn = &impl.conn();
    } else {
        st.own = impl.take_spare_connection();
        st.conn = st.own.get();
    }
    if (impl.echo) {
        std::string line = "[sluice] stream: " + st.sql;
        if (!params.empty()) {
            line += "  -- [";
            for (std::size_t i = 0; i < params.size(); ++i) line += (i ? ", " : "") + describe(params[i]);
            line += "]";
        }
        std::fprintf(stderr, "%s\n", line.c_str());
    }
    st.opened = std::chrono::steady_clock::now();
    try {
        st.rows = st.conn->open_stream(sql, params);
        st.map_columns();
    } catch (const std::exception& e) {
        if (impl.logs(log_level::error))
            impl.emit({.level = log_level::error, .event = log_event::failed_statement, .sql = sql, .value_count = params.size(),
                       .elapsed = std::chrono::steady_clock::now() - st.opened, .error = e.what()});
        st.sql.clear();
        throw;  // ~state ends the statement and gives the connection back
    }
    if (on_main) impl.main_stream = &st;
}

raw_stream::raw_stream(raw_stream&&) noexcept = default;
raw_stream& raw_stream::operator=(raw_stream&&) noexcept = default;
raw_stream::~raw_stream() = default;

std::uint64_t raw_stream::rows_read() const noexcept { return state_ ? state_->read : 0; }

void raw_stream::close() noexcept {
    if (state_) state_->finish();
}

bool raw_stream::next(void* row) {
    state& st = *state_;
    if (!st.rows) {
        if (st.detached) throw error("sluice: " + st.label + ": the session this stream ran on has been destroyed" + st.where());
        if (!st.ended_because.empty()) throw error("sluice: " + st.label + ": ended: " + st.ended_because + st.where());
        return false;
    }
    row_reader* r = nullptr;
    try {
        r = st.rows->next();
    } catch (const connection_error& e) {
        const std::uint64_t handed = st.read;
        st.finish();
        throw connection_error(std::string(e.what()) + " (" + st.label + ": the connection was lost after " +
                               std::to_string(handed) + " rows were handed out; a stream of arbitrary SQL cannot resume: "
                               "run it again, or read with yield_per/batches, whose keyset pages resume)");
    } catch (...) {
        st.finish();
        throw;
    }
    if (!r) {
        st.finish();
        return false;
    }
    char* base = static_cast<char*>(row);
    const auto& fields = st.shape->fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        try {
            fields[i].codec.read(base + fields[i].offset, *r, st.column_of[i]);
        } catch (const cell_mismatch& m) {
            throw conversion_error("sluice: " + st.label + ": row " + std::to_string(st.read + 1) + ", result column '" +
                                   std::string(st.rows->column_name(static_cast<std::size_t>(st.column_of[i]))) + "' into " +
                                   field_label(*st.shape, i) + " (" + std::string(to_string(fields[i].kind)) + "): " + m.what +
                                   st.where());
        }
    }
    ++st.read;
    return true;
}

void end_main_stream(session_impl& s, std::string_view why) noexcept {
    raw_stream::state* st = s.main_stream;
    if (!st) return;
    try {
        st->ended_because = std::string(why);
    } catch (...) {
    }
    st->finish();
}

session_impl::~session_impl() {
    // A stream or a prefetched page on this session's connection must end while it still exists.
    if (page_in_flight* p = std::exchange(in_flight, nullptr)) p->abandon();
    if (main_stream) main_stream->detach();
    spare_connections_.clear();
}

std::unique_ptr<connection> session_impl::take_spare_connection() {
    while (!spare_connections_.empty()) {
        std::unique_ptr<connection> c = std::move(spare_connections_.back());
        spare_connections_.pop_back();
        // An idle spare may have been closed meanwhile (wait_timeout, a restart): one round trip.
        if (c->ping()) return c;
    }
    std::unique_ptr<connection> c = open_connection(target_);
    // The stream's consumer sets the pace: a loop body slower than the server's net_write_timeout
    // between two rows must not cut the result off (the server's thread just waits).
    if (target_.backend == backend_kind::mysql) c->run("SET SESSION net_write_timeout = 86400", {}, [](row_reader&) {});
    return c;
}

void session_impl::give_back_spare_connection(std::unique_ptr<connection> c) noexcept {
    if (!c || c->lost()) return;
    try {
        if (spare_connections_.size() < 2) spare_connections_.push_back(std::move(c));
    } catch (...) {
        // No room to keep it: closing it is fine.
    }
}

}  // namespace sluice::detail
