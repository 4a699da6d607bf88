// sluice::pool: sessions for many threads. A session is not thread-safe; a pool hands each
// thread its own for as long as it holds the lease.
//
//   sluice::pool pool{"mariadb://app:pw@db/shop", 8};
//   std::thread([&] { auto db = pool.acquire(); for (const User& u : db->query<User>().yield_per(1000)) ...; });
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <sluice/detail/export.hpp>
#include <sluice/session.hpp>

namespace sluice {

class SLUICE_API pool {
public:
    // Opens connections lazily, at most `size` at a time.
    pool(std::string url, std::size_t size);
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;
    ~pool();

    // A session on loan; returned to the pool when the lease ends. A session returned with a
    // transaction still open is closed, not reused, so the next holder starts clean.
    class SLUICE_API lease {
    public:
        lease(lease&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), session_(std::move(other.session_)) {}
        lease& operator=(lease&&) = delete;
        ~lease();
        session& operator*() noexcept { return *session_; }
        session* operator->() noexcept { return session_.get(); }

    private:
        friend class pool;
        lease(pool& p, std::unique_ptr<session> s) : pool_(&p), session_(std::move(s)) {}
        pool* pool_;
        std::unique_ptr<session> session_;
    };

    // Waits until a session is free. Throws connection_error if a new connection fails.
    lease acquire();
    // Waits at most `timeout`; nullopt if none became free.
    std::optional<lease> try_acquire(std::chrono::milliseconds timeout);

    std::size_t size() const noexcept { return size_; }
    std::size_t open_connections() const;

private:
    void give_back(std::unique_ptr<session> s) noexcept;
    std::optional<lease> take(std::unique_lock<std::mutex>& lock);

    std::string url_;
    std::size_t size_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<session>> idle_;
    std::size_t open_ = 0;  // idle + on loan
};

}  // namespace sluice
