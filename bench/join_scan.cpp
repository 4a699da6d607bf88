// sluice-bench-join: a join keyset-paged by yield_per(1000) (salaries with their employees, and
// employees with their salaries) against one unbuffered join statement through the raw C API.
#include <mysql.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <ranges>
#include <sstream>
#include <stdexcept>

#include "bench.hpp"
#include "raw_sqlite.hpp"
#include "report.hpp"

namespace {

using models::Employee;
using models::Salary;
using sluice::col;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Employee i (1-based) and salary i (0-based): the same rows on every run and both backends.
// Hire dates over 1985..2004, a salary's start over 1985..2014, ten salaries an employee.
const sluice::date epoch = sluice::date{std::chrono::sys_days{std::chrono::year{1985} / 1 / 1}};
Employee make_employee(std::int64_t i) {
    const std::uint64_t h = splitmix(static_cast<std::uint64_t>(i));
    Employee e{i, "employee-" + std::to_string(h % 1000003), epoch + std::chrono::days{static_cast<int>(h % 7300)}, std::nullopt};
    if (h % 5) e.dept_id = static_cast<std::int64_t>(h % 9 + 1);
    return e;
}
Salary make_salary(std::int64_t i, std::int64_t employees) {
    const std::uint64_t h = splitmix(static_cast<std::uint64_t>(i) ^ 0x5a5a5a5aULL);
    return Salary{0, static_cast<std::int64_t>(h % static_cast<std::uint64_t>(employees)) + 1, 38000 + static_cast<std::int32_t>(h % 120000),
                  epoch + std::chrono::days{static_cast<int>((h >> 20) % 10950)}, std::nullopt};
}

const sluice::date hired_from = epoch + std::chrono::days{1825};  // 1990-01-01: three quarters of the employees

// Every scan folds each row into one of these; both sides of a pair must agree, in the same order.
struct join_sum {
    std::uint64_t rows = 0, sum = 0, order = 0;
    void add(std::int64_t salary_id, std::int64_t emp_no, std::int32_t amount, std::int64_t from_days, std::size_t name_size,
             std::int64_t hire_days, std::int64_t dept) {
        sum += static_cast<std::uint64_t>(salary_id * 31 + emp_no * 7 + amount + from_days + hire_days + dept) + name_size;
        order = order * 1000003 + static_cast<std::uint64_t>(salary_id);
        ++rows;
    }
    bool operator==(const join_sum&) const = default;
};

std::int64_t days_of(sluice::date d) { return d.time_since_epoch().count(); }
void add_row(join_sum& cs, const Salary& s, const Employee& e) {
    cs.add(s.id, e.emp_no, s.amount, days_of(s.from_date), e.name.size(), days_of(e.hire_date), e.dept_id.value_or(-1));
}

// The two joins, in sluice and as the one statement a hand-written reader would send.
auto by_salary(sluice::session& db) {
    return db.query<Salary>()
        .join<Employee>(col(&Salary::emp_no) == col(&Employee::emp_no))
        .where(col(&Employee::hire_date) >= hired_from)
        .order_by(&Salary::from_date);
}
auto by_employee(sluice::session& db) {
    return db.query<Employee>()
        .join<Salary>(col(&Salary::emp_no) == col(&Employee::emp_no))
        .where(col(&Employee::hire_date) >= hired_from)
        .order_by(&Employee::hire_date);
}
constexpr char select_join[] =
    "SELECT s.id, s.emp_no, s.amount, s.from_date, e.name, e.hire_date, e.dept_id FROM salaries s JOIN employees e "
    "ON s.emp_no = e.emp_no WHERE e.hire_date >= ? ORDER BY ";
constexpr char salary_order[] = "s.from_date, s.id";
constexpr char employee_order[] = "e.hire_date, e.emp_no, s.id";

// Page latency: the time between consecutive on_batch callbacks (the first from the scan's start).
struct paged_run {
    join_sum sum;
    std::vector<double> page_ms;
};
template <class Q> paged_run sluice_scan(const Q& q) {
    paged_run run;
    auto last = clock_type::now();
    auto range = q.yield_per(bench::page_rows).on_batch([&](const sluice::batch_progress&) {
        const auto now = clock_type::now();
        run.page_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
        last = now;
    });
    for (const auto& [s, e] : range) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(s)>, Salary>) add_row(run.sum, s, e);
        else add_row(run.sum, e, s);
    }
    return run;
}

