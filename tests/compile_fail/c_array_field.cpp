// expect: sluice: a model cannot have a C array field
#include <sluice/sluice.hpp>
struct Device { std::int64_t id = 0; char serial[16]; std::int32_t port = 0; };
int main() { (void)sluice::table_of<Device>(); }
