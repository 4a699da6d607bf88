// expect: sluice: indexes or unique_indexes names a field the model does not have
#include <sluice/sluice.hpp>
struct Film {
    static constexpr std::array<std::string_view, 1> unique_indexes{"name"};
    std::int64_t id = 0;
    std::string title;
};
int main() { (void)sluice::table_of<Film>(); }
