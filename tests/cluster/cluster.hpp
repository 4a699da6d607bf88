// Which cluster the tests run on, and its URLs, from the environment scripts/test --cluster sets:
//   SLUICE_CLUSTER=spider|galera
//   SLUICE_CLUSTER_URLS=<urls>, newline- or comma-separated, as `scripts/cluster <tier> urls`
//   prints them: spider front end, backend1, backend2; galera node1, node2, node3.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <sluice/sluice.hpp>

namespace cluster {

inline std::string tier() {
    const char* t = std::getenv("SLUICE_CLUSTER");
    return t ? t : "";
}

inline bool is_spider() { return tier() == "spider"; }
inline bool is_galera() { return tier() == "galera"; }

inline std::vector<std::string> urls() {
    const char* env = std::getenv("SLUICE_CLUSTER_URLS");
    std::vector<std::string> out;
    std::string current;
    for (const char* p = env ? env : ""; ; ++p) {
        const char c = *p;
        if (c == '\0' || c == '\n' || c == ',' || c == '\r' || c == ' ') {
            if (!current.empty()) out.push_back(current);
            current.clear();
            if (c == '\0') break;
        } else {
            current += c;
        }
    }
    if (out.size() < 3)
        throw std::runtime_error("SLUICE_CLUSTER_URLS must hold 3 URLs (scripts/cluster " + tier() +
                                 " urls), it holds " + std::to_string(out.size()));
    return out;
}

// spider: 0 is the front end, 1 and 2 the backends; galera: node i+1.
inline std::string url(std::size_t i) { return urls().at(i); }
inline sluice::session connect(std::size_t i) { return sluice::session(url(i)); }

inline std::vector<std::string> backend_urls() {
    const auto all = urls();
    return {all.begin() + 1, all.end()};
}

}  // namespace cluster
