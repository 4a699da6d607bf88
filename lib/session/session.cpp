#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "types/datetime.hpp"
#include "sql/render_ddl.hpp"
#include "sql/render_statements.hpp"
#include "session/session_impl.hpp"

namespace sluice {
namespace detail {

namespace {
// Where the statement's first word starts, after blanks, '(' and ';' and comments; npos if none.
std::size_t first_word(std::string_view sql) {
    std::size_t at = 0;
    for (;;) {
        at = sql.find_first_not_of(" \t\r\n(;", at);
        if (at == std::string_view::npos) return at;
        if (sql.substr(at, 2) == "/*") {
            const std::size_t end = sql.find("*/", at + 2);
            if (end == std::string_view::npos) return std::string_view::npos;
            at = end + 2;
        } else if (sql.substr(at, 2) == "--" || sql[at] == '#') {
            const std::size_t end = sql.find('\n', at);
            if (end == std::string_view::npos) return std::string_view::npos;
            at = end + 1;
        } else {
            return at;
        }
    }
}

// CREATE, DROP, ALTER, RENAME or USE: a statement that may change which engine a table name
// stands for.
bool may_change_tables(std::string_view sql) {
    const std::size_t at = first_word(sql);
    if (at == std::string_view::npos) return false;
    auto starts = [&](std::string_view word) {
        if (sql.size() - at < word.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i)
            if ((sql[at + i] | 0x20) != word[i]) return false;  // ASCII letters, any case
        return true;
    };
    return starts("create") || starts("drop") || starts("alter") || starts("rename") || starts("use");
}
}  // namespace

session_impl::session_impl(connection_target target) : target_(std::move(target)) {
    conn_ = target_.backend == backend_kind::sqlite ? open_sqlite(target_) : open_mysql(target_);
    const char* echo_env = std::getenv("SLUICE_ECHO");
    echo = echo_env && *echo_env && std::string_view(echo_env) != "0";
}

void session_impl::reconnect() {
    conn_.reset();  // the old handle first: a server limit on connections must not bite here
    lost_ = true;
    conn_ = target_.backend == backend_kind::sqlite ? open_sqlite(target_) : open_mysql(target_);
    lost_ = false;
    ++generation;
    doomed_depth = 0;
    transaction_depth = 0;
    spider_tables_.clear();
}

void session_impl::with_retries(function_ref<void()> attempt, function_ref<std::string()> resume_token) {
    auto backoff = retry.initial_backoff;
    for (int tries = 1;; ++tries) {
        const bool in_transaction = transaction_depth > 0;
        try {
            if (lost_ || !conn_) reconnect();
            attempt();
            return;
        } catch (const connection_error& e) {
            // Inside a transaction the server has rolled it back: repeating one statement would
            // silently drop the rest of it. The caller must rerun the transaction.
            if (in_transaction)
                throw connection_error(std::string(e.what()) + " (inside a transaction, which the server rolled back)",
                                       resume_token());
            if (tries >= retry.attempts)
                throw connection_error(std::string(e.what()) + " (gave up after " + std::to_string(tries) +
                                           " attempts; resume from the token)",
                                       resume_token());
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(retry.max_backoff,
                           std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(backoff.count()) * retry.multiplier)));
    }
}

std::uint64_t session_impl::run(std::string_view sql, std::span<const value_ref> params, row_callback on_row) {
    std::thread::id running{};
    const std::thread::id me = std::this_thread::get_id();
    if (!running_thread_.compare_exchange_strong(running, me) && running != me)
        throw error("sluice: a session was used by two threads at once (while one ran [" + std::string(sql.substr(0, 200)) +
                    "]): a session belongs to one thread at a time; give each thread its own, e.g. from a sluice::pool");
    // Only the outermost run on this thread releases the session (row callbacks may run more).
    struct release {
        std::atomic<std::thread::id>* slot;
        ~release() {
            if (slot) slot->store(std::thread::id{});
        }
    } released{running == me ? nullptr : &running_thread_};
    ++statements;
    // Blank or comment-only text: MariaDB refuses some forms and runs others as nothing, SQLite
    // prepares no statement; one error for all of them.
    if (first_word(sql) == std::string_view::npos)
        throw statement_error("sluice: the query is empty (only blanks or comments) [in: " + std::string(sql.substr(0, 200)) + "]",
                              1065, "42000");
    if (!spider_tables_.empty() && may_change_tables(sql)) spider_tables_.clear();
    if (lost_ || !conn_) {
        // The previous statement lost the connection: start a new one. Never libmariadb's
        // automatic reconnect, which would silently drop session state and transactions.
        reconnect();
    }
    if (!observer && !echo) return guarded_run(sql, params, on_row);
    const auto start = std::chrono::steady_clock::now();
    const std::uint64_t rows = guarded_run(sql, params, on_row);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::vector<std::string> shown;
    shown.reserve(params.size());
    for (const value_ref& v : params) shown.push_back(describe(v));
    const statement_event event{sql, shown, elapsed, rows};
    if (echo) {
        std::string line = "[sluice] " + std::string(sql);
        if (!shown.empty()) {
            line += "  -- [";
            for (std::size_t i = 0; i < shown.size(); ++i) line += (i ? ", " : "") + shown[i];
            line += "]";
        }
        std::fprintf(stderr, "%s  (%.3f ms, %llu rows)\n", line.c_str(),
                     std::chrono::duration<double, std::milli>(elapsed).count(),
                     static_cast<unsigned long long>(rows));
    }
    if (observer) observer(event);
    return rows;
}

std::uint64_t session_impl::run(std::string_view sql, std::span<const value_ref> params) {
    return run(sql, params, [](row_reader&) {});
}

namespace {
std::string lowercase(std::string_view s);
}  // namespace

const dialect& session_impl::sql_for(const table_info& t) {
    if (target_.backend == backend_kind::sqlite) return sqlite_dialect();
    const auto now = std::chrono::steady_clock::now();
    auto known = spider_tables_.find(t.name);
    if (known == spider_tables_.end() || now - known->second.at > engine_lookup_ttl) {
        std::optional<bool> spider;  // empty: no such table (yet); asked again next time
        const value_ref name{t.name};
        // Callers that retry reads call this inside their retry loop, so a lost connection here
        // is retried with them (and a failure carries their resume token).
        if (lost_ || !conn_) reconnect();
        guarded_run("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                    std::span(&name, 1), [&](row_reader& row) {
                        spider = !row.is_null(0) && lowercase(row.get_text(0)) == "spider";
                    }, false);
        if (!spider) return mysql_dialect();
        known = spider_tables_.insert_or_assign(std::string(t.name), engine_lookup{*spider, now}).first;
    }
    return known->second.spider ? spider_dialect() : mysql_dialect();
}

