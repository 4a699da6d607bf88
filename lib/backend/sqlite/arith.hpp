// Private: the SQL functions behind SQLite's arithmetic (see sqlite_dialect's arith()).
#pragma once

namespace sluice::detail {

// Installs sluice_add, sluice_sub, sluice_mul, sluice_div, sluice_div_or_fail, sluice_neg and
// sluice_fit on a connection (a sqlite3*); false if SQLite refused one.
bool install_arith_functions(void* sqlite_connection);

}  // namespace sluice::detail
