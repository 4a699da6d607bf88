// expect: sluice: table_name must be a plain identifier
#include <sluice/sluice.hpp>
struct Hack {
    static constexpr std::string_view table_name = "users; DROP TABLE users";
    std::int64_t id = 0;
};
int main() { (void)sluice::table_of<Hack>(); }
