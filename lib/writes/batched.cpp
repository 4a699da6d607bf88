// update_in_batches / remove_in_batches: keyset walk over the primary key, one short
// transaction per batch.
#include <sluice/detail/query_spec.hpp>
#include <sluice/error.hpp>
#include <sluice/session.hpp>

#include <algorithm>
#include <thread>

#include "query/keyset_page.hpp"
#include "session/session_impl.hpp"
#include "sql/render_expr.hpp"
#include "sql/render_keyset.hpp"
#include "sql/render_statements.hpp"
#include "query/token.hpp"

namespace sluice::detail {
namespace {

// "key > after AND key <= last" (no lower bound for the first batch), lexicographically over
// the primary key. The range starts right after the previous batch, not at this batch's first key
// read: whatever order the server read the keys in, no key is skipped.
expr_node key_range(const table_info& t, const std::vector<value>& after, const std::vector<value>& last) {
    expr_node range{expr_op::all_of, no_column, no_column, {}, {}};
    if (!after.empty()) range.children.push_back(key_tuple_bound(t, expr_op::tuple_gt, after));
    range.children.push_back(key_tuple_bound(t, expr_op::tuple_le, last));
    return range;
}

std::string describe_key(const table_info& t, const std::vector<value>& key) {
    std::string out = "(";
    for (std::size_t i = 0; i < key.size(); ++i)
        out += (i ? ", " : "") + std::string(t.columns[t.primary_key[i]].name) + "=" + describe(as_ref(key[i]));
    return out + ")";
}

}  // namespace

std::uint64_t run_in_batches(const session_handle& s, const query_spec& q, std::size_t batch_rows,
                             const std::vector<column_set>& sets, const batch_options& options) {
    const table_info& t = *q.table;
    const std::string what = sets.empty() ? "remove_in_batches" : "update_in_batches";
    const std::string context = "sluice: " + std::string(t.name) + ": " + what + ": ";
    if (batch_rows == 0) throw error(context + "the batch size must be at least 1");
    if (q.limit || q.offset) throw error(context + "limit() and offset() are not supported; every matching row is visited");
    session_impl& impl = s.get(t);
    if (impl.transaction_depth > 0)
        throw error(context + "each batch commits on its own, so it cannot run inside a transaction; "
                              "call it outside, or use update()/remove() inside yours");
    for (const column_set& set : sets)
        if (t.columns.at(set.column).primary_key)
            throw error(context + "cannot set the primary key column " + std::string(t.columns[set.column].name) +
                        ": the walk is ordered by it");
    check_exact_sets(impl, t, sets, "nothing was written");
    // A batch of constant values can run twice and end the same; an expression (salary * 2)
    // cannot, so a COMMIT whose outcome a lost connection hides is not run again.
    const bool idempotent = std::none_of(sets.begin(), sets.end(), [](const column_set& set) { return set.expr.has_value(); });

    query_spec walk = q;
    walk.order.clear();
    walk.resume.reset();
    const std::vector<order_term> terms = keyset_terms(walk);  // the primary key, ascending
    const std::string print = fingerprint(walk);
    std::vector<value> last;
    std::uint64_t changed = 0;
    if (q.resume) decode_token(*q.resume, walk, print, terms.size(), last, changed);
    std::vector<std::size_t> key_columns(t.primary_key.begin(), t.primary_key.end());
    const auto started = std::chrono::steady_clock::now();

    for (;;) {
        std::vector<value> first_key, last_key;
        std::size_t found = 0;
        std::uint64_t affected = 0;
        const std::vector<value> before = last;
        std::vector<value_ref> resume_key;
        for (const value& v : before) resume_key.push_back(as_ref(v));
        try {
            // A batch of constant values is idempotent (the same keys, the filters applied again),
            // so after a lost connection it is run again whole, committed or not. Before its
            // COMMIT the server rolls an interrupted batch back, so any batch is run again then.
            impl.with_retries([&] {
                found = 0;
                affected = 0;
                const dialect& d = impl.sql_for(t);
                auto tx = transaction_access::begin(impl);
                // The keys of the next batch: a short index range read.
                // last_key is the greatest key read (compared here, byte-wise like the keyset
                // predicate), not the last row: the server's order of long text keys is inexact.
                std::vector<value> key;
                read_keyset_page(impl, d, walk, terms, last, batch_rows, key_columns, [&](row_reader& row) {
                    key.clear();
                    for (std::size_t i = 0; i < key_columns.size(); ++i)
                        key.push_back(read_value(row, static_cast<int>(i), t.columns[key_columns[i]].kind));
                    if (found == 0) first_key = key;
                    if (found == 0 || last_key < key) last_key = key;
                    ++found;
                });
                if (found == 0) {
                    tx.commit();
                    return;
                }

                // The mutation, by key range, with the filters applied again: a row changed since the
                // key read so that it no longer matches is left alone.
                rendered range;
                const expr_node bounds = key_range(t, before, last_key);
                render_expr(d, t, bounds, range);
                const rendered stmt = sets.empty() ? render_delete(d, walk, &range) : render_update(d, walk, sets, &range);
                affected = impl.run(stmt.sql, stmt.params);
                try {
                    tx.commit();
                } catch (const connection_error& e) {
                    if (idempotent) throw;
                    std::vector<value_ref> after;
                    for (const value& v : last_key) after.push_back(as_ref(v));
                    throw batch_error(context + "the connection was lost during the COMMIT of the batch of keys " +
                                          describe_key(t, first_key) + " to " + describe_key(t, last_key) +
                                          ", so whether it was applied is unknown; it is not run again, since its "
                                          "expressions would apply twice. Earlier batches are committed (" + std::to_string(changed) +
                                          " rows); resume_token() continues after this batch: " + e.what(),
                                      encode_token(print, after, changed + affected));
                }
            }, [&] { return encode_token(print, resume_key, changed); });
        } catch (const connection_error&) {
            throw;  // retries ran out; it carries the resume token
        } catch (const batch_error&) {
            throw;
        } catch (const bind_mismatch& m) {
            throw batch_error(context + "a value cannot be bound: " + m.what, encode_token(print, {}, changed));
        } catch (const error& e) {
            const std::string range = found == 0 ? "the batch after " + (before.empty() ? std::string("the start") : describe_key(t, before))
                                                 : "keys " + describe_key(t, first_key) + " to " + describe_key(t, last_key);
            throw batch_error(context + "batch failed (" + range + "); earlier batches are committed (" +
                                  std::to_string(changed) + " rows): " + e.what(),
                              encode_token(print, resume_key, changed));
        }
        if (found == 0) break;
        changed += affected;
        last = last_key;
        if (options.on_batch) {
            std::vector<value_ref> key;
            for (const value& v : last) key.push_back(as_ref(v));
            const std::string token = encode_token(print, key, changed);
            options.on_batch(batch_progress{changed, static_cast<std::size_t>(affected),
                                            std::chrono::steady_clock::now() - started, token});
        }
        if (found < batch_rows) break;
        if (options.pause.count() > 0) std::this_thread::sleep_for(options.pause);
    }
    return changed;
}

}  // namespace sluice::detail
