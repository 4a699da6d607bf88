// Small helpers the bench programs' markdown reports share: numbers, medians, load, run header.
#pragma once

#include <string>
#include <vector>

namespace bench {

std::string fmt(const char* printf_format, double v);
double median_of(std::vector<double> v);  // NaN for none
std::string loadavg();                     // "1min 5min 15min" from /proc/loadavg
// "Run <UTC date>, release build; sluice <SLUICE_BENCH_REVISION>": the first words of a result file.
std::string run_stamp();

}  // namespace bench
