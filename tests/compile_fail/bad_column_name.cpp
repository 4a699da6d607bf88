// expect: sluice: a column_option's .column must be a plain identifier
#include <sluice/sluice.hpp>
struct Film {
    static constexpr sluice::column_option columns[] = {{.field = "title", .column = "film title"}};
    std::int64_t id = 0;
    std::string title;
};
int main() { (void)sluice::table_of<Film>(); }
