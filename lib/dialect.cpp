#include "dialect.hpp"

#include <sluice/error.hpp>

namespace sluice::detail {

std::string quote_identifier(std::string_view identifier, char quote_char) {
    if (!is_identifier(identifier))
        throw error("sluice: '" + std::string(identifier) +
                    "' is not a valid identifier: expected [A-Za-z_][A-Za-z0-9_]*, at most 64 characters");
    std::string out;
    out.reserve(identifier.size() + 2);
    out += quote_char;
    out += identifier;
    out += quote_char;
    return out;
}

namespace {

std::string index_name(const table_info& table, const std::vector<std::size_t>& columns) {
    std::string name = "ix_" + std::string(table.name);
    for (std::size_t c : columns) name += "_" + std::string(table.columns[c].name);
    // Identifiers are at most 64 characters on MariaDB; keep long composite names unique-ish.
    if (name.size() > 64) name = name.substr(0, 55) + "_" + std::to_string(std::hash<std::string>{}(name) % 100000000);
    return name;
}

bool is_single_auto_key(const table_info& table, const column_info& column) {
    return table.auto_increment && column.primary_key;
}

class sqlite_dialect_impl final : public dialect {
public:
    std::string_view name() const noexcept override { return "sqlite"; }
    std::string quote(std::string_view identifier) const override { return quote_identifier(identifier, '"'); }

    std::string type_name(const table_info&, const column_info& column) const override {
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
        }
        return "BLOB";
    }

    std::string column_definition(const table_info& table, const column_info& column) const override {
        // INTEGER PRIMARY KEY makes the column the rowid: assigned on insert, no extra index.
        if (is_single_auto_key(table, column)) return "INTEGER PRIMARY KEY";
        std::string def = type_name(table, column);
        if (!column.nullable) def += " NOT NULL";
        return def;
    }
    bool inline_primary_key(const table_info& table) const noexcept override { return table.auto_increment; }
    std::string table_options() const override { return {}; }

    std::string create_index(const table_info& table, const std::vector<std::size_t>& columns) const override {
        std::string sql = "CREATE INDEX IF NOT EXISTS " + quote(index_name(table, columns)) + " ON " +
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
            if (c.primary_key) continue;
            if (!sets.empty()) sets += ", ";
            sets += quote(c.name) + " = excluded." + quote(c.name);
        }
        return sql + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
    }
    bool keyset_branches() const noexcept override { return true; }
    // SQLITE_CONSTRAINT_UNIQUE: ON CONFLICT (pk) handles the key, so this is another unique index.
    bool is_upsert_key_conflict(int code) const noexcept override { return code == 2067; }
    std::string_view like_escape_clause() const noexcept override { return " ESCAPE '\\'"; }
};

class mysql_dialect_impl : public dialect {
public:
    std::string_view name() const noexcept override { return "mariadb"; }
    std::string quote(std::string_view identifier) const override { return quote_identifier(identifier, '`'); }

    std::string type_name(const table_info&, const column_info& column) const override {
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
        }
        return "mediumblob";
    }

    std::string column_definition(const table_info& table, const column_info& column) const override {
        std::string def = type_name(table, column);
        for (char& c : def) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        def += column.nullable ? " NULL" : " NOT NULL";
        if (is_single_auto_key(table, column)) def += " AUTO_INCREMENT";
        return def;
    }
    bool inline_primary_key(const table_info&) const noexcept override { return false; }
    // nopad_bin: byte-wise comparison without trailing-space padding, the same order as
    // SQLite's BINARY collation and std::string, so keyset pages agree with C++ comparisons.
    std::string table_options() const override {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
    }

    std::string create_index(const table_info& table, const std::vector<std::size_t>& columns) const override {
        std::string sql = "CREATE INDEX IF NOT EXISTS " + quote(index_name(table, columns)) + " ON " +
                          quote(table.name) + " (";
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i) sql += ", ";
            const column_info& c = table.columns[columns[i]];
            sql += quote(c.name);
            // TEXT/BLOB columns can only be indexed by a prefix on MariaDB.
            if (c.kind == column_kind::text || c.kind == column_kind::blob) sql += "(255)";
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
            if (c.primary_key) continue;
            sets += ", " + quote(c.name) + " = VALUES(" + quote(c.name) + ")";
        }
        return " ON DUPLICATE KEY UPDATE " + sets;
    }
    // ER_DIVISION_BY_ZERO: only the key guard above divides.
    bool is_upsert_key_conflict(int code) const noexcept override { return code == 1365; }
    bool keyset_branches() const noexcept override { return false; }
    std::string like_operand(const std::string& quoted_column) const override { return "CONCAT(" + quoted_column + ")"; }
    // MariaDB reads backslash escapes inside string literals: '\\' is one backslash.
    std::string_view like_escape_clause() const noexcept override { return " ESCAPE '\\\\'"; }
};

class spider_dialect_impl final : public mysql_dialect_impl {
public:
    // Each branch (a = ? AND b > ?, then a > ?) is one range; the single-statement form is two,
    // and Spider 10.11 sends the second to the backends without its bound (pages repeat rows).
    bool keyset_branches() const noexcept override { return true; }
    bool row_value_bounds() const noexcept override { return true; }
    std::string delete_from(std::string_view table) const override {
        const std::string name = quote(table);
        return "DELETE " + name + " FROM " + name;
    }
};

}  // namespace

const dialect& spider_dialect() noexcept {
    static const spider_dialect_impl instance;
    return instance;
}

const dialect& sqlite_dialect() noexcept {
    static const sqlite_dialect_impl instance;
    return instance;
}

const dialect& mysql_dialect() noexcept {
    static const mysql_dialect_impl instance;
    return instance;
}

}  // namespace sluice::detail
