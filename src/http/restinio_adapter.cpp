// The only file that includes RESTinio (slow to compile): server set-up, request conversion,
// and the RESTinio parsers DiMe uses (urlencoded bodies, Accept-Language).
#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <restinio/all.hpp>
#include <restinio/helpers/file_upload.hpp>
#include <restinio/helpers/http_field_parsers/accept-language.hpp>
#include <restinio/helpers/http_field_parsers/content-disposition.hpp>
#include <restinio/helpers/http_field_parsers/content-type.hpp>
#include <restinio/helpers/multipart_body.hpp>

#include "core/error.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"

namespace dime::http {

namespace {
using traits_t = restinio::default_traits_t;
using server_t = restinio::http_server_t<traits_t>;

std::vector<std::pair<std::string, std::string>> lower_case_headers(
    const restinio::request_handle_t& req) {
  std::vector<std::pair<std::string, std::string>> out;
  req->header().for_each_field([&](const restinio::http_header_field_t& f) {
    std::string name = f.name();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.emplace_back(std::move(name), f.value());
  });
  return out;
}

Request convert(const restinio::request_handle_t& req, bool trust_proxy) {
  Request out;
  const auto& h = req->header();
  out.method = method_from_string(h.method().c_str());
  auto path =
      restinio::utils::try_unescape_percent_encoding<restinio::utils::relaxed_unescape_traits>(
          h.path());
  if (!path || path->find('\0') != std::string::npos) {
    throw Error(ErrorKind::bad_request, N_("The address was malformed."), "bad path encoding");
  }
  out.path = std::move(*path);
  if (!h.query().empty()) out.query = parse_urlencoded(h.query());
  out.headers = lower_case_headers(req);
  out.body = req->body();
  out.remote_address = req->remote_endpoint().address().to_string();
  if (trust_proxy) {
    // The last hop is the one our own proxy appended; earlier ones are the client's claims.
    if (auto xff = out.header("x-forwarded-for")) {
      std::string_view hop = *xff;
      if (auto comma = hop.rfind(','); comma != std::string_view::npos)
        hop.remove_prefix(comma + 1);
      while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
      while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
      if (!hop.empty() && hop.size() <= 64) out.remote_address = std::string(hop);
    }
  }
  return out;
}

void send(const restinio::request_handle_t& req, const Response& r) {
  auto resp = req->create_response(restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(r.status)}, reason_phrase(r.status)});
  for (const auto& [k, v] : r.headers) resp.append_header(k, v);
  resp.set_body(r.body);
  resp.done();
}

template <typename Settings>
Settings configure(Settings&& s, App& app, const Router& router, const std::string& host,
                   std::uint16_t port) {
  auto handler = [&app, &router](const restinio::request_handle_t& req) {
    Response r;
    try {
      r = handle(app, router, convert(req, app.config.trust_proxy));
    } catch (const Error& e) {
      // Only a malformed path or query reaches here: the pipeline maps everything else.
      Request bare;  // enough for the error page: its language and whether it wants JSON
      bare.path = std::string(req->header().path());
      bare.headers = lower_case_headers(req);
      r = handle_error(app, bare, e);
    }
    send(req, r);
    return restinio::request_accepted();
  };
  return std::forward<Settings>(s)
      .address(host)
      .port(port)
      .request_handler(std::move(handler))
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_url_size(8UL * 1024)
                                    .max_field_name_size(1024)
                                    .max_field_value_size(16UL * 1024)
                                    .max_field_count(100)
                                    .max_body_size(app.config.max_body_bytes))
      .read_next_http_message_timelimit(std::chrono::seconds(60))
      .write_http_response_timelimit(std::chrono::seconds(60))
      .handle_request_timeout(std::chrono::seconds(60));
}
}  // namespace

struct Server::Impl {
  App& app;
  const Router& router;
  std::unique_ptr<restinio::running_server_instance_t<server_t>> running;
};

