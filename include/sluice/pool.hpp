// sluice::pool: sessions for many threads. A session is not thread-safe; a pool hands each
// thread its own for as long as it holds the lease.
//
//   sluice::pool pool{"mariadb://app:pw@db/shop", {.size = 8, .on_connect = [](sluice::session& s) { ... },
//                     .check_idle_after = 30s, .max_lifetime = 30min}};
//   std::thread([&] { auto db = pool.acquire(); for (const User& u : db->query<User>().yield_per(1000)) ...; });
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <sluice/detail/export.hpp>
#include <sluice/session.hpp>

namespace sluice {

struct pool_options {
    std::size_t size = 8;  // connections open at most (idle + on loan)
    // Installed with session::on_connect on each new session before its first lease (after `log`):
    // retry policy, plan check, session variables; it runs again whenever the session reconnects.
    // If it throws on a new session, the connection is closed and acquire() throws that.
    std::function<void(session&)> on_connect{};
    // A session idle for longer is pinged before it is handed out, and replaced if dead
    // (a server restart, wait_timeout, a KILL). Zero: ping every time.
    std::chrono::milliseconds check_idle_after{std::chrono::seconds(30)};
    // A connection older than this is closed when returned (or found idle) and replaced on demand,
    // so that server-side state and load balancers turn over. Zero: no limit.
    std::chrono::milliseconds max_lifetime{0};
    // Installed on every session of the pool (session::set_log).
    statement_log log{};
};

class SLUICE_API pool {
public:
    // Opens connections lazily, at most `options.size` at a time. An in-memory SQLite URL
    // (sqlite://) is refused: each connection would be a separate, empty database.
    pool(std::string url, pool_options options);
    pool(std::string url, std::size_t size) : pool(std::move(url), pool_options{.size = size}) {}
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;
    ~pool();

    // A session on loan; returned to the pool when the lease ends. A session returned with a
    // transaction still open is closed, not reused, so the next holder starts clean.
    class SLUICE_API lease {
    public:
        lease(lease&& other) noexcept
            : pool_(std::exchange(other.pool_, nullptr)), session_(std::move(other.session_)), opened_(other.opened_) {}
        lease& operator=(lease&&) = delete;
        ~lease();
        session& operator*() noexcept { return *session_; }
        session* operator->() noexcept { return session_.get(); }

    private:
        friend class pool;
        lease(pool& p, std::unique_ptr<session> s, std::chrono::steady_clock::time_point opened)
            : pool_(&p), session_(std::move(s)), opened_(opened) {}
        pool* pool_;
        std::unique_ptr<session> session_;
        std::chrono::steady_clock::time_point opened_;
    };

    // Waits until a session is free. Throws connection_error if a new connection fails.
    lease acquire();
    // Waits at most `timeout` for a free session; nullopt if none became free. Checking an idle
    // one or opening a new one (up to connect_timeout) comes on top.
    std::optional<lease> try_acquire(std::chrono::milliseconds timeout);

    std::size_t size() const noexcept { return options_.size; }
    std::size_t open_connections() const;

private:
    struct idle_session {
        std::unique_ptr<session> s;
        std::chrono::steady_clock::time_point opened, idle_since;
    };
    void give_back(std::unique_ptr<session> s, std::chrono::steady_clock::time_point opened) noexcept;
    std::optional<lease> take(std::unique_lock<std::mutex>& lock);
    std::unique_ptr<session> open_session();
    void note_replaced(session& fresh) noexcept;
    bool worn_out(std::chrono::steady_clock::time_point opened, std::chrono::steady_clock::time_point now) const noexcept;

    std::string url_;
    pool_options options_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<idle_session> idle_;  // the most recently returned last
    std::size_t open_ = 0;             // idle + on loan
};

}  // namespace sluice
