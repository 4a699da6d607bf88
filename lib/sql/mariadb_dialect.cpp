// MariaDB/MySQL's SQL: backquoted names, AUTO_INCREMENT, ON DUPLICATE KEY upserts guarded to the
// primary key, expanded keyset predicates; and Spider (sharded tables) as a variant of it.
#include <sluice/error.hpp>

#include "sql/dialect.hpp"
#include "types/ascii.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <vector>

namespace sluice::detail {
namespace {

// The values of an integer type, [min, max]: long double holds every bound up to 2^64 exactly.
struct int_range {
    long double min, max;
};

std::optional<int_range> mysql_integer_range(std::string_view head, bool is_unsigned, std::string_view args) {
    auto range = [&](int bits) {
        const long double full = std::ldexp(1.0L, bits);
        return is_unsigned ? int_range{0, full - 1} : int_range{-full / 2, full / 2 - 1};
    };
    if (head == "tinyint") return range(8);
    if (head == "smallint") return range(16);
    if (head == "mediumint") return range(24);
    if (head == "int" || head == "integer") return range(32);
    if (head == "bigint") return range(64);
    if (head == "year") return int_range{0, 2155};
    if (head == "bit") {
        const int n = args.empty() ? 1 : std::atoi(std::string(args).c_str());
        return int_range{0, std::ldexp(1.0L, n) - 1};
    }
    return std::nullopt;
}

int_range field_range(column_kind kind) {
    switch (kind) {
    case column_kind::boolean: return {0, 1};
    case column_kind::int8: return {-128, 127};
    case column_kind::int16: return {-32768, 32767};
    case column_kind::int32: return {-2147483648.0L, 2147483647.0L};
    case column_kind::int64: return {-std::ldexp(1.0L, 63), std::ldexp(1.0L, 63) - 1};
    case column_kind::uint8: return {0, 255};
    case column_kind::uint16: return {0, 65535};
    case column_kind::uint32: return {0, 4294967295.0L};
    case column_kind::uint64: return {0, std::ldexp(1.0L, 64) - 1};
    case column_kind::year: return {-32767, 32767};
    default: return {0, -1};
    }
}

// The labels of enum('a','b'): MariaDB reports them quoted, quotes doubled.
std::vector<std::string> mysql_labels(std::string_view args) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] != '\'') continue;
        std::string label;
        for (++i; i < args.size(); ++i) {
            if (args[i] == '\'' && i + 1 < args.size() && args[i + 1] == '\'') label += args[++i];
            else if (args[i] == '\'') break;
            else label += args[i];
        }
        out.push_back(std::move(label));
    }
    return out;
}

std::string mysql_type_problem(const column_info& c, std::string_view live) {
    const std::string type = ascii_lowercase(live);
    const std::string head(type_head(type));
    std::string args;
    // Arguments as reported: labels keep their case.
    if (const std::size_t open = live.find('('); open != std::string::npos && open == head.size())
        args = std::string(live.substr(open + 1, live.find_last_of(')') - open - 1));
    const bool is_unsigned = contains_word(type, "unsigned");
    auto one_of = [&](std::initializer_list<std::string_view> heads) {
        return std::find(heads.begin(), heads.end(), head) != heads.end();
    };
    switch (c.kind) {
    case column_kind::boolean:
        if ((head == "tinyint" || head == "bit") && (args.empty() || args == "1")) return {};
        return "expected TINYINT(1) or BIT(1)";
    case column_kind::int8: case column_kind::int16: case column_kind::int32: case column_kind::int64:
    case column_kind::uint8: case column_kind::uint16: case column_kind::uint32: case column_kind::uint64:
    case column_kind::year: {
        if (c.kind == column_kind::year && head != "year") return "expected YEAR";
        const auto live_range = mysql_integer_range(head, is_unsigned, args);
        const int_range field = field_range(c.kind);
        if (live_range && live_range->min >= field.min && live_range->max <= field.max) return {};
        return "expected an integer type whose values all fit " + std::string(to_string(c.kind)) +
               (live_range ? " (this one's do not)" : "");
    }
    case column_kind::float32:
        if (head == "float") return {};
        return "expected FLOAT";
    case column_kind::float64:
        if (one_of({"double", "float", "real"})) return {};
        return "expected DOUBLE or FLOAT";
    case column_kind::text: {
        if (!c.labels.empty() && (head == "enum" || head == "set")) {
            if ((head == "set") != c.label_set) return c.label_set ? "expected SET" : "expected ENUM";
            std::string unknown;
            for (const std::string& l : mysql_labels(args))
                if (std::find(c.labels.begin(), c.labels.end(), l) == c.labels.end()) unknown += " '" + l + "'";
            if (!unknown.empty()) return "expected labels the enum has (enum_labels lacks" + unknown + ")";
            return {};
        }
        if (one_of({"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json", "uuid", "inet4", "inet6"}))
            return {};
        return "expected CHAR, VARCHAR, TEXT (any size), ENUM, SET or JSON";
    }
    case column_kind::blob:
        if (one_of({"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point", "linestring",
                    "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection"}))
            return {};
        return "expected BINARY, VARBINARY, BLOB (any size) or a geometry type";
    case column_kind::datetime:
        if (head == "datetime" || head == "timestamp") return {};
        return "expected DATETIME(n) or TIMESTAMP(n)";
    case column_kind::date:
        if (head == "date") return {};
        return "expected DATE";
    case column_kind::decimal:
        if ((head == "decimal" || head == "numeric") && std::atoi(args.c_str()) <= sluice::decimal::max_digits) return {};
        return "expected DECIMAL(p,s) with p <= 38";
    }
    return "expected a type for " + std::string(to_string(c.kind));
}

