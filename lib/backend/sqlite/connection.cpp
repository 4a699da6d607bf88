// SQLite through SOCI's sqlite3 backend (connection) and the sqlite3 C API (statements).
// SOCI's header includes <sqlite3.h> inside namespace sqlite_api; include it first and use
// the C API from there, so both agree on the types.
#include <charconv>
#include <cmath>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <vector>

#include <sluice/error.hpp>

#include "backend/connection.hpp"
#include "backend/sqlite/arith.hpp"
#include "backend/sqlite/decimal_functions.hpp"
#include "backend/sqlite/row.hpp"
#include "types/datetime.hpp"
#include "sql/like.hpp"
#include "backend/statement_cache.hpp"
#include "backend/url.hpp"

namespace sluice::detail {
namespace {

using namespace sqlite_api;
using namespace sqlite_rows;

struct statement_deleter {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using sqlite_statement = std::unique_ptr<sqlite3_stmt, statement_deleter>;

struct cached_statement {
    sqlite_statement handle;
};

// SOCI exports no typeinfo for its backend classes, which UBSan's vptr check would need for
// this (correct) downcast.
__attribute__((no_sanitize("vptr"))) sqlite3* native_connection(soci::session& s) {
    return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
}

// like(pattern, text[, escape]): replaces SQLite's built-in LIKE, which stops at a NUL byte,
// refuses patterns over 50,000 bytes and matches nothing for a trailing escape, with the exact
// byte-wise semantics MariaDB and C++ have. Index use comes from the prefix range rendered in
// front of every like() (the built-in's own LIKE optimisation is gone once it is replaced).
void like_function(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    for (int i = 0; i < argc; ++i)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    auto text_of = [](sqlite3_value* v) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
        return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v)));
    };
    char escape = '\\';
    if (argc == 3) {
        const std::string_view e = text_of(argv[2]);
        if (e.size() != 1) return sqlite3_result_error(ctx, "ESCAPE expression must be a single character", -1);
        escape = e[0];
    }
    sqlite3_result_int(ctx, like_match(text_of(argv[1]), text_of(argv[0]), escape) ? 1 : 0);
}

class sqlite_connection final : public connection {
public:
    explicit sqlite_connection(const connection_target& target) : cache_(128) {
        try {
            // SOCI's sqlite3 connect string takes a double-quoted value (spaces allowed) and
            // has no escape for the quote itself.
            if (target.path.find('"') != std::string::npos)
                throw connection_error("sluice: SQLite path '" + target.path + "' contains '\"', which SOCI cannot pass");
            soci_.open(*soci::factory_sqlite3(), "db=\"" + target.path + "\" timeout=10");
        } catch (const connection_error&) {
            throw;
        } catch (const std::exception& e) {
            throw connection_error("sluice: cannot open SQLite database '" + target.path + "': " + e.what());
        }
        db_ = native_connection(soci_);
        // By default SQLite reads a double-quoted name that matches no column as a string
        // literal: a missing column would come back as its own name. Make it an error.
        sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
        sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
        // Foreign keys are off by default in SQLite; LIKE is case-insensitive by default:
        // make both behave as on MariaDB with a binary collation.
        exec_plain("PRAGMA foreign_keys = ON");
        for (int args : {2, 3})
            if (sqlite3_create_function_v2(db_, "like", args, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, like_function,
                                           nullptr, nullptr, nullptr) != SQLITE_OK)
                fail("like()");
        if (!install_arith_functions(db_)) fail("arithmetic functions");
        if (!install_decimal_functions(db_)) fail("decimal functions");
        // WAL lets readers run while a writer commits (with the rollback journal a reader waits,
        // and a steady writer starves it); NORMAL is WAL's durable-on-checkpoint setting.
        if (target.path != ":memory:") {
            exec_plain(("PRAGMA journal_mode = " + target.journal_mode).c_str());
            exec_plain(("PRAGMA synchronous = " + target.synchronous).c_str());
        }
    }

    ~sqlite_connection() override { cache_.clear(); }

