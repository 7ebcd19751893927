import assert from "node:assert/strict";
import { test } from "node:test";
import { failureFields } from "./logger.js";

const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

test("failureFields: a host fault's message and meaning, any other failure's stack (or its text)", () => {
  assert.deepEqual(Object.keys(failureFields(coded("ENOSPC", "no space left on device, write"))), ["error", "hostFault"]);
  assert.equal(failureFields(coded("ENOSPC", "no space left on device, write"))["error"], "no space left on device, write");
  const bug = new TypeError("x is undefined");
  assert.equal(failureFields(bug)["error"], bug.stack);
  assert.equal(failureFields(bug, false)["error"], "TypeError: x is undefined");
});
