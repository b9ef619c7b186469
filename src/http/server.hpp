// The HTTP server: RESTinio on a thread pool, feeding DiMe's own Request into http::handle.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "app/app.hpp"
#include "http/router.hpp"

namespace dime::http {

class Server {
 public:
  Server(App& app, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until SIGINT or SIGTERM.
  void run(const std::string& host, std::uint16_t port);
  // Serves on background threads until stop() (tests, benchmarks).
  void start(const std::string& host, std::uint16_t port);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dime::http
