// One regression case per defect found by differential testing and fault injection (issue 11).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "../models.hpp"
#include "../oracle.hpp"
#include "../support.hpp"

using models::User;
using sluice::col;

namespace {

struct LongKey {
    static constexpr std::string_view table_name = "long_keys";
    std::int64_t id = 0;
    std::string s;
    bool operator==(const LongKey&) const = default;
};

struct Coded {
    static constexpr std::string_view table_name = "coded";
    std::int64_t id = 0;
    std::string code;
    std::string name;
};

struct Texty {
    static constexpr std::string_view table_name = "texty";
    static constexpr std::array<std::string_view, 1> indexes{"s"};
    // Long values behind a prefix index (the case of defect 5), not create_table's whole VARCHAR.
    static constexpr sluice::column_option columns[] = {{.field = "s", .sql_type = "MEDIUMTEXT"}};
    std::int64_t id = 0;
    std::string s;
    std::int32_t v = 0;
};

// A composite text key: MariaDB's create_table cannot index MEDIUMTEXT keys yet, so the test
// writes this table's DDL itself.
struct TextPair {
    static constexpr std::string_view table_name = "text_pairs";
    static constexpr std::array<std::string_view, 2> primary_key{"a", "b"};
    std::string a;
    std::string b;
    std::int32_t v = 0;
};

const std::string emoji = "\xF0\x9F\x98\x80";

std::vector<std::int64_t> ids_of(const auto& rows) {
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) ids.push_back(r.id);
    return ids;
}

// The rows sorted as sluice promises: byte-wise by s, then by id.
std::vector<LongKey> sorted_by_s(std::vector<LongKey> rows) {
    std::sort(rows.begin(), rows.end(), [](const LongKey& x, const LongKey& y) { return std::tie(x.s, x.id) < std::tie(y.s, y.id); });
    return rows;
}

std::vector<LongKey> shared_prefix_rows(sluice::session& db, std::size_t prefix, int n) {
    std::vector<LongKey> rows;
    for (int i = 0; i < n; ++i) {
        const int suffix = (i * 37) % n;  // ids and suffixes in different orders
        rows.push_back({0, std::string(prefix, 'x') + (suffix < 10 ? "0" : "") + std::to_string(suffix)});
    }
    for (LongKey& r : rows) db.insert(r);
    return rows;
}

}  // namespace

TEST_CASE("defect 1: text keys sharing 256+ characters page in exact order (MariaDB sorted only their prefix)") {
    auto db = support::fresh<LongKey>();
    const auto expected = sorted_by_s(shared_prefix_rows(db, 300, 40));
    const auto q = db.query<LongKey>().order_by(&LongKey::s);
    if (!support::sorts_long_text_exactly()) {  // refused, never paged wrong
        CHECK_THROWS_WITH_AS(q.yield_per(3).begin(), doctest::Contains("long_keys.s (text): an order key of"), sluice::error);
        CHECK_THROWS_AS(q.limit(5).all(), sluice::error);
        return;
    }
    for (std::size_t page : {1u, 3u, 7u, 39u, 40u, 41u}) {
        std::vector<LongKey> seen;
        for (const LongKey& r : q.yield_per(page)) seen.push_back(r);
        CHECK(seen == expected);
        std::vector<LongKey> batched;
        for (std::span<const LongKey> b : q.batches(page)) batched.insert(batched.end(), b.begin(), b.end());
        CHECK(batched == expected);
    }
    CHECK(q.limit(5).all() == std::vector<LongKey>(expected.begin(), expected.begin() + 5));
    CHECK(db.query<LongKey>().order_by(sluice::desc(&LongKey::s)).first()->s == expected.back().s);
    // A token taken mid-scan continues exactly there, by yield_per and by all().
    auto range = q.yield_per(4);
    auto it = range.begin();
    for (int i = 0; i < 9; ++i) ++it;
    const auto token = range.token();
    const std::vector<LongKey> rest(expected.begin() + 10, expected.end());
    std::vector<LongKey> resumed;
    for (const LongKey& r : q.resume(token).yield_per(6)) resumed.push_back(r);
    CHECK(resumed == rest);
    CHECK(q.resume(token).all() == rest);
    CHECK(q.resume(token).count() == rest.size());
    // Parts split at probed keys: together every row once.
    std::vector<std::int64_t> parted;
    for (const auto& part : q.partitions(3))
        for (const LongKey& r : part.yield_per(5)) parted.push_back(r.id);
    std::sort(parted.begin(), parted.end());
    auto all_ids = ids_of(expected);
    std::sort(all_ids.begin(), all_ids.end());
    CHECK(parted == all_ids);
}

