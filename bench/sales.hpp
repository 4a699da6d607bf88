// The GROUP BY bench's model (an indexed integer group key, a DECIMAL amount), its grouped row and checksum.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <sluice/sluice.hpp>

namespace bench {

struct Sale {
    static constexpr std::string_view table_name = "bench_sales";
    static constexpr std::array<std::string_view, 1> indexes{"store"};
    static constexpr sluice::column_option columns[] = {{.field = "amount", .sql_type = "DECIMAL(9,2)"}};
    std::int64_t id = 0;
    std::int64_t store = 0;  // the group key: store_count values, scattered over the table
    sluice::decimal amount;
    std::int32_t units = 0;
};

inline constexpr std::int64_t store_count = 10'000;

// One group: the select<StoreTotal>(store, sum(amount), count(), max(units)) row, and what the raw
// loops fill from the same GROUP BY statement.
struct StoreTotal {
    std::int64_t store = 0;
    sluice::decimal amount;  // SUM(amount), exact
    std::int64_t sales = 0;  // COUNT(*)
    std::int32_t max_units = 0;
};

// Every method folds each group into one of these; all must agree exactly, on both backends.
struct group_checksum {
    std::uint64_t groups = 0;
    std::uint64_t sales = 0;        // the sum of the counts: every row once
    sluice::decimal amount;         // the sum of the groups' sums, exact
    std::uint64_t max_units = 0;    // the sum of the maxima
    std::uint64_t keys = 0;         // the keys weighted by position: the same groups in key order

    void add(const StoreTotal& t) {
        ++groups;
        sales += static_cast<std::uint64_t>(t.sales);
        amount += t.amount;
        max_units += static_cast<std::uint64_t>(t.max_units);
        keys += static_cast<std::uint64_t>(t.store) * (groups % 7 + 1);
    }
    bool operator==(const group_checksum&) const = default;
};

// Row i (0-based): id i + 1, a store of 0 .. store_count - 1 (about 100 rows each, in no order), an
// amount of -500.00 .. 14,499.99 (whole on 1 row in 100: SQLite stores those as INTEGER, the
// rest as REAL), 1 .. 50 units.
Sale make_sale(std::int64_t i);

}  // namespace bench