// --- raw libmariadb: a prepared statement, unbuffered (rows fetched as the server sends them) ---

struct raw_mariadb {
    MYSQL* conn = nullptr;
    [[noreturn]] void fail(MYSQL_STMT* stmt, const char* what) const {
        throw std::runtime_error(std::string("raw libmariadb: ") + what + ": " + (stmt ? mysql_stmt_error(stmt) : mysql_error(conn)));
    }
    void open(const bench::mysql_target& t) {
        conn = mysql_init(nullptr);
        if (!conn) throw std::runtime_error("mysql_init failed");
        mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
        if (!mysql_real_connect(conn, t.host.c_str(), t.user.c_str(), t.password.c_str(), t.database.c_str(), t.port, nullptr, 0))
            fail(nullptr, "connect");
    }
    void close() {
        if (conn) mysql_close(conn);
        conn = nullptr;
    }
    join_sum scan(const char* order) {
        const std::string sql = std::string(select_join) + order;
        MYSQL_STMT* stmt = mysql_stmt_init(conn);
        if (!stmt || mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) fail(stmt, "prepare");
        MYSQL_TIME hired{};
        const auto ymd = std::chrono::year_month_day{std::chrono::sys_days{hired_from}};
        hired.year = static_cast<unsigned>(static_cast<int>(ymd.year()));
        hired.month = static_cast<unsigned>(ymd.month());
        hired.day = static_cast<unsigned>(ymd.day());
        hired.time_type = MYSQL_TIMESTAMP_DATE;
        MYSQL_BIND param{};
        param.buffer_type = MYSQL_TYPE_DATE;
        param.buffer = &hired;
        long long id = 0, emp_no = 0, dept = 0;
        int amount = 0;
        MYSQL_TIME from{}, hire{};
        char name[256];
        unsigned long name_length = 0;
        my_bool dept_null = 0;
        MYSQL_BIND out[7]{};
        auto bind = [&](int i, enum_field_types type, void* buffer) {
            out[i].buffer_type = type;
            out[i].buffer = buffer;
        };
        bind(0, MYSQL_TYPE_LONGLONG, &id);
        bind(1, MYSQL_TYPE_LONGLONG, &emp_no);
        bind(2, MYSQL_TYPE_LONG, &amount);
        bind(3, MYSQL_TYPE_DATE, &from);
        bind(4, MYSQL_TYPE_STRING, name);
        out[4].buffer_length = sizeof name;
        out[4].length = &name_length;
        bind(5, MYSQL_TYPE_DATE, &hire);
        bind(6, MYSQL_TYPE_LONGLONG, &dept);
        out[6].is_null = &dept_null;
        if (mysql_stmt_bind_param(stmt, &param) != 0 || mysql_stmt_bind_result(stmt, out) != 0) fail(stmt, "bind");
        if (mysql_stmt_execute(stmt) != 0) fail(stmt, "execute");
        auto days = [](const MYSQL_TIME& t) { return bench::days_from_civil(t.year, t.month, t.day); };
        join_sum cs;
        std::string row_name;  // the caller's own string, as a reader fills its struct
        for (int rc; (rc = mysql_stmt_fetch(stmt)) != MYSQL_NO_DATA;) {
            if (rc != 0) fail(stmt, rc == MYSQL_DATA_TRUNCATED ? "fetch: a value longer than its buffer" : "fetch");
            row_name.assign(name, name_length);
            cs.add(id, emp_no, amount, days(from), row_name.size(), days(hire), dept_null ? -1 : dept);
        }
        mysql_stmt_close(stmt);
        return cs;
    }
};

// --- raw sqlite3: the same statement stepped to the end ---

join_sum raw_sqlite_scan(const std::string& path, const char* order) {
    bench::sqlite_statement st;
    st.open(path, std::string(select_join) + order);
    char hired[11];
    const auto ymd = std::chrono::year_month_day{std::chrono::sys_days{hired_from}};
    std::snprintf(hired, sizeof hired, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    sqlite3_bind_text(st.stmt, 1, hired, 10, SQLITE_STATIC);
    auto days = [&](int c) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st.stmt, c));
        return bench::days_from_civil(std::atoi(t), static_cast<unsigned>(std::atoi(t + 5)), static_cast<unsigned>(std::atoi(t + 8)));
    };
    join_sum cs;
    std::string row_name;
    int rc;
    while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
        row_name.assign(reinterpret_cast<const char*>(sqlite3_column_text(st.stmt, 4)), static_cast<std::size_t>(sqlite3_column_bytes(st.stmt, 4)));
        cs.add(sqlite3_column_int64(st.stmt, 0), sqlite3_column_int64(st.stmt, 1), sqlite3_column_int(st.stmt, 2), days(3), row_name.size(),
               days(5), sqlite3_column_type(st.stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(st.stmt, 6));
    }
    if (rc != SQLITE_DONE) st.fail("step");
    st.close();
    return cs;
}

