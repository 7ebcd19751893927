import assert from "node:assert/strict";
import { test } from "node:test";
import { failureFields, hostFault } from "./logger.js";

const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

test("hostFault names the machine's failures by their codes, and nothing else", () => {
  assert.match(hostFault(coded("ENOSPC", "no space left on device, write")) ?? "", /^the disk of Nimbus's data dir is full/);
  assert.match(hostFault(coded("SQLITE_FULL", "database or disk is full")) ?? "", /^the disk of Nimbus's data dir is full/);
  assert.match(hostFault(coded("SQLITE_READONLY_DBMOVED", "attempt to write a readonly database")) ?? "", /read-only/);
  assert.match(hostFault(coded("EMFILE", "too many open files")) ?? "", /file descriptors/);
  assert.match(hostFault(coded("SQLITE_IOERR_SHMSIZE", "disk I/O error")) ?? "", /failed a read or a write/);
  for (const other of [coded("ENOENT", "gone"), coded("SQLITE_CONSTRAINT", "x"), new Error("plain"), "text", undefined, null]) assert.equal(hostFault(other), undefined);
});

test("failureFields: a host fault's message and meaning, any other failure's stack (or its text)", () => {
  assert.deepEqual(Object.keys(failureFields(coded("ENOSPC", "no space left on device, write"))), ["error", "hostFault"]);
  assert.equal(failureFields(coded("ENOSPC", "no space left on device, write"))["error"], "no space left on device, write");
  const bug = new TypeError("x is undefined");
  assert.equal(failureFields(bug)["error"], bug.stack);
  assert.equal(failureFields(bug, false)["error"], "TypeError: x is undefined");
});
