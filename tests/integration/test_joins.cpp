// Joins keyset-paged on the query's own model: every page size, resume position, batch, limit and
// partition against the join computed in C++ from the base tables.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "../models.hpp"
#include "../support.hpp"

using models::Department;
using models::Employee;
using models::Salary;
using sluice::col;
using sluice::desc;

namespace {

struct tables {
    std::vector<Department> departments;
    std::vector<Employee> employees;
    std::vector<Salary> salaries;
};

// Random tables with ties in every order key, salaries without an employee (NULL or a missing
// emp_no), employees without salaries or a department, and many salaries per employee.
tables random_tables(sluice::session& db, unsigned seed, int employees, int salaries) {
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    tables t;
    for (int i = 1; i <= 4; ++i) t.departments.push_back({i, i % 2 ? "ops" : "dev"});
    for (int i = 1; i <= employees; ++i) {
        Employee e{i * 10, "e" + std::to_string(pick(5)), support::day(2000 + pick(4), 1, 1), std::nullopt};
        const int dept = pick(6);
        if (dept < 4) e.dept_id = dept + 1;
        else if (dept == 4) e.dept_id = 99;  // no such department
        t.employees.push_back(e);
    }
    for (int i = 0; i < salaries; ++i) {
        Salary s{0, std::nullopt, 1000 + pick(50), support::day(2020, 1, 1 + static_cast<unsigned>(pick(6))), std::nullopt};
        const int who = pick(10);
        if (who == 8) s.emp_no = 7;  // no such employee
        else if (who != 9) s.emp_no = (1 + pick(employees)) * 10;
        if (pick(3) == 0) s.note = "n" + std::to_string(pick(3));
        t.salaries.push_back(s);
    }
    db.insert_many(t.departments);
    db.insert_many(t.employees);
    // One at a time: ids come back.
    for (Salary& s : t.salaries) db.insert(s);
    return t;
}

const Employee* employee_of(const tables& t, std::optional<std::int64_t> emp_no) {
    if (!emp_no) return nullptr;
    for (const Employee& e : t.employees)
        if (e.emp_no == *emp_no) return &e;
    return nullptr;
}
const Department* department_of(const tables& t, std::optional<std::int64_t> id) {
    if (!id) return nullptr;
    for (const Department& d : t.departments)
        if (d.id == *id) return &d;
    return nullptr;
}

// NULL sorts first, as on both backends.
template <class X> bool null_first_less(const std::optional<X>& a, const std::optional<X>& b) { return !a ? bool(b) : b && *a < *b; }

template <class Q> auto scan(const Q& q, std::size_t page) {
    std::vector<typename Q::row_type> out;
    for (const auto& row : q.yield_per(page)) out.push_back(row);
    return out;
}
template <class Q> auto scan_batches(const Q& q, std::size_t page) {
    std::vector<typename Q::row_type> out;
    for (auto batch : q.batches(page)) {
        CHECK(batch.size() <= page);
        out.insert(out.end(), batch.begin(), batch.end());
    }
    return out;
}

// Every page size the issue names, by yield_per and batches, and the unpaged ordered all().
template <class Q, class Row> void check_pages(const Q& q, const std::vector<Row>& expected) {
    REQUIRE(q.all() == expected);
    const std::size_t n = expected.size();
    for (std::size_t page : {std::size_t{1}, std::size_t{2}, std::size_t{7}, n > 1 ? n - 1 : 1, std::max<std::size_t>(n, 1), n + 1}) {
        CAPTURE(page);
        CHECK(scan(q, page) == expected);
        CHECK(scan_batches(q, page) == expected);
    }
    CHECK(q.count() == n);
}

}  // namespace

