// SQLite's SQL: double-quoted names, INTEGER PRIMARY KEY rowids, ON CONFLICT upserts, keyset pages
// read branch by branch.
#include "sql/dialect.hpp"
#include "types/ascii.hpp"
#include "types/datetime.hpp"

#include <sluice/error.hpp>

#include <algorithm>
#include <iterator>

namespace sluice::detail {
namespace {

// "Now" in sluice's fixed-width datetime text, so server-filled times compare and sort with the others.
constexpr std::string_view now_text = "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')";

// tu_<table>_<column>: the trigger that keeps a column at the time of the last update.
std::string trigger_name(const table_info& t, const column_info& c) {
    std::string name = "tu_";
    name += t.name;
    name += '_';
    name += c.name;
    if (name.size() > 64) name = name.substr(0, 64);
    return name;
}

class sqlite_dialect_impl final : public dialect {
public:
    std::string_view name() const noexcept override { return "sqlite"; }
    std::string quote(std::string_view identifier) const override { return quote_identifier(identifier, '"'); }

    // A given sql_type keeps its name and arguments where SQLite reads them with the right
    // affinity (VARCHAR(45): TEXT, DECIMAL(5,2): NUMERIC); what SQLite cannot declare (ENUM, SET,
    // UNSIGNED, character sets, MariaDB-only types) becomes the field's storage class.
    std::string type_name(const table_info& table, const column_info& column) const override {
        if (!column.sql_type.empty()) {
            const sql_type_parts parts = split_sql_type(column.sql_type);
            const std::string head = ascii_lowercase(parts.head);
            static constexpr std::string_view kept[] = {"tinyint", "smallint", "int", "integer", "bigint", "decimal",
                                                        "numeric", "float", "double", "real", "bool", "boolean", "char",
                                                        "varchar", "text", "blob", "date", "datetime", "timestamp", "clob"};
            bool sign_modifiers = false;
            for (std::string_view m : parts.modifiers)
                sign_modifiers = sign_modifiers || ascii_lowercase(m) == "unsigned" || ascii_lowercase(m) == "zerofill";
            if (!sign_modifiers && std::find(std::begin(kept), std::end(kept), head) != std::end(kept)) {
                // INTEGER PRIMARY KEY is the rowid only when spelled exactly so.
                if (table.auto_increment && column.primary_key) return "INTEGER";
                std::string declared(parts.head);
                if (!parts.arguments.empty()) declared += "(" + std::string(parts.arguments) + ")";
                return declared;
            }
        }
        switch (column.kind) {
        case column_kind::boolean: return "BOOLEAN";
        case column_kind::int8: case column_kind::int16: case column_kind::int32: case column_kind::int64:
        case column_kind::uint8: case column_kind::uint16: case column_kind::uint32: case column_kind::uint64:
            return "INTEGER";
        case column_kind::float32: case column_kind::float64: return "REAL";
        case column_kind::text: return "TEXT";
        case column_kind::blob: return "BLOB";
        // Declared DATETIME/DATE (NUMERIC affinity) hold fixed-width ISO text: not a numeric
        // literal, so SQLite keeps it as text and it sorts chronologically.
        case column_kind::datetime: return "DATETIME";
        case column_kind::date: return "DATE";
        case column_kind::year: return "INTEGER";
        case column_kind::decimal: return "DECIMAL(18,6)";  // NUMERIC affinity: INTEGER or REAL
        }
        return "BLOB";
    }

