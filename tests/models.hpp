// Models shared by tests, benchmarks and examples; their DDL per dialect is in schema/.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <sluice/sluice.hpp>

namespace models {

struct User {
    static constexpr std::string_view table_name = "users";
    static constexpr std::array<std::string_view, 2> indexes{"age", "created_at"};
    std::int64_t id = 0;
    std::string name;
    std::int32_t age = 0;
    double score = 0;
    sluice::datetime created_at{};
    std::optional<std::string> bio;
    bool operator==(const User&) const = default;
};

// The same columns in a table of its own: the write benchmarks fill and empty it without
// touching the scan benchmark's users table.
struct UsersCopy {
    static constexpr std::string_view table_name = "users_copy";
    static constexpr std::array<std::string_view, 1> indexes{"age"};
    std::int64_t id = 0;
    std::string name;
    std::int32_t age = 0;
    double score = 0;
    sluice::datetime created_at{};
    std::optional<std::string> bio;
};

enum class level : std::int16_t { low = -7, high = 300 };

// One field of every supported type, nullable and not.
struct AllTypes {
    std::int64_t id = 0;
    std::int8_t i8 = 0;
    std::int16_t i16 = 0;
    std::int32_t i32 = 0;
    std::int64_t i64 = 0;
    std::uint8_t u8 = 0;
    std::uint16_t u16 = 0;
    std::uint32_t u32 = 0;
    std::uint64_t u64 = 0;
    bool flag = false;
    float f32 = 0;
    double f64 = 0;
    std::string text;
    sluice::blob bytes;
    sluice::datetime at{};
    sluice::date day{};
    level lvl = level::low;
    std::optional<std::int32_t> maybe_i32;
    std::optional<std::uint64_t> maybe_u64;
    std::optional<double> maybe_f64;
    std::optional<bool> maybe_flag;
    std::optional<std::string> maybe_text;
    std::optional<sluice::blob> maybe_bytes;
    std::optional<sluice::datetime> maybe_at;
    std::optional<sluice::date> maybe_day;
    std::optional<level> maybe_lvl;
    bool operator==(const AllTypes&) const = default;
};

// Composite primary key, no auto-increment; default table name "org_membership".
struct OrgMembership {
    static constexpr std::array<std::string_view, 2> primary_key{"org_id", "user_id"};
    std::int64_t org_id = 0;
    std::int64_t user_id = 0;
    std::string role;
    std::optional<sluice::date> since;
    bool operator==(const OrgMembership&) const = default;
};

enum class ProductStatus { draft, live, retired };
enum class ProductTag { sale, new_in, gift };

// An existing-schema style model: string key, column options, labels, decimal, year, unique and
// composite text indexes, a reserved-word column and a server-filled time.
struct Product {
    static constexpr std::string_view table_name = "products";
    static constexpr std::array<std::string_view, 1> primary_key{"sku"};
    static constexpr std::array<std::string_view, 1> indexes{"category,name"};
    static constexpr std::array<std::string_view, 1> unique_indexes{"name"};
    static constexpr sluice::column_option columns[] = {
        {.field = "name", .column = "title", .sql_type = "VARCHAR(128)"},
        {.field = "price", .sql_type = "DECIMAL(10,2)"},
        {.field = "seq", .column = "order"},
        {.field = "updated_at", .sql_type = "TIMESTAMP(3)", .server_default = true},
    };
    std::string sku;
    std::string name;
    std::string category;
    sluice::decimal price;
    ProductStatus status = ProductStatus::draft;
    std::set<ProductTag> tags;
    std::optional<std::chrono::year> launched;
    std::int32_t seq = 0;
    std::optional<std::string> notes;
    sluice::datetime updated_at{};
    bool operator==(const Product&) const = default;
};

// Joins (tests/integration/test_joins.cpp, bench/join_scan.cpp): salaries of employees in
// departments. A salary's emp_no may be NULL or name no employee, an employee's dept_id too: the
// left joins' missing parents.
struct Department {
    static constexpr std::string_view table_name = "depts";  // "departments" is test_existing_schema's
    std::int64_t id = 0;
    std::string name;
    bool operator==(const Department&) const = default;
};

struct Employee {
    static constexpr std::string_view table_name = "employees";
    static constexpr std::array<std::string_view, 1> primary_key{"emp_no"};
    static constexpr bool auto_increment = false;
    static constexpr std::array<std::string_view, 2> indexes{"hire_date", "dept_id"};
    std::int64_t emp_no = 0;
    std::string name;
    sluice::date hire_date{};
    std::optional<std::int64_t> dept_id;
    bool operator==(const Employee&) const = default;
};

struct Salary {
    static constexpr std::string_view table_name = "salaries";
    static constexpr std::array<std::string_view, 2> indexes{"from_date", "emp_no"};
    std::int64_t id = 0;
    std::optional<std::int64_t> emp_no;
    std::int32_t amount = 0;
    sluice::date from_date{};
    std::optional<std::string> note;
    bool operator==(const Salary&) const = default;
};

}  // namespace models

template <> inline constexpr auto sluice::enum_labels<models::ProductStatus> =
    std::array<std::string_view, 3>{"draft", "live", "retired"};
template <> inline constexpr auto sluice::enum_labels<models::ProductTag> =
    std::array<std::string_view, 3>{"sale", "new-in", "gift"};
