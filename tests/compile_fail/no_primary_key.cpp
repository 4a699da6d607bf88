// expect: sluice: model has no primary key
#include <sluice/sluice.hpp>
struct Event { std::int64_t event_number = 0; std::string what; };
int main() { (void)sluice::table_of<Event>(); }
