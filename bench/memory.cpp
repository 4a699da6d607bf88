// Peak RSS from /proc/self: what every bench program reports as "peak RSS growth".
#include "memory.hpp"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace bench {
namespace {

long status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    const std::size_t n = std::strlen(field);
    for (std::string line; std::getline(in, line);)
        if (line.compare(0, n, field) == 0) return std::atol(line.c_str() + n);
    return -1;
}

}  // namespace

long rss_kb() { return status_kb("VmRSS:"); }
long hwm_kb() { return status_kb("VmHWM:"); }

bool reset_hwm() {
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

bool clear_refs_works() {
    {
        std::vector<char> big(64 << 20);
        for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = 1;
        asm volatile("" : : "r"(big.data()) : "memory");  // keep the touched pages
    }
    malloc_trim(0);
    const long before = hwm_kb();
    if (!reset_hwm()) return false;
    const long after = hwm_kb();
    return before > 0 && after > 0 && after < before - 32 * 1024;
}

}  // namespace bench
