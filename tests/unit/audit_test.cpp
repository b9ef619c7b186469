// The audit chain: appends verify; edits, deletions, insertions and truncation are detected.
#include <gtest/gtest.h>

#include "accounts/model.hpp"
#include "audit/service.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  void append(int n) {
    for (int i = 0; i < n; ++i) {
      storage::Transaction tx(*m.db);
      audit::append(
          tx, keys,
          {7, 1, "login.success", "user", std::to_string(i), "entry " + std::to_string(i)});
      tx.commit();
    }
  }
  void exec(const std::string& sql) {
    storage::Transaction tx(*m.db);
    tx.sql() << sql;
    tx.commit();
  }
  test::MigratedDatabase m;
  crypto::Keys keys = test::test_keys();
};

TEST_F(AuditTest, EmptyLogVerifies) {
  EXPECT_TRUE(audit::verify(*m.db, keys).ok);
}

TEST_F(AuditTest, AppendedEntriesVerify) {
  append(5);
  auto r = audit::verify(*m.db, keys);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked, 5);
}

TEST_F(AuditTest, RolledBackAppendLeavesNoTrace) {
  append(2);
  {
    storage::Transaction tx(*m.db);
    audit::append(tx, keys, {1, 1, "x", "y", "z", ""});
  }
  append(1);
  auto r = audit::verify(*m.db, keys);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked, 3);
}

TEST_F(AuditTest, EditedEntryIsDetected) {
  append(4);
  exec("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2");
  auto r = audit::verify(*m.db, keys);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
}

TEST_F(AuditTest, EditedActorIsDetected) {
  append(3);
  exec("UPDATE audit_log SET actor_user_id = NULL WHERE seq = 3");
  EXPECT_FALSE(audit::verify(*m.db, keys).ok);
}

TEST_F(AuditTest, DeletedEntryIsDetected) {
  append(4);
  exec("DELETE FROM audit_log WHERE seq = 2");
  auto r = audit::verify(*m.db, keys);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
}

TEST_F(AuditTest, TruncatedTailIsDetected) {
  append(4);
  exec("DELETE FROM audit_log WHERE seq = 4");
  EXPECT_FALSE(audit::verify(*m.db, keys).ok);
}

TEST_F(AuditTest, TruncationWithRewrittenHeadIsDetected) {
  append(4);
  exec("DELETE FROM audit_log WHERE seq = 4");
  exec("UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)");
  auto r = audit::verify(*m.db, keys);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem, "head record edited");
}

TEST_F(AuditTest, EmptiedLogIsDetectedOnceAccountsExist) {
  append(3);
  long long org = test::make_organisation(*m.db, "Office");
  test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::admin);
  exec("DELETE FROM audit_log");
  exec("DELETE FROM audit_head");
  auto r = audit::verify(*m.db, keys);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("emptied"), std::string::npos);
}

TEST_F(AuditTest, ForgedEntryWithoutTheKeyIsDetected) {
  append(2);
  // Someone with the database but not master.key cannot compute a valid hash.
  std::array<unsigned char, 32> other{};
  other.fill(3);
  auto forger = crypto::Keys::from_master(other);
  storage::Transaction tx(*m.db);
  audit::append(tx, forger, {1, 1, "forged", "user", "1", ""});
  tx.commit();
  EXPECT_FALSE(audit::verify(*m.db, keys).ok);
}

}  // namespace
}  // namespace dime