TEST_CASE("join: an inner join pages exactly as the C++ join of its tables, at every page size") {
    auto db = support::fresh<Department, Employee, Salary>();
    const tables t = random_tables(db, 11, 12, 70);
    using row = std::tuple<Salary, Employee>;
    std::vector<row> joined;
    for (const Salary& s : t.salaries)
        if (const Employee* e = employee_of(t, s.emp_no)) joined.emplace_back(s, *e);
    auto by_date = [](const row& a, const row& b) {
        return std::tie(std::get<0>(a).from_date, std::get<0>(a).id) < std::tie(std::get<0>(b).from_date, std::get<0>(b).id);
    };
    std::sort(joined.begin(), joined.end(), by_date);
    REQUIRE(joined.size() > 30);

    const auto q = db.query<Salary>().join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no)).order_by(&Salary::from_date);
    static_assert(std::is_same_v<decltype(q)::row_type, row>);
    check_pages(q, joined);

    // Structured bindings: the models of the current row.
    std::size_t i = 0;
    for (const auto& [s, e] : q.yield_per(5)) {
        CHECK(s == std::get<0>(joined[i]));
        CHECK(e == std::get<1>(joined[i]));
        CHECK(*s.emp_no == e.emp_no);
        ++i;
    }
    CHECK(i == joined.size());

    SUBCASE("where() on the joined model's columns, and comparing the two models' columns") {
        const sluice::date hired = support::day(2002, 1, 1);
        std::vector<row> expected;
        for (const row& r : joined)
            if (std::get<1>(r).hire_date >= hired && std::get<0>(r).amount > 1010) expected.push_back(r);
        check_pages(q.where(col(&Employee::hire_date) >= hired).where(col(&Salary::amount) > 1010), expected);
        check_pages(q.where(col(&Employee::hire_date) >= hired && col(&Salary::amount) > 1010), expected);
        // Arithmetic on each side, over different models.
        const auto cross = q.where(col(&Employee::emp_no) * 0 + 20 < col(&Salary::amount) / 50);
        std::vector<row> cheap;
        for (const row& r : joined)
            if (20 < std::get<0>(r).amount / 50) cheap.push_back(r);
        check_pages(cross, cheap);
        check_pages(q.where(col(&Salary::from_date) > col(&Employee::hire_date)), joined);
    }
    SUBCASE("descending, and by a joined model's column") {
        std::vector<row> expected = joined;
        std::sort(expected.begin(), expected.end(), [](const row& a, const row& b) {
            return std::tie(std::get<0>(b).from_date, std::get<0>(b).id) < std::tie(std::get<0>(a).from_date, std::get<0>(a).id);
        });
        check_pages(db.query<Salary>().join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no)).order_by(desc(&Salary::from_date)), expected);
        std::sort(expected.begin(), expected.end(), [](const row& a, const row& b) {
            return std::tie(std::get<1>(a).name, std::get<0>(b).amount, std::get<0>(a).id) <
                   std::tie(std::get<1>(b).name, std::get<0>(a).amount, std::get<0>(b).id);
        });
        check_pages(db.query<Salary>()
                        .join<Employee>(col(&Employee::emp_no) == col(&Salary::emp_no))
                        .order_by(&Employee::name)
                        .order_by(desc(&Salary::amount)),
                    expected);
    }
}

TEST_CASE("join: a left join keeps rows without a match: NULL join columns and missing parents") {
    auto db = support::fresh<Department, Employee, Salary>();
    const tables t = random_tables(db, 12, 10, 60);
    using row = std::tuple<Salary, std::optional<Employee>>;
    std::vector<row> joined;
    for (const Salary& s : t.salaries) {
        const Employee* e = employee_of(t, s.emp_no);
        joined.emplace_back(s, e ? std::optional<Employee>(*e) : std::nullopt);
    }
    REQUIRE(std::count_if(joined.begin(), joined.end(), [](const row& r) { return !std::get<1>(r); }) > 3);
    const auto q = db.query<Salary>().left_join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no));
    static_assert(std::is_same_v<decltype(q)::row_type, row>);

    std::vector<row> by_id = joined;
    std::sort(by_id.begin(), by_id.end(), [](const row& a, const row& b) { return std::get<0>(a).id < std::get<0>(b).id; });
    check_pages(q.order_by(&Salary::id), by_id);

    // By the joined model's nullable hire date (NULL for a missing employee: first ascending,
    // last descending), then the salary's key.
    auto hire = [](const row& r) { return std::get<1>(r) ? std::optional(std::get<1>(r)->hire_date) : std::nullopt; };
    std::vector<row> by_hire = joined;
    std::sort(by_hire.begin(), by_hire.end(), [&](const row& a, const row& b) {
        if (hire(a) != hire(b)) return null_first_less(hire(a), hire(b));
        return std::get<0>(a).id < std::get<0>(b).id;
    });
    check_pages(q.order_by(&Employee::hire_date), by_hire);
    std::reverse(by_hire.begin(), by_hire.end());
    check_pages(q.order_by(desc(&Employee::hire_date)), by_hire);

    // is_null on the joined model finds the salaries without an employee.
    std::vector<row> orphans;
    for (const row& r : by_id)
        if (!std::get<1>(r)) orphans.push_back(r);
    check_pages(q.where(col(&Salary::emp_no).is_null() || col(&Salary::emp_no) == 7).order_by(&Salary::id), orphans);
    check_pages(q.where(sluice::unmatched<Employee>()).order_by(&Salary::id), orphans);
}