class mysql_dialect_impl : public dialect {
public:
    std::string_view name() const noexcept override { return "mariadb"; }
    std::string quote(std::string_view identifier) const override { return quote_identifier(identifier, '`'); }

    std::string type_name(const table_info& table, const column_info& column) const override {
        if (!column.sql_type.empty()) return std::string(column.sql_type);
        if (!column.labels.empty()) return (column.label_set ? "SET(" : "ENUM(") + label_list(column, true) + ")";
        // A key or index part is whole: VARCHAR/VARBINARY short enough for an exact index, so
        // keyset pages over it are index ranges (TEXT can only be indexed by a prefix).
        if (const std::size_t length = key_length_limit(table, column);
            length > 0 && (column.kind == column_kind::text || column.kind == column_kind::blob))
            return (column.kind == column_kind::text ? "varchar(" : "varbinary(") + std::to_string(length) + ")";
        switch (column.kind) {
        case column_kind::boolean: return "tinyint(1)";
        case column_kind::int8: return "tinyint";
        case column_kind::int16: return "smallint";
        case column_kind::int32: return "int";
        case column_kind::int64: return "bigint";
        case column_kind::uint8: return "tinyint unsigned";
        case column_kind::uint16: return "smallint unsigned";
        case column_kind::uint32: return "int unsigned";
        case column_kind::uint64: return "bigint unsigned";
        case column_kind::float32: return "float";
        case column_kind::float64: return "double";
        // MEDIUMTEXT/MEDIUMBLOB hold 16 MiB; TEXT's 64 KiB limit is too easy to hit.
        case column_kind::text: return "mediumtext";
        case column_kind::blob: return "mediumblob";
        case column_kind::datetime: return "datetime(6)";
        case column_kind::date: return "date";
        case column_kind::year: return "year";
        // Exact to 12 integer and 6 fractional digits; declare sql_type "DECIMAL(p,s)" for money.
        case column_kind::decimal: return "decimal(18,6)";
        }
        return "mediumblob";
    }

    std::string column_definition(const table_info& table, const column_info& column) const override {
        // A given sql_type is kept as written, labels keep their case; defaults are upper-cased.
        const bool as_written = !column.sql_type.empty() || !column.labels.empty();
        std::string def = as_written ? type_name(table, column) : ascii_uppercase(type_name(table, column));
        def += column.nullable ? " NULL" : " NOT NULL";
        if (table.auto_increment && column.primary_key) def += " AUTO_INCREMENT";
        // A server-filled time without a DEFAULT of its own: the time of the insert, and of each update.
        if (column.server_default && column.kind == column_kind::datetime && split_sql_type(column.sql_type).default_value.empty()) {
            const int digits = std::max(0, fractional_digits(type_name(table, column)));
            const std::string now = digits > 0 ? "CURRENT_TIMESTAMP(" + std::to_string(digits) + ")" : "CURRENT_TIMESTAMP";
            def += " DEFAULT " + now + " ON UPDATE " + now;
        }
        return def;
    }
    bool inline_primary_key(const table_info&) const noexcept override { return false; }
    // nopad_bin: byte-wise comparison without trailing-space padding, the same order as
    // SQLite's BINARY collation and std::string, so keyset pages agree with C++ comparisons.
    std::string table_options() const override {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
    }