// --- running ---

struct options {
    std::string backend = "both", mysql_url, sqlite_path = "build-bench/join.db", out = "bench/results";
    std::int64_t employees = 300'000, salaries = 3'000'000;
    std::int64_t sqlite_employees = 100'000, sqlite_salaries = 1'000'000;
    int repeat = 3;
};

using bench::fmt;
using bench::loadavg;

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}
// Median page time of ten pages at the start, middle and end of a scan.
std::string page_latency(const std::vector<double>& ms) {
    if (ms.size() < 30) return "(too few pages)";
    auto window = [&](std::size_t from) { return median({ms.begin() + static_cast<std::ptrdiff_t>(from), ms.begin() + static_cast<std::ptrdiff_t>(from + 10)}); };
    return fmt("%.2f", window(0)) + " / " + fmt("%.2f", window(ms.size() / 2 - 5)) + " / " + fmt("%.2f", window(ms.size() - 11)) + " ms";
}
// The tables hold exactly the generated rows: reused when their counts match.
std::string ensure_tables(sluice::session& db, std::int64_t employees, std::int64_t salaries) {
    auto count = [&](auto q) -> std::int64_t {
        try {
            return static_cast<std::int64_t>(q.count());
        } catch (const sluice::error&) {
            return -1;
        }
    };
    if (count(db.query<Employee>()) == employees && count(db.query<Salary>()) == salaries)
        return "Tables reused: they already held the generated rows.";
    db.drop_table<Salary>();
    db.drop_table<Employee>();
    db.create_table<Employee>();
    db.create_table<Salary>();
    const auto t0 = clock_type::now();
    db.insert_many(std::views::iota(std::int64_t{1}, employees + 1) | std::views::transform(make_employee));
    db.insert_many(std::views::iota(std::int64_t{0}, salaries) | std::views::transform([&](std::int64_t i) { return make_salary(i, employees); }));
    const double secs = seconds_since(t0);
    if (db.backend() == sluice::backend::mariadb) {
        db.execute("ANALYZE TABLE employees");
        db.execute("ANALYZE TABLE salaries");
    } else {
        db.execute("ANALYZE");
    }
    return "Tables generated with `insert_many` in " + fmt("%.1f", secs) + " s.";
}

