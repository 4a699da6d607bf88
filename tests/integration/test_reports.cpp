// Reports in the builder: projections paged by keyset, scalar aggregates, and GROUP BY scans paged
// by the group key, each against a C++ oracle over random data, for every page size near the edges.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include "../models.hpp"
#include "../support.hpp"

using models::User;
using sluice::col;

namespace {

struct Sale {
    static constexpr std::string_view table_name = "report_sales";
    static constexpr std::array<std::string_view, 3> indexes{"customer_id", "region", "region,customer_id"};
    static constexpr sluice::column_option columns[] = {{.field = "amount", .sql_type = "DECIMAL(9,2)"}};
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::optional<std::int32_t> region;
    sluice::decimal amount;
    double score = 0;
    std::int32_t qty = 0;
    std::string note;
};

struct CustomerTotal {
    std::int64_t customer_id = 0;
    sluice::decimal total;
    std::int64_t sales = 0;
    std::int32_t most = 0;
    std::optional<sluice::decimal> mean;
    bool operator==(const CustomerTotal&) const = default;
};

struct RegionCount {
    std::optional<std::int32_t> region;
    std::int64_t customer_id = 0;
    std::int64_t sales = 0;
    bool operator==(const RegionCount&) const = default;
};

// round(sum * 10^(scale+4) / n) half away from zero, as MariaDB's AVG of DECIMAL(p, scale).
sluice::decimal mean_of(const sluice::decimal& sum, std::int64_t n, int scale) {
    const sluice::int128_t numerator = sum.with_scale(scale + 4).unscaled();
    sluice::int128_t q = numerator / n, r = numerator % n;
    if (r < 0) r = -r;
    if (2 * r >= n) q += numerator < 0 ? -1 : 1;
    return sluice::decimal::from_unscaled(q, scale + 4);
}

std::vector<Sale> seed(sluice::session& db, std::uint64_t s, int n) {
    support::recreate<Sale>(db);
    std::mt19937_64 rng(s);
    std::vector<Sale> rows;
    for (int i = 0; i < n; ++i) {
        Sale x;
        x.customer_id = 1 + static_cast<std::int64_t>(rng() % 23);
        if (rng() % 5 != 0) x.region = static_cast<std::int32_t>(rng() % 4) - 1;
        x.amount = sluice::decimal::from_unscaled(static_cast<sluice::int128_t>(rng() % 200000) - 50000, 2);
        x.score = static_cast<double>(rng() % 1000) / 8.0;
        x.qty = static_cast<std::int32_t>(rng() % 50);
        x.note = "n" + std::to_string(rng() % 100);
        rows.push_back(x);
    }
    db.insert_many(rows);
    return db.query<Sale>().order_by(&Sale::id).all();
}

template <class Range> auto collect(Range&& r) {
    std::vector<std::remove_cvref_t<decltype(*r.begin())>> out;
    for (auto&& x : r) out.push_back(x);
    return out;
}

}  // namespace

TEST_CASE("select(...).yield_per(n): projected keyset pages equal one unpaged SELECT, for every page size near the edges") {
    auto db = support::connect();
    const auto rows = seed(db, 5, 157);
    const auto q = db.query<Sale>().where(col(&Sale::qty) >= 10).order_by(&Sale::customer_id);
    const std::vector<std::tuple<std::int64_t, std::string>> expected = q.select(&Sale::id, &Sale::note);
    const std::size_t n = expected.size();
    REQUIRE(n > 50);
    for (std::size_t page : {std::size_t{1}, std::size_t{2}, std::size_t{7}, n - 1, n, n + 1}) {
        CAPTURE(page);
        CHECK(collect(q.select(&Sale::id, &Sale::note).yield_per(page)) == expected);
    }
    // Resume from every position of the projected scan.
    const auto small = db.query<Sale>().where(col(&Sale::customer_id) <= 3).order_by(sluice::desc(&Sale::qty));
    const std::vector<std::tuple<std::int64_t>> all_ids = small.select(&Sale::id);
    for (std::size_t stop = 0; stop <= all_ids.size(); ++stop) {
        std::vector<std::tuple<std::int64_t>> got;
        std::string token;
        {
            auto range = small.select(&Sale::id).yield_per(3);
            if (stop == 0) token = range.token();  // before the scan starts: from the beginning
            for (auto it = range.begin(); got.size() < stop && it != range.end(); ++it) {
                got.push_back(*it);
                if (got.size() == stop) token = range.token();
            }
        }
        for (auto t : small.resume(token).select(&Sale::id).yield_per(4)) got.push_back(t);
        CHECK(got == all_ids);
    }
}