TEST_CASE("join: one-to-many fan-out pages by both keys, inner and left, ascending and descending") {
    auto db = support::fresh<Department, Employee, Salary>();
    const tables t = random_tables(db, 13, 14, 50);
    using row = std::tuple<Employee, std::optional<Salary>>;
    std::vector<row> joined;
    for (const Employee& e : t.employees) {
        bool any = false;
        for (const Salary& s : t.salaries)
            if (s.emp_no == e.emp_no) {
                joined.emplace_back(e, s);
                any = true;
            }
        if (!any) joined.emplace_back(e, std::nullopt);
    }
    auto salary_id = [](const row& r) { return std::get<1>(r) ? std::optional(std::get<1>(r)->id) : std::nullopt; };
    auto ascending = [&](const row& a, const row& b) {
        const Employee& x = std::get<0>(a);
        const Employee& y = std::get<0>(b);
        if (std::tie(x.hire_date, x.emp_no) != std::tie(y.hire_date, y.emp_no)) return std::tie(x.hire_date, x.emp_no) < std::tie(y.hire_date, y.emp_no);
        return null_first_less(salary_id(a), salary_id(b));
    };
    std::sort(joined.begin(), joined.end(), ascending);
    REQUIRE(std::count_if(joined.begin(), joined.end(), [](const row& r) { return !std::get<1>(r); }) > 0);

    const auto left = db.query<Employee>().left_join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no));
    check_pages(left.order_by(&Employee::hire_date), joined);
    std::vector<row> reversed(joined.rbegin(), joined.rend());
    check_pages(left.order_by(desc(&Employee::hire_date)), reversed);

    using inner_row = std::tuple<Employee, Salary>;
    std::vector<inner_row> inner;
    for (const row& r : joined)
        if (std::get<1>(r)) inner.emplace_back(std::get<0>(r), *std::get<1>(r));
    check_pages(db.query<Employee>().join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no)).order_by(&Employee::hire_date), inner);
    // where() on the many side
    std::vector<inner_row> big;
    for (const inner_row& r : inner)
        if (std::get<1>(r).amount >= 1025) big.push_back(r);
    check_pages(db.query<Employee>()
                    .join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no))
                    .where(col(&Salary::amount) >= 1025)
                    .order_by(&Employee::hire_date),
                big);
}

TEST_CASE("join: three models, inner then left") {
    auto db = support::fresh<Department, Employee, Salary>();
    const tables t = random_tables(db, 14, 12, 60);
    using row = std::tuple<Salary, Employee, std::optional<Department>>;
    std::vector<row> joined;
    for (const Salary& s : t.salaries)
        if (const Employee* e = employee_of(t, s.emp_no)) {
            const Department* d = department_of(t, e->dept_id);
            joined.emplace_back(s, *e, d ? std::optional(*d) : std::nullopt);
        }
    auto dept = [](const row& r) { return std::get<2>(r) ? std::optional(std::get<2>(r)->name) : std::nullopt; };
    std::sort(joined.begin(), joined.end(), [&](const row& a, const row& b) {
        if (dept(a) != dept(b)) return null_first_less(dept(a), dept(b));
        return std::get<0>(a).id < std::get<0>(b).id;
    });
    REQUIRE(std::count_if(joined.begin(), joined.end(), [](const row& r) { return !std::get<2>(r); }) > 0);
    const auto q = db.query<Salary>()
                       .join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no))
                       .left_join<Department>(col(&Employee::dept_id) == col(&Department::id))
                       .order_by(&Department::name);
    static_assert(std::is_same_v<decltype(q)::row_type, row>);
    check_pages(q, joined);
    std::size_t n = 0;
    for (const auto& [s, e, d] : q.yield_per(4)) {
        CHECK(*s.emp_no == e.emp_no);
        if (d) CHECK(e.dept_id == d->id);
        ++n;
    }
    CHECK(n == joined.size());

    std::vector<row> dev;
    for (const row& r : joined)
        if (dept(r) == "dev" || !dept(r)) dev.push_back(r);
    check_pages(q.where(col(&Department::name) == "dev" || col(&Employee::dept_id).is_null() || col(&Employee::dept_id) == 99), dev);
}