Server::Server(App& app, const Router& router) : impl_(new Impl{app, router, nullptr}) {}

Server::~Server() {
  stop();
}

void Server::run(const std::string& host, std::uint16_t port) {
  // Block SIGINT and SIGTERM before the worker threads start (they inherit the mask), then
  // wait for either here and stop gracefully: systemd and container runtimes send SIGTERM.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  start(host, port);
  int received = 0;
  sigwait(&signals, &received);
  stop();
}

void Server::start(const std::string& host, std::uint16_t port) {
  impl_->running = restinio::run_async(
      restinio::own_io_context(),
      configure(restinio::server_settings_t<traits_t>{}, impl_->app, impl_->router, host, port),
      impl_->app.config.threads);
}

void Server::stop() {
  if (impl_ && impl_->running) {
    impl_->running->stop();
    impl_->running->wait();
    impl_->running.reset();
  }
}

std::vector<std::pair<std::string, std::string>> parse_urlencoded_pairs(std::string_view text) {
  // Relaxed: accepts the sub-delimiters ( ) ! ' ~ that many clients leave unescaped; still
  // rejects broken %-escapes, invalid UTF-8 and raw characters such as < > " { }.
  auto parsed = restinio::try_parse_query<restinio::parse_query_traits::relaxed>(text);
  if (!parsed)
    throw Error(ErrorKind::bad_request, N_("The form data was malformed."), "bad urlencoded data");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : *parsed) out.emplace_back(name, value);
  return out;
}

Params parse_urlencoded(std::string_view text) {
  Params out;
  for (auto& [name, value] : parse_urlencoded_pairs(text)) {
    out.insert_or_assign(std::move(name), std::move(value));
  }
  return out;
}

FormData parse_multipart(std::string_view content_type, std::string_view body) {
  namespace hfp = restinio::http_field_parsers;
  namespace mp = restinio::multipart_body;
  auto bad = [](const char* detail) {
    return Error(ErrorKind::bad_request, N_("The form data was malformed."), detail);
  };
  auto type = hfp::content_type_value_t::try_parse(content_type);
  if (!type) throw bad("bad multipart content type");
  auto boundary = hfp::find_first(type->media_type.parameters, "boundary");
  if (!boundary || mp::check_boundary_value(*boundary)) throw bad("bad multipart boundary");
  std::string mark = "--" + std::string(*boundary);
  auto parts = mp::split_multipart_body(body, mark);
  if (parts.empty()) throw bad("multipart body without parts");
  FormData out;
  for (auto part : parts) {
    auto parsed = mp::try_parse_part(part);
    if (!parsed) throw bad("bad multipart part");
    auto disposition = parsed->fields.opt_value_of(restinio::http_field::content_disposition);
    if (!disposition) throw bad("multipart part without Content-Disposition");
    auto cd = hfp::content_disposition_value_t::try_parse(*disposition);
    if (!cd) throw bad("bad Content-Disposition");
    auto name = hfp::find_first(cd->parameters, "name");
    if (!name) throw bad("multipart part without a name");
    auto filename = hfp::find_first(cd->parameters, "filename");
    if (filename) {
      if (filename->empty() && parsed->body.empty()) continue;  // an empty file input
      out.files.push_back({std::string(*name), std::string(*filename),
                           std::string_view(parsed->body.data(), parsed->body.size())});
    } else {
      out.fields.emplace_back(std::string(*name), std::string(parsed->body));
    }
  }
  return out;
}

std::vector<std::string> parse_accept_language(std::string_view header) {
  namespace hfp = restinio::http_field_parsers;
  auto parsed = hfp::accept_language_value_t::try_parse(header);
  if (!parsed) return {};
  auto items = parsed->languages;
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return b.weight < a.weight; });
  std::vector<std::string> out;
  for (const auto& item : items) {
    if (item.weight.as_uint() > 0 && item.language_range != "*") out.push_back(item.language_range);
  }
  return out;
}

}  // namespace dime::http
