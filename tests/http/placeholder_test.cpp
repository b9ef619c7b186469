// Placeholder replaced by the HTTP round-trip tests.
#include <gtest/gtest.h>
TEST(Placeholder, Nothing) {}
