// Private: what differs between SQL backends, in one object per backend. Rendering code
// asks the dialect instead of branching on the backend.
#pragma once

#include <string>
#include <string_view>

#include <sluice/model.hpp>

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
    virtual std::string create_index(const table_info& table, const std::vector<std::size_t>& columns) const = 0;
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
    // "DELETE FROM <table>", the head of every DELETE. Spider's direct (pushed-down) DELETE
    // reports 0 affected rows; the multi-table form is never pushed down, and counts.
    virtual std::string delete_from(std::string_view table) const { return "DELETE FROM " + quote(table); }
    // What LIKE is applied to. MariaDB 10.11 builds a wrong index range from LIKE on a
    // utf8mb4_nopad_bin column ('a%' misses 'a\U0001F600'): there the column is wrapped so that
    // no range is derived from it (render_expr puts an exact prefix range in front instead).
    virtual std::string like_operand(const std::string& quoted_column) const { return quoted_column; }
    // " ESCAPE '\'" spelled so that the backend reads one backslash.
    virtual std::string_view like_escape_clause() const noexcept = 0;
};

const dialect& sqlite_dialect() noexcept;
const dialect& mysql_dialect() noexcept;
// MariaDB statements on a table of the SPIDER engine (a sharded table behind a front end):
// keyset pages branch by branch and key bounds as row constructors, so that every read the
// front end sends to a backend is a single index range; DELETE in the multi-table form.
const dialect& spider_dialect() noexcept;

// Quotes with `quote_char`, after validating the identifier.
std::string quote_identifier(std::string_view identifier, char quote_char);

}  // namespace sluice::detail
