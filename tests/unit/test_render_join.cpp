// Golden SQL of join pages: aliases, the ON conditions, the keys that make the order total, and
// the chunk bounds of a one-to-many page on MariaDB.
#include <doctest/doctest.h>

#include "../../lib/sql/render_keyset.hpp"
#include "../models.hpp"

using models::Department;
using models::Employee;
using models::Salary;
using sluice::col;
using namespace sluice::detail;

namespace {

using salary_employee = model_set<Salary, Employee>;

template <class P> std::shared_ptr<const expr_node> node_in(const sluice::predicate<P>& p) {
    return std::make_shared<const expr_node>(rebased<salary_employee, P>(p.node));
}

// query<Salary>().join<Employee>(on).where(hire_date >= d).order_by(from_date), as join_query builds it.
query_spec salaries_with_employees() {
    query_spec q;
    q.table = &sluice::table_of<Salary>();
    q.joins.push_back({&sluice::table_of<Employee>(), false, node_in(col(&Salary::emp_no) == col(&Employee::emp_no))});
    q.filter = node_in(col(&Employee::hire_date) >= sluice::date{});
    q.order = {{3, false, 0}};
    return q;
}

}  // namespace

TEST_CASE("join pages: aliased columns, ON, and a joined model pinned by its key adds no order key") {
    const query_spec q = salaries_with_employees();
    const auto terms = keyset_terms(q);
    REQUIRE(terms.size() == 2);  // from_date, salaries.id: employees.emp_no = salaries.emp_no pins the employee
    CHECK(joined_model_pinned(q, 1));
    const std::vector<sluice::value> last{sluice::date{}, std::int64_t{7}};
    const rendered maria = render_page(mysql_dialect(), q, terms, last, 1000);
    CHECK(maria.sql ==
          "SELECT `t0`.`id`, `t0`.`emp_no`, `t0`.`amount`, `t0`.`from_date`, `t0`.`note`, `t1`.`emp_no`, `t1`.`name`, "
          "`t1`.`hire_date`, `t1`.`dept_id` FROM `salaries` AS `t0` STRAIGHT_JOIN `employees` AS `t1` ON `t0`.`emp_no` = "
          "`t1`.`emp_no` WHERE `t0`.`from_date` >= ? AND (`t0`.`from_date` > ? OR (`t0`.`from_date` = ? AND (`t0`.`id` > ?))) "
          "AND `t1`.`hire_date` >= ? ORDER BY `t0`.`from_date`, `t0`.`id` LIMIT ?");
    CHECK(maria.params.size() == 6);
    CHECK(render_page(sqlite_dialect(), q, terms, last, 1000, {}, 1).sql ==
          R"(SELECT "t0"."id", "t0"."emp_no", "t0"."amount", "t0"."from_date", "t0"."note", "t1"."emp_no", "t1"."name", )"
          R"("t1"."hire_date", "t1"."dept_id" FROM "salaries" AS "t0" CROSS JOIN "employees" AS "t1" ON "t0"."emp_no" = )"
          R"("t1"."emp_no" WHERE "t0"."from_date" = ? AND "t0"."id" > ? AND "t1"."hire_date" >= ? ORDER BY "t0"."from_date", "t0"."id" LIMIT ?)");
}

TEST_CASE("join pages: a one-to-many join orders by the joined key too; NULL where a left join matched nothing") {
    query_spec q;
    q.table = &sluice::table_of<Employee>();
    using employee_salary = model_set<Employee, Salary>;
    q.joins.push_back({&sluice::table_of<Salary>(), true,
                       std::make_shared<const expr_node>(rebased<employee_salary, employee_salary>(
                           (col(&Employee::emp_no) == col(&Salary::emp_no)).node))});
    q.order = {{2, true, 0}};
    CHECK_FALSE(joined_model_pinned(q, 1));
    const auto terms = keyset_terms(q);
    REQUIRE(terms.size() == 3);  // hire_date DESC, emp_no DESC, salaries.id DESC
    CHECK(terms[2].model == 1);
    CHECK(terms[2].descending);
    // After an employee without salaries (salaries.id NULL, last descending): the next employee.
    const std::vector<sluice::value> last{sluice::date{}, std::int64_t{10}, sluice::null_t{}};
    CHECK(render_page(mysql_dialect(), q, terms, last, 5).sql ==
          "SELECT `t0`.`emp_no`, `t0`.`name`, `t0`.`hire_date`, `t0`.`dept_id`, `t1`.`id`, `t1`.`emp_no`, `t1`.`amount`, "
          "`t1`.`from_date`, `t1`.`note` FROM `employees` AS `t0` LEFT JOIN `salaries` AS `t1` ON `t0`.`emp_no` = `t1`.`emp_no` "
          "WHERE `t0`.`hire_date` <= ? AND (`t0`.`hire_date` < ? OR (`t0`.`hire_date` = ? AND (`t0`.`emp_no` < ? OR "
          "(`t0`.`emp_no` = ? AND (1 = 0))))) ORDER BY `t0`.`hire_date` DESC, `t0`.`emp_no` DESC, `t1`.`id` DESC LIMIT ?");
    // A chunk's upper bound: at or before the chunk's last employee, in scan order.
    std::vector<order_term> reversed(terms.begin(), terms.begin() + 2);
    for (order_term& o : reversed) o.descending = !o.descending;
    rendered through;
    render_keyset(mysql_dialect(), scope(q), reversed, {sluice::date{}, std::int64_t{40}}, through, true);
    CHECK(through.sql == "`t0`.`hire_date` >= ? AND (`t0`.`hire_date` > ? OR (`t0`.`hire_date` = ? AND (`t0`.`emp_no` >= ?)))");
    CHECK(mysql_dialect().bounded_join_chunks());
    CHECK_FALSE(sqlite_dialect().bounded_join_chunks());
}

TEST_CASE("join pages: a text key, or a condition beside the key equality, does not pin a joined model") {
    query_spec q = salaries_with_employees();
    q.joins[0].on = node_in(col(&Salary::emp_no) == col(&Employee::emp_no) || col(&Employee::emp_no) == 1);
    CHECK_FALSE(joined_model_pinned(q, 1));
    CHECK(keyset_terms(q).size() == 3);
    q.joins[0].on = node_in(col(&Salary::emp_no) == col(&Employee::emp_no) && col(&Employee::name) == "x");
    CHECK(joined_model_pinned(q, 1));
    q.joins[0].on = node_in(col(&Salary::emp_no) == col(&Employee::dept_id));
    CHECK_FALSE(joined_model_pinned(q, 1));
}
