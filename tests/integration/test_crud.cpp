// Single rows: insert, get, update, remove and upsert, every field type, composite keys.
#include <doctest/doctest.h>

#include <cstring>
#include <limits>

#include "../models.hpp"
#include "../support.hpp"

using namespace std::string_literals;
using models::AllTypes;
using models::OrgMembership;
using models::User;

namespace {

sluice::blob bytes_of(std::string_view s) {
    sluice::blob b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

AllTypes extremes_low() {
    AllTypes v;
    v.i8 = std::numeric_limits<std::int8_t>::min();
    v.i16 = std::numeric_limits<std::int16_t>::min();
    v.i32 = std::numeric_limits<std::int32_t>::min();
    v.i64 = std::numeric_limits<std::int64_t>::min();
    v.u8 = 0;
    v.u16 = 0;
    v.u32 = 0;
    v.u64 = 0;
    v.flag = false;
    v.f32 = -3.4028234e38f;
    v.f64 = -1.7976931348623157e308;
    v.text = "";
    v.bytes = {};
    v.at = support::at(support::backend().min_year == 0 ? 1 : 1000, 1, 1, 0, 0, 0, 1);
    v.day = std::chrono::sys_days{std::chrono::year{1000} / 1 / 1};
    v.lvl = models::level::low;
    return v;  // every optional stays NULL
}

AllTypes extremes_high() {
    AllTypes v;
    v.i8 = std::numeric_limits<std::int8_t>::max();
    v.i16 = std::numeric_limits<std::int16_t>::max();
    v.i32 = std::numeric_limits<std::int32_t>::max();
    v.i64 = std::numeric_limits<std::int64_t>::max();
    v.u8 = std::numeric_limits<std::uint8_t>::max();
    v.u16 = std::numeric_limits<std::uint16_t>::max();
    v.u32 = std::numeric_limits<std::uint32_t>::max();
    v.u64 = support::backend().max_unsigned;
    v.flag = true;
    v.f32 = 3.4028234e38f;
    v.f64 = 2.2250738585072014e-308;
    v.text = std::string(64 * 1024, 'x') + "\xF0\x9F\x90\x9F tail";  // 64 KiB + a 4-byte UTF-8 fish
    v.bytes = bytes_of(std::string_view("\0\x01\xFF\0binary\0", 10));
    v.at = support::at(9999, 12, 31, 23, 59, 59, 999999);
    v.day = std::chrono::sys_days{std::chrono::year{9999} / 12 / 31};
    v.lvl = models::level::high;
    v.maybe_i32 = -1;
    v.maybe_u64 = support::backend().max_unsigned;
    v.maybe_f64 = 0.1;
    v.maybe_flag = false;
    v.maybe_text = "nul\0inside, 'quotes', \\backslash\\, `ticks`, :name, ?"s;
    v.maybe_bytes = sluice::blob{};
    v.maybe_at = support::at(2024, 2, 29, 12, 0, 0, 123456);
    v.maybe_day = std::chrono::sys_days{std::chrono::year{2000} / 2 / 29};
    v.maybe_lvl = models::level::high;
    return v;
}

}  // namespace

TEST_CASE("insert assigns the auto-increment key and get reads the row back") {
    auto db = support::fresh<User>();
    User a{0, "ada", 36, 99.5, support::at(2024, 5, 1, 10, 30, 0, 250), std::nullopt};
    User b{0, "bob", 41, -1.25, support::at(1999, 12, 31, 23, 59, 59, 999999), "likes SQL"};
    db.insert(a);
    db.insert(b);
    CHECK(a.id > 0);
    CHECK(b.id > a.id);  // not a.id + 1: replication setups step by auto_increment_increment
    CHECK(db.get<User>(a.id) == a);
    CHECK(db.get<User>(b.id) == b);
    CHECK_FALSE(db.get<User>(b.id + 100).has_value());
}

TEST_CASE("an explicit key is inserted as given") {
    auto db = support::fresh<User>();
    User u{4242, "explicit", 1, 0, support::at(2020, 1, 1), std::nullopt};
    db.insert(u);
    CHECK(u.id == 4242);
    CHECK(db.get<User>(4242)->name == "explicit");
}

TEST_CASE("every field type round-trips, at both ends of its range, with NULLs") {
    auto db = support::fresh<AllTypes>();
    AllTypes low = extremes_low();
    AllTypes high = extremes_high();
    db.insert(low);
    db.insert(high);
    const auto low_back = db.get<AllTypes>(low.id);
    const auto high_back = db.get<AllTypes>(high.id);
    REQUIRE(low_back);
    REQUIRE(high_back);
    auto same = [](AllTypes back, const AllTypes& sent) {
        if (!support::float_exact()) {
            CHECK(back.f32 == doctest::Approx(sent.f32).epsilon(1e-5));
            back.f32 = sent.f32;
        }
        return back == sent;
    };
    CHECK(same(*low_back, low));
    CHECK(same(*high_back, high));
    CHECK(high_back->text.size() == 64 * 1024 + 9);
    CHECK(high_back->maybe_text->find(std::string_view("\0", 1)) == 3);  // the NUL survived
    CHECK(high_back->bytes.size() == 10);
}

TEST_CASE("large values grow the read buffers and later rows still read correctly") {
    auto db = support::fresh<User>();
    User big{0, std::string(3 * 1024 * 1024, 'b'), 1, 0, support::at(2024, 1, 1), std::string(300, 'c')};
    User small{0, "s", 2, 0, support::at(2024, 1, 2), "d"};
    db.insert(big);
    db.insert(small);
    CHECK(db.get<User>(big.id) == big);
    CHECK(db.get<User>(small.id) == small);
    CHECK(db.get<User>(big.id) == big);
}

TEST_CASE("update writes every non-key column; a missing row is an error") {
    auto db = support::fresh<User>();
    User u{0, "before", 20, 1.5, support::at(2024, 1, 1), "bio"};
    db.insert(u);
    u.name = "after";
    u.age = 21;
    u.bio.reset();
    db.update(u);
    CHECK(db.get<User>(u.id) == u);
    db.update(u);  // unchanged values still count as a matched row

    User ghost = u;
    ghost.id = u.id + 1000;
    CHECK_THROWS_WITH_AS(db.update(ghost), doctest::Contains("update of users matched no row with id="), sluice::error);
}

TEST_CASE("remove deletes by key and reports whether a row was there") {
    auto db = support::fresh<User>();
    User u{0, "gone", 1, 0, support::at(2024, 1, 1), std::nullopt};
    db.insert(u);
    CHECK(db.remove(u));
    CHECK_FALSE(db.get<User>(u.id));
    CHECK_FALSE(db.remove(u));
}

TEST_CASE("upsert inserts, then updates the row with the same key") {
    auto db = support::fresh<User>();
    User u{0, "first", 1, 0, support::at(2024, 1, 1), std::nullopt};
    db.upsert(u);
    REQUIRE(u.id > 0);
    u.name = "second";
    u.age = 2;
    db.upsert(u);
    CHECK(db.get<User>(u.id) == u);
    CHECK(db.scalar("SELECT COUNT(*) FROM users") == "1");
}

TEST_CASE("composite keys: get, update, remove and upsert use every key column") {
    auto db = support::fresh<OrgMembership>();
    OrgMembership a{1, 10, "owner", std::chrono::sys_days{std::chrono::year{2020} / 1 / 1}};
    OrgMembership b{1, 11, "member", std::nullopt};
    OrgMembership c{2, 10, "member", std::nullopt};
    db.insert(a);
    db.insert(b);
    db.insert(c);
    CHECK(db.get<OrgMembership>(1, 10) == a);
    CHECK(db.get<OrgMembership>(2, 10) == c);
    CHECK_FALSE(db.get<OrgMembership>(2, 11));
    b.role = "admin";
    db.update(b);
    CHECK(db.get<OrgMembership>(1, 11)->role == "admin");
    CHECK(db.get<OrgMembership>(1, 10)->role == "owner");
    CHECK(db.remove(a));
    CHECK(db.get<OrgMembership>(1, 11));
    OrgMembership d{3, 30, "new", std::nullopt};
    db.upsert(d);
    d.role = "changed";
    db.upsert(d);
    CHECK(db.get<OrgMembership>(3, 30) == d);
    CHECK_THROWS_WITH_AS((void)db.get<OrgMembership>(1), doctest::Contains("2 column(s), 1 value(s)"), sluice::error);
}

TEST_CASE("values that look like SQL are data: execute binds, never splices") {
    auto db = support::fresh<User>();
    const std::string tricky[] = {"x' OR '1'='1", "a\\' OR 1=1 -- ", "`users`", ":name", "?", "nul\0byte"s, "'; DROP TABLE users; --"};
    for (const std::string& s : tricky) {
        User u{0, s, 1, 0, support::at(2024, 1, 1), s};
        db.insert(u);
        CHECK(db.get<User>(u.id)->name == s);
    }
    const std::uint64_t deleted = db.execute("DELETE FROM users WHERE name = ?", "x' OR '1'='1");
    if (support::raw_delete_counts_rows()) CHECK(deleted == 1);
    CHECK(db.scalar("SELECT COUNT(*) FROM users") == std::to_string(std::size(tricky) - 1));
    CHECK(db.scalar("SELECT COUNT(*) FROM users WHERE name = ?", "nul\0byte"s) == "1");
}

TEST_CASE("create_table is idempotent and verify accepts the table it made") {
    auto db = support::fresh<User, AllTypes, OrgMembership>();
    db.create_table<User>();
    db.verify<User>();
    db.verify<AllTypes>();
    db.verify<OrgMembership>();
}

TEST_CASE("the statement log sees SQL, bound values and row counts") {
    auto db = support::fresh<User>();
    std::vector<std::string> sql, values;
    db.on_statement([&](const sluice::statement_event& e) {
        sql.emplace_back(e.sql);
        for (const auto& v : e.values) values.push_back(v);
    });
    User u{0, "logged", 7, 0, support::at(2024, 1, 1), std::nullopt};
    db.insert(u);
    REQUIRE(sql.size() == 1);
    CHECK(sql[0].find("INSERT INTO") == 0);
    CHECK(std::find(values.begin(), values.end(), "'logged'") != values.end());
    CHECK(std::find(values.begin(), values.end(), "NULL") != values.end());
}
