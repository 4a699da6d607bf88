// The decimal-scan bench's model (a VARCHAR(64) key and DECIMAL columns), its data and checksum.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <sluice/sluice.hpp>

namespace bench {

struct Ledger {
    static constexpr std::string_view table_name = "bench_ledger";
    static constexpr std::array<std::string_view, 1> primary_key{"account"};
    static constexpr sluice::column_option columns[] = {
        {.field = "account", .sql_type = "VARCHAR(64)"},
        {.field = "balance", .sql_type = "DECIMAL(15,2)"},
        {.field = "rate", .sql_type = "DECIMAL(9,6)"},
    };
    std::string account;
    sluice::decimal balance;
    sluice::decimal rate;
    std::int64_t owner = 0;
};

inline constexpr int balance_scale = 2;  // DECIMAL(15,2): unscaled = cents
inline constexpr int rate_scale = 6;     // DECIMAL(9,6)

// Every scan folds each row into one of these; both sides must agree exactly. Money is summed
// as exact integers of the column's scale (cents, millionths), never through a double.
struct ledger_checksum {
    std::uint64_t rows = 0;
    sluice::int128_t cents = 0;       // sum of balance * 100
    sluice::int128_t rate_units = 0;  // sum of rate * 10^6
    std::uint64_t owners = 0;         // sum of owner
    std::uint64_t account = 0;        // the account's length and last byte, weighted by position

    void add(std::string_view acct, sluice::int128_t balance_cents, sluice::int128_t rate_millionths, std::int64_t owner) {
        ++rows;
        cents += balance_cents;
        rate_units += rate_millionths;
        owners += static_cast<std::uint64_t>(owner);
        account += (acct.size() + static_cast<unsigned char>(acct.empty() ? 0 : acct.back())) * (rows % 7 + 1);
    }
    bool operator==(const ledger_checksum&) const = default;
};

// Row i (0-based): an account "acct-<9 digits>-<0..30 letters>" (15 to 45 characters, key order
// = i order), a balance of -999,999,999.99 .. 999,999,999.99 (whole on 1 row in 100, which
// SQLite stores as INTEGER, the rest REAL), a rate of -999.999999 .. 999.999999, owner i % 10007.
Ledger make_ledger(std::int64_t i);

}  // namespace bench
