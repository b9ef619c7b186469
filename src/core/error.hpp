// The one error type of DiMe; http::error_response (http/pipeline.cpp) is the one place that
// turns it into a response.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/translatable.hpp"

namespace dime {

enum class ErrorKind {
  bad_request,         // malformed input: 400
  unauthenticated,     // no valid session: 401 (pages redirect to login)
  forbidden,           // authenticated but not allowed: 403
  not_found,           // also used when revealing existence would leak: 404
  method_not_allowed,  // 405
  conflict,            // 409
  payload_too_large,   // 413
  unprocessable,       // well-formed but invalid fields: 422
  too_many_requests,   // throttled: 429
  unsupported_media,   // a body of the wrong content type: 415
  unavailable,         // cannot serve this now (e.g. an office without a key yet): 503
  internal,            // anything else: 500, details only in the log
};

// `message` is a msgid shown (translated) to the client; `detail` goes to the log only.
// `fields` maps a field name to the msgid of its problem.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string detail = {},
        std::map<std::string, std::string> fields = {})
      : std::runtime_error(detail.empty() ? message : detail),
        kind_(kind),
        message_(std::move(message)),
        fields_(std::move(fields)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const std::map<std::string, std::string>& fields() const { return fields_; }

 private:
  ErrorKind kind_;
  std::string message_;
  std::map<std::string, std::string> fields_;
};

}  // namespace dime