std::uint64_t session_impl::guarded_run(std::string_view sql, std::span<const value_ref> params, row_callback on_row, bool hooked) {
    try {
        if (hooked && before_statement) before_statement(statements, sql);
        return conn_->run(sql, params, on_row);
    } catch (const connection_error&) {
        lost_ = true;
        if (transaction_depth > 0) {
            transaction_depth = 0;
            ++generation;  // open transaction guards are now stale
            doomed_depth = 0;
        }
        throw;
    }
}

void read_object(const table_info& t, row_reader& row, void* obj, int first) {
    auto* base = static_cast<char*>(obj);
    std::size_t i = 0;
    try {
        for (; i < t.columns.size(); ++i)
            t.columns[i].codec.read(base + t.columns[i].offset, row, first + static_cast<int>(i));
    } catch (const cell_mismatch& m) {
        const column_info& c = t.columns[i];
        throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" +
                               std::string(to_string(c.kind)) + (c.nullable ? ", nullable" : "") + "): " + m.what);
    }
}

value read_value(row_reader& r, int c, column_kind kind) {
    switch (kind) {
    case column_kind::uint8: case column_kind::uint16: case column_kind::uint32: case column_kind::uint64: return r.get_uint64(c);
    case column_kind::float32: case column_kind::float64: return r.get_double(c);
    case column_kind::text: return std::string(r.get_text(c));
    case column_kind::blob: { const auto b = r.get_blob(c); return blob(b.begin(), b.end()); }
    case column_kind::datetime: return r.get_datetime(c);
    case column_kind::date: return r.get_date(c);
    default: return r.get_int64(c);
    }
}

