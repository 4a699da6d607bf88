// Generation and page latency, through the sluice session.
#pragma once

#include <optional>

#include <sluice/sluice.hpp>

#include "bench.hpp"

namespace bench {

struct load_result {
    std::optional<std::uint64_t> existing;  // rows found (nullopt: no table)
    bool generated = false;
    double insert_seconds = 0;
    double analyze_seconds = 0;
};

// Makes `users` hold exactly make_user(0..rows): kept if it already has `rows` rows, else
// dropped, created and loaded with insert_many in chunks of `chunk` rows.
load_result ensure_users(sluice::session& db, std::uint64_t rows, std::uint64_t chunk);

struct latency_plan {
    int keyset_passes = 3;
    std::vector<std::size_t> offset_pages;  // which pages to time by OFFSET
};

latency_result measure_latency(sluice::session& db, std::uint64_t rows, const latency_plan& plan);

}  // namespace bench