    const dialect& sql() const noexcept override { return sqlite_dialect(); }
    void* native_handle() noexcept override { return db_; }
    std::uint64_t server_connection_id() noexcept override { return 0; }
    std::uint64_t last_insert_id() override { return static_cast<std::uint64_t>(sqlite3_last_insert_rowid(db_)); }
    std::size_t max_packet_bytes() const noexcept override {
        return static_cast<std::size_t>(sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, -1));
    }
    size_limit statement_limit() const noexcept override {
        // SQLite's limit on one string or blob, and on one row.
        return {"SQLITE_LIMIT_LENGTH", static_cast<std::uint64_t>(sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, -1))};
    }
    std::size_t max_parameters() const noexcept override {
        return static_cast<std::size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
    }

    std::uint64_t run(std::string_view sql, std::span<const value_ref> params, row_callback on_row) override {
        sqlite3_stmt* s = prepare(sql);
        // SQLite binds a missing value as NULL and ignores none: count them, as MariaDB does.
        if (const auto wanted = static_cast<std::size_t>(sqlite3_bind_parameter_count(s)); wanted != params.size())
            throw error("sluice: SQLite: statement takes " + std::to_string(wanted) + " values, " +
                        std::to_string(params.size()) + " given [in: " + std::string(sql) + "]");
        // reset + clear_bindings on every exit, so a throwing row callback leaves the statement
        // (and any implicit read transaction) closed.
        struct reset_guard {
            sqlite3_stmt* s;
            ~reset_guard() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } guard{s};
        bind_all(s, params);
        row_.start_statement(s);
        std::uint64_t rows = 0;
        for (;;) {
            const int rc = sqlite3_step(s);
            if (rc == SQLITE_ROW) {
                row_.next_row();
                on_row(row_);
                ++rows;
            } else if (rc == SQLITE_DONE) {
                break;
            } else {
                fail(sql);
            }
        }
        return sqlite3_column_count(s) > 0 ? rows : static_cast<std::uint64_t>(sqlite3_changes64(db_));
    }

private:
    void exec_plain(const char* sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
    }

    [[noreturn]] void fail(std::string_view sql) {
        const int code = sqlite3_extended_errcode(db_);
        // SQLite has no SQLSTATE; "SQLITE<code>" keeps its codes apart from MariaDB's.
        throw statement_error("sluice: SQLite: " + std::string(sqlite3_errmsg(db_)) + " [in: " + std::string(sql) + "]",
                              code, "SQLITE" + std::to_string(code));
    }

    sqlite3_stmt* prepare(std::string_view sql) {
        if (cached_statement* c = cache_.find(sql)) return c->handle.get();
        auto entry = std::make_unique<cached_statement>(cached_statement{prepare_new(sql, SQLITE_PREPARE_PERSISTENT)});
        return cache_.add(std::string(sql), std::move(entry))->handle.get();
    }

    sqlite_statement prepare_new(std::string_view sql, unsigned flags) {
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), flags, &raw, &tail) != SQLITE_OK)
            fail(sql);
        sqlite_statement statement(raw);
        // Blank or comment-only text prepares to no statement at all; MariaDB calls it an error.
        if (!statement)
            throw statement_error("sluice: SQLite: the query is empty [in: " + std::string(sql) + "]", SQLITE_MISUSE,
                                  "SQLITE" + std::to_string(SQLITE_MISUSE));
        // One statement per call: SQLite would silently ignore the rest of the text.
        const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
        sqlite3_stmt* next = nullptr;
        const int rc = sqlite3_prepare_v2(db_, rest.data(), static_cast<int>(rest.size()), &next, nullptr);
        sqlite_statement second(next);
        if (rc != SQLITE_OK || second)
            throw statement_error("sluice: SQLite: more than one statement in one call; run them one at a time [in: " +
                                      std::string(sql) + "]",
                                  SQLITE_MISUSE, "SQLITE" + std::to_string(SQLITE_MISUSE));
        return statement;
    }

    // stream<R>: a statement of its own (not cached: it stays open), stepped row by row.
    class stream final : public row_stream {
    public:
        stream(sqlite_connection& c, std::string_view sql, std::span<const value_ref> params)
            : c_(c), sql_(sql), s_(c.prepare_new(sql, 0)) {
            sqlite3_stmt* s = s_.get();
            if (const auto wanted = static_cast<std::size_t>(sqlite3_bind_parameter_count(s)); wanted != params.size())
                throw error("sluice: SQLite: statement takes " + std::to_string(wanted) + " values, " +
                            std::to_string(params.size()) + " given [in: " + sql_ + "]");
            if (sqlite3_column_count(s) == 0)
                throw error("sluice: stream<>: the statement returns no rows (run it with execute()) [in: " + sql_ + "]");
            c_.bind_all(s, params);
            for (int i = 0; i < sqlite3_column_count(s); ++i) names_.emplace_back(sqlite3_column_name(s, i));
            row_.start_statement(s);
        }
        std::size_t columns() const noexcept override { return names_.size(); }
        std::string_view column_name(std::size_t i) const noexcept override { return names_[i]; }
        std::optional<result_kind> column_kind(std::size_t) const noexcept override { return std::nullopt; }
        bool finished() const noexcept override { return done_; }
        row_reader* next() override {
            if (done_) return nullptr;
            const int rc = sqlite3_step(s_.get());
            if (rc == SQLITE_ROW) {
                row_.next_row();
                return &row_;
            }
            done_ = true;
            sqlite3_reset(s_.get());  // ends the read transaction now, not when the range is destroyed
            if (rc != SQLITE_DONE) c_.fail(sql_);
            return nullptr;
        }
        void abandon(function_ref<void(std::uint64_t)>) noexcept override {
            // Stepping is on demand: there is nothing in flight to stop.
            if (!done_) sqlite3_reset(s_.get());
            done_ = true;
        }

    private:
        sqlite_connection& c_;
        std::string sql_;
        sqlite_statement s_;
        sqlite_row row_;
        std::vector<std::string> names_;
        bool done_ = false;
    };

