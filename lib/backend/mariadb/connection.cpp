// MariaDB/MySQL statements through libmariadb's prepared (binary protocol: values are bound, never escaped into the text; rows are read
// unbuffered into reused buffers, so a page costs no per-row allocation).
#include <mysql.h>
#include <errmsg.h>

#include <cstdlib>  // std::strtoull
#include <cstring>
#include <sys/socket.h>
#include <vector>

#include <sluice/error.hpp>

#include "backend/connection.hpp"
#include "backend/statement_cache.hpp"
#include "backend/mariadb/bind.hpp"
#include "backend/mariadb/errors.hpp"
#include "backend/mariadb/link.hpp"
#include "backend/mariadb/row.hpp"
#include "backend/url.hpp"

namespace sluice::detail {
namespace {

using namespace mariadb;

struct prepared {
    MYSQL_STMT* stmt = nullptr;
    std::vector<MYSQL_BIND> params;
    std::vector<param_slot> slots;
    std::vector<MYSQL_BIND> results;
    std::vector<result_column> columns;
    bool results_ready = false;

    prepared() = default;
    prepared(const prepared&) = delete;
    prepared& operator=(const prepared&) = delete;
    ~prepared() {
        if (stmt) mysql_stmt_close(stmt);
    }
};

class mysql_connection final : public connection {
public:
    // Should setting the session up fail, the members' destructors close what was opened.
    explicit mysql_connection(const connection_target& target) : link_(target), conn_(link_.handle()), cache_(128) {
        // Strict mode turns truncation and invalid values into errors; UTC because sluice
        // datetimes are sys_time.
        run_plain("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
                  "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00', "
                  "max_sort_length = 16384");
        // Bulk statements stay under the server's packet limit, with room for the header.
        // max_sort_length: 16 KiB sorts text exactly up to 4 KiB, with no measurable cost for one
        // key (sort keys are packed); a 2 MiB sort buffer still takes an ORDER BY of five MEDIUMTEXT
        // keys, where 32 KiB fails at five and 64 KiB at three ("Out of sort memory").
        std::uint64_t packet = 0;
        run("SELECT @@max_allowed_packet, @@max_sort_length", {}, [&](row_reader& r) {
            packet = r.get_uint64(0);
            max_sort_length_ = static_cast<std::size_t>(r.get_uint64(1));
        });
        max_allowed_packet_ = packet;
    }


    ~mysql_connection() override {
        // A lost connection is closed first, so that its statements only free their memory
        // rather than each sending COM_STMT_CLOSE into a dead socket.
        if (lost_) link_.close();
        cache_.clear();
    }

    const dialect& sql() const noexcept override { return mysql_dialect(); }
    void* native_handle() noexcept override { return conn_; }
    std::uint64_t server_connection_id() noexcept override { return mysql_thread_id(conn_); }
    std::uint64_t last_insert_id() override { return last_insert_id_; }
    std::size_t max_parameters() const noexcept override { return 65535; }
    std::size_t max_packet_bytes() const noexcept override {
        const auto packet = static_cast<std::size_t>(max_allowed_packet_);
        return packet > (1u << 20) ? packet - (64u << 10) : packet * 3 / 4;
    }
    std::size_t exact_sort_bytes(column_kind kind) const noexcept override {
        return kind == column_kind::text ? max_sort_length_ / 4 : max_sort_length_;
    }
    size_limit statement_limit() const noexcept override { return {"max_allowed_packet", max_allowed_packet_}; }

    bool lost() const noexcept override { return lost_; }
    bool ping() noexcept override {
        // A stream's statement is open: the connection is busy, so alive (a ping would be out of sync).
        if (streaming_) return true;
        // MYSQL_OPT_RECONNECT is off: a dead connection fails here and stays dead.
        if (!lost_ && mysql_ping(conn_) != 0) lost_ = true;
        return !lost_;
    }