value_ref field_ref(const column_info& c, const void* obj) noexcept {
    return c.codec.to_ref(static_cast<const char*>(obj) + c.offset);
}

namespace {

// Runs a write whose parameters are the columns `params_columns`, turning a bind failure into
// a message that names the column.
std::uint64_t run_write(session_impl& s, const table_info& t, std::string_view sql,
                        std::span<const value_ref> params, std::span<const std::size_t> param_columns) {
    try {
        return s.run(sql, params);
    } catch (const bind_mismatch& m) {
        const column_info& c = t.columns[param_columns[m.index % param_columns.size()]];
        throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(c.name) + " (" +
                               std::string(to_string(c.kind)) + "): " + m.what);
    }
}

bool key_is_unset(const table_info& t, const void* obj) {
    if (!t.auto_increment) return false;
    const value_ref key = field_ref(t.columns[t.primary_key.front()], obj);
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
    } row{id};
    const column_info& key = t.columns[t.primary_key.front()];
    try {
        key.codec.read(static_cast<char*>(obj) + key.offset, row, 0);
    } catch (const cell_mismatch& m) {
        throw conversion_error("sluice: " + std::string(t.name) + "." + std::string(key.name) + ": generated key " + m.what);
    }
}

std::string normalize_mysql_type(std::string type) {
    for (char& c : type) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (type.rfind("tinyint(1)", 0) == 0) return type;
    // Display widths ("int(11)") carry no meaning and vary between versions.
    for (const char* name : {"tinyint(", "smallint(", "mediumint(", "bigint(", "int("}) {
        if (type.rfind(name, 0) != 0) continue;
        const std::size_t open = type.find('('), close = type.find(')');
        if (close != std::string::npos) type.erase(open, close - open + 1);
        break;
    }
    return type;
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

}  // namespace

std::vector<std::string> create_table_sql(const table_info& t, backend b) {
    return render_create_table(b == backend::sqlite ? sqlite_dialect() : mysql_dialect(), t);
}

}  // namespace detail

using detail::field_ref;

session::session(std::string_view url)
    : impl_(std::make_unique<detail::session_impl>(detail::parse_url(url))) {}
session::session(session&&) noexcept = default;

detail::session_impl& session::impl() {
    if (!impl_) throw error("sluice: use of a moved-from session (it was moved into another session object)");
    return *impl_;
}

detail::session_handle session::handle() const {
    if (!impl_) throw error("sluice: use of a moved-from session (it was moved into another session object)");
    return {impl_.get(), impl_->alive};
}
session& session::operator=(session&&) noexcept = default;
session::~session() = default;

backend session::backend() const {
    if (!impl_) throw error("sluice: use of a moved-from session (it was moved into another session object)");
    return impl_->target().backend == detail::backend_kind::sqlite ? backend::sqlite : backend::mariadb;
}

std::vector<std::string> session::create_table_sql(const table_info& t) const {
    return detail::render_create_table(handle().impl->sql(), t);
}

void session::create_table(const table_info& t) {
    impl().forget_table_engines();
    for (const std::string& sql : create_table_sql(t)) impl().run(sql, {});
}

void session::drop_table(const table_info& t) {
    impl().forget_table_engines();
    impl().run(detail::render_drop_table(impl().sql(), t), {});
}

