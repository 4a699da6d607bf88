// Private: SQLite functions for exact DECIMAL aggregates (see sqlite_dialect's decimal_sum).
#pragma once

namespace sluice::detail {

// Installs sluice_decimal_sum, sluice_decimal_avg and sluice_decimal_cmp on a connection (a
// sqlite3*); false if SQLite refused one.
bool install_decimal_functions(void* sqlite_connection);

}  // namespace sluice::detail