    std::string column_definition(const table_info& table, const column_info& column) const override {
        // INTEGER PRIMARY KEY makes the column the rowid: assigned on insert, no extra index.
        if (table.auto_increment && column.primary_key) return "INTEGER PRIMARY KEY";
        std::string def = type_name(table, column);
        if (!column.nullable) def += " NOT NULL";
        const sql_type_parts parts = split_sql_type(column.sql_type);
        // DEFAULT <literal> as given (MariaDB's ON UPDATE has no SQLite form and is dropped), except
        // that times take sluice's fixed-width text form, so they compare and sort with the others.
        const bool is_time = column.kind == column_kind::datetime || column.kind == column_kind::date;
        const std::string now = column.kind == column_kind::date ? " DEFAULT (date('now'))"
                                                                 : " DEFAULT " + std::string(now_text);
        if (!parts.default_value.empty()) {
            const std::string literal = ascii_lowercase(parts.default_value);
            if (literal.starts_with("current_timestamp") || literal.starts_with("now")) {
                def += now;
            } else if (is_time && parts.default_value.front() == '\'') {
                std::string text(parts.default_value.substr(1, parts.default_value.size() - 2));
                std::string formatted;
                if (const auto t = parse_datetime(text); t && column.kind == column_kind::datetime) {
                    char out[datetime_text_size + 1];
                    if (format_datetime(*t, out)) formatted = out;
                } else if (t && *t == floor<std::chrono::days>(*t)) {
                    char out[date_text_size + 1];
                    if (format_date(floor<std::chrono::days>(*t), out)) formatted = out;
                }
                if (formatted.empty())
                    throw error("sluice: " + std::string(table.name) + "." + std::string(column.name) + ": DEFAULT " +
                                std::string(parts.default_value) + " is not a " + std::string(to_string(column.kind)));
                def += " DEFAULT " + quoted_literal(formatted, false);
            } else {
                def += " DEFAULT " + std::string(parts.default_value);
            }
        } else if (column.server_default && is_time) {
            def += now;
        }
        if (!column.labels.empty() && !column.label_set)
            def += " CHECK (" + quote(column.name) + " IN (" + label_list(column, false) + "))";
        else if (ascii_lowercase(parts.head) == "enum" && !parts.arguments.empty())
            // The labels as the sql_type quotes them (checked: quoted literals without backslashes).
            def += " CHECK (" + quote(column.name) + " IN (" + std::string(parts.arguments) + "))";
        return def;
    }
    // ON UPDATE CURRENT_TIMESTAMP as MariaDB does it: when an UPDATE changes some other column and
    // leaves this one as it was, it becomes the time of the update. (Recursive triggers are off, so the
    // trigger's own UPDATE does not fire it again.)
    std::vector<std::string> create_triggers(const table_info& table) const override {
        std::vector<std::string> out;
        for (const column_info& c : table.columns) {
            if (c.kind != column_kind::datetime) continue;
            const sql_type_parts parts = split_sql_type(c.sql_type);
            if (!parts.on_update_now && !(c.server_default && parts.default_value.empty())) continue;
            const std::string column = quote(c.name);
            std::string changed, key;
            for (const column_info& other : table.columns) {
                if (&other == &c) continue;
                changed += (changed.empty() ? "" : " OR ") + std::string("NEW.") + quote(other.name) + " IS NOT OLD." + quote(other.name);
            }
            for (std::size_t k : table.primary_key)
                key += (key.empty() ? "" : " AND ") + quote(table.columns[k].name) + " IS NEW." + quote(table.columns[k].name);
            if (changed.empty()) continue;
            out.push_back("CREATE TRIGGER IF NOT EXISTS " + quote(trigger_name(table, c)) + " AFTER UPDATE ON " +
                          quote(table.name) + " FOR EACH ROW WHEN NEW." + column + " IS OLD." + column + " AND (" + changed +
                          ") BEGIN UPDATE " + quote(table.name) + " SET " + column + " = " + std::string(now_text) +
                          " WHERE " + key + "; END");
        }
        return out;
    }
    bool inline_primary_key(const table_info& table) const noexcept override { return table.auto_increment; }
    std::string table_options() const override { return {}; }

    std::string create_index(const table_info& table, const std::vector<std::size_t>& columns, bool unique) const override {
        std::string sql = std::string(unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " +
                          quote(index_name(table, columns, unique)) + " ON " +
                          quote(table.name) + " (";
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i) sql += ", ";
            sql += quote(table.columns[columns[i]].name);
        }
        return sql + ")";
    }