TEST_CASE("defect 1: an order key longer than the server sorts exactly is refused, never paged wrong") {
    auto db = support::fresh<LongKey>();
    const auto rows = shared_prefix_rows(db, 17000, 6);  // more than max_sort_length / 4 bytes
    const auto q = db.query<LongKey>().order_by(&LongKey::s);
    auto scan = [&] {
        std::vector<LongKey> seen;
        for (const LongKey& r : q.yield_per(2)) seen.push_back(r);
        return seen;
    };
    if (support::is_sqlite()) {
        CHECK(scan() == sorted_by_s(rows));  // SQLite compares whole values
        CHECK(q.all() == sorted_by_s(rows));
    } else {
        CHECK_THROWS_WITH_AS(scan(), doctest::Contains("long_keys.s (text): an order key of 17002 bytes"), sluice::error);
        CHECK_THROWS_AS(q.all(), sluice::error);
        CHECK_THROWS_AS(q.select(&LongKey::id).all(), sluice::error);  // checked even when not selected
        CHECK(db.query<LongKey>().order_by(&LongKey::id).all().size() == rows.size());  // other orders are fine
    }
}

TEST_CASE("defect 1: an order key ending in a NUL byte is refused on MariaDB (its sort ties 'A\\0' with 'A')") {
    auto db = support::fresh<LongKey>();
    std::vector<LongKey> rows{{0, std::string("A\0", 2)}, {0, "A"}, {0, std::string("\0", 1)}, {0, ""}};
    for (LongKey& r : rows) db.insert(r);
    const auto q = db.query<LongKey>().order_by(sluice::desc(&LongKey::s));
    auto expected = sorted_by_s(rows);
    std::reverse(expected.begin(), expected.end());
    auto scan = [&](std::size_t page) {
        std::vector<LongKey> seen;
        for (const LongKey& r : q.yield_per(page)) seen.push_back(r);
        return seen;
    };
    if (support::is_sqlite()) {
        for (std::size_t page : {1u, 2u, 3u}) CHECK(scan(page) == expected);
        CHECK(q.limit(2).all() == std::vector<LongKey>(expected.begin(), expected.begin() + 2));
    } else {
        // Descending, the row a page ends at may be the shorter of a tied pair ('' before '\0'):
        // the tie is found by a probe past the page, not by the rows handed out.
        for (std::size_t page : {1u, 2u, 3u}) CHECK_THROWS_WITH_AS(scan(page), doctest::Contains("long_keys.s (text): "), sluice::error);
        CHECK_THROWS_AS(q.limit(2).all(), sluice::error);
        CHECK_THROWS_AS(q.limit(1).offset(1).all(), sluice::error);
        CHECK_THROWS_AS(q.first(), sluice::error);
    }
    CHECK(db.query<LongKey>().where(col(&LongKey::s) == std::string("A\0", 2)).count() == 1);  // filters are exact
}

// A text primary key whose values share 300 characters: MariaDB cannot create_table it (the
// key is MEDIUMTEXT), so the test writes the VARCHAR table itself.
struct LongPk {
    static constexpr std::string_view table_name = "long_pks";
    static constexpr std::array<std::string_view, 1> primary_key{"k"};
    std::string k;
    std::int32_t v = 0;
};