TEST_CASE("join: resume from every position, by yield_per and all()") {
    auto db = support::fresh<Department, Employee, Salary>();
    (void)random_tables(db, 15, 5, 14);
    const auto q = db.query<Employee>()
                       .left_join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no))
                       .order_by(desc(&Employee::name));
    const auto expected = q.all();
    REQUIRE(expected.size() >= 10);
    for (std::size_t i = 0; i <= expected.size(); ++i) {
        CAPTURE(i);
        auto range = q.yield_per(3);
        std::string token = range.token();
        std::string before;
        std::size_t seen = 0;
        for (auto it = range.begin(); it != range.end() && seen < i; ++it) {
            ++seen;
            if (seen == i) {
                token = range.token();
                before = range.token_before_current();
            }
        }
        const decltype(expected) rest(expected.begin() + static_cast<std::ptrdiff_t>(i), expected.end());
        CHECK(scan(q.resume(token), 2) == rest);
        CHECK(q.resume(token).all() == rest);
        CHECK(q.resume(token).count() == rest.size());
        if (i > 0) {
            const decltype(expected) again(expected.begin() + static_cast<std::ptrdiff_t>(i - 1), expected.end());
            CHECK(scan(q.resume(before), 4) == again);
        }
    }
    // A token resumes only the join it came from.
    auto range = q.yield_per(2);
    (void)range.begin();
    const std::string token = range.token();
    const auto inner = db.query<Employee>().join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no)).order_by(desc(&Employee::name));
    CHECK_THROWS_WITH_AS(scan(inner.resume(token), 2), doctest::Contains("belongs to a different query"), sluice::error);
    CHECK_THROWS_WITH_AS(db.query<Employee>().order_by(desc(&Employee::name)).resume(token).all(),
                         doctest::Contains("belongs to a different query"), sluice::error);
}

TEST_CASE("join: limit, first, exists and partitions") {
    auto db = support::fresh<Department, Employee, Salary>();
    (void)random_tables(db, 16, 9, 40);
    const auto q = db.query<Employee>().left_join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no)).order_by(&Employee::hire_date);
    const auto all = q.all();
    REQUIRE(all.size() > 20);
    for (std::uint64_t n : {1u, 7u, 20u}) {
        const decltype(all) head(all.begin(), all.begin() + n);
        CHECK(scan(q.limit(n), 3) == head);
        CHECK(scan_batches(q.limit(n), 6) == head);
        CHECK(q.limit(n).all() == head);
        CHECK(q.limit(n).count() == n);
    }
    CHECK(q.first() == all.front());
    CHECK(q.exists());
    CHECK_FALSE(q.where(col(&Salary::amount) > 5000).exists());
    const decltype(all) window(all.begin() + 5, all.begin() + 9);
    CHECK(q.limit(4).offset(5).all() == window);
    // A limited scan resumed continues to the same limit.
    auto range = q.limit(10).yield_per(3);
    auto it = range.begin();
    for (int i = 0; i < 4; ++i) ++it;
    CHECK(scan(q.limit(10).resume(range.token()), 4) == decltype(all)(all.begin() + 5, all.begin() + 10));

    // Parts are ranges of the employees' key: each employee's rows in one part, every row once.
    auto sorted = [](auto rows) {
        std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            const auto ida = std::get<1>(a) ? std::get<1>(a)->id : -1;
            const auto idb = std::get<1>(b) ? std::get<1>(b)->id : -1;
            return std::tie(std::get<0>(a).emp_no, ida) < std::tie(std::get<0>(b).emp_no, idb);
        });
        return rows;
    };
    for (std::size_t k : {1u, 3u, 50u}) {
        std::vector<std::tuple<Employee, std::optional<Salary>>> parted;
        std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
        for (const auto& part : q.partitions(k)) {
            const auto rows = scan(part, 4);
            CHECK(rows == part.all());
            if (!rows.empty()) {
                std::int64_t lo = INT64_MAX, hi = INT64_MIN;
                for (const auto& r : rows) {
                    lo = std::min(lo, std::get<0>(r).emp_no);
                    hi = std::max(hi, std::get<0>(r).emp_no);
                }
                ranges.emplace_back(lo, hi);
            }
            parted.insert(parted.end(), rows.begin(), rows.end());
        }
        CHECK(sorted(parted) == sorted(all));
        std::sort(ranges.begin(), ranges.end());
        for (std::size_t i = 1; i < ranges.size(); ++i) CHECK(ranges[i - 1].second < ranges[i].first);
    }
}

