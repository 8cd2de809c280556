// Errors as values: one Status type and one Result<T> type.
//
// A Status is cheap to copy when OK (no allocation). A failed Status carries a
// code and a message; messages name a location where one exists, e.g.
// "knowledge/flags.yaml:12:7: unknown finding 'back_pian'" or
// "findings.back_pain_score: 14 is above the maximum of 10".
//
// Thread safety: values; no shared state.
#ifndef NOROTRIAGE_STATUS_H_
#define NOROTRIAGE_STATUS_H_

#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace norotriage {

class [[nodiscard]] Status {
 public:
  // DO NOT RENUMBER: codes are mapped to exit statuses and HTTP codes.
  enum class Code { kOk = 0, kInvalidArgument = 1, kNotFound = 2, kCorruption = 3,
                    kUnavailable = 4, kResourceExhausted = 5, kInternal = 6,
                    // A valid request that the state of what it is about does not allow
                    // (e.g. a check-in beyond an episode's limit).
                    kFailedPrecondition = 7,
                    // What the request would make exists already, and the caller must
                    // say what to do with it (e.g. a second check-in on one date).
                    kAlreadyExists = 8 };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status ResourceExhausted(std::string msg) { return Status(Code::kResourceExhausted, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status FailedPrecondition(std::string msg) { return Status(Code::kFailedPrecondition, std::move(msg)); }
  static Status AlreadyExists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  // Empty when OK.
  const std::string& message() const;
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

 private:
  struct State { Code code; std::string message; };
  Status(Code code, std::string msg)
      : state_(std::make_shared<const State>(State{code, std::move(msg)})) {}
  std::shared_ptr<const State> state_;  // null when OK; immutable, so sharing is safe
};

// Either a value or an error (a failed Status by default). REQUIRES for value(): ok().
template <typename T, typename E = Status>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(E error) : v_(std::move(error)) {}        // NOLINT: REQUIRES a failed error
  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: !ok().
  const E& error() const { return std::get<E>(v_); }
  // For Result<T, Status>: OK when ok(), the failure otherwise.
  Status status() const {
    if (ok()) return Status();
    return std::get<E>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace norotriage

#endif  // NOROTRIAGE_STATUS_H_