    std::optional<std::uint64_t> failed_row() noexcept override {
        if (lost_) return std::nullopt;
        // Plain text protocol: preparing a statement would reset the diagnostics it reads.
        // MySQL and MariaDB before 10.7 have no ROW_NUMBER: then there is no answer.
        static constexpr std::string_view get = "GET DIAGNOSTICS CONDITION 1 @sluice_failed_row = ROW_NUMBER";
        static constexpr std::string_view read = "SELECT @sluice_failed_row";
        std::optional<std::uint64_t> row;
        if (mysql_real_query(conn_, get.data(), get.size()) == 0 && mysql_real_query(conn_, read.data(), read.size()) == 0) {
            if (MYSQL_RES* result = mysql_store_result(conn_)) {
                if (MYSQL_ROW r = mysql_fetch_row(result); r && r[0]) {
                    const std::uint64_t n = std::strtoull(r[0], nullptr, 10);
                    if (n > 0) row = n;
                }
                mysql_free_result(result);
            }
        }
        if (mysql_errno(conn_) != 0 && classify(mysql_errno(conn_)) != after_error::usable) lost_ = true;
        return row;
    }

    std::uint64_t run(std::string_view sql, std::span<const value_ref> params, row_callback on_row) override {
        if (lost_) throw connection_error("sluice: MariaDB: the connection was lost earlier [in: " + std::string(sql) + "]");
        if (streaming_)
            throw error("sluice: a stream<> is open on this session's connection (it runs inside the transaction): read it "
                        "to the end or close() it before running other statements on the session [refused: " +
                        std::string(sql.substr(0, 200)) + "]");
        prepared& p = prepare(sql);
        if (params.size() != p.params.size())
            throw error("sluice: statement takes " + std::to_string(p.params.size()) + " values, " +
                        std::to_string(params.size()) + " given [in: " + std::string(sql) + "]");
        bind_params(p, params);
        if (mysql_stmt_execute(p.stmt) != 0) fail(p.stmt, sql);
        if (mysql_stmt_field_count(p.stmt) == 0) {
            last_insert_id_ = mysql_stmt_insert_id(p.stmt);
            return mysql_stmt_affected_rows(p.stmt);
        }
        // Rows are fetched unbuffered; whatever happens in on_row, the rest of the result
        // must be discarded before the connection can run anything else. Not on a lost
        // connection: there is nothing left to read, and the handle is only fit to be closed.
        struct drain_guard {
            mysql_connection& self;
            MYSQL_STMT* stmt;
            ~drain_guard() {
                if (!self.lost_) mysql_stmt_free_result(stmt);
            }
        } guard{*this, p.stmt};
        prepare_results(p, sql);
        row_.cells = &p.columns;
        std::uint64_t rows = 0;
        for (;;) {
            int rc = mysql_stmt_fetch(p.stmt);
            if (rc == MYSQL_NO_DATA) break;
            if (rc == 1) fail(p.stmt, sql);
            if (rc == MYSQL_DATA_TRUNCATED) fetch_long_values(p, sql);
            on_row(row_);
            ++rows;
        }
        return rows;
    }

private:
    void run_plain(const std::string& sql) {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0)
            raise(mysql_errno(conn_), mysql_error(conn_), mysql_sqlstate(conn_), sql);
    }

    [[noreturn]] void fail(MYSQL_STMT* stmt, std::string_view sql) {
        // A failed unbuffered fetch leaves its error on the connection, not on the statement.
        if (mysql_stmt_errno(stmt) == 0 && mysql_errno(conn_) != 0)
            raise(mysql_errno(conn_), mysql_error(conn_), mysql_sqlstate(conn_), sql);
        raise(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), mysql_stmt_sqlstate(stmt), sql);
    }

    // Statement handles stay until the connection is dropped: the failing one may still be in
    // use up the stack (run's drain guard).
    [[noreturn]] void raise(unsigned code, std::string_view text, const char* sql_state, std::string_view sql) {
        const std::string in = " [in: " + std::string(sql) + "]";
        if (code == 0) {
            // Failed, yet no error anywhere: what the connection would read next is unknown.
            lost_ = true;
            throw connection_error("sluice: MariaDB: a statement failed without an error code; the connection's state is "
                                   "unknown, so it is treated as lost" + in);
        }
        const std::string message = "sluice: MariaDB: " + std::string(text) + in;
        switch (classify(code)) {
        case after_error::lost:
            lost_ = true;
            throw connection_error(message);
        case after_error::closed:
            lost_ = true;
            throw statement_error(message + " (the connection is closed: the next call reconnects)", static_cast<int>(code), sql_state);
        case after_error::usable:
            break;
        }
        throw statement_error(message, static_cast<int>(code), sql_state);
    }

