// Transactions: the guard, savepoints for nested levels, flat nesting where SAVEPOINT is refused,
// and which errors a transaction may be run again after.
#include "session/session_impl.hpp"

namespace sluice {

namespace detail {
namespace {
std::string savepoint_name(int depth) { return "sluice_sp_" + std::to_string(depth); }
}  // namespace
}  // namespace detail
using detail::savepoint_name;

sluice::transaction session::transaction() { return detail::transaction_access::begin(impl()); }

namespace detail {
session_impl& session_handle::get(const table_info& t) const {
    if (!impl || alive.expired())
        throw error("sluice: " + std::string(t.name) + ": the session this query or scan was made on has been destroyed");
    return *impl;
}

sluice::transaction transaction_access::begin(session_impl& s) {
    const int depth = s.transaction_depth + 1;
    bool flat = false;
    if (depth == 1) {
        s.run(s.sql().begin_transaction(), {});
    } else {
        try {
            s.run("SAVEPOINT " + savepoint_name(depth), {});
        } catch (const statement_error& e) {
            if (!s.sql().savepoint_refused(e.code())) throw;
            flat = true;
        }
    }
    s.transaction_depth = depth;
    return sluice::transaction(s, s.alive, depth, s.generation, flat);
}
}  // namespace detail

bool session::is_retryable(const statement_error& e) noexcept {
    // The error says which backend raised it: SQLite's carry "SQLITE<code>" as their state.
    const detail::dialect& d = e.sql_state().starts_with("SQLITE") ? detail::sqlite_dialect() : detail::mysql_dialect();
    return d.is_retryable(e.code(), e.sql_state());
}


transaction::transaction(transaction&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)),
      alive_(std::move(other.alive_)),
      depth_(other.depth_),
      generation_(other.generation_),
      flat_(other.flat_) {}

detail::session_impl* transaction::live_session() noexcept {
    if (alive_.expired()) impl_ = nullptr;
    return impl_;
}

transaction::~transaction() {
    if (!live_session()) return;
    try {
        rollback();
    } catch (...) {
        // Destructors must not throw; a failed rollback leaves the server to abort the
        // transaction when the connection closes.
        impl_ = nullptr;
    }
}

void transaction::commit() {
    if (!impl_) throw error("sluice: commit() on a transaction that already ended");
    if (!live_session())
        throw connection_error("sluice: commit() after its session was destroyed: closing the connection rolled the transaction back");
    if (impl_->generation != generation_) {
        impl_ = nullptr;
        throw connection_error("sluice: commit() after the connection was lost: the server rolled the transaction back");
    }
    if (impl_->transaction_depth != depth_)
        throw error("sluice: commit() of an outer transaction while a nested one is still open");
    // Refused before anything changes, so the guard (and the transaction) are as they were.
    impl_->refuse_while_streaming("COMMIT");
    detail::session_impl* s = std::exchange(impl_, nullptr);
    s->transaction_depth = depth_ - 1;
    if (depth_ == 1) {
        if (s->doomed_depth > 0) {
            s->doomed_depth = 0;
            s->run("ROLLBACK", {});
            throw error("sluice: commit() of a transaction that a nested transaction rolled back: the server refused "
                        "SAVEPOINT (a SPIDER table is part of it), so the nested rollback ended the whole transaction; "
                        "everything since was rolled back now");
        }
        s->run("COMMIT", {});
    } else if (!flat_ && !(s->doomed_depth > 0 && depth_ < s->doomed_depth)) {
        s->run("RELEASE SAVEPOINT " + savepoint_name(depth_), {});
    }
}

void transaction::rollback() {
    if (!impl_) throw error("sluice: rollback() on a transaction that already ended");
    if (!live_session()) return;  // the closed connection already rolled it back
    if (impl_->generation != generation_) {
        impl_ = nullptr;  // the lost connection took the transaction with it
        return;
    }
    if (impl_->transaction_depth != depth_)
        throw error("sluice: rollback() of an outer transaction while a nested one is still open");
    // A stream reading inside the transaction ends with it (its range then says why).
    detail::end_main_stream(*impl_, "the transaction it ran in was rolled back");
    detail::session_impl* s = std::exchange(impl_, nullptr);
    s->transaction_depth = depth_ - 1;
    if (depth_ == 1) {
        s->doomed_depth = 0;
        s->run("ROLLBACK", {});
    } else if (flat_) {
        // No savepoint to return to: the whole transaction goes. A replacement keeps the outer
        // guards' later statements transactional until the outermost one ends (and rolls back).
        s->doomed_depth = s->doomed_depth > 0 ? std::min(s->doomed_depth, depth_) : depth_;
        s->run("ROLLBACK", {});
        s->run("START TRANSACTION", {});
    } else if (s->doomed_depth > 0 && depth_ < s->doomed_depth) {
        // Its savepoint went with the rolled-back transaction: nothing to return to.
    } else {
        s->run("ROLLBACK TO SAVEPOINT " + savepoint_name(depth_), {});
        s->run("RELEASE SAVEPOINT " + savepoint_name(depth_), {});
    }
}


}  // namespace sluice
