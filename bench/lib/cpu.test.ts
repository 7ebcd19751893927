import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseProcStatCpu, readGroupCpuMicros, startCpuMeter } from "./cpu.js";

test("parseProcStatCpu: utime + stime in µs, past a command name with spaces and parentheses", () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const stat = "4242 (node (worker) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 30 0 0 20 0 11 0 1000";
  assert.equal(parseProcStatCpu(stat), (250 + 30) * 10_000);
});

test("a meter over this process's group counts the CPU it burns", { skip: process.platform !== "linux" }, () => {
  const pgid = Number(readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ")[2]);
  assert.ok((readGroupCpuMicros(pgid) ?? 0) > 0);
  const meter = startCpuMeter(pgid);
  const until = performance.now() + 60;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const used = meter.stop();
  assert.ok(x > 0 && used !== undefined && used >= 0);
  assert.equal(startCpuMeter(undefined).stop(), undefined);
});
