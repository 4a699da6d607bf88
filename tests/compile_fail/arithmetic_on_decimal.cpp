// expect: sluice: arithmetic (+ - * /) takes numeric columns
#include <sluice/sluice.hpp>
struct Account {
    std::int64_t id = 0;
    sluice::decimal balance;
};
int main() { (void)sluice::set(&Account::balance, sluice::col(&Account::balance) * 2); }
