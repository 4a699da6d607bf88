// expect: sluice: a column_option's .sql_type is not a column type
#include <sluice/sluice.hpp>
struct Film {
    static constexpr sluice::column_option columns[] = {{.field = "title", .sql_type = "TEXT); DROP TABLE film; --"}};
    std::int64_t id = 0;
    std::string title;
};
int main() { (void)sluice::table_of<Film>(); }
