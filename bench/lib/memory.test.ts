import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { megabytes, parseProcStatus, readGroupMemory, readMemory } from "./memory.js";

const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
VmPeak:\t 1234567 kB
VmHWM:\t   98304 kB
VmRSS:\t   65536 kB
RssAnon:\t   30000 kB
`;

describe("parseProcStatus", () => {
  test("reads VmRSS and VmHWM in bytes", () => {
    assert.deepEqual(parseProcStatus(STATUS), { rssBytes: 65536 * 1024, hwmBytes: 98304 * 1024 });
  });
  test("a status without VmRSS (kernel thread) throws", () => {
    assert.throws(() => parseProcStatus("Name:\tkthreadd\nState:\tS (sleeping)\n"), { message: "bench: no VmRSS line in /proc status" });
  });
});

describe("live /proc", () => {
  test("this process: RSS is positive and at most its peak", () => {
    const m = readMemory(process.pid);
    assert.ok(m.rssBytes > 0);
    assert.ok(m.rssBytes <= m.hwmBytes);
  });
  test("a process group sums its members", () => {
    const group = readGroupMemory(processGroupOf(process.pid));
    assert.ok(group.processes >= 1);
    assert.ok(group.rssBytes >= readMemory(process.pid).rssBytes);
  });
});

test("megabytes", () => {
  assert.equal(megabytes(3 * 1024 * 1024), 3);
});

/** Field 5 (pgrp) of /proc/<pid>/stat. */
function processGroupOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[2]);
}