TEST_CASE("defect 1: batched mutations and partitions over long shared-prefix keys are exact") {
    sluice::session db = support::connect();
    db.drop_table<LongPk>();
    if (support::is_sqlite()) db.create_table<LongPk>();
    else
        db.execute("CREATE TABLE long_pks (k VARCHAR(400) NOT NULL PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB "
                   "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin");
    std::vector<LongPk> rows;
    for (int i = 0; i < 60; ++i) rows.push_back({std::string(300, 'x') + std::to_string(1000 + (i * 37) % 60), i});
    db.insert_many(rows);
    std::vector<std::string> all_keys;
    for (const LongPk& r : rows) all_keys.push_back(r.k);
    std::sort(all_keys.begin(), all_keys.end());
    std::vector<std::string> parted;
    for (const auto& part : db.query<LongPk>().partitions(4))
        for (const LongPk& r : part.yield_per(7)) parted.push_back(r.k);
    std::sort(parted.begin(), parted.end());
    CHECK(parted == all_keys);
    const auto even = db.query<LongPk>().where(col(&LongPk::v) < 30);
    CHECK(even.update_in_batches(4, sluice::set(&LongPk::v, -1)) == 30);
    CHECK(db.query<LongPk>().where(col(&LongPk::v) == -1).count() == 30);
    CHECK(db.query<LongPk>().where(col(&LongPk::v) == -1).remove_in_batches(7) == 30);
    CHECK(db.query<LongPk>().count() == 30);
    db.drop_table<LongPk>();
}

// Five text columns, ordered by all of them: the sort buffer must hold their keys.
struct FiveTexts {
    static constexpr std::string_view table_name = "five_texts";
    std::int64_t id = 0;
    std::string a, b, c, d, e;
    bool operator==(const FiveTexts&) const = default;
};

TEST_CASE("defect 1: an order by five text columns runs within the default sort buffer (no 'Out of sort memory')") {
    auto db = support::fresh<FiveTexts>();
    std::vector<FiveTexts> rows;
    for (int i = 0; i < 300; ++i) {
        const std::string v = std::to_string(i * 7919 % 300);
        rows.push_back({0, std::string(i % 3, 'a') + v, v, std::string(200, 'c') + v, v + "d", v});
    }
    db.insert_many(rows);
    auto expected = db.query<FiveTexts>().all();
    std::sort(expected.begin(), expected.end(), [](const FiveTexts& x, const FiveTexts& y) {
        return std::tie(x.a, x.b, x.c, x.d, x.e, x.id) < std::tie(y.a, y.b, y.c, y.d, y.e, y.id);
    });
    const auto q = db.query<FiveTexts>().order_by(&FiveTexts::a).order_by(&FiveTexts::b).order_by(&FiveTexts::c)
                       .order_by(&FiveTexts::d).order_by(&FiveTexts::e);
    CHECK(q.all() == expected);
    std::vector<FiveTexts> seen;
    for (const FiveTexts& r : q.yield_per(64)) seen.push_back(r);
    CHECK(seen == expected);
}

