// Formatting and run metadata for the bench programs' result files.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

namespace bench {

std::string fmt(const char* printf_format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, printf_format, v);
    return buf;
}

double median_of(std::vector<double> v) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string loadavg() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::string run_stamp() {
    const std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::string s = std::string("Run ") + date;
#ifdef NDEBUG
    s += ", release build";
#else
    s += ", build WITHOUT NDEBUG (not a release build)";
#endif
    if (const char* rev = std::getenv("SLUICE_BENCH_REVISION")) s += std::string("; sluice ") + rev;
    return s;
}

}  // namespace bench
