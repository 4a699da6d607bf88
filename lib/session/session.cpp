// sluice::session itself: construction, moves, and the settings it keeps.
#include "session/session_impl.hpp"

namespace sluice {


session::session(std::string_view url)
    : impl_(std::make_unique<detail::session_impl>(detail::parse_url(url))) {
    impl_->owner = this;
}
session::session(session&& other) noexcept : impl_(std::move(other.impl_)) {
    if (impl_) impl_->owner = this;
}

detail::session_impl& session::impl() {
    if (!impl_) throw error("sluice: use of a moved-from session (it was moved into another session object)");
    return *impl_;
}

detail::session_handle session::handle() const {
    if (!impl_) throw error("sluice: use of a moved-from session (it was moved into another session object)");
    return {impl_.get(), impl_->alive};
}
session& session::operator=(session&& other) noexcept {
    impl_ = std::move(other.impl_);
    if (impl_) impl_->owner = this;
    return *this;
}
session::~session() = default;

backend session::backend() const {
    if (!impl_) throw error("sluice: use of a moved-from session (it was moved into another session object)");
    return impl_->target().backend == detail::backend_kind::sqlite ? backend::sqlite : backend::mariadb;
}

void session::on_statement(std::function<void(const statement_event&)> callback) { impl().observer = std::move(callback); }

void session::set_log(statement_log log) { impl().log = std::move(log); }

void session::on_connect(std::function<void(session&)> hook) {
    detail::session_impl& s = impl();
    s.connect_hook = std::move(hook);
    if (s.connect_hook) s.connect_hook(*this);
}

bool session::ping() {
    detail::session_impl& s = impl();
    if (!s.connected()) return false;
    return s.ping();
}

void session::set_retry_policy(const retry_policy& policy) {
    if (policy.attempts < 1) throw error("sluice: retry_policy.attempts must be at least 1");
    impl().retry = policy;
}
const retry_policy& session::get_retry_policy() const { return handle().impl->retry; }

void session::set_plan_check(plan_check mode) { impl().plan = mode; }
plan_check session::get_plan_check() const { return handle().impl->plan; }

std::uint64_t session::connection_id() {
    if (!impl().connected()) impl().reconnect();
    return impl().conn().server_connection_id();
}

bool session::in_transaction() const noexcept { return impl_ && impl_->transaction_depth > 0; }

}  // namespace sluice