    prepared& prepare(std::string_view sql) {
        if (prepared* p = cache_.find(sql)) return *p;
        return *cache_.add(std::string(sql), prepare_new(sql));
    }

    std::unique_ptr<prepared> prepare_new(std::string_view sql) {
        auto p = std::make_unique<prepared>();
        p->stmt = mysql_stmt_init(conn_);
        if (!p->stmt) throw error("sluice: MariaDB: out of memory preparing a statement");
        if (mysql_stmt_prepare(p->stmt, sql.data(), sql.size()) != 0) fail(p->stmt, sql);
        const unsigned long count = mysql_stmt_param_count(p->stmt);
        p->params.assign(count, MYSQL_BIND{});
        p->slots.assign(count, param_slot{});
        return p;
    }

    // stream<R>: one statement of its own (not cached: it stays open), fetched row by row.
    class stream final : public row_stream {
    public:
        // `cached`: the statement comes from the connection's cache and stays there (keyset pages);
        // otherwise it is prepared for this stream alone (stream<R>).
        stream(mysql_connection& c, std::string_view sql, std::span<const value_ref> params, bool cached)
            : c_(c), sql_(cached ? std::string() : std::string(sql)) {
            if (cached) {
                p_ = &c_.prepare(sql);
            } else {
                owned_ = c_.prepare_new(sql);
                p_ = owned_.get();
            }
            if (params.size() != p_->params.size())
                throw error("sluice: statement takes " + std::to_string(p_->params.size()) + " values, " +
                            std::to_string(params.size()) + " given [in: " + sql_ + "]");
            c_.bind_params(*p_, params);
            if (mysql_stmt_execute(p_->stmt) != 0) c_.fail(p_->stmt, sql_);
            try {
                if (mysql_stmt_field_count(p_->stmt) == 0)
                    throw error("sluice: stream<>: the statement returns no rows (run it with execute()) [in: " + sql_ + "]");
                // Names and types are for stream<R>'s matching; a cached page statement's reader
                // knows its columns (and a page must not allocate per column).
                if (!cached) {
                    MYSQL_RES* meta = mysql_stmt_result_metadata(p_->stmt);
                    if (!meta) c_.fail(p_->stmt, sql_);
                    const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
                    for (unsigned i = 0; i < mysql_num_fields(meta); ++i) {
                        names_.emplace_back(fields[i].name, fields[i].name_length);
                        kinds_.push_back(declared_kind(fields[i]));
                    }
                    mysql_free_result(meta);
                }
                c_.prepare_results(*p_, sql_);
            } catch (...) {
                if (!c_.lost_) mysql_stmt_free_result(p_->stmt);  // the pending result, if any
                throw;
            }
            row_.cells = &p_->columns;
            c_.streaming_ = true;
            open_ = true;
        }
        ~stream() override {
            // Not abandoned (a caller that forgot): read the rest so the connection stays in step.
            if (open_ && !c_.lost_) mysql_stmt_free_result(p_->stmt);
            if (open_) c_.streaming_ = false;
        }
        std::size_t columns() const noexcept override { return names_.size(); }
        std::string_view column_name(std::size_t i) const noexcept override { return names_[i]; }
        std::optional<result_kind> column_kind(std::size_t i) const noexcept override { return kinds_[i]; }
        bool finished() const noexcept override { return !open_; }
        row_reader* next() override {
            if (!open_) return nullptr;
            const int rc = mysql_stmt_fetch(p_->stmt);
            if (rc == MYSQL_NO_DATA) {
                end();
                return nullptr;
            }
            try {
                if (rc == 1) c_.fail(p_->stmt, sql_);
                if (rc == MYSQL_DATA_TRUNCATED) c_.fetch_long_values(*p_, sql_);
            } catch (...) {
                end();
                throw;
            }
            return &row_;
        }
        void abandon(function_ref<void(std::uint64_t)> stop) noexcept override {
            if (!open_) return;
            try {
                // The server may be blocked sending rows: stop it from elsewhere, then discard what
                // is in flight (a few socket buffers, and the "interrupted" error that ends them).
                stop(mysql_thread_id(c_.conn_));
                mysql_stmt_free_result(p_->stmt);
                if (mysql_errno(c_.conn_) != 0 && classify(mysql_errno(c_.conn_)) != after_error::usable) c_.lost_ = true;
            } catch (...) {
                // The statement may still be sending: closing the socket now keeps the statement's
                // close and the connection's from reading the rest of the result first.
                c_.lost_ = true;
                if (const my_socket fd = mysql_get_socket(c_.conn_); fd != MARIADB_INVALID_SOCKET) ::shutdown(fd, SHUT_RDWR);
            }
            end();
        }