void session::verify(const table_info& t) {
    struct live_column {
        std::string name, type;
        bool nullable;
    };
    std::vector<live_column> live;
    const std::string_view table_name = t.name;
    const value_ref name_param[] = {table_name};
    if (backend() == backend::sqlite) {
        impl().run(R"(SELECT name, type, "notnull", pk FROM pragma_table_info(?))", name_param, [&](detail::row_reader& r) {
            const bool key = r.get_int64(3) != 0;
            live.push_back({std::string(r.get_text(0)), std::string(r.get_text(1)), r.get_int64(2) == 0 && !key});
        });
    } else {
        impl().run("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS "
                   "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                   name_param, [&](detail::row_reader& r) {
                       live.push_back({std::string(r.get_text(0)), detail::normalize_mysql_type(std::string(r.get_text(1))),
                                       r.get_text(2) == "YES"});
                   });
    }
    if (live.empty()) throw schema_error("sluice: table " + std::string(t.name) + " does not exist (create_table<T>() creates it)");

    std::vector<std::string> problems;
    auto describe_column = [](std::string_view type, bool nullable) {
        return std::string(type) + (nullable ? " NULL" : " NOT NULL");
    };
    for (const column_info& c : t.columns) {
        const auto found = std::find_if(live.begin(), live.end(), [&](const live_column& l) { return l.name == c.name; });
        const std::string expected_type = detail::lowercase(impl().sql().type_name(t, c));
        const bool expected_nullable = c.nullable && !c.primary_key;
        if (found == live.end()) {
            problems.push_back("column " + std::string(c.name) + ": missing (expected " + describe_column(expected_type, expected_nullable) + ")");
            continue;
        }
        const std::string live_type = detail::lowercase(found->type);
        if (live_type != expected_type || found->nullable != expected_nullable)
            problems.push_back("column " + std::string(c.name) + ": expected " + describe_column(expected_type, expected_nullable) +
                               " for a " + std::string(to_string(c.kind)) + " field, found " + describe_column(live_type, found->nullable));
    }
    if (problems.empty()) return;
    std::string message = "sluice: table " + std::string(t.name) + " does not match its model:";
    for (const std::string& p : problems) message += "\n  " + p;
    throw schema_error(message);
}

void session::insert(const table_info& t, void* obj) {
    const bool with_key = !detail::key_is_unset(t, obj);
    std::vector<value_ref> params;
    std::vector<std::size_t> columns;
    params.reserve(t.columns.size());
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (!with_key && t.auto_increment && t.columns[i].primary_key) continue;
        params.push_back(field_ref(t.columns[i], obj));
        columns.push_back(i);
    }
    detail::run_write(impl(), t, detail::render_insert(impl().sql(), t, with_key), params, columns);
    if (!with_key) detail::write_back_key(t, obj, impl().conn().last_insert_id());
}

bool session::get(const table_info& t, std::span<const value_ref> key, void* out) {
    if (key.size() != t.primary_key.size())
        throw error("sluice: get<" + std::string(t.name) + ">: the primary key has " + std::to_string(t.primary_key.size()) +
                    " column(s), " + std::to_string(key.size()) + " value(s) given");
    bool found = false;
    impl().run(detail::render_select_by_key(impl().sql(), t), key, [&](detail::row_reader& row) {
        detail::read_object(t, row, out);
        found = true;
    });
    return found;
}

void session::update(const table_info& t, const void* obj) {
    std::vector<value_ref> params;
    std::vector<std::size_t> columns;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].primary_key) continue;
        params.push_back(field_ref(t.columns[i], obj));
        columns.push_back(i);
    }
    for (std::size_t k : t.primary_key) {
        params.push_back(field_ref(t.columns[k], obj));
        columns.push_back(k);
    }
    if (detail::run_write(impl(), t, detail::render_update_by_key(impl().sql(), t), params, columns) == 0) {
        std::string key;
        for (std::size_t k : t.primary_key)
            key += (key.empty() ? "" : ", ") + std::string(t.columns[k].name) + "=" + describe(field_ref(t.columns[k], obj));
        throw error("sluice: update of " + std::string(t.name) + " matched no row with " + key);
    }
}

bool session::remove(const table_info& t, const void* obj) {
    std::vector<value_ref> params;
    for (std::size_t k : t.primary_key) params.push_back(field_ref(t.columns[k], obj));
    return detail::run_write(impl(), t, detail::render_delete_by_key(impl().sql_for(t), t), params, t.primary_key) > 0;
}

