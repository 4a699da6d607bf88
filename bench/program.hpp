// The frame of the one-table bench programs (decimal, grouped): their common command line, and
// the run over SQLite then MariaDB into one result file.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "report.hpp"

namespace bench {

// One timed way of reading a table: its runs' seconds and whether they all gave the same checksum.
template <class Checksum> struct timed_side {
    explicit timed_side(std::string l = {}) : label(std::move(l)) {}
    std::string label;
    std::vector<double> seconds;
    std::optional<Checksum> sum;
    bool consistent = true;
    double median() const { return seconds.empty() ? 0 : median_of(seconds); }
    double best() const { return seconds.empty() ? 0 : *std::min_element(seconds.begin(), seconds.end()); }
    void record(double secs, const Checksum& cs) {
        seconds.push_back(secs);
        if (sum && !(*sum == cs)) consistent = false;
        if (!sum) sum = cs;
    }
};

struct program_options {
    std::string backend = "both", mysql_url, sqlite_path, out = "bench/results";
    std::uint64_t rows = 1'000'000;
    int repeat = 3;
};

// --backend, --rows, --repeat, --mysql-url (default: env SLUICE_TEST_MYSQL_URL), --sqlite-path,
// --out, and each flag `extra(flag, value)` accepts. False (after printing usage) otherwise.
bool parse_program_options(int argc, char** argv, program_options& o, const std::string& usage,
                           const std::function<bool(const std::string&, const std::string&)>& extra = {});

// Writes `header`, then run_backend(maria, md) for each chosen backend (false: its checksums
// differ), into <out>/<file> and stdout. The exit code: 0, or 1 on a mismatch or an exception.
int run_program(const char* name, const program_options& o, const std::string& header, const std::string& file,
                const std::function<bool(bool maria, std::ostream& md)>& run_backend);

// Both backends hold the same data, so their checksums must agree: the first backend run sets
// `reference`, the second is compared with it (a DIFFER line in md if not).
template <class Checksum> bool same_as_other_backend(std::optional<Checksum>& reference, const Checksum& c, std::ostream& md) {
    if (reference && !(*reference == c)) {
        md << "\nThe two backends' checksums DIFFER.\n";
        return false;
    }
    reference = c;
    return true;
}

}  // namespace bench
