// DiMe's own HTTP request and response types: nothing outside http/restinio_adapter.cpp sees
// RESTinio.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dime::http {

enum class Method { get, head, post, put, patch, del, options, other };

Method method_from_string(std::string_view name);
const char* method_name(Method m);
inline bool is_unsafe(Method m) {
  return m != Method::get && m != Method::head && m != Method::options;
}

using Params = std::map<std::string, std::string>;

struct Request {
  Method method = Method::get;
  std::string path;  // decoded path without the query
  Params query;      // decoded query parameters (last one wins)
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string remote_address;

  std::optional<std::string_view> header(std::string_view lower_name) const;
  // Cookie value by name, from the Cookie header.
  std::optional<std::string> cookie(std::string_view name) const;
  bool wants_json() const;  // API path, or a client that asks for JSON
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static Response html(std::string body, int status = 200);
  static Response json(const std::string& body, int status = 200);
  static Response redirect(const std::string& location);  // 303 See Other
  static Response text(std::string body, std::string content_type, int status = 200);

  void set_header(const std::string& name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
};

// A Set-Cookie value with the attributes DiMe always wants (HttpOnly, Secure, SameSite=Strict).
std::string make_cookie(std::string_view name, std::string_view value, long long max_age_seconds);

// x-www-form-urlencoded body or query string; throws Error(bad_request) when malformed.
Params parse_urlencoded(std::string_view text);
// The same, keeping every value of a repeated name (checkboxes) in order.
std::vector<std::pair<std::string, std::string>> parse_urlencoded_pairs(std::string_view text);

// A file from a multipart/form-data body. `data` views the request body.
struct UploadedFile {
  std::string field;     // the form field's name
  std::string filename;  // as the browser sent it (untrusted; only ever shown escaped)
  std::string_view data;
};
struct FormData {
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<UploadedFile> files;
};
// Whether a Content-Type value announces multipart/form-data (forms with files).
inline bool is_multipart_form(std::string_view content_type) {
  return content_type.substr(0, 19) == "multipart/form-data";
}
// A multipart/form-data body (RFC 7578) with its Content-Type header value; throws
// Error(bad_request) when malformed. An empty file input (no name, no bytes) is skipped.
FormData parse_multipart(std::string_view content_type, std::string_view body);
// Language tags from Accept-Language, most preferred first; empty when absent or malformed.
std::vector<std::string> parse_accept_language(std::string_view header);
// Reason phrase for a status code.
const char* reason_phrase(int status);

}  // namespace dime::http