TEST_CASE("defect 3: upsert updates only the row with its primary key; another unique key's collision is an error") {
    if (support::tables_sharded()) return;  // a unique index there must include the shard key
    auto db = support::fresh<Coded>();
    db.execute(support::is_sqlite() ? "CREATE UNIQUE INDEX ux_coded_code ON coded (code)"
                                    : "CREATE UNIQUE INDEX ux_coded_code ON coded (code(191))");
    std::vector<Coded> rows;
    for (int i = 0; i < 3; ++i) rows.push_back({0, "c" + std::to_string(i), "n" + std::to_string(i)});
    db.insert_many(rows);
    const auto before = db.query<Coded>().order_by(&Coded::id).select(&Coded::id, &Coded::code, &Coded::name);

    Coded intruder{1000, "c1", "intruder"};
    CHECK_THROWS_WITH_AS(db.upsert(intruder), doctest::Contains("coded: upsert of the row with id=1000 collides with a different row"),
                         sluice::statement_error);
    Coded fresh{0, "c0", "fresh"};  // a new generated key, a taken code
    CHECK_THROWS_AS(db.upsert(fresh), sluice::statement_error);
    CHECK(db.query<Coded>().order_by(&Coded::id).select(&Coded::id, &Coded::code, &Coded::name) == before);

    std::vector<Coded> many;
    for (int i = 0; i < 5000; ++i) many.push_back({2000 + i, "m" + std::to_string(i), "bulk"});
    many[3700].code = "c2";
    CHECK_THROWS_WITH_AS(db.upsert_many(many), doctest::Contains("row 3700 of the input"), sluice::statement_error);
    CHECK(db.query<Coded>().count() == 3);  // nothing of the call was written

    Coded same{std::get<0>(before[1]), "c1", "renamed"};
    db.upsert(same);  // same key, same unique value: an update
    CHECK(db.get<Coded>(std::get<0>(before[1]))->name == "renamed");
    CHECK(db.query<Coded>().count() == 3);
}

TEST_CASE("defect 4 and 8: raw SQL is strict on both backends: empty text, two statements, wrong value counts") {
    auto db = support::fresh<User>();
    for (const char* empty : {"", "   ", "-- nothing", "/* nothing */"}) CHECK_THROWS_AS(db.execute(empty), sluice::error);
    CHECK_THROWS_AS(db.scalar(";"), sluice::error);
    CHECK_THROWS_WITH_AS(db.execute("DELETE FROM users WHERE id = ?"), doctest::Contains("[in: DELETE FROM users WHERE id = ?]"),
                         sluice::error);
    CHECK_THROWS_WITH_AS(db.execute("DELETE FROM users WHERE id = ?", 1, 2), doctest::Contains("[in: DELETE FROM users WHERE id = ?]"),
                         sluice::error);
    CHECK_THROWS_AS(db.execute("SELECT 1; SELECT 2"), sluice::error);
    CHECK_THROWS_AS(db.execute("DELETE FROM users; DELETE FROM users"), sluice::error);
    CHECK(db.scalar("SELECT 1;") == "1");  // a trailing semicolon is one statement
    // MariaDB runs an executable comment, as in dumps; to SQLite it is only a comment.
    if (support::is_sqlite()) CHECK_THROWS_AS(db.execute("/*!40101 SELECT 1 */"), sluice::error);
    else CHECK(db.scalar("/*!40101 SELECT 7 */") == "7");
    CHECK(db.scalar("SELECT 2 -- two") == "2");
}

