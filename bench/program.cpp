// Command line and backend loop of the one-table bench programs.
#include "program.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace bench {

bool parse_program_options(int argc, char** argv, program_options& o, const std::string& usage,
                           const std::function<bool(const std::string&, const std::string&)>& extra) {
    if (const char* env = std::getenv("SLUICE_TEST_MYSQL_URL")) o.mysql_url = env;
    bool ok = argc % 2 == 1;  // flags and values in pairs
    for (int i = 1; ok && i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        const bool positive = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos && std::stoull(v) > 0;
        if (a == "--backend" && (v == "sqlite" || v == "mariadb" || v == "both")) o.backend = v;
        else if (a == "--rows" && positive) o.rows = std::stoull(v);
        else if (a == "--repeat" && positive) o.repeat = std::stoi(v);
        else if (a == "--mysql-url") o.mysql_url = v;
        else if (a == "--sqlite-path") o.sqlite_path = v;
        else if (a == "--out") o.out = v;
        else ok = extra && extra(a, v);
    }
    if (!ok) std::cerr << usage << "\n";
    return ok;
}

int run_program(const char* name, const program_options& o, const std::string& header, const std::string& file,
                const std::function<bool(bool maria, std::ostream& md)>& run_backend) {
    try {
        std::ostringstream md;
        md << header;
        bool ok = true;
        if (o.backend != "mariadb") ok = run_backend(false, md) && ok;
        if (o.backend != "sqlite") {
            if (o.mysql_url.empty()) throw std::runtime_error("no MariaDB URL: pass --mysql-url or set SLUICE_TEST_MYSQL_URL");
            ok = run_backend(true, md) && ok;
        }
        const std::string path = o.out + "/" + file;
        std::ofstream(path) << md.str();
        std::cout << md.str() << "wrote " << path << "\n";
        if (!ok) {
            std::cerr << name << ": FAILED: checksums differ\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace bench