    std::string create_index(const table_info& table, const std::vector<std::size_t>& columns, bool unique) const override {
        std::string sql = std::string(unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " +
                          quote(index_name(table, columns, unique)) + " ON " + quote(table.name) + " (";
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i) sql += ", ";
            const column_info& c = table.columns[columns[i]];
            sql += quote(c.name);
            // A TEXT/BLOB sql_type can only be indexed by a prefix (a UNIQUE one would be wrong:
            // use a VARCHAR); the default types of key parts are whole (type_name).
            const std::string head = ascii_lowercase(type_head(type_name(table, c)));
            if (head.find("text") != std::string::npos || head.find("blob") != std::string::npos) {
                if (unique)
                    throw error("sluice: " + std::string(table.name) + "." + std::string(c.name) +
                                ": a UNIQUE index on a TEXT/BLOB column would compare a prefix only; declare a "
                                "VARCHAR/VARBINARY sql_type");
                sql += "(255)";
            }
        }
        return sql + ")";
    }

    // ON DUPLICATE KEY UPDATE fires on any unique key. An upsert must only update the row with
    // the same primary key, so the first assignment keeps the key when it matches and otherwise
    // divides by zero, which strict mode (sluice's sql_mode) makes an error that ends the
    // statement: a collision on another unique key is never an update of a different row.
    std::string upsert_clause(const table_info& table) const override {
        std::string same_key;
        for (std::size_t k : table.primary_key) {
            const std::string name = quote(table.columns[k].name);
            same_key += (same_key.empty() ? "" : " AND ") + name + " <=> VALUES(" + name + ")";
        }
        const std::string first_key = quote(table.columns[table.primary_key.front()].name);
        std::string sets = first_key + " = IF(" + same_key + ", " + first_key + ", 1 / 0)";
        for (const column_info& c : table.columns) {
            if (c.primary_key || c.server_default) continue;
            sets += ", " + quote(c.name) + " = VALUES(" + quote(c.name) + ")";
        }
        return " ON DUPLICATE KEY UPDATE " + sets;
    }
    // ER_DIVISION_BY_ZERO: only the key guard above divides.
    bool is_upsert_key_conflict(int code) const noexcept override { return code == 1365; }
    bool keyset_branches() const noexcept override { return false; }
    std::string_view inner_join() const noexcept override { return "STRAIGHT_JOIN"; }
    bool bounded_join_chunks() const noexcept override { return true; }
    bool empty_result_may_be_interrupted() const noexcept override { return true; }
    bool truncates_fractional_seconds() const noexcept override { return true; }
    std::string like_operand(const std::string& quoted_column) const override { return "CONCAT(" + quoted_column + ")"; }
    // MariaDB reads backslash escapes inside string literals: '\\' is one backslash.
    std::string_view like_escape_clause() const noexcept override { return " ESCAPE '\\\\'"; }
    // An UNSIGNED operand makes MariaDB compute unsigned (3 - 5 fails): sluice computes signed.
    std::string arith_column(const std::string& quoted_column, column_kind kind) const override {
        const bool is_unsigned = kind == column_kind::uint8 || kind == column_kind::uint16 || kind == column_kind::uint32;
        return is_unsigned ? "CAST(" + quoted_column + " AS SIGNED)" : quoted_column;
    }
    // A placeholder has no type when the statement is prepared, and MariaDB then types some
    // expressions over it as DECIMAL ((? / ?) would divide decimals): the cast fixes the type.
    std::string arith_value(bool floating) const override { return floating ? "CAST(? AS DOUBLE)" : "CAST(? AS SIGNED)"; }
    // BIGINT and DOUBLE arithmetic, which fails on overflow. `/` of two integers would be DECIMAL
    // division, hence DIV (truncating). A division by zero fails a SET in strict mode, but in a
    // WHERE it fails an UPDATE and not a DELETE or SELECT: there NULLIF makes it NULL always.
    std::string arith(expr_op op, const std::string& lhs, const std::string& rhs, bool assigned) const override {
        const std::string divisor = assigned ? rhs : "NULLIF(" + rhs + ", 0)";
        switch (op) {
        case expr_op::add: return "(" + lhs + " + " + rhs + ")";
        case expr_op::subtract: return "(" + lhs + " - " + rhs + ")";
        case expr_op::multiply: return "(" + lhs + " * " + rhs + ")";
        case expr_op::divide: return "(" + lhs + " / " + divisor + ")";
        case expr_op::int_divide: return "(" + lhs + " DIV " + divisor + ")";
        // Not -x: MariaDB types the negation of a constant integer as DECIMAL (so that -INT64_MIN
        // fits), and 8 * b then no longer fails on overflow.
        case expr_op::negative: return "(" + lhs + " * -1)";
        case expr_op::to_real: return "CAST(" + lhs + " AS DOUBLE)";
        default: return arith_refused(op);
        }
    }
    std::uint64_t no_limit() const noexcept override { return UINT64_MAX; }
    std::string_view begin_transaction() const noexcept override { return "START TRANSACTION"; }
    std::string_view begin_snapshot() const noexcept override {
        return "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";
    }
    // Deadlock (1213, SQLSTATE 40001) and lock wait timeout (1205: a lock cycle across Spider
    // shards is a deadlock no single backend sees, and ends as a timeout).
    bool is_retryable(int code, std::string_view sql_state) const noexcept override {
        return code == 1213 || code == 1205 || sql_state == "40001";
    }
    // BTREE only (HASH and FULLTEXT give no order); a SUB_PART is a prefix, which gives none either.
    std::string_view describe_indexes() const noexcept override {
        return "SELECT INDEX_NAME, NON_UNIQUE = 0, INDEX_TYPE = 'BTREE', COLUMN_NAME, COLLATION = 'D', SUB_PART IS NULL, 1 "
               "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
               "ORDER BY INDEX_NAME, SEQ_IN_INDEX";
    }
    // InnoDB appends the primary key to every secondary index; STATISTICS does not show it.
    bool index_suffix_listed() const noexcept override { return false; }
    bool index_ends_with_primary_key(const table_info&) const noexcept override { return true; }
    std::string_view describe_columns() const noexcept override {
        return "SELECT c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE = 'YES', COALESCE(k.ORDINAL_POSITION, 0) "
               "FROM information_schema.COLUMNS c LEFT JOIN information_schema.KEY_COLUMN_USAGE k "
               "ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME "
               "AND k.CONSTRAINT_NAME = 'PRIMARY' "
               "WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION";
    }
    std::string type_problem(const column_info& column, std::string_view live_type) const override {
        return mysql_type_problem(column, live_type);
    }
    std::int64_t first_generated_id(std::int64_t reported, std::size_t) const noexcept override { return reported; }
    std::string without_trailing_nuls_equals(const std::string& quoted_column) const override {
        return "TRIM(TRAILING ? FROM " + quoted_column + ") = ?";
    }
    // ER_CHECK_NOT_IMPLEMENTED: "The storage engine for the table doesn't support SAVEPOINT".
    bool savepoint_refused(int code) const noexcept override { return code == 1178; }
    // The engine, and how many text columns compare other than byte-wise without padding (any
    // collation but a NO PAD binary one: utf8mb4_bin pads with spaces, so 'ab\t' sorts before 'ab').
    std::string_view table_engine_query() const noexcept override {
        return "SELECT t.ENGINE, (SELECT COUNT(*) FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA "
               "AND c.TABLE_NAME = t.TABLE_NAME AND c.COLLATION_NAME IS NOT NULL AND c.COLLATION_NAME NOT LIKE '%nopad\\_bin') "
               "FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ?";
    }
    // One multi-row INSERT's ids are consecutive under innodb_autoinc_lock_mode 0 or 1, spaced by
    // auto_increment_increment (replication setups, Galera).
    std::string_view generated_id_spacing_query() const noexcept override {
        return "SELECT @@innodb_autoinc_lock_mode IN (0, 1), @@auto_increment_increment";
    }
};

