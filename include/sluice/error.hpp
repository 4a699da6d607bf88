// Exceptions thrown by sluice. Every message names the table and column involved and what was
// expected; none ever contains a password.
#pragma once

#include <stdexcept>
#include <string>

#include <sluice/detail/export.hpp>

namespace sluice {

// Base of every sluice exception.
class SLUICE_API error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Connecting failed, the URL is malformed, or the connection was lost. When a scan or a
// batched mutation gives up after its retries, resume_token() says where to continue.
class SLUICE_API connection_error : public error {
public:
    using error::error;
    connection_error(const std::string& message, std::string resume_token)
        : error(message), resume_token_(std::move(resume_token)) {}
    const std::string& resume_token() const noexcept { return resume_token_; }

private:
    std::string resume_token_;
};

// The live table disagrees with the model (verify<T>(), or a mismatch found while reading).
class SLUICE_API schema_error : public error {
public:
    using error::error;
};

// A value cannot be converted between its SQL and C++ forms without loss
// (NULL into a non-optional field, out of range, unparsable text).
class SLUICE_API conversion_error : public error {
public:
    using error::error;
};

// The database rejected a statement (constraint violation, syntax, lock wait timeout, ...).
// sql_state and code are the backend's own, for callers that branch on them.
class SLUICE_API statement_error : public error {
public:
    statement_error(const std::string& message, int code, std::string sql_state)
        : error(message), code_(code), sql_state_(std::move(sql_state)) {}
    int code() const noexcept { return code_; }
    const std::string& sql_state() const noexcept { return sql_state_; }

private:
    int code_;
    std::string sql_state_;
};

// A batched mutation (update_in_batches / remove_in_batches) failed in one batch. Earlier
// batches stay committed; query.resume(resume_token()) continues with the failed batch.
class SLUICE_API batch_error : public error {
public:
    batch_error(const std::string& message, std::string resume_token)
        : error(message), resume_token_(std::move(resume_token)) {}
    const std::string& resume_token() const noexcept { return resume_token_; }

private:
    std::string resume_token_;
};

}  // namespace sluice
