// Pure HTTP-layer pieces: routing, urlencoded and cookie parsing, Accept-Language, listen address.
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace dime {
namespace {

using http::Method;

http::Response ok(http::Context&) {
  return http::Response::text("ok", "text/plain");
}

TEST(Router, MatchesParametersAndReportsAllowedMethods) {
  http::Router r({{Method::get, "/a/{id}/b", http::Access::anyone(), ok},
                  {Method::post, "/a/{id}/b", http::Access::anyone(), ok},
                  {Method::get, "/", http::Access::anyone(), ok}});
  auto m = r.match(Method::get, "/a/42/b");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "42");
  EXPECT_NE(r.match(Method::head, "/a/1/b").route, nullptr) << "HEAD is served by GET";
  EXPECT_NE(r.match(Method::get, "/").route, nullptr);
  auto wrong = r.match(Method::del, "/a/1/b");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_EQ(wrong.allowed.size(), 2u);
  auto none = r.match(Method::get, "/a/1");
  EXPECT_EQ(none.route, nullptr);
  EXPECT_TRUE(none.allowed.empty());
}

TEST(Router, EveryRouteOfTheTableDeclaresAccessAndABodyLimit) {
  auto router = http::make_router();
  for (const auto& route : router.routes()) {
    EXPECT_GT(route.max_body, 0u) << route.pattern;
    EXPECT_TRUE(route.handler) << route.pattern;
    if (route.pattern.rfind("/admin", 0) == 0) {
      EXPECT_EQ(route.access.kind, http::Access::Kind::roles) << route.pattern;
    }
    // Every form POST carries a CSRF token. Only the public JSON intake, which reads no
    // cookie and accepts only a JSON body, goes without.
    if (route.method == Method::post && route.pattern.rfind("/api/v1/reports", 0) != 0) {
      EXPECT_TRUE(route.access.csrf) << route.pattern;
    }
    if (!route.access.csrf) {
      EXPECT_EQ(route.pattern.rfind("/api/v1/reports", 0), 0u) << route.pattern;
      EXPECT_EQ(route.access.kind, http::Access::Kind::anyone) << route.pattern;
    }
  }
}

TEST(Forms, UrlencodedIsDecodedAndMalformedIsRejected) {
  auto p = http::parse_urlencoded("email=a%40b.no&name=Ola+Nordmann&x=%C3%A6");
  EXPECT_EQ(p.at("email"), "a@b.no");
  EXPECT_EQ(p.at("name"), "Ola Nordmann");
  EXPECT_EQ(p.at("x"), "\xC3\xA6");
  EXPECT_EQ(http::parse_urlencoded("n=alert(1)!~'").at("n"), "alert(1)!~'");
  for (const char* bad : {"a=%zz", "a=%", "a=<script>", "a=%4", "a=%C3", "a=\"x\""}) {
    EXPECT_THROW(http::parse_urlencoded(bad), Error) << bad;
  }
}

TEST(Cookies, AreFoundByExactName) {
  http::Request r;
  r.headers = {{"cookie", "a=1; dime_session=abc;dime_csrf=xyz ; other_dime_session=no"}};
  EXPECT_EQ(r.cookie("dime_session"), "abc");
  EXPECT_EQ(r.cookie("dime_csrf"), "xyz");
  EXPECT_FALSE(r.cookie("session"));
  EXPECT_EQ(http::make_cookie("n", "v", 60),
            "n=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Strict");
}

TEST(AcceptLanguage, IsOrderedByWeight) {
  auto langs = http::parse_accept_language("en;q=0.5, sv, nb-NO;q=0.8, *;q=0.1, de;q=0");
  ASSERT_EQ(langs.size(), 3u);
  EXPECT_EQ(langs[0], "sv");
  EXPECT_EQ(langs[1], "nb-NO");
  EXPECT_EQ(langs[2], "en");
  EXPECT_TRUE(http::parse_accept_language(";;;=").empty());
}

TEST(Config, ListenAddressIsParsedAndValidated) {
  auto a = parse_listen("127.0.0.1:8080");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(parse_listen("[::1]:9000").host, "::1");
  for (const char* bad : {"8080", "host:", ":80", "host:99999", "host:8o"}) {
    EXPECT_THROW(parse_listen(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace dime
