// The baseline for bench/run.sh: a bare RESTinio "hello" page on a thread pool, nothing else.
#include <restinio/all.hpp>

#include <cstdlib>

int main(int argc, char** argv) {
  const auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8090);
  const std::size_t threads = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 2;
  restinio::run(restinio::on_thread_pool(threads).address("127.0.0.1").port(port).request_handler(
      [](const restinio::request_handle_t& req) {
        return req->create_response()
            .append_header(restinio::http_field::content_type, "text/plain; charset=utf-8")
            .set_body("hello")
            .done();
      }));
}