TEST_CASE("scalar aggregates: sum, min, max, avg, count of integer, floating and decimal columns") {
    auto db = support::connect();
    const auto rows = seed(db, 9, 300);
    for (int region = -1; region <= 2; ++region) {
        CAPTURE(region);
        const auto q = db.query<Sale>().where(col(&Sale::region) == region);
        std::int64_t qty = 0, n = 0;
        double score = 0;
        sluice::decimal amount;
        std::optional<sluice::decimal> lo, hi;
        std::optional<std::int32_t> qty_max;
        for (const Sale& s : rows) {
            if (s.region != region) continue;
            ++n;
            qty += s.qty;
            score += s.score;
            amount += s.amount;
            if (!lo || s.amount < *lo) lo = s.amount;
            if (!hi || s.amount > *hi) hi = s.amount;
            if (!qty_max || s.qty > *qty_max) qty_max = s.qty;
        }
        REQUIRE(n > 0);
        CHECK(q.count() == static_cast<std::uint64_t>(n));
        CHECK(q.sum(&Sale::qty) == qty);
        CHECK(q.sum(&Sale::score) == doctest::Approx(score));
        const sluice::decimal exact = q.sum(&Sale::amount);
        CHECK(exact == amount);
        CHECK(q.min(&Sale::amount) == lo);
        CHECK(q.max(&Sale::amount) == hi);
        CHECK(q.max(&Sale::qty) == qty_max);
        const std::optional<double> mean_qty = q.avg(&Sale::qty);
        REQUIRE(mean_qty);
        CHECK(*mean_qty == static_cast<double>(qty) / static_cast<double>(n));
        const std::optional<sluice::decimal> mean = q.avg(&Sale::amount);
        REQUIRE(mean);
        CHECK(mean->to_string() == mean_of(amount, n, 2).to_string());
    }
    // No matching row: sums are 0, the others empty.
    const auto none = db.query<Sale>().where(col(&Sale::qty) > 1000);
    CHECK(none.sum(&Sale::qty) == 0);
    CHECK(none.sum(&Sale::amount) == sluice::decimal{});
    CHECK(!none.min(&Sale::note).has_value());
    CHECK(!none.avg(&Sale::amount).has_value());
    // limit() bounds the rows aggregated.
    const auto first10 = db.query<Sale>().order_by(&Sale::id).limit(10);
    std::int64_t qty10 = 0;
    for (std::size_t i = 0; i < 10; ++i) qty10 += rows[i].qty;
    CHECK(first10.sum(&Sale::qty) == qty10);
}

TEST_CASE("group_by: yield_per pages by the group key and equals all() and the C++ oracle, with HAVING, for every page size") {
    auto db = support::connect();
    for (std::uint64_t s : {21u, 22u}) {
        const auto rows = seed(db, s, 400);
        std::map<std::int64_t, CustomerTotal> oracle;
        for (const Sale& x : rows) {
            if (x.qty < 5) continue;  // the where()
            CustomerTotal& t = oracle[x.customer_id];
            t.customer_id = x.customer_id;
            t.total += x.amount;
            ++t.sales;
            t.most = std::max(t.most, x.qty);
        }
        std::vector<CustomerTotal> expected;
        for (auto& [id, t] : oracle) {
            t.mean = mean_of(t.total, t.sales, 2);
            if (t.sales >= 3 && t.total > sluice::decimal::from_unscaled(-1000, 0)) expected.push_back(t);
        }
        const auto totals = db.query<Sale>()
                                .where(col(&Sale::qty) >= 5)
                                .group_by(&Sale::customer_id)
                                .having(sluice::count() >= 3)
                                .having(sluice::sum(&Sale::amount) > sluice::decimal::from_unscaled(-1000, 0))
                                .select<CustomerTotal>(&Sale::customer_id, sluice::sum(&Sale::amount), sluice::count(),
                                                       sluice::max(&Sale::qty), sluice::avg(&Sale::amount));
        const auto all = totals.all();
        CHECK(all == expected);
        const std::size_t n = expected.size();
        REQUIRE(n > 5);
        for (std::size_t page : {std::size_t{1}, std::size_t{2}, std::size_t{7}, n - 1, n, n + 1}) {
            CAPTURE(page);
            CHECK(collect(totals.yield_per(page)) == expected);
        }
        // Resume after every group.
        for (std::size_t stop = 0; stop <= n; ++stop) {
            std::vector<CustomerTotal> got;
            std::string token;
            {
                auto range = totals.yield_per(2);
                if (stop == 0) token = range.token();  // before the scan starts: from the beginning
                for (auto it = range.begin(); got.size() < stop && it != range.end(); ++it) {
                    got.push_back(*it);
                    if (got.size() == stop) token = range.token();
                }
            }
            for (const CustomerTotal& t : totals.resume(token).yield_per(3)) got.push_back(t);
            CHECK(got == expected);
        }
    }
}

