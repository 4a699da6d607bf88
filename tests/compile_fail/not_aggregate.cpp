// expect: sluice: a model must be an aggregate struct
#include <sluice/sluice.hpp>
struct Account {
    explicit Account(std::int64_t i) : id(i) {}
    std::int64_t id;
};
int main() { (void)sluice::table_of<Account>(); }
