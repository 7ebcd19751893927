import assert from "node:assert/strict";
import { test } from "node:test";
import { hostFault } from "./host-faults.js";

const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

test("hostFault names the machine's failures by their codes, and nothing else", () => {
  assert.match(hostFault(coded("ENOSPC", "no space left on device, write")) ?? "", /^the disk of Nimbus's data dir is full/);
  assert.match(hostFault(coded("SQLITE_FULL", "database or disk is full")) ?? "", /^the disk of Nimbus's data dir is full/);
  assert.match(hostFault(coded("SQLITE_READONLY_DBMOVED", "attempt to write a readonly database")) ?? "", /read-only/);
  assert.match(hostFault(coded("EMFILE", "too many open files")) ?? "", /file descriptors/);
  assert.match(hostFault(coded("SQLITE_IOERR_SHMSIZE", "disk I/O error")) ?? "", /failed a read or a write/);
  for (const other of [coded("ENOENT", "gone"), coded("SQLITE_CONSTRAINT", "x"), new Error("plain"), "text", undefined, null]) assert.equal(hostFault(other), undefined);
});
