// A non-owning reference to a callable: how templates hand callbacks to compiled code.
#pragma once

#include <memory>  // std::addressof
#include <type_traits>
#include <utility>

namespace sluice::detail {

// A non-owning callable reference: one indirect call, no allocation, for per-row callbacks.
template <class Signature> class function_ref;
template <class R, class... Args> class function_ref<R(Args...)> {
public:
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, function_ref> && std::is_invocable_r_v<R, F&, Args...>)
    function_ref(F&& f) noexcept  // NOLINT(google-explicit-constructor): implicit, like std::function_ref
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
          call_([](void* o, Args... args) -> R {
              return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(args)...);
          }) {}
    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

}  // namespace sluice::detail
