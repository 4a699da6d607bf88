// create_table emits exactly the DDL kept in schema/<dialect>/<table>.sql.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "../models.hpp"

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string joined(const std::vector<std::string>& statements) {
    std::string out;
    for (const std::string& s : statements) out += s + ";\n";
    return out;
}

template <class T> void check_schema(sluice::backend b, const std::string& dialect) {
    const std::string path = std::string(SLUICE_SCHEMA_DIR) + "/" + dialect + "/" +
                             std::string(sluice::table_of<T>().name) + ".sql";
    CAPTURE(path);
    CHECK(joined(sluice::create_table_sql<T>(b)) == read_file(path));
}

}  // namespace

TEST_CASE("schema/ holds exactly what create_table emits, per dialect") {
    for (auto [b, dir] : {std::pair{sluice::backend::sqlite, "sqlite"}, std::pair{sluice::backend::mariadb, "mariadb"}}) {
        check_schema<models::User>(b, dir);
        check_schema<models::AllTypes>(b, dir);
        check_schema<models::OrgMembership>(b, dir);
        check_schema<models::UsersCopy>(b, dir);
        check_schema<models::Product>(b, dir);
        check_schema<models::Department>(b, dir);
        check_schema<models::Employee>(b, dir);
        check_schema<models::Salary>(b, dir);
    }
}

TEST_CASE("identifiers are quoted per dialect") {
    const auto sqlite = sluice::create_table_sql<models::OrgMembership>(sluice::backend::sqlite);
    const auto maria = sluice::create_table_sql<models::OrgMembership>(sluice::backend::mariadb);
    CHECK(sqlite.front().find("\"org_membership\"") != std::string::npos);
    CHECK(maria.front().find("`org_membership`") != std::string::npos);
    CHECK(maria.front().find("PRIMARY KEY (`org_id`, `user_id`)") != std::string::npos);
}