    std::string upsert_clause(const table_info& table) const override {
        std::string sql = " ON CONFLICT (";
        for (std::size_t i = 0; i < table.primary_key.size(); ++i) {
            if (i) sql += ", ";
            sql += quote(table.columns[table.primary_key[i]].name);
        }
        sql += ") DO ";
        std::string sets;
        for (const column_info& c : table.columns) {
            if (c.primary_key || c.server_default) continue;
            if (!sets.empty()) sets += ", ";
            sets += quote(c.name) + " = excluded." + quote(c.name);
        }
        return sql + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
    }
    bool keyset_branches() const noexcept override { return true; }
    std::string_view inner_join() const noexcept override { return "CROSS JOIN"; }
    // SQLITE_CONSTRAINT_UNIQUE: ON CONFLICT (pk) handles the key, so this is another unique index.
    bool is_upsert_key_conflict(int code) const noexcept override { return code == 2067; }
    std::string_view like_escape_clause() const noexcept override { return " ESCAPE '\\'"; }
    std::string decimal_sum(const std::string& quoted_column) const override { return "sluice_decimal_sum(" + quoted_column + ")"; }
    std::string decimal_avg(const std::string& quoted_column, int scale) const override {
        return "sluice_decimal_avg(" + quoted_column + ", " + std::to_string(scale) + ")";
    }
    std::string decimal_compare(const std::string& aggregate, std::string_view op) const override {
        return "sluice_decimal_cmp(" + aggregate + ", ?)" + std::string(op) + "0";
    }
    std::string cast_double(const std::string& expr) const override { return "CAST(" + expr + " AS REAL)"; }
    // SQLite's own operators turn an integer overflow into a REAL, a floating-point overflow into
    // Inf and a division by zero into NULL; sluice's functions (backend/sqlite/arith.cpp) fail
    // where MariaDB does, and compute the rest as C++ does.
    std::string arith(expr_op op, const std::string& lhs, const std::string& rhs, bool assigned) const override {
        switch (op) {
        case expr_op::add: return "sluice_add(" + lhs + ", " + rhs + ")";
        case expr_op::subtract: return "sluice_sub(" + lhs + ", " + rhs + ")";
        case expr_op::multiply: return "sluice_mul(" + lhs + ", " + rhs + ")";
        case expr_op::divide: case expr_op::int_divide:
            return (assigned ? "sluice_div_or_fail(" : "sluice_div(") + lhs + ", " + rhs + ")";
        case expr_op::negative: return "sluice_neg(" + lhs + ")";
        case expr_op::to_real: return "CAST(" + lhs + " AS REAL)";
        default: return arith_refused(op);
        }
    }
    std::string_view assigned_range_check() const noexcept override { return "sluice_fit"; }
    std::uint64_t no_limit() const noexcept override { return static_cast<std::uint64_t>(INT64_MAX); }
    std::string_view begin_transaction() const noexcept override { return "BEGIN IMMEDIATE"; }
    std::string_view begin_snapshot() const noexcept override { return "BEGIN"; }
    // SQLITE_BUSY and its extended codes: a write lock that could not be had, a stale snapshot.
    bool is_retryable(int code, std::string_view) const noexcept override { return (code & 0xff) == 5; }
    // index_xinfo lists each index's rowid suffix (key = 0, cid -1), named here by the rowid's
    // alias, the single INTEGER PRIMARY KEY column, where there is one; an expression is cid -2.
    std::string_view describe_indexes() const noexcept override {
        return "SELECT il.name, il.\"unique\", il.partial = 0, "
               "CASE WHEN ii.cid = -1 THEN (SELECT ti.name FROM pragma_table_info(?1) AS ti WHERE ti.pk = 1 "
               "AND upper(ti.type) = 'INTEGER' AND (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) = 1) "
               "ELSE ii.name END, ii.\"desc\", ii.cid <> -2, ii.\"key\" "
               "FROM pragma_index_list(?1) AS il, pragma_index_xinfo(il.name) AS ii ORDER BY il.name, ii.seqno";
    }
    bool index_suffix_listed() const noexcept override { return true; }
    bool index_ends_with_primary_key(const table_info& table) const noexcept override { return inline_primary_key(table); }
    std::string_view describe_columns() const noexcept override {
        return R"(SELECT name, type, "notnull" = 0 AND pk = 0, pk FROM pragma_table_info(?))";
    }
    // SQLite keeps any value in any column; what matters is the affinity the declared type gives
    // (its rules, in order: INT, CHAR/CLOB/TEXT, BLOB or nothing, REAL/FLOA/DOUB, else NUMERIC).
    std::string type_problem(const column_info& c, std::string_view live) const override {
        const std::string type = ascii_lowercase(live);
        enum class affinity { integer, text, blob, real, numeric };
        const affinity a = type.find("int") != std::string::npos ? affinity::integer
                           : type.find("char") != std::string::npos || type.find("clob") != std::string::npos ||
                                     type.find("text") != std::string::npos
                               ? affinity::text
                           : type.find("blob") != std::string::npos || type.empty() ? affinity::blob
                           : type.find("real") != std::string::npos || type.find("floa") != std::string::npos ||
                                     type.find("doub") != std::string::npos
                               ? affinity::real
                               : affinity::numeric;
        switch (c.kind) {
        case column_kind::text:
            // NUMERIC or INTEGER affinity would turn a text like "12" into a number.
            if (a == affinity::text || a == affinity::blob) return {};
            return "expected a type of TEXT affinity (TEXT, VARCHAR, CHAR, CLOB)";
        case column_kind::blob:
            if (a == affinity::blob) return {};
            return "expected BLOB (or no declared type)";
        case column_kind::decimal:
            if (a == affinity::numeric || a == affinity::real || a == affinity::integer) return {};
            return "expected DECIMAL(p,s) or NUMERIC (NUMERIC affinity)";
        case column_kind::float32: case column_kind::float64:
            if (a == affinity::real || a == affinity::numeric) return {};
            return "expected a type of REAL or NUMERIC affinity (REAL, DOUBLE, FLOAT, NUMERIC)";
        case column_kind::datetime: case column_kind::date:
            // sluice's ISO text is no numeric literal: TEXT and NUMERIC affinity both keep it as text.
            if (a == affinity::text || a == affinity::numeric || a == affinity::blob) return {};
            return "expected DATETIME, DATE, TIMESTAMP or TEXT";
        default:  // integers, bool, year
            if (a == affinity::integer || a == affinity::numeric) return {};
            return "expected a type of INTEGER or NUMERIC affinity (INTEGER, INT, BIGINT, BOOLEAN, NUMERIC)";
        }
    }
    std::int64_t first_generated_id(std::int64_t reported, std::size_t rows) const noexcept override {
        return reported - static_cast<std::int64_t>(rows) + 1;
    }
    bool generated_key_is_max_plus_one() const noexcept override { return true; }
};

}  // namespace

const dialect& sqlite_dialect() noexcept {
    static const sqlite_dialect_impl instance;
    return instance;
}

}  // namespace sluice::detail
