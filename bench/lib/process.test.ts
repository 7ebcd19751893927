import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { startCeiling } from "./ceiling.js";
import { freePort, probe, procStartTime, startProcess, stopAll } from "./process.js";

function alive(pid: number): boolean {
  return procStartTime(pid) !== undefined;
}

// A server that first spawns a grandchild (the way Nimbus spawns Lambda runtimes) and prints
// its PID, then answers HTTP.
const PARENT_WITH_GRANDCHILD = `
const { spawn } = require("node:child_process");
const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
console.log("grandchild " + grandchild.pid);
require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.argv[1]), "127.0.0.1");
`;

describe("startProcess", () => {
  test("starts on a free port, answers, and is gone after stop", async () => {
    const proc = await startCeiling(100);
    assert.match(proc.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(proc.readyMs > 0);
    assert.equal(await probe(proc.url + "/"), 200);
    assert.ok(alive(proc.pid));
    await proc.stop();
    assert.equal(alive(proc.pid), false);
    assert.equal(await probe(proc.url + "/", 200), undefined);
  });

  test("stop kills the whole process group, grandchildren included", async () => {
    const proc = await startProcess({ name: "parent", args: (port) => ["-e", PARENT_WITH_GRANDCHILD, String(port)] });
    // The child's stdout and its HTTP answer travel separately: under load the line can come second.
    let grandchild = 0;
    for (let waited = 0; waited < 5000 && !(grandchild > 0); waited += 20) {
      grandchild = Number(/grandchild (\d+)/.exec(proc.output())?.[1]);
      if (!(grandchild > 0)) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(grandchild > 0, proc.output());
    assert.ok(alive(grandchild));
    await proc.stop();
    assert.equal(alive(proc.pid), false);
    // SIGKILL is delivered asynchronously: the grandchild (not ours to wait for) dies a moment later.
    for (let waited = 0; waited < 2000 && alive(grandchild); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(alive(grandchild), false);
  });

  test("the ready check waits for an accepted status", async () => {
    const proc = await startProcess({
      name: "teapot",
      args: (port) => ["-e", `require("node:http").createServer((q, s) => { s.statusCode = q.url === "/ready" ? 200 : 418; s.end(); }).listen(${port}, "127.0.0.1")`],
      ready: { path: "/ready", ok: (status) => status === 200 },
    });
    assert.equal(await probe(proc.url + "/"), 418);
    await proc.stop();
  });

  test("a child that exits before answering fails the start, with its output", async () => {
    await assert.rejects(startProcess({ name: "crasher", args: ["-e", "console.error('boom'); process.exit(3)"] }), (err: Error) => {
      assert.match(err.message, /^bench: crasher exited \(code 3\) before answering on http:\/\/127\.0\.0\.1:\d+\nboom\n$/);
      return true;
    });
  });

  test("a missing executable fails the start", async () => {
    await assert.rejects(startProcess({ name: "ghost", command: "/nonexistent/ghost", args: [] }), /^Error: bench: cannot start ghost \(\/nonexistent\/ghost\): spawn \/nonexistent\/ghost ENOENT$/);
  });

  test("stopAll stops what is still running; stop twice is harmless", async () => {
    const a = await startCeiling(100);
    const b = await startCeiling(100);
    await stopAll();
    assert.equal(alive(a.pid), false);
    assert.equal(alive(b.pid), false);
    await a.stop();
  });
});

test("freePort gives a port nothing listens on", async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  assert.equal(await probe(`http://127.0.0.1:${port}/`, 200), undefined);
});

test("procStartTime: this process has one, a PID that cannot exist has none", () => {
  assert.match(procStartTime(process.pid) ?? "", /^\d+$/);
  assert.equal(existsSync("/proc/4194305"), false);
  assert.equal(procStartTime(4194305), undefined);
});
