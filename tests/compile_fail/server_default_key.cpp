// expect: sluice: a primary key field cannot be server_default
#include <sluice/sluice.hpp>
struct Film {
    static constexpr sluice::column_option columns[] = {{.field = "id", .server_default = true}};
    std::int64_t id = 0;
    std::string title;
};
int main() { (void)sluice::table_of<Film>(); }