TEST_CASE("join: refusals name what to do instead") {
    auto db = support::fresh<Department, Employee, Salary>();
    (void)random_tables(db, 17, 4, 10);
    const auto q = db.query<Salary>().join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no));
    CHECK_THROWS_WITH_AS(q.offset(2).yield_per(2).begin(), doctest::Contains("offset() cannot be combined with yield_per"), sluice::error);
    db.set_plan_check(sluice::plan_check::error);
    CHECK_THROWS_WITH_AS(q.order_by(&Employee::hire_date).yield_per(2).begin(),
                         doctest::Contains("ORDER BY employees.hire_date, a joined model's column"), sluice::error);
    CHECK_NOTHROW(q.order_by(&Salary::from_date).yield_per(2).begin());
    db.set_plan_check(sluice::plan_check::off);
}

TEST_CASE("join: a joined model's text order key longer than the server sorts exactly is refused on MariaDB") {
    auto db = support::fresh<Department, Employee, Salary>();
    db.insert_many(std::vector<Employee>{{1, std::string(17000, 'x') + "b", support::day(2001, 1, 1), std::nullopt},
                                         {2, std::string(17000, 'x') + "a", support::day(2001, 1, 1), std::nullopt}});
    for (std::int64_t e : {1, 2, 1}) {
        Salary s{0, e, 1, support::day(2020, 1, 1), std::nullopt};
        db.insert(s);
    }
    const auto q = db.query<Salary>().join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no)).order_by(&Employee::name);
    if (support::is_sqlite()) {
        const auto rows = scan(q, 1);
        REQUIRE(rows.size() == 3);
        CHECK(std::get<1>(rows[0]).emp_no == 2);
        CHECK(rows == q.all());
    } else {
        CHECK_THROWS_WITH_AS(scan(q, 1), doctest::Contains("employees.name (text): an order key of 17001 bytes"), sluice::error);
        CHECK_THROWS_AS(q.all(), sluice::error);
    }
}

