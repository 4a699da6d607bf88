// Sharded tables for the Spider tier: the InnoDB table on every backend, a Spider table on the
// front end that routes each row to a backend by its key.
//
// sluice's create_table<T>() emits InnoDB DDL, which on the front end would make a plain local
// table. create_spider_table() takes that same DDL (sluice::create_table_sql<T>(mariadb)):
//   (a) on each backend: DROP TABLE IF EXISTS, then every statement as given (table + indexes);
//   (b) on the front end: DROP TABLE IF EXISTS, the CREATE TABLE with its column list and
//       PRIMARY KEY unchanged but " ENGINE=InnoDB ..." replaced by
//         ENGINE=SPIDER DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin
//         COMMENT='wrapper "mysql", table "<table>"'
//         PARTITION BY KEY (<key columns>) (PARTITION pt1 COMMENT = 'srv "backend1"', ...)
//       (the model overload uses PARTITION BY HASH for a single integer key, see below).
// Backend i (1-based) is the server "backend<i>" that scripts/cluster spider start created with
// CREATE SERVER.
//
// Secondary indexes are created on the backends only, by default. Spider accepts the CREATE
// INDEX statements on the front end, but with them MariaDB 10.11's Spider returns wrong
// results: for `SELECT id FROM users WHERE age = 3 ORDER BY id LIMIT 250` the optimizer plans a
// ref on ix_users_age, then scans PRIMARY for the ORDER BY, and Spider sends the backends
// `select id, age from users order by id limit 250` -- the LIMIT without the WHERE -- and
// filters afterwards: 20 rows instead of 250 (update_in_batches stopped after one batch).
// Without the front-end index the condition, ORDER BY and LIMIT are all pushed down.
// spider_options::front_end_indexes = true creates them anyway (to reproduce that).
//
// spider_options::partitioning replaces the PARTITION BY clause, e.g. for range sharding:
//   "PARTITION BY RANGE (`id`) (PARTITION pt1 VALUES LESS THAN (10001) COMMENT = 'srv \"backend1\"',
//                               PARTITION pt2 VALUES LESS THAN MAXVALUE COMMENT = 'srv \"backend2\"')"
// The model overload shards a single integer key by PARTITION BY HASH (id MOD n: sequential ids
// alternate between backends), any other key by PARTITION BY KEY: KEY's hash of the BIGINT ids
// 1..20000 put 29% on one backend and 71% on the other.
//
// AUTO_INCREMENT: the front end assigns the ids, the backends' own AUTO_INCREMENT is never used
// (the front end always sends the id). scripts/cluster starts the front end with
// spider_auto_increment_mode=1: a counter in the front end, seeded from the backends' largest id
// when the table is opened; ids of one multi-row INSERT are consecutive. (The default, mode 0,
// reads "... order by id desc limit 1 for update" on every backend before each insert: correct
// with several front ends, but concurrent writers then wait on each other's locks.)
//
// Other Spider behaviour sluice meets (MariaDB 10.11.19; tests/cluster/test_spider.cpp shows each).
// sluice recognises a SPIDER table (session_impl::sql_for) and works around the first three:
//   - a composite keyset predicate written as one expanded statement is two ranges, and Spider
//     sends the second without its bound (pages repeat and skip rows): on SPIDER tables pages
//     are read branch by branch and key ranges are bounded by row constructors;
//   - a pushed-down DELETE reports 0 affected rows: sluice writes DELETE `t` FROM `t` WHERE ...,
//     which Spider does not push down, and counts;
//   - no SAVEPOINT once a Spider table is in the transaction: nested transactions are flat;
//   - a lock cycle across two backends is no deadlock to either: it ends as 1205 (lock wait
//     timeout, after the backends' innodb_lock_wait_timeout, 5 s here) instead of 1213;
//     retry_transaction retries both;
//   - FLOAT values reach the backends as to_float(<6 significant digits>) (not worked around).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <sluice/sluice.hpp>

namespace cluster {

struct spider_options {
    std::string partitioning;        // the PARTITION BY clause; empty: by key, one part per backend
    bool front_end_indexes = false;  // also run the CREATE INDEX statements on the front end
};

inline std::string spider_partitioning(const std::vector<std::string>& key_columns, std::size_t backends, bool by_hash = false) {
    std::string sql = by_hash ? "PARTITION BY HASH (" : "PARTITION BY KEY (";
    for (std::size_t i = 0; i < key_columns.size(); ++i) sql += (i ? ", `" : "`") + key_columns[i] + "`";
    sql += ") (";
    for (std::size_t b = 1; b <= backends; ++b)
        sql += (b > 1 ? ", " : "") + std::string("PARTITION pt") + std::to_string(b) + " COMMENT = 'srv \"backend" +
               std::to_string(b) + "\"'";
    return sql + ")";
}

// The front end's CREATE TABLE for an InnoDB CREATE TABLE statement.
inline std::string spider_create_table(const std::string& innodb_create, const std::string& table,
                                       const std::string& partitioning) {
    const std::string marker = " ENGINE=InnoDB";
    const std::size_t at = innodb_create.rfind(marker);
    if (at == std::string::npos || innodb_create.find("CREATE TABLE") != 0)
        throw std::runtime_error("create_spider_table: not an InnoDB CREATE TABLE statement: " + innodb_create);
    return innodb_create.substr(0, at) +
           " ENGINE=SPIDER DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin COMMENT='wrapper \"mysql\", table \"" + table +
           "\"' " + partitioning;
}

inline void create_spider_table(sluice::session& front, const std::vector<std::string>& backend_urls,
                                std::vector<std::string> innodb_ddl, std::string table,
                                std::vector<std::string> key_columns, spider_options options = {}) {
    if (innodb_ddl.empty()) throw std::runtime_error("create_spider_table: no DDL for " + table);
    if (backend_urls.empty()) throw std::runtime_error("create_spider_table: no backend");
    const std::string drop = "DROP TABLE IF EXISTS `" + table + "`";
    // The front end first: a Spider table left over must not point at a table being replaced.
    front.execute(drop);
    for (const std::string& url : backend_urls) {
        sluice::session backend(url);
        backend.execute(drop);
        for (const std::string& statement : innodb_ddl) backend.execute(statement);
    }
    if (options.partitioning.empty()) options.partitioning = spider_partitioning(key_columns, backend_urls.size());
    front.execute(spider_create_table(innodb_ddl.front(), table, options.partitioning));
    if (options.front_end_indexes)
        for (std::size_t i = 1; i < innodb_ddl.size(); ++i) front.execute(innodb_ddl[i]);
}

// The same for a model: its DDL and primary key come from sluice.
template <class T>
void create_spider_table(sluice::session& front, const std::vector<std::string>& backend_urls, spider_options options = {}) {
    const sluice::table_info& t = sluice::table_of<T>();
    std::vector<std::string> key;
    for (std::size_t c : t.primary_key) key.emplace_back(t.columns[c].name);
    if (options.partitioning.empty()) {
        using kind = sluice::column_kind;
        const kind k = t.columns[t.primary_key.front()].kind;
        const bool integer_key = t.primary_key.size() == 1 && k != kind::boolean && k >= kind::int8 && k <= kind::uint64;
        options.partitioning = spider_partitioning(key, backend_urls.size(), integer_key);
    }
    create_spider_table(front, backend_urls, sluice::create_table_sql<T>(sluice::backend::mariadb), std::string(t.name), key,
                        std::move(options));
}

}  // namespace cluster
