#include "norotriage/status.h"

namespace norotriage {

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  const char* name = "Unknown";
  switch (code()) {
    case Code::kOk: name = "OK"; break;
    case Code::kInvalidArgument: name = "Invalid argument"; break;
    case Code::kNotFound: name = "Not found"; break;
    case Code::kCorruption: name = "Corruption"; break;
    case Code::kUnavailable: name = "Unavailable"; break;
    case Code::kResourceExhausted: name = "Resource exhausted"; break;
    case Code::kInternal: name = "Internal"; break;
    case Code::kFailedPrecondition: name = "Failed precondition"; break;
    case Code::kAlreadyExists: name = "Already exists"; break;
  }
  return std::string(name) + ": " + message();
}

}  // namespace norotriage