namespace {

// Salaries over 20 years for 2000 employees in 30 departments (one in seven in none), analyzed.
void plan_tables(sluice::session& db) {
    std::vector<Employee> employees;
    for (int i = 1; i <= 2000; ++i)
        employees.push_back({i, "e", support::day(2000 + i % 20, 1, 1), i % 7 ? std::optional<std::int64_t>(i % 30 + 1) : std::nullopt});
    db.insert_many(employees);
    std::vector<Department> departments;
    for (int i = 1; i <= 30; ++i) departments.push_back({i, "d"});
    db.insert_many(departments);
    std::vector<Salary> salaries;
    for (int i = 0; i < 20000; ++i)
        salaries.push_back({0, i % 2000 + 1, 1000 + i % 97, support::day(2000, 1, 1) + std::chrono::days{i % 3000}, std::nullopt});
    db.insert_many(salaries);
    if (support::is_sqlite()) {
        db.execute("ANALYZE");
        return;
    }
    for (const char* table : {"salaries", "employees", "depts"}) db.execute(std::string("ANALYZE TABLE ") + table);
}

// The plan of the last join statement (SQLite: of its last branch containing `sqlite_branch`)
// that a scan of 10000 rows ran, with the values it bound.
template <class Q> std::vector<sluice::raw_row> last_page_plan(sluice::session& db, const Q& q, std::string_view sqlite_branch) {
    std::string sql;
    std::vector<std::string> values;
    db.on_statement([&](const sluice::statement_event& e) {
        if (e.sql.find("JOIN") == std::string_view::npos) return;
        if (support::is_sqlite() && e.sql.find(sqlite_branch) == std::string_view::npos) return;
        sql = e.sql;
        values.assign(e.values.begin(), e.values.end());
    });
    std::size_t seen = 0;
    for (const auto& row : q.yield_per(100)) {
        (void)row;
        if (++seen == 10000) break;
    }
    db.on_statement(nullptr);
    MESSAGE(sql);
    REQUIRE(sql.find("LIMIT") != std::string::npos);
    // Values as logged: dates quoted, integers bare.
    std::vector<sluice::value_ref> refs;
    std::vector<sluice::date> dates;
    dates.reserve(values.size());
    for (const std::string& v : values) {
        if (!v.empty() && v.front() == '\'') {
            const int y = std::stoi(v.substr(1, 4));
            const unsigned m = static_cast<unsigned>(std::stoi(v.substr(6, 2)));
            const unsigned d = static_cast<unsigned>(std::stoi(v.substr(9, 2)));
            dates.push_back(support::day(y, m, d));
            refs.emplace_back(dates.back());
        } else {
            refs.emplace_back(std::stoll(v));
        }
    }
    return db.rows((support::is_sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql, std::span<const sluice::value_ref>(refs));
}

// SQLite's plan steps (the detail column), without Bloom filters (not reads of their own).
std::vector<std::string> sqlite_steps(const std::vector<sluice::raw_row>& plan) {
    std::vector<std::string> steps;
    for (const auto& r : plan)
        if (r.back().value_or("").find("BLOOM FILTER") == std::string::npos) steps.push_back(r.back().value_or(""));
    return steps;
}

// One step of MariaDB's EXPLAIN (id, select_type, table, type, possible_keys, key, key_len, ref,
// rows, Extra): which table, how it is read and by which index.
void check_step(const sluice::raw_row& step, const std::string& table, const std::string& type, const std::string& key) {
    CHECK(step.at(2).value_or("") == table);
    CHECK(step.at(3).value_or("") == type);
    CHECK(step.at(5).value_or("") == key);
}

}  // namespace

TEST_CASE("join: a page is a range of the query table's index with key lookups into the joined tables") {
    auto db = support::fresh<Department, Employee, Salary>();
    plan_tables(db);
    const auto q = db.query<Salary>()
                       .join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no))
                       .left_join<Department>(col(&Employee::dept_id) == col(&Department::id))
                       .where(col(&Employee::hire_date) >= support::day(2005, 1, 1))
                       .order_by(&Salary::from_date);
    // SQLite reads a page branch by branch: pin the one inside a run of equal dates.
    const auto plan = last_page_plan(db, q, R"("t0"."from_date" = ? AND "t0"."id" > ?)");
    if (support::is_sqlite()) {
        // The salaries index range first, then a key lookup each, and no sort (no TEMP B-TREE).
        const auto steps = sqlite_steps(plan);
        REQUIRE(steps.size() == 3);
        CHECK(steps[0] == "SEARCH t0 USING INDEX ix_salaries_from_date (from_date=? AND rowid>?)");
        CHECK(steps[1] == "SEARCH t1 USING INTEGER PRIMARY KEY (rowid=?)");
        CHECK(steps[2] == "SEARCH t2 USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN");
    } else {
        REQUIRE(plan.size() == 3);
        check_step(plan[0], "t0", "range", "ix_salaries_from_date");
        CHECK(plan[0].at(9).value_or("").find("filesort") == std::string::npos);
        check_step(plan[1], "t1", "eq_ref", "PRIMARY");
        check_step(plan[2], "t2", "eq_ref", "PRIMARY");
    }
}

TEST_CASE("join: a one-to-many page reads one chunk of the query table's index and the matching rows by index") {
    auto db = support::fresh<Department, Employee, Salary>();
    plan_tables(db);
    const auto q = db.query<Employee>()
                       .left_join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no))
                       .order_by(&Employee::hire_date);
    const auto plan = last_page_plan(db, q, R"("t0"."hire_date" = ? AND "t0"."emp_no" > ?)");
    if (support::is_sqlite()) {
        // SQLite gives the order from the nested loops' indexes: nothing is sorted.
        const auto steps = sqlite_steps(plan);
        REQUIRE(steps.size() == 2);
        CHECK(steps[0] == "SEARCH t0 USING INDEX ix_employees_hire_date (hire_date=? AND rowid>?)");
        CHECK(steps[1] == "SEARCH t1 USING INDEX ix_salaries_emp_no (emp_no=?) LEFT-JOIN");
    } else {
        // MariaDB sorts an ORDER BY over two tables, so the page's WHERE ends at the last of a
        // chunk of 100 employees (probed first): the sort holds that chunk's salaries, not the
        // rest of the table's.
        REQUIRE(plan.size() == 2);
        check_step(plan[0], "t0", "range", "ix_employees_hire_date");
        CHECK(std::stoll(plan[0].at(8).value_or("0")) <= 400);
        check_step(plan[1], "t1", "ref", "ix_salaries_emp_no");
    }
}
