// The keyset pager: one bounded SELECT per page, positioned by the last row's key values.
#include <algorithm>

#include <sluice/cursor.hpp>
#include <sluice/error.hpp>

#include "model/messages.hpp"
#include "query/keyset_page.hpp"
#include "query/plan_check.hpp"
#include "sql/render_keyset.hpp"
#include "session/session_impl.hpp"
#include "query/token.hpp"
#include "session/rows.hpp"

namespace sluice::detail {
namespace {

std::string table_context(const query_spec& q) { return "sluice: " + std::string(q.table->name) + ": "; }

}  // namespace

struct pager::state final : page_in_flight {
    session_handle owner;
    query_spec spec;
    std::size_t page_size;
    std::vector<order_term> terms;
    std::string fingerprint;
    std::vector<value> last_key;   // key of the last row of the last page; empty before the first
    std::uint64_t rows_read = 0;   // including the current page
    std::size_t page_rows = 0;
    bool exhausted = false;
    bool plan_checked = false;     // the plan check runs before the first page
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::unique_ptr<session_impl> snapshot;  // the scan's own connection, for consistent_snapshot()
    std::vector<long_key_check> long_keys;   // order keys the server may sort inexactly
    std::vector<std::size_t> read_columns;   // a projection's columns and the keys; empty: all
    std::uint64_t join_chunk = 0;            // a one-to-many join's chunk size (read_keyset_page)

    session_impl& connection() { return snapshot ? *snapshot : owner.get(*spec.table); }

    // Prefetch: the next page's statement runs as soon as a page is read; its rows wait on the
    // wire until next_page() (or, if the connection is wanted first, settle()) reads them into the
    // cursor's spare buffer.
    std::function<void*(std::size_t)> spare_slot;
    std::unique_ptr<row_stream> flight;
    session_impl* flight_session = nullptr;
    std::string flight_sql;                  // for the statement log
    std::vector<std::string> flight_values;  // described only when statements are observed
    std::chrono::steady_clock::time_point flight_started;
    bool spare_ready = false;  // the flight's rows are in the spare buffer
    std::size_t spare_rows = 0;

    void read_row(row_reader& row, void* obj) {
        if (read_columns.empty()) return read_query_row(spec, row, obj);
        // A projection (single-model queries only): just its columns and the keys.
        const table_info& t = *spec.table;
        for (std::size_t i = 0; i < read_columns.size(); ++i) {
            const column_info& c = t.columns[read_columns[i]];
            read_column(t, read_columns[i], row, static_cast<int>(i), static_cast<char*>(obj) + c.offset, c.codec.read);
        }
    }

    // Reads the flight's rows into slot(0), slot(1), ... and ends it.
    std::size_t land(function_ref<void*(std::size_t)> slot) {
        std::unique_ptr<row_stream> rows = std::move(flight);
        session_impl* s = std::exchange(flight_session, nullptr);
        if (s && s->in_flight == this) s->in_flight = nullptr;
        std::size_t n = 0;
        try {
            while (row_reader* r = rows->next()) read_row(*r, slot(n++));
        } catch (const bind_mismatch& m) {
            throw_query_value(*spec.table, m);
        }
        if (s && s->observed()) s->note_statement(flight_sql, flight_values, std::chrono::steady_clock::now() - flight_started, n);
        return n;
    }

    void settle() noexcept override {
        session_impl* s = flight_session;
        try {
            spare_rows = land(spare_slot);
            spare_ready = true;
        } catch (...) {
            // The page is read again by the next next_page(), which reports what is wrong.
            flight.reset();
            spare_ready = false;
            if (s) s->connection_failed();
        }
    }

    void abandon() noexcept override {
        flight.reset();
        flight_session = nullptr;
        spare_ready = false;
    }

    ~state() {
        if (flight_session && !owner.alive.expired() && flight_session->in_flight == this) flight_session->in_flight = nullptr;
        flight.reset();  // before the snapshot connection it may run on
    }

