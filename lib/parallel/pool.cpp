// sluice::pool: sessions handed to threads by lease, opened lazily up to the pool size.
#include <sluice/pool.hpp>

namespace sluice {

pool::pool(std::string url, std::size_t size) : url_(std::move(url)), size_(size) {
    if (size_ == 0) throw error("sluice: a pool needs a size of at least 1");
}

pool::~pool() = default;

std::optional<pool::lease> pool::take(std::unique_lock<std::mutex>& lock) {
    if (!idle_.empty()) {
        std::unique_ptr<session> s = std::move(idle_.back());
        idle_.pop_back();
        return lease(*this, std::move(s));
    }
    if (open_ < size_) {
        ++open_;
        lock.unlock();  // connecting takes a round trip or more: not under the lock
        try {
            auto s = std::make_unique<session>(url_);
            return lease(*this, std::move(s));
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
    const auto deadline = std::chrono::steady_clock::now() + timeout;
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

void pool::give_back(std::unique_ptr<session> s) noexcept {
    const bool reusable = !s->in_transaction();
    if (!reusable) s.reset();  // closing the connection ends the forgotten transaction
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (reusable) idle_.push_back(std::move(s));
        else --open_;
    }
    available_.notify_one();
}

pool::lease::~lease() {
    if (pool_ && session_) pool_->give_back(std::move(session_));
}

}  // namespace sluice