TEST_CASE("group_by: a nullable key and a two-column key page exactly; NULL is a group of its own") {
    auto db = support::connect();
    const auto rows = seed(db, 33, 500);
    std::map<std::pair<std::optional<std::int32_t>, std::int64_t>, std::int64_t> oracle;
    for (const Sale& x : rows) ++oracle[{x.region, x.customer_id}];
    std::vector<RegionCount> expected;  // NULL sorts first on both backends
    for (const auto& [k, n] : oracle) expected.push_back({k.first, k.second, n});
    const auto grouped = db.query<Sale>().group_by(&Sale::region, &Sale::customer_id)
                             .select<RegionCount>(&Sale::region, &Sale::customer_id, sluice::count());
    CHECK(grouped.all() == expected);
    const std::size_t n = expected.size();
    for (std::size_t page : {std::size_t{1}, std::size_t{2}, std::size_t{7}, n - 1, n, n + 1}) {
        CAPTURE(page);
        CHECK(collect(grouped.yield_per(page)) == expected);
    }
    CHECK(expected.front().region == std::nullopt);
    // limit(): the first groups only.
    CHECK(collect(db.query<Sale>().limit(5).group_by(&Sale::region, &Sale::customer_id)
                      .select<RegionCount>(&Sale::region, &Sale::customer_id, sluice::count()).yield_per(2)) ==
          std::vector<RegionCount>(expected.begin(), expected.begin() + 5));
    // Tuples work as rows too.
    std::map<std::optional<std::int32_t>, std::int64_t> per_region;
    for (const Sale& x : rows) ++per_region[x.region];
    std::map<std::optional<std::int32_t>, std::int64_t> got;
    for (const auto& [region, count] : db.query<Sale>().group_by(&Sale::region)
                                           .select<std::tuple<std::optional<std::int32_t>, std::int64_t>>(&Sale::region, sluice::count())
                                           .yield_per(2))
        got[region] = count;
    CHECK(got == per_region);
}

TEST_CASE("group_by: tokens of a HAVING with fractional operands resume; a token of another threshold is refused") {
    auto db = support::connect();
    seed(db, 41, 300);
    const auto grouped = [&](double threshold) {
        return db.query<Sale>().group_by(&Sale::customer_id)
            .having(sluice::avg(&Sale::score) > threshold)
            .having(sluice::sum(&Sale::amount) > sluice::decimal::from_unscaled(5, 1))  // 0.5
            .select<std::tuple<std::int64_t, std::int64_t>>(&Sale::customer_id, sluice::count());
    };
    const auto expected = grouped(0.5).all();
    REQUIRE(expected.size() > 3);
    std::vector<std::tuple<std::int64_t, std::int64_t>> got;
    std::string token;
    {
        auto range = grouped(0.5).yield_per(2);
        for (auto it = range.begin(); it != range.end() && got.size() < 3; ++it) {
            got.push_back(*it);
            if (got.size() == 3) token = range.token();
        }
    }
    for (const auto& row : grouped(0.5).resume(token).yield_per(2)) got.push_back(row);
    CHECK(got == expected);
    CHECK_THROWS_WITH_AS(grouped(0.5000001).resume(token).yield_per(2).begin(), doctest::Contains("different query"), sluice::error);
}

TEST_CASE("group_by: text keys (empty, 4-byte UTF-8, shared prefixes) page in byte order; an empty table has no groups") {
    auto db = support::connect();
    support::recreate<Sale>(db);
    const auto empty = db.query<Sale>().group_by(&Sale::note).select<std::tuple<std::string, std::int64_t>>(&Sale::note, sluice::count());
    CHECK(empty.all().empty());
    for (std::size_t page : {1, 3}) CHECK(collect(empty.yield_per(page)).empty());
    const std::string notes[] = {"", "a", "ab", "a b", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80x", "Z", std::string(300, 'p'),
                                 std::string(300, 'p') + "q"};
    std::vector<Sale> rows;
    std::map<std::string, std::int64_t> oracle;  // std::string orders bytes as the tables' binary collation does
    for (int i = 0; i < 200; ++i) {
        Sale x;
        x.customer_id = i;
        x.note = notes[static_cast<std::size_t>(i * 7) % std::size(notes)];
        ++oracle[x.note];
        rows.push_back(x);
    }
    db.insert_many(rows);
    std::vector<std::tuple<std::string, std::int64_t>> expected(oracle.begin(), oracle.end());
    const auto grouped = db.query<Sale>().group_by(&Sale::note).select<std::tuple<std::string, std::int64_t>>(&Sale::note, sluice::count());
    CHECK(grouped.all() == expected);
    for (std::size_t page : {1, 2, 3, 9, 10, 11}) {
        CAPTURE(page);
        CHECK(collect(grouped.yield_per(page)) == expected);
    }
}