    std::string encode(std::span<const value_ref> key, std::uint64_t rows) const {
        return encode_token(fingerprint, key, rows);
    }
};

pager::pager(const session_handle& s, query_spec spec, std::size_t page_size) : state_(std::make_unique<state>()) {
    state& st = *state_;
    st.owner = s;
    st.spec = std::move(spec);
    st.page_size = page_size;
    const query_spec& q = st.spec;
    if (page_size == 0) throw error(table_context(q) + "yield_per/batches need a page size of at least 1");
    if (q.offset)
        throw error(table_context(q) + "offset() cannot be combined with yield_per/batches: keyset pages replace "
                                       "OFFSET (to start part-way, resume from a token)");
    const scope names(q);
    for (const order_term& o : q.order) {
        const column_info& c = names.column(o.model, o.column);
        if (c.kind == column_kind::float32 || c.kind == column_kind::float64)
            throw error(column_message(names.table(o.model), c,
                                       "yield_per/batches cannot order by it: keyset pages need exact equality on order "
                                       "keys; order by an integer, text, date or datetime column"));
    }
    st.terms = keyset_terms(q);
    if (!q.columns.empty()) {
        st.read_columns = q.columns;
        for (const order_term& o : st.terms)
            if (std::find(st.read_columns.begin(), st.read_columns.end(), o.column) == st.read_columns.end())
                st.read_columns.push_back(o.column);
    }
    session_impl& owner = s.get(*q.table);
    st.long_keys = long_key_checks(owner.conn(), owner.sql_for(q), names, st.terms);
    st.fingerprint = fingerprint(q);
    if (q.resume) decode_token(*q.resume, q, st.fingerprint, st.terms.size(), st.last_key, st.rows_read);
    if (q.limit && st.rows_read >= *q.limit) st.exhausted = true;
    if (q.snapshot) {
        if (q.resume) throw error(table_context(q) + "a consistent_snapshot() scan cannot resume: the snapshot it came from is gone");
        const connection_target& target = owner.target();
        if (target.backend == backend_kind::sqlite && target.path == ":memory:")
            throw error(table_context(q) + "consistent_snapshot() opens a second connection, and an in-memory SQLite database has no second connection");
        st.snapshot = std::make_unique<session_impl>(target);
        st.snapshot->observer = owner.observer;
        st.snapshot->echo = owner.echo;
        st.snapshot->log = owner.log;
        st.snapshot->plan = owner.plan;
        st.snapshot->run(st.snapshot->sql().begin_snapshot(), {});
        st.snapshot->transaction_depth = 1;  // a lost connection ends the scan: no silent re-read
    }
}

pager::pager(pager&&) noexcept = default;
pager& pager::operator=(pager&&) noexcept = default;
pager::~pager() = default;

std::size_t pager::next_page(function_ref<void*(std::size_t)> slot) {
    state& st = *state_;
    st.page_rows = 0;
    if (st.exhausted) return 0;
    std::uint64_t request = st.page_size;
    if (st.spec.limit) request = std::min<std::uint64_t>(request, *st.spec.limit - st.rows_read);

    session_impl& impl = st.connection();
    const table_info& t = *st.spec.table;
    std::size_t rows = 0;
    // A prefetched page: in the spare buffer already, or still on the wire. An empty one, or one
    // whose reading failed, is read again below (with retries), which decides.
    if (st.spare_ready) {
        st.spare_ready = false;
        rows = st.spare_rows;
    } else if (st.flight) {
        try {
            rows = st.land(slot);
        } catch (const connection_error&) {
            rows = 0;
            impl.connection_failed();
        } catch (const statement_error&) {
            rows = 0;
        }
    }
    if (rows == 0) {
    // A page is a read: after a lost connection it is simply read again (rows already placed
    // in the buffer are overwritten), unless a transaction was open.
    impl.with_retries([&] {
        rows = 0;
        const dialect& d = impl.sql_for(st.spec);
        if (!st.plan_checked) {
            check_scan_order(impl, d, st.spec, st.terms);
            st.plan_checked = true;
        }
        const auto read = [&] {
            try {
                read_keyset_page(impl, d, st.spec, st.terms, st.last_key, request, st.read_columns,
                                 [&](row_reader& row) { st.read_row(row, slot(rows++)); }, &st.join_chunk);
            } catch (const bind_mismatch& m) {
                throw_query_value(t, m);
            }
        };
        read();
        // An empty page ends the scan: make sure it was not a killed SELECT that reported nothing.
        if (rows == 0 && d.empty_result_may_be_interrupted()) read();
    }, [&] { return position_token(); });
    }

    const scope names(st.spec);
    for (const long_key_check& check : st.long_keys)
        for (std::size_t r = 0; r < rows; ++r) {
            value scratch;
            require_exact_order(names, check, term_ref(st.spec, st.terms[check.level], slot(r), scratch));
        }
    if (rows > 0) {
        const void* last = slot(rows - 1);
        st.last_key.resize(st.terms.size());
        for (std::size_t i = 0; i < st.terms.size(); ++i) {
            value scratch;
            store(st.last_key[i], term_ref(st.spec, st.terms[i], last, scratch));
        }
        if (!st.long_keys.empty())
            impl.with_retries([&] { require_no_sort_ties(impl, impl.sql_for(st.spec), st.spec, st.terms, st.long_keys, st.last_key, false); },
                              [&] { return position_token(); });
    }
    st.page_rows = rows;
    st.rows_read += rows;
    if (rows < request || (st.spec.limit && st.rows_read >= *st.spec.limit)) st.exhausted = true;
    if (!st.exhausted) prefetch(impl);
    if (st.exhausted && st.snapshot) {
        // Release the snapshot as soon as the scan is done, not when the range is destroyed.
        try {
            st.snapshot->run("COMMIT", {});
        } catch (const error&) {
        }
        st.snapshot.reset();
    }
    return rows;
}

void pager::set_spare_buffer(std::function<void*(std::size_t)> slot) { state_->spare_slot = std::move(slot); }

// Sends the next page's SELECT now (MariaDB, outside a transaction, single-statement pages), so
// that the server computes it while the caller works on this one.
void pager::prefetch(session_impl& impl) {
    state& st = *state_;
    // Joins read a one-to-many page as a probe and a bounded statement (read_keyset_page): not prefetched.
    if (!st.spec.prefetch || !st.spare_slot || st.snapshot || impl.transaction_depth > 0 || !st.spec.joins.empty() ||
        impl.target().backend != backend_kind::mysql || !impl.connected())
        return;
    const dialect& d = impl.sql_for(st.spec);
    if (d.keyset_branches() && st.terms.size() >= 2) return;  // a page of several statements
    std::uint64_t request = st.page_size;
    if (st.spec.limit) request = std::min<std::uint64_t>(request, *st.spec.limit - st.rows_read);
    const rendered sql = render_page(d, st.spec, st.terms, st.last_key, request, st.read_columns);
    impl.settle_in_flight();  // another scan's page, on the same connection
    if (!impl.connected()) return;
    try {
        st.flight_started = std::chrono::steady_clock::now();
        // Counted and shown to the test hook like any statement of the session.
        ++impl.statements;
        if (impl.before_statement) impl.before_statement(impl.statements, sql.sql);
        st.flight = impl.conn().open_stream(sql.sql, sql.params, true);
    } catch (...) {
        // Read again, with retries and its error if any, by the next next_page().
        st.flight.reset();
        impl.connection_failed();
        return;
    }
    if (impl.observed()) {
        st.flight_sql = sql.sql;
        st.flight_values.clear();
        for (const value_ref& v : sql.params) st.flight_values.push_back(describe(v));
    }
    st.flight_session = &impl;
    impl.in_flight = &st;
}

resume_token pager::token_after(const void* row, std::uint64_t rows_handed_out) const {
    const state& st = *state_;
    if (st.spec.snapshot) return {};
    std::vector<value_ref> key;
    std::vector<value> scratch(st.terms.size());
    key.reserve(st.terms.size());
    for (const order_term& o : st.terms) key.push_back(term_ref(st.spec, o, row, scratch[key.size()]));
    return st.encode(key, rows_handed_out);
}

resume_token pager::position_token() const {
    const state& st = *state_;
    if (st.spec.snapshot) return {};
    std::vector<value_ref> key;
    for (const value& v : st.last_key) key.push_back(as_ref(v));
    return st.encode(key, st.rows_read);
}

resume_token pager::start_token_for_first_page() const {
    const state& st = *state_;
    if (st.spec.snapshot) return {};
    return st.spec.resume ? *st.spec.resume : encode_token(st.fingerprint, {}, 0);
}

std::uint64_t pager::rows_before_page() const noexcept { return state_->rows_read - state_->page_rows; }

std::chrono::nanoseconds pager::elapsed() const noexcept { return std::chrono::steady_clock::now() - state_->started; }

}  // namespace sluice::detail