bool run_backend(const options& o, bool maria, std::ostream& md) {
    const std::string name = maria ? "MariaDB" : "SQLite";
    const std::int64_t employees = maria ? o.employees : o.sqlite_employees;
    const std::int64_t salaries = maria ? o.salaries : o.sqlite_salaries;
    std::fprintf(stderr, "== %s: %lld employees, %lld salaries\n", name.c_str(), static_cast<long long>(employees), static_cast<long long>(salaries));
    sluice::session db{maria ? o.mysql_url : "sqlite:///" + o.sqlite_path};
    const std::string version = maria ? "MariaDB server " + db.scalar("SELECT VERSION()").value_or("?") + ", libmariadb " + mysql_get_client_info()
                                      : std::string("SQLite ") + sqlite3_libversion();
    const std::string load = ensure_tables(db, employees, salaries);
    raw_mariadb raw;
    if (maria) raw.open(bench::parse_mysql_url(o.mysql_url));
    auto raw_scan = [&](const char* order) { return maria ? raw.scan(order) : raw_sqlite_scan(o.sqlite_path, order); };

    md << "\n## " << name << "\n\n" << version << ". " << employees << " employees, " << salaries << " salaries. " << load << "\n\n";
    md << "| join | rows | sluice `yield_per(1000)` median s | raw one statement median s | sluice / raw | sluice page ms (start / middle / end) |\n";
    md << "|---|---:|---:|---:|---:|---|\n";
    const std::string load_before = loadavg();
    bool ok = true;
    for (const bool salary_first : {true, false}) {
        const char* order = salary_first ? salary_order : employee_order;
        (void)raw_scan(order);  // warm the buffer pool / page cache, untimed
        std::vector<double> ours, theirs;
        paged_run last;
        join_sum reference;
        for (int rep = 0; rep < o.repeat; ++rep) {
            auto t0 = clock_type::now();
            last = salary_first ? sluice_scan(by_salary(db)) : sluice_scan(by_employee(db));
            ours.push_back(seconds_since(t0));
            t0 = clock_type::now();
            reference = raw_scan(order);
            theirs.push_back(seconds_since(t0));
            std::fprintf(stderr, "  %s run %d/%d  sluice %.3f s  raw %.3f s\n", salary_first ? "salaries->employees" : "employees->salaries",
                         rep + 1, o.repeat, ours.back(), theirs.back());
        }
        const bool same = last.sum == reference;
        ok = ok && same;
        md << "| " << (salary_first ? "salaries join employees, by salaries.from_date (employee pinned by its key)"
                                    : "employees join salaries, by employees.hire_date (one-to-many: salaries.id breaks ties)")
           << " | " << last.sum.rows << " | " << fmt("%.3f", median(ours)) << " | " << fmt("%.3f", median(theirs)) << " | "
           << fmt("%.2fx", median(ours) / median(theirs)) << " | " << page_latency(last.page_ms) << (same ? "" : " **checksums DIFFER**") << " |\n";
    }
    if (maria) raw.close();
    md << "\nLoad average (1, 5, 15 min) before " << load_before << ", after " << loadavg() << ".\n";
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    if (const char* env = std::getenv("SLUICE_TEST_MYSQL_URL")) o.mysql_url = env;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--backend" && (v == "sqlite" || v == "mariadb" || v == "both")) o.backend = v;
        else if (a == "--employees" && std::stoll(v) > 0) o.employees = std::stoll(v);
        else if (a == "--salaries" && std::stoll(v) > 0) o.salaries = std::stoll(v);
        else if (a == "--sqlite-employees" && std::stoll(v) > 0) o.sqlite_employees = std::stoll(v);
        else if (a == "--sqlite-salaries" && std::stoll(v) > 0) o.sqlite_salaries = std::stoll(v);
        else if (a == "--repeat" && std::stoi(v) > 0) o.repeat = std::stoi(v);
        else if (a == "--mysql-url") o.mysql_url = v;
        else if (a == "--sqlite-path") o.sqlite_path = v;
        else if (a == "--out") o.out = v;
        else {
            std::cerr << "usage: sluice-bench-join [--backend sqlite|mariadb|both] [--employees N (300000)] [--salaries N (3000000)] "
                         "[--sqlite-employees N (100000)] [--sqlite-salaries N (1000000)] [--repeat K (3)] [--mysql-url URL] "
                         "[--sqlite-path P] [--out DIR]\n";
            return 2;
        }
    }
    try {
        std::ostringstream md;
        md << "# sluice-bench-join\n\n" << bench::run_stamp() << ". Every row of `salaries JOIN employees WHERE employees.hire_date >= 1990-01-01` read into `Salary` and `Employee` "
              "objects (the raw side into its own variables and a std::string); sluice and the raw statement alternate, "
           << o.repeat << " timed runs each after one untimed raw scan; **seconds = median**. The raw side is one prepared statement "
                          "with the same ORDER BY, read unbuffered to the end (libmariadb `mysql_stmt_fetch` without `store_result`; "
                          "sqlite3 `step`). Checksums (row count, a sum over the columns, and a hash of the salary ids in order) must agree. "
                          "Page latency: median of ten pages at the start, middle and end, between `on_batch` callbacks.\n";
        bool ok = true;
        if (o.backend != "mariadb") ok = run_backend(o, false, md) && ok;
        if (o.backend != "sqlite") {
            if (o.mysql_url.empty()) throw std::runtime_error("no MariaDB URL: pass --mysql-url or set SLUICE_TEST_MYSQL_URL");
            ok = run_backend(o, true, md) && ok;
        }
        const std::string path = o.out + "/join.md";
        std::ofstream(path) << md.str();
        std::cout << md.str() << "wrote " << path << "\n";
        if (!ok) {
            std::cerr << "sluice-bench-join: FAILED: checksums differ\n";
            return 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "sluice-bench-join: " << e.what() << "\n";
        return 1;
    }
}
