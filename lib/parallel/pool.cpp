// sluice::pool: sessions handed to threads by lease, opened lazily up to the pool size, checked
// when they sat idle, replaced when dead or past their lifetime.
#include <sluice/pool.hpp>

#include "backend/url.hpp"

namespace sluice {

using clock = std::chrono::steady_clock;

pool::pool(std::string url, pool_options options) : url_(std::move(url)), options_(std::move(options)) {
    if (options_.size == 0) throw error("sluice: a pool needs a size of at least 1");
    if (options_.check_idle_after.count() < 0 || options_.max_lifetime.count() < 0)
        throw error("sluice: pool_options.check_idle_after and max_lifetime may not be negative");
    const detail::connection_target target = detail::parse_url(url_);
    if (target.backend == detail::backend_kind::sqlite && target.path == ":memory:")
        throw error("sluice: a pool on sqlite:// (in memory) would give every session its own, empty database; "
                    "use a file, e.g. sqlite:///app.db (its sessions share it), or one session without a pool");
}

pool::~pool() = default;

std::unique_ptr<session> pool::open_session() {
    auto s = std::make_unique<session>(url_);
    if (options_.log.sink) s->set_log(options_.log);
    if (options_.on_connect) s->on_connect(options_.on_connect);
    return s;
}

void pool::note_replaced(session& fresh) noexcept {
    const statement_log& log = options_.log;
    if (!log.sink || log.level > log_level::info) return;
    try {
        const std::uint64_t id = fresh.connection_id();
        const std::string message = "sluice: reconnected: an idle pooled connection did not answer a ping; replaced by connection " +
                                    std::to_string(id);
        log.sink({.level = log_level::info, .event = log_event::reconnect, .message = message, .connection_id = id});
    } catch (...) {
        // The log is an observer: its failure must not fail the acquire.
    }
}

bool pool::worn_out(clock::time_point opened, clock::time_point now) const noexcept {
    return options_.max_lifetime.count() > 0 && now - opened >= options_.max_lifetime;
}

std::optional<pool::lease> pool::take(std::unique_lock<std::mutex>& lock) {
    if (!idle_.empty()) {
        idle_session idle = std::move(idle_.back());
        idle_.pop_back();
        lock.unlock();  // a ping or a new connection takes a round trip or more: not under the lock
        try {
            const auto now = clock::now();
            if (!worn_out(idle.opened, now) && (now - idle.idle_since < options_.check_idle_after || idle.s->ping()))
                return lease(*this, std::move(idle.s), idle.opened);
            const bool dead = !worn_out(idle.opened, now);
            idle.s.reset();  // dead or too old: its slot goes to a replacement
            auto fresh = open_session();
            if (dead) note_replaced(*fresh);
            return lease(*this, std::move(fresh), clock::now());
        } catch (...) {
            lock.lock();
            --open_;
            available_.notify_one();
            throw;
        }
    }
    if (open_ < options_.size) {
        ++open_;
        lock.unlock();
        try {
            return lease(*this, open_session(), clock::now());
        } catch (...) {
            lock.lock();
            --open_;
            available_.notify_one();
            throw;
        }
    }
    return std::nullopt;
}

pool::lease pool::acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (auto l = take(lock)) return std::move(*l);
        available_.wait(lock);
    }
}

std::optional<pool::lease> pool::try_acquire(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (auto l = take(lock)) return l;
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout) {
            if (auto l = take(lock)) return l;
            return std::nullopt;
        }
    }
}

std::size_t pool::open_connections() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return open_;
}

void pool::give_back(std::unique_ptr<session> s, clock::time_point opened) noexcept {
    const auto now = clock::now();
    // A forgotten transaction ends with its connection, so that the next holder starts clean.
    const bool reusable = !s->in_transaction() && !worn_out(opened, now);
    if (!reusable) s.reset();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (reusable) {
            try {
                idle_.push_back({std::move(s), opened, now});
            } catch (...) {
                --open_;  // no memory to keep it: close it instead
            }
        } else {
            --open_;
        }
    }
    available_.notify_one();
}

pool::lease::~lease() {
    if (pool_ && session_) pool_->give_back(std::move(session_), opened_);
}

}  // namespace sluice
