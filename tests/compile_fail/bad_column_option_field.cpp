// expect: sluice: a column_option names a field the model does not have
#include <sluice/sluice.hpp>
struct Film {
    static constexpr sluice::column_option columns[] = {{.field = "titel", .column = "title"}};
    std::int64_t id = 0;
    std::string title;
};
int main() { (void)sluice::table_of<Film>(); }