TEST_CASE("group_by: misuse is refused with the reason") {
    auto db = support::connect();
    seed(db, 1, 20);
    const auto q = db.query<Sale>();
    CHECK_THROWS_WITH_AS(q.group_by(&Sale::region).select<RegionCount>(&Sale::region, &Sale::customer_id, sluice::count()).all(),
                         doctest::Contains("names column customer_id, which is not in group_by()"), sluice::error);
    CHECK_THROWS_WITH_AS(q.order_by(&Sale::qty).group_by(&Sale::region).select<std::tuple<std::int64_t>>(sluice::count()).all(),
                         doctest::Contains("ordered by its group key"), sluice::error);
    CHECK_THROWS_WITH_AS(q.group_by(&Sale::region).select<std::tuple<std::int64_t>>(sluice::sum(&Sale::note)).all(),
                         doctest::Contains("only numbers and decimals can be summed"), sluice::error);
    CHECK_THROWS_WITH_AS(q.group_by(&Sale::region).select<RegionCount>(&Sale::region, sluice::count()).all(),
                         doctest::Contains("2 items for 3 fields"), sluice::error);
    CHECK_THROWS_WITH_AS(q.group_by(&Sale::region).select<std::tuple<std::int64_t>>(sluice::count()).resume("garbage").yield_per(3).begin(),
                         doctest::Contains("token"), sluice::error);
}

TEST_CASE("group_by: each page is a range of the key's index (EXPLAIN), and the statement is as documented") {
    auto db = support::connect();
    seed(db, 2, 3000);
    std::vector<std::string> statements;
    db.set_log({.sink = [&](const sluice::log_record& r) { statements.emplace_back(r.sql); }, .level = sluice::log_level::trace});
    std::size_t groups = 0;
    for (const auto& row : db.query<Sale>().where(col(&Sale::qty) >= 1).group_by(&Sale::customer_id)
                               .select<std::tuple<std::int64_t, std::int64_t>>(&Sale::customer_id, sluice::count()).yield_per(10))
        groups += std::get<1>(row) > 0;
    db.set_log({});
    CHECK(groups == 23);
    const std::string q = support::is_sqlite() ? "\"" : "`";
    auto quoted = [&](const char* name) { return q + name + q; };
    const std::string page = "SELECT " + quoted("customer_id") + ", COUNT(*), " + quoted("customer_id") + " FROM " + quoted("report_sales") +
                             " WHERE ";
    std::string second;
    for (const auto& s : statements)
        if (s.rfind(page, 0) == 0 && s.find("GROUP BY") != std::string::npos && s.find(">") != std::string::npos) second = s;
    if (second.empty())
        for (const auto& s : statements) MESSAGE(s);
    REQUIRE_MESSAGE(!second.empty(), "no keyset page among the statements logged");
    MESSAGE("a grouped page: " << second);
    // The plan of such a page, values bound as the scan binds them.
    const std::string explain_sql = support::is_sqlite() ? "EXPLAIN QUERY PLAN " + second : "EXPLAIN " + second;
    std::string plan;
    const auto count_params = std::count(second.begin(), second.end(), '?');
    std::vector<sluice::raw_row> explained;
    if (count_params == 4) explained = db.rows(explain_sql, std::int64_t{10}, std::int64_t{10}, std::int64_t{1}, std::int64_t{10});
    else if (count_params == 3) explained = db.rows(explain_sql, std::int64_t{10}, std::int64_t{1}, std::int64_t{10});
    else FAIL("unexpected page statement: " << second);
    for (const auto& r : explained)
        for (const auto& cell : r) plan += cell.value_or("NULL") + " ";
    CAPTURE(plan);
    if (support::is_sqlite()) {
        CHECK(plan.find("USING INDEX ix_report_sales_customer_id") != std::string::npos);
        CHECK(plan.find("TEMP B-TREE") == std::string::npos);
    } else {
        CHECK(plan.find("ix_report_sales_customer_id") != std::string::npos);
        CHECK(plan.find("range") != std::string::npos);
        CHECK(plan.find("filesort") == std::string::npos);
        CHECK(plan.find("temporary") == std::string::npos);
    }
}
