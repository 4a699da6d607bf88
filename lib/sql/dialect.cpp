// What every dialect shares: identifier validation and quoting, index names, dialect_of().
#include "sql/dialect.hpp"

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

std::string index_name(const table_info& table, const std::vector<std::size_t>& columns) {
    // Appended piece by piece: `"_" + std::string(...)` trips GCC 12's -O3 -Wrestrict false positive.
    std::string name = "ix_";
    name += table.name;
    for (std::size_t c : columns) {
        name += '_';
        name += table.columns[c].name;
    }
    // Identifiers are at most 64 characters on MariaDB; keep long composite names unique-ish.
    if (name.size() > 64) name = name.substr(0, 55) + "_" + std::to_string(std::hash<std::string>{}(name) % 100000000);
    return name;
}

const dialect& dialect_of(backend b) noexcept { return b == backend::sqlite ? sqlite_dialect() : mysql_dialect(); }

}  // namespace sluice::detail