public:
    std::unique_ptr<row_stream> open_stream(std::string_view sql, std::span<const value_ref> params, bool) override {
        return std::make_unique<stream>(*this, sql, params);
    }

private:

    // A whole number as INTEGER; otherwise a REAL, which holds 15 significant digits exactly (any
    // such decimal round-trips through a double): more would be rounded, so they are refused.
    static int bind_decimal(sqlite3_stmt* s, int at, std::size_t index, const sluice::decimal& v) {
        if (v.fits(sluice::decimal::max_digits, 0)) {
            const sluice::int128_t whole = v.with_scale(0).unscaled();
            if (whole >= INT64_MIN && whole <= INT64_MAX) return sqlite3_bind_int64(s, at, static_cast<sqlite3_int64>(whole));
        }
        // Significant digits: trailing fractional zeros (1.500000) and leading zeros (0.0001) add none.
        sluice::int128_t u = v.unscaled() < 0 ? -v.unscaled() : v.unscaled();
        for (int s = v.scale(); s > 0 && u % 10 == 0; --s) u /= 10;
        int significant = 0;
        for (; u != 0; u /= 10) ++significant;
        if (significant > 15)
            throw bind_mismatch{index, "decimal " + v.to_string() + " has " + std::to_string(significant) +
                                           " significant digits; SQLite stores a fractional DECIMAL as a REAL, exact to 15"};
        return sqlite3_bind_double(s, at, v.to_double());
    }

    void bind_all(sqlite3_stmt* s, std::span<const value_ref> params) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int at = static_cast<int>(i) + 1;
            const int rc = std::visit(
                [&](const auto& v) -> int {
                    using V = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<V, null_t>) return sqlite3_bind_null(s, at);
                    else if constexpr (std::is_same_v<V, std::int64_t>) return sqlite3_bind_int64(s, at, v);
                    else if constexpr (std::is_same_v<V, std::uint64_t>) {
                        // SQLite integers are signed 64-bit; a larger value would silently
                        // become a lossy REAL.
                        if (v > static_cast<std::uint64_t>(INT64_MAX))
                            throw bind_mismatch{i, "value " + std::to_string(v) +
                                                       " exceeds SQLite's signed 64-bit integer range"};
                        return sqlite3_bind_int64(s, at, static_cast<sqlite3_int64>(v));
                    } else if constexpr (std::is_same_v<V, double>) return sqlite3_bind_double(s, at, v);
                    else if constexpr (std::is_same_v<V, std::string_view>)
                        return sqlite3_bind_text64(s, at, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
                    else if constexpr (std::is_same_v<V, std::span<const std::byte>>)
                        // A zero-length blob with a null pointer would bind NULL: use "" instead.
                        return sqlite3_bind_blob64(s, at, v.empty() ? "" : static_cast<const void*>(v.data()),
                                                   v.size(), SQLITE_STATIC);
                    else if constexpr (std::is_same_v<V, datetime>) {
                        char text[datetime_text_size + 1];
                        if (!format_datetime(v, text)) throw bind_mismatch{i, "datetime outside years 0000-9999"};
                        return sqlite3_bind_text(s, at, text, datetime_text_size, SQLITE_TRANSIENT);
                    } else if constexpr (std::is_same_v<V, date>) {
                        char text[date_text_size + 1];
                        if (!format_date(v, text)) throw bind_mismatch{i, "date outside years 0000-9999"};
                        return sqlite3_bind_text(s, at, text, date_text_size, SQLITE_TRANSIENT);
                    } else {
                        return bind_decimal(s, at, i, v);
                    }
                },
                params[i]);
            if (rc != SQLITE_OK) fail("bind");
        }
    }

    soci::session soci_;
    sqlite3* db_ = nullptr;
    statement_cache<cached_statement> cache_;
    sqlite_row row_;
};

}  // namespace

std::unique_ptr<connection> open_sqlite(const connection_target& target) {
    return std::make_unique<sqlite_connection>(target);
}

}  // namespace sluice::detail
