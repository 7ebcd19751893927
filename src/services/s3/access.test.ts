import { test } from "node:test";
import assert from "node:assert/strict";
import { initiatorOf } from "./access.js";
import { canonicalUserId } from "./store.js";

test("an upload's Initiator: the account for its root user (no DisplayName, as Owner since November 2025), the ARN and name for a user or a session", () => {
  assert.deepEqual(initiatorOf("111122223333", null), { ID: canonicalUserId("111122223333") });
  assert.deepEqual(initiatorOf("111122223333", "arn:aws:iam::111122223333:user/teams/alice"), { ID: "arn:aws:iam::111122223333:user/teams/alice", DisplayName: "alice" });
  assert.deepEqual(initiatorOf("111122223333", "arn:aws:sts::111122223333:assumed-role/uploader/bob"), {
    ID: "arn:aws:sts::111122223333:assumed-role/uploader/bob",
    DisplayName: "uploader/bob",
  });
});
