import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ACCOUNT_ID, accountFromAccessKey } from "./identity.js";

describe("accountFromAccessKey", () => {
  test("a 12-digit access key id is the account id", () => {
    assert.equal(accountFromAccessKey("123456789012"), "123456789012");
    assert.equal(accountFromAccessKey("000000000001"), "000000000001");
  });

  test("any other access key id maps to the default account", () => {
    assert.equal(DEFAULT_ACCOUNT_ID, "000000000000");
    for (const key of ["AKIDEXAMPLE", "test", "", "12345678901", "1234567890123", "12345678901a", "AKIAIOSFODNN7EXAMPLE", "１２３４５６７８９０１２"]) {
      assert.equal(accountFromAccessKey(key), "000000000000", key);
    }
  });
});