void session::upsert(const table_info& t, void* obj) {
    const bool with_key = !detail::key_is_unset(t, obj);
    std::vector<value_ref> params;
    std::vector<std::size_t> columns;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (!with_key && t.auto_increment && t.columns[i].primary_key) continue;
        params.push_back(field_ref(t.columns[i], obj));
        columns.push_back(i);
    }
    try {
        detail::run_write(impl(), t, detail::render_upsert(impl().sql(), t, with_key), params, columns);
    } catch (const statement_error& e) {
        if (!impl().sql().is_upsert_key_conflict(e.code())) throw;
        std::string key;
        for (std::size_t k : t.primary_key)
            key += (key.empty() ? "" : ", ") + std::string(t.columns[k].name) + "=" + describe(field_ref(t.columns[k], obj));
        throw statement_error("sluice: " + std::string(t.name) + ": upsert of the row with " + (with_key ? key : "a new key") +
                                  " collides with a different row on a unique key other than the primary key; nothing was "
                                  "written (an upsert updates only the row with the same primary key): " + e.what(),
                              e.code(), e.sql_state());
    }
    if (!with_key) detail::write_back_key(t, obj, impl().conn().last_insert_id());
}

std::uint64_t session::execute(std::string_view sql, std::span<const value_ref> values) {
    try {
        return impl().run(sql, values);
    } catch (const detail::bind_mismatch& m) {
        throw conversion_error("sluice: value " + std::to_string(m.index + 1) + " of [" + std::string(sql) + "]: " + m.what);
    }
}

namespace {

// Any cell as text. MariaDB's binary protocol sends numbers and times in binary form; the
// storage class decides which getter succeeds.
std::optional<std::string> cell_text(detail::row_reader& row, int c) {
    if (row.is_null(c)) return std::nullopt;
    try { return std::string(row.get_text(c)); } catch (const detail::cell_mismatch&) {}
    try { return std::to_string(row.get_int64(c)); } catch (const detail::cell_mismatch&) {}
    try { return std::to_string(row.get_uint64(c)); } catch (const detail::cell_mismatch&) {}
    try { return std::to_string(row.get_double(c)); } catch (const detail::cell_mismatch&) {}
    try { return describe(row.get_datetime(c), 64).substr(1, detail::datetime_text_size); } catch (const detail::cell_mismatch&) {}
    return describe(row.get_date(c), 64).substr(1, detail::date_text_size);
}

}  // namespace

std::optional<std::string> session::scalar(std::string_view sql, std::span<const value_ref> values) {
    std::optional<std::string> out;
    bool first = true;
    impl().run(sql, values, [&](detail::row_reader& row) {
        if (std::exchange(first, false)) out = cell_text(row, 0);
    });
    return out;
}

std::vector<raw_row> session::rows(std::string_view sql, std::span<const value_ref> values) {
    std::vector<raw_row> out;
    impl().run(sql, values, [&](detail::row_reader& row) {
        raw_row r;
        for (int c = 0; c < row.columns(); ++c) r.push_back(cell_text(row, c));
        out.push_back(std::move(r));
    });
    return out;
}

void session::on_statement(std::function<void(const statement_event&)> callback) { impl().observer = std::move(callback); }

// --- transactions ---------------------------------------------------------------------------

namespace detail {
namespace {
std::string savepoint_name(int depth) { return "sluice_sp_" + std::to_string(depth); }
// ER_CHECK_NOT_IMPLEMENTED: "The storage engine for the table doesn't support SAVEPOINT".
constexpr int savepoint_not_supported = 1178;
}  // namespace
}  // namespace detail
using detail::savepoint_name;

sluice::transaction session::transaction() { return detail::transaction_access::begin(impl()); }

namespace detail {
session_impl& session_handle::get(const table_info& t) const {
    if (!impl || alive.expired())
        throw error("sluice: " + std::string(t.name) + ": the session this query or scan was made on has been destroyed");
    return *impl;
}

sluice::transaction transaction_access::begin(session_impl& s) {
    const int depth = s.transaction_depth + 1;
    bool flat = false;
    if (depth == 1) {
        s.run(s.target().backend == backend_kind::sqlite ? "BEGIN IMMEDIATE" : "START TRANSACTION", {});
    } else {
        try {
            s.run("SAVEPOINT " + savepoint_name(depth), {});
        } catch (const statement_error& e) {
            if (e.code() != savepoint_not_supported) throw;
            flat = true;
        }
    }
    s.transaction_depth = depth;
    return sluice::transaction(s, s.alive, depth, s.generation, flat);
}
}  // namespace detail