// No byte-order prefix range in front of LIKE: it would be wrong in the other columns' collations.
// LIKE keeps its CONCAT() wrapper, which keeps the column's collation and derives no index range
// (a plain LIKE on a utf8mb4_nopad_bin column of the same table would hit the range bug above):
// like() on such a table reads by its other filters, exactly, without the prefix's index range.
class mysql_collated_dialect_impl final : public mysql_dialect_impl {
public:
    bool like_prefix_range() const noexcept override { return false; }
};

class spider_dialect_impl final : public mysql_dialect_impl {
public:
    // Secondary indexes live on the backends (the front end holds none), out of the plan check's sight.
    bool indexes_visible() const noexcept override { return false; }
    // Each branch (a = ? AND b > ?, then a > ?) is one range; the single-statement form is two,
    // and Spider 10.11 sends the second to the backends without its bound (pages repeat rows).
    bool keyset_branches() const noexcept override { return true; }
    bool row_value_bounds() const noexcept override { return true; }
    // The backends sort each shard's rows with their own sessions' max_sort_length: assume the
    // server default (1024 bytes, 4 a character of text), whatever the front end's session says.
    std::size_t exact_sort_bytes(column_kind kind, std::size_t session_limit) const noexcept override {
        return std::min(session_limit, kind == column_kind::text ? std::size_t{1024 / 4} : std::size_t{1024});
    }
    std::string delete_from(std::string_view table) const override {
        const std::string name = quote(table);
        return "DELETE " + name + " FROM " + name;
    }
};

}  // namespace

const dialect& mysql_dialect() noexcept {
    static const mysql_dialect_impl instance;
    return instance;
}

const dialect& mysql_collated_dialect() noexcept {
    static const mysql_collated_dialect_impl instance;
    return instance;
}

const dialect& spider_dialect() noexcept {
    static const spider_dialect_impl instance;
    return instance;
}

}  // namespace sluice::detail