TEST_CASE("defect 5: like() and between() on indexed text are exact (4-byte characters, spaces, NUL)") {
    auto db = support::fresh<Texty>();
    const std::vector<std::string> values{"a" + emoji, "_" + emoji, " ", "  ", "a", "ab", "b", std::string("a\0b", 3),
                                          "a ", "a%", "a\\", emoji, emoji + "x", "", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF" "a"};
    std::vector<Texty> rows;
    for (std::size_t i = 0; i < values.size(); ++i) rows.push_back({0, values[i], static_cast<std::int32_t>(i)});
    db.insert_many(rows);
    rows = db.query<Texty>().order_by(&Texty::id).all();
    auto expect = [&](auto keep) {
        std::vector<std::int64_t> ids;
        for (const Texty& r : rows)
            if (keep(r.s)) ids.push_back(r.id);
        return ids;
    };
    auto got = [&](sluice::predicate<Texty> p) { return ids_of(db.query<Texty>().where(std::move(p)).order_by(&Texty::id).all()); };
    for (const std::string& pattern : {std::string("a%"), std::string("\\_%"), std::string("a_"), std::string("%b"),
                                       std::string("a %"), emoji + "%", std::string("\xF4\x8F\xBF\xBF%"), std::string("%"),
                                       sluice::like_escape("a%") + "%", sluice::like_escape("a\\"), std::string("a\0_", 3)}) {
        INFO("pattern " << pattern);
        CHECK(got(col(&Texty::s).like(pattern)) == expect([&](const std::string& s) { return oracle::like(s, pattern); }));
        CHECK(got(!col(&Texty::s).like(pattern)) == expect([&](const std::string& s) { return !oracle::like(s, pattern); }));
    }
    CHECK(got(col(&Texty::s).between(" ", "  ")) == expect([](const std::string& s) { return s >= " " && s <= "  "; }));
    CHECK(got(col(&Texty::s).between("a", "b")) == expect([](const std::string& s) { return s >= "a" && s <= "b"; }));
    // A batched update filtered by like() changes exactly the matching rows.
    const auto matching = expect([](const std::string& s) { return oracle::like(s, "a%"); });
    CHECK(db.query<Texty>().where(col(&Texty::s).like("a%")).update_in_batches(2, sluice::set(&Texty::v, -1)) == matching.size());
    CHECK(got(col(&Texty::v) == -1) == matching);
    CHECK_THROWS_AS(col(&Texty::s).like("a\\"), sluice::error);  // a dangling escape
    // Patterns of any length (SQLite's own LIKE stops at 50,000 bytes).
    const std::string long_value = std::string(60000, 'z') + "end";
    Texty big{0, long_value, 99};
    db.insert(big);
    CHECK(got(col(&Texty::s).like(long_value)) == std::vector<std::int64_t>{big.id});
    CHECK(got(col(&Texty::s).like(std::string(60000, 'z') + "%")) == std::vector<std::int64_t>{big.id});
    CHECK(got(col(&Texty::s).like("%" + std::string(59999, 'z') + "_end")) == std::vector<std::int64_t>{big.id});
}

TEST_CASE("defect 5: like() on a composite text primary key") {
    sluice::session db = support::connect();
    db.drop_table<TextPair>();
    if (support::is_sqlite()) {
        db.create_table<TextPair>();
    } else {
        db.execute("CREATE TABLE text_pairs (a VARCHAR(100) NOT NULL, b VARCHAR(100) NOT NULL, v INT NOT NULL, "
                   "PRIMARY KEY (a, b)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin");
    }
    std::vector<TextPair> rows{{"a" + emoji, "1", 1}, {"_" + emoji, "2", 2}, {"a", "3", 3}, {"b", "4", 4}, {"a" + emoji, "0", 5}};
    db.insert_many(rows);
    CHECK(db.query<TextPair>().where(col(&TextPair::a).like("a%")).count() == 3);
    CHECK(db.query<TextPair>().where(col(&TextPair::a).like("\\_%")).count() == 1);
    std::vector<std::int32_t> seen;
    for (const TextPair& r : db.query<TextPair>().where(col(&TextPair::a).like("a%")).yield_per(1)) seen.push_back(r.v);
    CHECK(seen == std::vector<std::int32_t>{3, 5, 1});
    db.drop_table<TextPair>();
}

TEST_CASE("defect 7: queries and scans follow a moved session and fail clearly after it is destroyed") {
    std::optional<sluice::session> db(support::fresh<User>());
    db->insert_many(oracle::random_users(30, 5));
    const auto q = db->query<User>().order_by(&User::id);
    auto range = q.yield_per(4);
    auto it = range.begin();
    ++it;
    sluice::session moved = std::move(*db);  // the query and the open scan follow it
    CHECK(q.all().size() == 30);
    std::size_t rest = 0;
    for (; it != range.end(); ++it) ++rest;
    CHECK(rest == 29);
    CHECK_THROWS_WITH_AS(db->query<User>(), doctest::Contains("moved-from session"), sluice::error);
    CHECK_THROWS_AS(db->execute("SELECT 1"), sluice::error);

    const auto later = moved.query<User>().where(col(&User::age) > 3);
    auto open_scan = moved.query<User>().yield_per(4);
    auto at = open_scan.begin();
    { sluice::session gone = std::move(moved); }  // destroyed
    CHECK_THROWS_WITH_AS(later.all(), doctest::Contains("users: the session this query or scan was made on has been destroyed"),
                         sluice::error);
    CHECK_THROWS_AS(later.count(), sluice::error);
    CHECK_THROWS_AS(later.yield_per(2).begin(), sluice::error);
    CHECK_THROWS_AS([&] { for (int i = 0; i < 8; ++i) ++at; }(), sluice::error);  // the next page needs the session
}

TEST_CASE("defect 9: on a SQLite file a scan runs beside a writer that commits in a loop (WAL by default)") {
    auto db = support::fresh<User>();
    db.insert_many(oracle::random_users(20000, 9));
    const auto expected = ids_of(db.query<User>().order_by(&User::id).all());
    auto scan = [&] {
        std::vector<std::int64_t> seen;
        for (const User& u : db.query<User>().where(col(&User::id) <= expected.back()).yield_per(500)) seen.push_back(u.id);
        return seen;
    };
    auto t0 = std::chrono::steady_clock::now();
    CHECK(scan() == expected);
    const auto quiet = std::chrono::steady_clock::now() - t0;

    std::atomic<bool> stop{false};
    std::atomic<int> writes{0}, write_errors{0};
    std::thread writer([&] {
        auto w = support::connect();
        while (!stop) {
            try {
                auto tx = w.transaction();
                User u = oracle::random_users(1, static_cast<unsigned>(writes.load()))[0];
                w.insert(u);
                w.query<User>().where(col(&User::id) == u.id).update(sluice::set(&User::age, 1));
                tx.commit();
                ++writes;
            } catch (const sluice::error&) {
                ++write_errors;
            }
        }
    });
    std::vector<std::int64_t> seen;
    int read_errors = 0;
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
        try {
            seen = scan();
            CHECK(seen == expected);  // rows present for the whole scan: each exactly once
        } catch (const sluice::error& e) {
            ++read_errors;
            MESSAGE("reader error: " << e.what());
        }
    }
    const auto loaded = (std::chrono::steady_clock::now() - t0) / 3;
    stop = true;
    writer.join();
    CHECK(read_errors == 0);
    CHECK(write_errors == 0);
    CHECK(writes > 0);
    MESSAGE("scan beside a looping writer: " << std::chrono::duration<double>(loaded).count() / std::chrono::duration<double>(quiet).count()
                                              << "x the quiet scan, " << writes.load() << " writer transactions");
    if (support::is_sqlite()) {
        CHECK(db.scalar("PRAGMA journal_mode") == "wal");
        // The URL option chooses another journal (in a file of its own: the mode stays with the file).
        const char* dir = std::getenv("SLUICE_TEST_DIR");
        sluice::session rollback{"sqlite:///" + std::string(dir ? dir : ".") + "/journal_option.db?journal_mode=delete&synchronous=full"};
        CHECK(rollback.scalar("PRAGMA journal_mode") == "delete");
        CHECK(rollback.scalar("PRAGMA synchronous") == "2");  // FULL
    }
}

