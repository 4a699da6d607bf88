// The one place that holds per-table dialect state: which tables of this session are SPIDER tables
// or compare text in a non-binary collation, and so which dialect renders statements on them.
#include <sluice/error.hpp>

#include "session/session_impl.hpp"
#include "types/ascii.hpp"

namespace sluice::detail {

const dialect& session_impl::sql_for(const table_info& t) {
    if (sql().table_engine_query().empty()) return sql();
    const auto now = std::chrono::steady_clock::now();
    auto known = spider_tables_.find(t.name);
    if (known == spider_tables_.end() || now - known->second.at > engine_lookup_ttl) {
        std::optional<bool> spider;  // empty: no such table (yet); asked again next time
        bool collated = false;
        const value_ref name{t.name};
        // A read of the catalog: retried on a lost connection outside a transaction like any read
        // (some callers, a scan's first page among them, ask before their own retry loop starts).
        with_retries([&] {
            spider.reset();
            guarded_run(sql().table_engine_query(),
                        std::span(&name, 1), [&](row_reader& row) {
                            spider = !row.is_null(0) && ascii_lowercase(row.get_text(0)) == "spider";
                            collated = row.get_int64(1) > 0;
                        }, false);
        }, [] { return std::string(); });
        if (!spider) return mysql_dialect();
        known = spider_tables_.insert_or_assign(std::string(t.name), engine_lookup{*spider, collated, now}).first;
    }
    if (known->second.spider) return spider_dialect();
    return known->second.collated ? mysql_collated_dialect() : mysql_dialect();
}

const dialect& session_impl::sql_for(const query_spec& q) {
    const dialect& own = sql_for(*q.table);
    if (q.joins.empty()) return own;
    auto refuse_spider = [](const table_info& t) {
        throw error("sluice: " + std::string(t.name) + ": joins of SPIDER tables are not supported: a sharded table's "
                    "rows live on its backends, which do not join one another; read the tables apart");
    };
    if (&own == &spider_dialect()) refuse_spider(*q.table);
    bool collated = &own == &mysql_collated_dialect();
    for (const join_clause& j : q.joins) {
        const dialect& d = sql_for(*j.table);
        if (&d == &spider_dialect()) refuse_spider(*j.table);
        collated = collated || &d == &mysql_collated_dialect();
    }
    return collated ? mysql_collated_dialect() : own;
}

}  // namespace sluice::detail
