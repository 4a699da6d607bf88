// sluice::transaction: the guard of a transaction, or of a savepoint inside one.
#pragma once

#include <cstdint>
#include <memory>

#include <sluice/detail/export.hpp>

namespace sluice {

namespace detail {
class session_impl;
struct transaction_access;
}  // namespace detail

// Rolls back on destruction unless committed. Nested transactions use savepoints. Where the
// server refuses SAVEPOINT (a SPIDER table is part of the transaction) a nested transaction is
// flat: its commit does nothing, and its rollback rolls back the whole transaction. The session
// stays in a transaction until the outermost guard ends; everything in it is rolled back then,
// and that guard's commit() throws.
class SLUICE_API transaction {
public:
    transaction(transaction&& other) noexcept;
    transaction& operator=(transaction&&) = delete;
    ~transaction();

    void commit();
    void rollback();
    bool active() const noexcept { return impl_ != nullptr; }
    // A nested transaction without a savepoint (see above): rolling it back ends the outer one.
    bool flat() const noexcept { return flat_; }

private:
    friend struct detail::transaction_access;
    transaction(detail::session_impl& impl, std::weak_ptr<const void> alive, int depth, std::uint64_t generation, bool flat)
        : impl_(&impl), alive_(std::move(alive)), depth_(depth), generation_(generation), flat_(flat) {}
    // The session, unless it was destroyed (closing its connection ended the transaction).
    detail::session_impl* live_session() noexcept;
    detail::session_impl* impl_;
    std::weak_ptr<const void> alive_;  // expires with the session
    int depth_;
    std::uint64_t generation_;  // the transaction it is part of; a reconnect ends it
    bool flat_;
};

}  // namespace sluice