TEST_CASE("defect 10: resume tokens are honoured by all, first, count and exists, refused by writes") {
    auto db = support::fresh<User>();
    db.insert_many(oracle::random_users(50, 3));
    const auto q = db.query<User>().order_by(sluice::desc(&User::age)).where(col(&User::age) >= 2);
    const auto everything = q.all();
    auto range = q.yield_per(7);
    auto it = range.begin();
    for (int i = 0; i < 11; ++i) ++it;
    const auto token = range.token();  // after 12 rows
    const std::vector<User> rest(everything.begin() + 12, everything.end());
    CHECK(q.resume(token).all() == rest);
    CHECK(q.resume(token).count() == rest.size());
    CHECK(q.resume(token).first() == rest.front());
    CHECK(q.resume(token).exists());
    std::vector<std::tuple<std::int64_t>> rest_ids;
    for (const User& u : rest) rest_ids.emplace_back(u.id);
    CHECK(q.resume(token).select(&User::id) == rest_ids);
    // A limit counts the rows of the whole scan, as in yield_per.
    CHECK(q.limit(20).resume(token).all() == std::vector<User>(rest.begin(), rest.begin() + 8));
    CHECK(q.limit(20).resume(token).count() == 8);
    CHECK(q.limit(12).resume(token).all().empty());
    CHECK_FALSE(q.limit(12).resume(token).exists());
    std::vector<User> scanned;
    for (const User& u : q.limit(20).resume(token).yield_per(3)) scanned.push_back(u);
    CHECK(scanned == q.limit(20).resume(token).all());
    // The start token resumes from the beginning; a token of another query is refused.
    CHECK(q.resume(q.yield_per(5).token()).all() == everything);
    CHECK_THROWS_AS(db.query<User>().resume(token).all(), sluice::error);
    // A token's query fingerprint compares filters exactly: a control character or the last digit
    // of a double makes another query.
    const auto a = db.query<User>().where(col(&User::name) == std::string("x\x01"));
    const auto b = db.query<User>().where(col(&User::name) == std::string("x\x02"));
    CHECK_THROWS_WITH_AS(b.resume(a.yield_per(3).token()).all(), doctest::Contains("different query"), sluice::error);
    const auto c = db.query<User>().where(col(&User::score) < 0.1234561);
    const auto e = db.query<User>().where(col(&User::score) < 0.1234562);
    CHECK_THROWS_WITH_AS(e.resume(c.yield_per(3).token()).all(), doctest::Contains("different query"), sluice::error);
    CHECK(c.resume(c.yield_per(3).token()).all() == c.order_by(&User::id).all());  // resumed reads are in scan order
    CHECK_THROWS_AS(q.resume(token).update(sluice::set(&User::age, 1)), sluice::error);
    CHECK_THROWS_AS(q.resume(token).remove(), sluice::error);
    CHECK_THROWS_AS(q.resume(token).offset(2).all(), sluice::error);
    CHECK_THROWS_AS(q.resume(token).partitions(2), sluice::error);
    CHECK(db.query<User>().count() == 50);
}

