// The append-only audit log: appending in the caller's transaction, listing, verifying the chain.
#pragma once
#include <vector>

#include "audit/model.hpp"
#include "crypto/crypto.hpp"
#include "storage/database.hpp"

namespace dime::audit {

// Appends one entry in `tx`; commits with it (or vanishes with its rollback).
void append(storage::Transaction& tx, const crypto::Keys& keys, const Event& event);
// Newest first: entries of one organisation, plus entries without an organisation (such as
// failed sign-ins) whose actor is one of its staff.
std::vector<Entry> list_for_organisation(storage::Transaction& tx, long long organisation_id,
                                         int limit);
// Walks the whole chain and the signed head: detects edited, inserted and deleted entries.
VerifyResult verify(storage::Database& db, const crypto::Keys& keys);
// The keyed hash of one entry given its predecessor's hash (exposed for tests).
std::string entry_hash(const crypto::Keys& keys, const std::string& prev_hash, long long seq,
                       long long at, const Event& e);

}  // namespace dime::audit
