// What the cluster tier under the integration suite (scripts/test --cluster) changes for it, by
// behaviour: the suite asks these and only tests/cluster/ knows which tier shows which.
#pragma once

#include <string>

#include <sluice/sluice.hpp>

#include "cluster.hpp"
#include "spider.hpp"

namespace cluster {

// Spider (MariaDB 10.11), each shown in tests/cluster/test_spider.cpp: tables are sharded across
// backends; no SAVEPOINT once a Spider table is in a transaction (nested transactions are flat); a
// raw DELETE reports 0 affected rows (sluice's own DELETEs use the multi-table form, which counts);
// FLOAT values reach the backends with 6 significant digits.
inline bool tables_sharded() { return is_spider(); }
inline bool has_savepoints() { return !is_spider(); }
inline bool raw_delete_counts_rows() { return !is_spider(); }
inline bool float_exact() { return !is_spider(); }
// Spider's backends sort with their own max_sort_length (1024): sluice refuses text order keys
// over 256 bytes there rather than sort them by a session setting the backends never see.
inline bool sorts_long_text_exactly() { return !is_spider(); }
// A KILL CONNECTION of the front end's connection while a page is fetched can end the page short
// without an error on Spider 10.11 (the fault loop shows it); not yet worked around.
inline bool reports_killed_fetches() { return !is_spider(); }

// A server that holds the tables' indexes: on Spider the backends, whose front end holds none.
inline std::string index_server_url(const std::string& entry_url) { return is_spider() ? backend_urls().front() : entry_url; }

// T's table dropped and created anew, sharded where the tier shards (on Spider: an InnoDB table
// on each backend and a Spider table routing to them on the front end); false where it does not.
template <class T> bool recreate_sharded(sluice::session& db) {
    if (!is_spider()) return false;
    create_spider_table<T>(db, backend_urls());
    return true;
}

}  // namespace cluster
