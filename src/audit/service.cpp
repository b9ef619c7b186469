// Keyed hash chain over audit entries plus a MAC'd head row, so that neither an edit, nor a
// deletion in the middle, nor a truncation of the tail goes unnoticed by `dime audit verify`.
#include "audit/service.hpp"

#include <nlohmann/json.hpp>

#include "core/clock.hpp"

namespace dime::audit {

namespace {
constexpr const char* kGenesis = "genesis";

nlohmann::json opt(const std::optional<long long>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string head_mac(const crypto::Keys& keys, long long seq, const std::string& hash) {
  return keys.mac(nlohmann::json::array({"head", seq, hash}).dump());
}

struct Row {
  long long seq = 0, at = 0, actor = 0, org = 0;
  soci::indicator actor_ind = soci::i_ok, org_ind = soci::i_ok;
  std::string action, object_type, object_id, detail, prev_hash, hash;

  Entry entry() const {
    Entry e;
    e.seq = seq;
    e.at = at;
    if (actor_ind == soci::i_ok) e.event.actor_user_id = actor;
    if (org_ind == soci::i_ok) e.event.organisation_id = org;
    e.event.action = action;
    e.event.object_type = object_type;
    e.event.object_id = object_id;
    e.event.detail = detail;
    e.prev_hash = prev_hash;
    e.hash = hash;
    return e;
  }
};

constexpr const char* kSelectColumns =
    "SELECT seq, at, actor_user_id, organisation_id, action, object_type, object_id, detail, "
    "prev_hash, hash FROM audit_log ";

soci::statement prepare_rows(soci::session& sql, Row& r, const std::string& tail) {
  soci::statement st =
      (sql.prepare << std::string(kSelectColumns) + tail, soci::into(r.seq), soci::into(r.at),
       soci::into(r.actor, r.actor_ind), soci::into(r.org, r.org_ind), soci::into(r.action),
       soci::into(r.object_type), soci::into(r.object_id), soci::into(r.detail),
       soci::into(r.prev_hash), soci::into(r.hash));
  return st;
}
}  // namespace

std::string entry_hash(const crypto::Keys& keys, const std::string& prev_hash, long long seq,
                       long long at, const Event& e) {
  return keys.mac(
      nlohmann::json::array({prev_hash, seq, at, opt(e.actor_user_id), opt(e.organisation_id),
                             e.action, e.object_type, e.object_id, e.detail})
          .dump());
}

void append(storage::Transaction& tx, const crypto::Keys& keys, const Event& event) {
  auto& sql = tx.sql();
  long long seq = 0;
  std::string prev = kGenesis;
  soci::indicator ind = soci::i_null;
  // The head row serialises appenders: FOR UPDATE on PostgreSQL; SQLite writers are serial.
  const char* head_query = tx.backend() == storage::Backend::postgresql
                               ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                               : "SELECT seq, hash FROM audit_head WHERE id = 1";
  sql << head_query, soci::into(seq, ind), soci::into(prev);
  bool has_head = sql.got_data();
  if (!has_head) {
    seq = 0;
    prev = kGenesis;
  }
  long long next = seq + 1;
  long long at = now_seconds();
  std::string hash = entry_hash(keys, prev, next, at, event);
  long long actor = event.actor_user_id.value_or(0);
  long long org = event.organisation_id.value_or(0);
  soci::indicator actor_ind = event.actor_user_id ? soci::i_ok : soci::i_null;
  soci::indicator org_ind = event.organisation_id ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO audit_log (seq, at, actor_user_id, organisation_id, action, object_type, "
         "object_id, detail, prev_hash, hash) VALUES (:seq, :at, :actor, :org, :action, :otype, "
         ":oid, :detail, :prev, :hash)",
      soci::use(next), soci::use(at), soci::use(actor, actor_ind), soci::use(org, org_ind),
      soci::use(event.action), soci::use(event.object_type), soci::use(event.object_id),
      soci::use(event.detail), soci::use(prev), soci::use(hash);
  std::string mac = head_mac(keys, next, hash);
  if (has_head) {
    sql << "UPDATE audit_head SET seq = :seq, hash = :hash, mac = :mac WHERE id = 1",
        soci::use(next), soci::use(hash), soci::use(mac);
  } else {
    sql << "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, :seq, :hash, :mac)",
        soci::use(next), soci::use(hash), soci::use(mac);
  }
}

std::vector<Entry> list_for_organisation(storage::Transaction& tx, long long organisation_id,
                                         int limit) {
  std::vector<Entry> out;
  Row r;
  soci::statement st =
      prepare_rows(tx.sql(), r,
                   "WHERE organisation_id = :org OR (organisation_id IS NULL AND actor_user_id IN "
                   "(SELECT user_id FROM memberships WHERE organisation_id = :org2)) "
                   "ORDER BY seq DESC LIMIT :limit");
  st.exchange(soci::use(organisation_id));
  st.exchange(soci::use(organisation_id));
  st.exchange(soci::use(limit));
  st.define_and_bind();
  st.execute();
  while (st.fetch()) out.push_back(r.entry());
  return out;
}

VerifyResult verify(storage::Database& db, const crypto::Keys& keys) {
  VerifyResult result;
  storage::Transaction tx(db, storage::Transaction::Mode::read);
  auto fail = [&](long long seq, std::string problem) {
    result.ok = false;
    result.first_bad_seq = seq;
    result.problem = std::move(problem);
    return result;
  };
  Row r;
  soci::statement st = prepare_rows(tx.sql(), r, "ORDER BY seq");
  st.execute();
  std::string prev = kGenesis;
  long long expected = 1;
  while (st.fetch()) {
    Entry e = r.entry();
    if (e.seq != expected) return fail(expected, "entry missing (deleted or renumbered)");
    if (e.prev_hash != prev) return fail(e.seq, "link to previous entry broken");
    if (!crypto::equal(entry_hash(keys, prev, e.seq, e.at, e.event), e.hash)) {
      return fail(e.seq, "entry content does not match its hash (edited)");
    }
    prev = e.hash;
    ++expected;
    ++result.checked;
  }
  long long head_seq = 0;
  std::string head_hash;
  std::string mac;
  tx.sql() << "SELECT seq, hash, mac FROM audit_head WHERE id = 1", soci::into(head_seq),
      soci::into(head_hash), soci::into(mac);
  if (!tx.sql().got_data()) {
    if (result.checked == 0) {
      // Every way to create a staff account writes an audit entry: accounts without any
      // entry mean the log was emptied.
      long long users = 0;
      tx.sql() << "SELECT COUNT(*) FROM users", soci::into(users);
      if (users > 0) return fail(1, "log emptied: staff accounts exist but no entries");
      return result;
    }
    return fail(1, "head record missing");
  }
  if (!crypto::equal(head_mac(keys, head_seq, head_hash), mac)) {
    return fail(head_seq, "head record edited");
  }
  if (head_seq != result.checked || head_hash != prev) {
    return fail(result.checked + 1, "entries missing at the end of the log (truncated)");
  }
  return result;
}

}  // namespace dime::audit
