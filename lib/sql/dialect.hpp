// Private: what differs between SQL backends, in one object per backend: rendering code and the
// session ask the dialect instead of branching on the backend.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sluice/expr.hpp>
#include <sluice/model.hpp>
#include <sluice/options.hpp>

namespace sluice::detail {

class dialect {
public:
    virtual ~dialect() = default;
    virtual std::string_view name() const noexcept = 0;
    // Quotes a model-provided identifier; throws sluice::error if it is not [A-Za-z_][A-Za-z0-9_]*.
    virtual std::string quote(std::string_view identifier) const = 0;
    // The column definition after the name: type, NULL-ness and, for an auto-increment key,
    // the backend's way of saying so.
    virtual std::string column_definition(const table_info& table, const column_info& column) const = 0;
    // Whether the primary key is declared inline on its column (SQLite INTEGER PRIMARY KEY).
    virtual bool inline_primary_key(const table_info& table) const noexcept = 0;
    virtual std::string table_options() const = 0;
    virtual std::string create_index(const table_info& table, const std::vector<std::size_t>& columns, bool unique) const = 0;
    // Statements create_table() runs after the table and its indexes: SQLite's stand-in for
    // MariaDB's ON UPDATE CURRENT_TIMESTAMP (a trigger); none where the column clause says it.
    virtual std::vector<std::string> create_triggers(const table_info& table) const {
        (void)table;
        return {};
    }
    // "ON CONFLICT (pk) DO UPDATE SET c = excluded.c" or "ON DUPLICATE KEY UPDATE c = VALUES(c)".
    virtual std::string upsert_clause(const table_info& table) const = 0;
    // Whether an upsert's error code means the row collides with a different row on a unique
    // key other than the primary key (an upsert updates only the row with its primary key).
    virtual bool is_upsert_key_conflict(int code) const noexcept = 0;
    // Declared type name as the backend reports it back, for verify<T>().
    virtual std::string type_name(const table_info& table, const column_info& column) const = 0;
    // How a keyset page after the last key (a, b) is asked for:
    // false: one statement, a >= ? AND (a > ? OR (a = ? AND b > ?)) (MariaDB/MySQL: the leading
    //        bound gives an index range; row constructors would get none);
    // true:  one statement per branch, a = ? AND b > ?, then a > ?, each an exact index seek
    //        (SQLite seeks an index's implicit rowid only under an equality prefix, so the
    //        single-statement forms, row values included, walk a whole run of equal a values).
    virtual bool keyset_branches() const noexcept = 0;
    // How a bound on a tuple of key columns, (a, b) > (x, y), is written:
    // false: c0 >= ? AND (a > ? OR (a = ? AND b > ?)), the expanded form;
    // true:  a >= ? AND (a, b) > (?, ?), a row constructor behind a leading bound (Spider: the
    //        expanded form is a multi-range read, which its 10.11 release gets wrong).
    virtual bool row_value_bounds() const noexcept { return false; }
    // The keyword of an inner join that keeps the tables in the order written (a left join does
    // on both): a join's page reads the query's own table in index order and looks the others up,
    // which neither optimizer may turn around to start from a joined table's filter and sort
    // (SQLite: CROSS JOIN; MariaDB: STRAIGHT_JOIN).
    virtual std::string_view inner_join() const noexcept = 0;
    // Whether a join page whose order goes on past the query table's key (to a joined model's
    // key, among the rows one of its rows matches) is read in chunks of that table's rows, each
    // WHERE bounded above by the last row of its chunk. MariaDB uses no index for an ORDER BY over
    // two tables: it joins and sorts every row the WHERE admits, which without an upper bound is
    // the whole rest of the table, at every page. SQLite orders nested loops by their indexes.
    virtual bool bounded_join_chunks() const noexcept { return false; }
    // Whether an empty result may be a SELECT that KILL QUERY stopped before its first row:
    // MariaDB 10.11 then answers with an empty result set and no error (found by
    // tests/integration/test_fault_loop.cpp). An empty keyset page is read once more before it
    // ends a scan.
    virtual bool empty_result_may_be_interrupted() const noexcept { return false; }
    // "DELETE FROM <table>", the head of every DELETE. Spider's direct (pushed-down) DELETE
    // reports 0 affected rows; the multi-table form is never pushed down, and counts.
    virtual std::string delete_from(std::string_view table) const { return "DELETE FROM " + quote(table); }
    // What LIKE is applied to. MariaDB 10.11 builds a wrong index range from LIKE on a
    // utf8mb4_nopad_bin column ('a%' misses 'a\U0001F600'): there the column is wrapped so that
    // no range is derived from it (render_expr puts an exact prefix range in front instead).
    // Whether a time with more fractional seconds than its column declares is cut silently
    // (MariaDB); SQLite keeps the text as written.
    virtual bool truncates_fractional_seconds() const noexcept { return false; }
    virtual std::string like_operand(const std::string& quoted_column) const { return quoted_column; }
    // Whether like() leads with the exact range of its literal prefix ([prefix, prefix + 1) in
    // byte order). Only where text compares byte-wise: in a case- or accent-insensitive collation
    // the bytes' order is not the collation's, and the server derives its own range instead.
    virtual bool like_prefix_range() const noexcept { return true; }
    // " ESCAPE '\'" spelled so that the backend reads one backslash.
    virtual std::string_view like_escape_clause() const noexcept = 0;
    // Aggregates of DECIMAL columns, exact: MariaDB's own; SQLite's SUM and AVG of its REALs are
    // floating point, so sluice registers exact ones (sluice_decimal_sum, _avg, _cmp).
    virtual std::string decimal_sum(const std::string& quoted_column) const { return "SUM(" + quoted_column + ")"; }
    // AVG rounded half away from zero to scale + 4 places (MariaDB's div_precision_increment).
    virtual std::string decimal_avg(const std::string& quoted_column, int scale) const {
        (void)scale;
        return "AVG(" + quoted_column + ")";
    }
    // "<decimal aggregate> <op> ?", compared exactly.
    virtual std::string decimal_compare(const std::string& aggregate, std::string_view op) const {
        return aggregate + std::string(op) + "?";
    }
    virtual std::string cast_double(const std::string& expr) const { return "CAST(" + expr + " AS DOUBLE)"; }