    private:
        void end() noexcept {
            open_ = false;
            c_.streaming_ = false;
        }
        mysql_connection& c_;
        std::string sql_;
        std::unique_ptr<prepared> owned_;
        prepared* p_ = nullptr;
        mysql_row row_;
        std::vector<std::string> names_;
        std::vector<result_kind> kinds_;
        bool open_ = false;
    };

public:
    std::unique_ptr<row_stream> open_stream(std::string_view sql, std::span<const value_ref> params, bool cached) override {
        if (lost_) throw connection_error("sluice: MariaDB: the connection was lost earlier [in: " + std::string(sql) + "]");
        if (streaming_) throw error("sluice: MariaDB: a stream is already open on this connection [in: " + std::string(sql) + "]");
        return std::make_unique<stream>(*this, sql, params, cached);
    }

private:

    void bind_params(prepared& p, std::span<const value_ref> params) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            MYSQL_BIND& b = p.params[i];
            param_slot& slot = p.slots[i];
            b = MYSQL_BIND{};
            std::visit(
                [&](const auto& v) {
                    using V = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<V, null_t>) {
                        b.buffer_type = MYSQL_TYPE_NULL;
                    } else if constexpr (std::is_same_v<V, std::int64_t>) {
                        slot.number.i = v;
                        b.buffer_type = MYSQL_TYPE_LONGLONG;
                        b.buffer = &slot.number.i;
                    } else if constexpr (std::is_same_v<V, std::uint64_t>) {
                        slot.number.u = v;
                        b.buffer_type = MYSQL_TYPE_LONGLONG;
                        b.buffer = &slot.number.u;
                        b.is_unsigned = 1;
                    } else if constexpr (std::is_same_v<V, double>) {
                        slot.number.d = v;
                        b.buffer_type = MYSQL_TYPE_DOUBLE;
                        b.buffer = &slot.number.d;
                    } else if constexpr (std::is_same_v<V, std::string_view> || std::is_same_v<V, std::span<const std::byte>>) {
                        b.buffer_type = std::is_same_v<V, std::string_view> ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
                        // An empty vector's data() may be null, which libmariadb sends as NULL.
                        static char empty_value = 0;
                        b.buffer = v.empty() ? &empty_value : const_cast<void*>(static_cast<const void*>(v.data()));
                        slot.length = static_cast<unsigned long>(v.size());
                        b.buffer_length = slot.length;
                        b.length = &slot.length;
                    } else if constexpr (std::is_same_v<V, datetime>) {
                        to_mysql_time(v, slot.time, i);
                        b.buffer_type = MYSQL_TYPE_DATETIME;
                        b.buffer = &slot.time;
                    } else if constexpr (std::is_same_v<V, sluice::decimal>) {
                        const char* end = v.format_to(slot.decimal_text);
                        slot.length = static_cast<unsigned long>(end - slot.decimal_text);
                        b.buffer_type = MYSQL_TYPE_NEWDECIMAL;
                        b.buffer = slot.decimal_text;
                        b.buffer_length = slot.length;
                        b.length = &slot.length;
                    } else {
                        to_mysql_time(datetime{v}, slot.time, i);
                        slot.time.time_type = MYSQL_TIMESTAMP_DATE;
                        b.buffer_type = MYSQL_TYPE_DATE;
                        b.buffer = &slot.time;
                    }
                },
                params[i]);
        }
        if (!p.params.empty() && mysql_stmt_bind_param(p.stmt, p.params.data()) != 0) fail(p.stmt, "bind");
    }

    void prepare_results(prepared& p, std::string_view sql) {
        const unsigned count = mysql_stmt_field_count(p.stmt);
        if (p.results_ready && p.columns.size() == count) return;
        MYSQL_RES* meta = mysql_stmt_result_metadata(p.stmt);
        if (!meta) fail(p.stmt, sql);
        const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
        p.columns.assign(count, result_column{});
        p.results.assign(count, MYSQL_BIND{});
        for (unsigned i = 0; i < count; ++i) {
            result_column& c = p.columns[i];
            MYSQL_BIND& b = p.results[i];
            c.is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
            c.bits = fields[i].type == MYSQL_TYPE_BIT;
            c.decimal = fields[i].type == MYSQL_TYPE_NEWDECIMAL || fields[i].type == MYSQL_TYPE_DECIMAL;
            switch (fields[i].type) {
            case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24: case MYSQL_TYPE_LONG:
            case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
                c.kind = storage::integer;
                b.buffer_type = MYSQL_TYPE_LONGLONG;
                b.buffer = &c.integer;
                b.is_unsigned = c.is_unsigned;
                break;
            case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
                c.kind = storage::real;
                b.buffer_type = MYSQL_TYPE_DOUBLE;
                b.buffer = &c.real;
                break;
            case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP: case MYSQL_TYPE_DATE: case MYSQL_TYPE_TIME:
                c.kind = storage::time;
                b.buffer_type = fields[i].type;
                b.buffer = &c.time;
                break;
            default:  // strings, blobs, decimals, JSON: bytes as the server sends them
                c.kind = storage::text;
                c.buffer.resize(256);
                b.buffer_type = MYSQL_TYPE_BLOB;
                b.buffer = c.buffer.data();
                b.buffer_length = static_cast<unsigned long>(c.buffer.size());
                break;
            }
            b.length = &c.length;
            b.is_null = &c.is_null;
            b.error = &c.error;
        }
        mysql_free_result(meta);
        if (mysql_stmt_bind_result(p.stmt, p.results.data()) != 0) fail(p.stmt, sql);
        p.results_ready = true;
    }

    // A value longer than its buffer: grow the buffer (kept for later rows) and fetch the
    // column again.
    void fetch_long_values(prepared& p, std::string_view sql) {
        bool grown = false;
        for (unsigned i = 0; i < p.columns.size(); ++i) {
            result_column& c = p.columns[i];
            if (c.kind != storage::text || c.is_null || c.length <= c.buffer.size()) continue;
            c.buffer.resize(c.length);
            MYSQL_BIND& b = p.results[i];
            b.buffer = c.buffer.data();
            b.buffer_length = static_cast<unsigned long>(c.buffer.size());
            if (mysql_stmt_fetch_column(p.stmt, &b, i, 0) != 0) fail(p.stmt, sql);
            grown = true;
        }
        // libmariadb keeps its own copy of the bind array: hand it the new buffers.
        if (grown && mysql_stmt_bind_result(p.stmt, p.results.data()) != 0) fail(p.stmt, sql);
    }

    mysql_link link_;  // before cache_: the statements close before the connection does
    MYSQL* conn_ = nullptr;
    statement_cache<prepared> cache_;
    mysql_row row_;
    std::uint64_t last_insert_id_ = 0;
    std::size_t max_sort_length_ = 1024;
    std::uint64_t max_allowed_packet_ = 1 << 20;
    bool lost_ = false;
    bool streaming_ = false;  // a stream's statement is open: nothing else may run
};

}  // namespace

std::unique_ptr<connection> open_mysql(const connection_target& target) {
    return std::make_unique<mysql_connection>(target);
}

}  // namespace sluice::detail
