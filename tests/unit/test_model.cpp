// Reflection: names, keys, kinds, offsets, read without a database.
#include <doctest/doctest.h>

#include "../models.hpp"

namespace {

struct HTTPRequestLog {
    std::int64_t id = 0;
    std::string path;
};

namespace deeply::nested {
struct OrderLine {
    std::uint32_t id = 0;
    std::optional<double> price;
};
}  // namespace deeply::nested

struct FixedKey {
    static constexpr bool auto_increment = false;
    std::int64_t id = 0;
    std::string label;
};

struct StringKey {
    static constexpr std::array<std::string_view, 1> primary_key{"code"};
    std::string code;
    std::int32_t rank = 0;
};

}  // namespace

TEST_CASE("field names come from the struct, in declaration order") {
    const sluice::table_info& t = sluice::table_of<models::User>();
    REQUIRE(t.columns.size() == 6);
    const char* expected[] = {"id", "name", "age", "score", "created_at", "bio"};
    for (std::size_t i = 0; i < 6; ++i) CHECK(t.columns[i].name == expected[i]);
}

TEST_CASE("table name: explicit table_name, else snake_case of the unqualified type name") {
    CHECK(sluice::table_of<models::User>().name == "users");
    CHECK(sluice::table_of<models::OrgMembership>().name == "org_membership");
    CHECK(sluice::table_of<HTTPRequestLog>().name == "http_request_log");
    CHECK(sluice::table_of<deeply::nested::OrderLine>().name == "order_line");
}

TEST_CASE("primary key: the id field, or the declared list in its order") {
    const auto& user = sluice::table_of<models::User>();
    REQUIRE(user.primary_key.size() == 1);
    CHECK(user.columns[user.primary_key[0]].name == "id");
    CHECK(user.auto_increment);

    const auto& m = sluice::table_of<models::OrgMembership>();
    REQUIRE(m.primary_key.size() == 2);
    CHECK(m.columns[m.primary_key[0]].name == "org_id");
    CHECK(m.columns[m.primary_key[1]].name == "user_id");
    CHECK_FALSE(m.auto_increment);
    CHECK(m.columns[0].primary_key);
    CHECK_FALSE(m.columns[2].primary_key);

    CHECK_FALSE(sluice::table_of<FixedKey>().auto_increment);
    const auto& s = sluice::table_of<StringKey>();
    CHECK_FALSE(s.auto_increment);  // only integer keys are generated
    CHECK(s.columns[s.primary_key[0]].name == "code");
}

TEST_CASE("column kinds and nullability follow the field types") {
    using sluice::column_kind;
    const auto& t = sluice::table_of<models::AllTypes>();
    auto kind = [&](std::string_view name) { return t.find(name)->kind; };
    auto nullable = [&](std::string_view name) { return t.find(name)->nullable; };
    CHECK(kind("i8") == column_kind::int8);
    CHECK(kind("i16") == column_kind::int16);
    CHECK(kind("i32") == column_kind::int32);
    CHECK(kind("i64") == column_kind::int64);
    CHECK(kind("u8") == column_kind::uint8);
    CHECK(kind("u16") == column_kind::uint16);
    CHECK(kind("u32") == column_kind::uint32);
    CHECK(kind("u64") == column_kind::uint64);
    CHECK(kind("flag") == column_kind::boolean);
    CHECK(kind("f32") == column_kind::float32);
    CHECK(kind("f64") == column_kind::float64);
    CHECK(kind("text") == column_kind::text);
    CHECK(kind("bytes") == column_kind::blob);
    CHECK(kind("at") == column_kind::datetime);
    CHECK(kind("day") == column_kind::date);
    CHECK(kind("lvl") == column_kind::int16);  // enum -> its underlying type
    CHECK(kind("maybe_lvl") == column_kind::int16);
    CHECK_FALSE(nullable("text"));
    CHECK(nullable("maybe_text"));
    CHECK(nullable("maybe_day"));
    CHECK(t.find("no_such_column") == nullptr);
}

TEST_CASE("member pointers map to their column") {
    CHECK(sluice::column_index(&models::User::id) == 0);
    CHECK(sluice::column_index(&models::User::age) == 2);
    CHECK(sluice::column_index(&models::User::bio) == 5);
    CHECK(sluice::column_index(&models::OrgMembership::since) == 3);
}

TEST_CASE("indexes: each entry one index, comma-separated names a composite index") {
    const auto& t = sluice::table_of<models::User>();
    REQUIRE(t.indexes.size() == 2);
    CHECK(t.indexes[0] == std::vector<std::size_t>{2});
    CHECK(t.indexes[1] == std::vector<std::size_t>{4});
}

TEST_CASE("the model concept accepts models and rejects non-aggregates") {
    struct with_constructor {
        explicit with_constructor(int) {}
        std::int64_t id;
    };
    static_assert(sluice::model<models::User>);
    static_assert(!sluice::model<with_constructor>);
    static_assert(!sluice::model<int>);
    CHECK(true);  // the checks above are compile-time
}