bool session::is_retryable(const statement_error& e) noexcept {
    // MariaDB/MySQL: deadlock (1213, SQLSTATE 40001). SQLite: SQLITE_BUSY and its extended codes
    // (a write lock that could not be had, a stale snapshot).
    if (e.sql_state().starts_with("SQLITE")) return (e.code() & 0xff) == 5;
    return e.code() == 1213 || e.code() == 1205 || e.sql_state() == "40001";
}

void session::set_retry_policy(const retry_policy& policy) {
    if (policy.attempts < 1) throw error("sluice: retry_policy.attempts must be at least 1");
    impl().retry = policy;
}
const retry_policy& session::get_retry_policy() const { return handle().impl->retry; }

std::uint64_t session::connection_id() {
    if (!impl().connected()) impl().reconnect();
    return impl().conn().server_connection_id();
}

bool session::in_transaction() const noexcept { return impl_ && impl_->transaction_depth > 0; }

transaction::transaction(transaction&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)),
      alive_(std::move(other.alive_)),
      depth_(other.depth_),
      generation_(other.generation_),
      flat_(other.flat_) {}

detail::session_impl* transaction::live_session() noexcept {
    if (alive_.expired()) impl_ = nullptr;
    return impl_;
}

transaction::~transaction() {
    if (!live_session()) return;
    try {
        rollback();
    } catch (...) {
        // Destructors must not throw; a failed rollback leaves the server to abort the
        // transaction when the connection closes.
        impl_ = nullptr;
    }
}

void transaction::commit() {
    if (!impl_) throw error("sluice: commit() on a transaction that already ended");
    if (!live_session())
        throw connection_error("sluice: commit() after its session was destroyed: closing the connection rolled the transaction back");
    if (impl_->generation != generation_) {
        impl_ = nullptr;
        throw connection_error("sluice: commit() after the connection was lost: the server rolled the transaction back");
    }
    if (impl_->transaction_depth != depth_)
        throw error("sluice: commit() of an outer transaction while a nested one is still open");
    detail::session_impl* s = std::exchange(impl_, nullptr);
    s->transaction_depth = depth_ - 1;
    if (depth_ == 1) {
        if (s->doomed_depth > 0) {
            s->doomed_depth = 0;
            s->run("ROLLBACK", {});
            throw error("sluice: commit() of a transaction that a nested transaction rolled back: the server refused "
                        "SAVEPOINT (a SPIDER table is part of it), so the nested rollback ended the whole transaction; "
                        "everything since was rolled back now");
        }
        s->run("COMMIT", {});
    } else if (!flat_ && !(s->doomed_depth > 0 && depth_ < s->doomed_depth)) {
        s->run("RELEASE SAVEPOINT " + savepoint_name(depth_), {});
    }
}

void transaction::rollback() {
    if (!impl_) throw error("sluice: rollback() on a transaction that already ended");
    if (!live_session()) return;  // the closed connection already rolled it back
    if (impl_->generation != generation_) {
        impl_ = nullptr;  // the lost connection took the transaction with it
        return;
    }
    if (impl_->transaction_depth != depth_)
        throw error("sluice: rollback() of an outer transaction while a nested one is still open");
    detail::session_impl* s = std::exchange(impl_, nullptr);
    s->transaction_depth = depth_ - 1;
    if (depth_ == 1) {
        s->doomed_depth = 0;
        s->run("ROLLBACK", {});
    } else if (flat_) {
        // No savepoint to return to: the whole transaction goes. A replacement keeps the outer
        // guards' later statements transactional until the outermost one ends (and rolls back).
        s->doomed_depth = s->doomed_depth > 0 ? std::min(s->doomed_depth, depth_) : depth_;
        s->run("ROLLBACK", {});
        s->run("START TRANSACTION", {});
    } else if (s->doomed_depth > 0 && depth_ < s->doomed_depth) {
        // Its savepoint went with the rolled-back transaction: nothing to return to.
    } else {
        s->run("ROLLBACK TO SAVEPOINT " + savepoint_name(depth_), {});
        s->run("RELEASE SAVEPOINT " + savepoint_name(depth_), {});
    }
}

}  // namespace sluice