    // --- arithmetic (numeric_expr): C++'s results on 64-bit integers and doubles, or an error ---
    // A column as an operand.
    virtual std::string arith_column(const std::string& quoted_column, column_kind kind) const {
        (void)kind;
        return quoted_column;
    }
    // A bound number as an operand (its one placeholder).
    virtual std::string arith_value(bool floating) const {
        (void)floating;
        return "?";
    }
    // lhs <op> rhs for add, subtract, multiply, divide and int_divide; negative and to_real take
    // lhs alone.
    // The text keeps lhs before rhs: their placeholders bind in that order. `assigned`: the value
    // of a set(), where a division by zero fails the statement; in a where() condition it is
    // NULL (its comparison matches no row), in queries, updates and deletes alike.
    virtual std::string arith(expr_op op, const std::string& lhs, const std::string& rhs, bool assigned) const = 0;
    // The function f(x, lo, hi, column) that fails the statement unless x fits [lo, hi] (an
    // integer, for integer bounds), wrapped around the value of set(column, expression); empty
    // where the server refuses a value its column cannot hold (MariaDB in strict mode).
    virtual std::string_view assigned_range_check() const noexcept { return {}; }

    // --- what a session asks of its backend's SQL -------------------------------------------
    // LIMIT's value for "no limit" (an OFFSET needs a LIMIT before it): the largest each accepts.
    virtual std::uint64_t no_limit() const noexcept = 0;
    // Starts a transaction that takes the write lock at once (SQLite: BEGIN IMMEDIATE, so that a
    // transaction never fails on its first write after reading).
    virtual std::string_view begin_transaction() const noexcept = 0;
    // Starts the read-only, point-in-time transaction of a consistent_snapshot() scan.
    virtual std::string_view begin_snapshot() const noexcept = 0;
    // "<column> without its trailing NUL bytes equals ?", binding a NUL and then the value: the
    // values a sort ties with a given one, where a backend's sort does (see
    // connection::exact_sort_bytes and require_no_sort_ties); false, binding the same two values,
    // where a sort ties none.
    virtual std::string without_trailing_nuls_equals(const std::string& quoted_column) const {
        (void)quoted_column;
        return "(? IS NULL AND ? IS NULL)";
    }
    // The longest text/blob order key the server sorts exactly, given what this connection's
    // session sorts exactly: less where the rows are sorted elsewhere (Spider's backends sort
    // with their own max_sort_length, which a client session cannot raise).
    virtual std::size_t exact_sort_bytes(column_kind kind, std::size_t session_limit) const noexcept {
        (void)kind;
        return session_limit;
    }
    // Whether SAVEPOINT failed because the server refuses savepoints here (MariaDB's 1178 once a
    // SPIDER table is in the transaction): nested transactions are then flat.
    virtual bool savepoint_refused(int code) const noexcept { return (void)code, false; }
    // A deadlock, serialization failure, lock wait timeout or busy database: the transaction can
    // be run again as a whole.
    virtual bool is_retryable(int code, std::string_view sql_state) const noexcept = 0;
    // verify<T>(): the live table's columns, as rows (name, declared type, nullable 0/1, position
    // in the primary key from 1, or 0), one value bound: the table name.
    virtual std::string_view describe_columns() const noexcept = 0;
    // Why a live column of declared type `live_type` cannot hold the field, as "expected ...";
    // empty when it can (every value of the column reads into the field, and back).
    virtual std::string type_problem(const column_info& column, std::string_view live_type) const = 0;
    // The first generated key of a multi-row INSERT of `rows` rows, from the id the backend
    // reports after it (MariaDB: the first; SQLite: the last rowid).
    virtual std::int64_t first_generated_id(std::int64_t reported, std::size_t rows) const noexcept = 0;
    // The plan check (session::set_plan_check): the table's indexes as rows (index name, unique
    // 0/1, usable 0/1, column name or NULL, descending 0/1, whole column 0/1, one of the index's
    // own columns 0/1 rather than a listed suffix), by index and position; one value bound: the table name.
    virtual std::string_view describe_indexes() const noexcept = 0;
    // Whether describe_indexes lists an index's implicit key suffix (SQLite's rowid) itself.
    virtual bool index_suffix_listed() const noexcept = 0;
    // Whether every index ends with t's primary key without naming it (InnoDB; SQLite's rowid,
    // when the key is a single INTEGER PRIMARY KEY): then an index on the order keys alone serves
    // an order with the key as tiebreak.
    virtual bool index_ends_with_primary_key(const table_info& t) const noexcept = 0;
    // Whether the server holding the table holds its indexes (a Spider front end does not: they
    // live on the backends, so the plan check does not judge its tables).
    virtual bool indexes_visible() const noexcept { return true; }
    // Whether a generated key is the greatest key of the table plus one (SQLite's INTEGER PRIMARY
    // KEY): insert_many, which holds the write lock, then knows each row's key before sending it,
    // and refuses a row whose key would not fit the key field's type. Where false, the server
    // refuses a key beyond the column's type itself (MariaDB's AUTO_INCREMENT).
    virtual bool generated_key_is_max_plus_one() const noexcept { return false; }
    // The storage engine of a table (one value bound: its name), where statement forms depend on
    // it (MariaDB's SPIDER); empty where they never do.
    virtual std::string_view table_engine_query() const noexcept { return {}; }
    // Whether generated keys of one multi-row INSERT are evenly spaced, and by how much, from the
    // server's settings: a query returning (consecutive 0/1, step), or empty when always (1, 1).
    virtual std::string_view generated_id_spacing_query() const noexcept { return {}; }
};

const dialect& sqlite_dialect() noexcept;
const dialect& mysql_dialect() noexcept;
// The dialect of a backend (MariaDB: the plain one, without engine lookups).
const dialect& dialect_of(backend b) noexcept;
// MariaDB statements on a table of the SPIDER engine (a sharded table behind a front end):
// keyset pages branch by branch and key bounds as row constructors, so that every read the
// front end sends to a backend is a single index range; DELETE in the multi-table form.
const dialect& spider_dialect() noexcept;
// MariaDB statements on a table with text columns in a collation other than a NO PAD binary one
// (an existing schema's utf8mb4_general_ci, latin1_swedish_ci, utf8mb4_bin): like() compares in the
// column's collation, without a byte-order prefix range.
const dialect& mysql_collated_dialect() noexcept;

// Quotes with `quote_char`, after validating the identifier.
std::string quote_identifier(std::string_view identifier, char quote_char);
// ix_<table>_<columns> (ux_ when unique), shortened with a hash to MariaDB's 64 characters.
std::string index_name(const table_info& table, const std::vector<std::size_t>& columns, bool unique = false);
// The length a text (characters) or blob (bytes) column of the primary key or an index is
// declared with, so that every key part is whole (no prefix index) within InnoDB's 3072-byte key
// under utf8mb4: 255, or less when several share one key; 0 when the column is in no key.
std::size_t key_length_limit(const table_info& t, const column_info& c);
// A DDL string literal of a model constant (an enum label): quotes doubled, and backslashes where
// the backend reads escapes.
std::string quoted_literal(std::string_view text, bool backslash_escapes);
// 'G','PG','PG-13': an ENUM's or SET's labels.
std::string label_list(const column_info& c, bool backslash_escapes);
// The type name of a declaration ("decimal" of "DECIMAL(5,2) UNSIGNED"), as written.
std::string_view type_head(std::string_view declared);
// Whether a declaration has `word` (lowercase) as a word of its own ("unsigned", "default").
bool contains_word(std::string_view declared, std::string_view word);
// The parts of a column_option's sql_type (checked at compile time by is_sql_type_declaration):
// dialects that cannot take it as written rebuild it from these, never from searches of the text.
struct sql_type_parts {
    std::string_view head;                     // "DECIMAL"
    std::string_view arguments;                // "5,2", "'G','PG'": inside the parentheses; empty if none
    std::vector<std::string_view> modifiers;   // words after them (UNSIGNED, CHARACTER, SET, utf8mb4, ...)
    std::string_view default_value;            // after DEFAULT, as written: 'x', -1.5, NULL, CURRENT_TIMESTAMP(3)
    bool on_update_now = false;                // ON UPDATE CURRENT_TIMESTAMP
};
sql_type_parts split_sql_type(std::string_view declared);

// Fractional-second digits a DATETIME/TIMESTAMP/TIME declaration holds (0 without "(n)"); -1 for
// other types.
int fractional_digits(std::string_view declared);
// dialect::arith's answer to an operator that is not arithmetic: an internal error.
[[noreturn]] std::string arith_refused(expr_op op);

}  // namespace sluice::detail