TEST_CASE("defect 11: a session used by two threads at once is an error, not a crash") {
    auto db = support::fresh<User>();
    const std::string slow = support::is_sqlite()
                                 ? "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) SELECT count(*) FROM c"
                                 : "SELECT SLEEP(2)";
    std::optional<std::string> slow_result;
    std::atomic<bool> started{false};
    std::thread first([&] {
        started = true;
        slow_result = db.scalar(slow);
    });
    while (!started) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK_THROWS_WITH_AS(db.scalar("SELECT 1"), doctest::Contains("used by two threads at once"), sluice::error);
    first.join();
    CHECK(slow_result == (support::is_sqlite() ? "20000000" : "0"));
    CHECK(db.scalar("SELECT 1") == "1");  // usable again by one thread
}

TEST_CASE("defect 11: update() and update_in_batches() both return rows matched, changed or not") {
    auto db = support::fresh<User>();
    db.insert_many(oracle::random_users(40, 8));
    const auto q = db.query<User>().where(col(&User::age) < 10);
    const std::uint64_t matching = q.count();
    CHECK(q.update(sluice::set(&User::bio, "same")) == matching);
    CHECK(q.update(sluice::set(&User::bio, "same")) == matching);  // nothing changes: still matched
    CHECK(q.update_in_batches(7, sluice::set(&User::bio, "same")) == matching);
}
