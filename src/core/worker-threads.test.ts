import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { workerExecArgv } from "./worker-threads.js";

test("workerExecArgv leaves out what only a script given as text may have, and keeps the rest", () => {
  assert.deepEqual(workerExecArgv(["--input-type=module", "-e", "import x from 'y'"]), []);
  assert.deepEqual(workerExecArgv(["--input-type", "module", "--eval", "1", "--max-old-space-size=512"]), ["--max-old-space-size=512"]);
  assert.deepEqual(workerExecArgv(["--import", "tsx", "-p", "1+1", "--no-warnings", "--print=2"]), ["--import", "tsx", "--no-warnings"]);
  assert.deepEqual(workerExecArgv([]), []);
});

test("a checksum worker starts in a process run with `node --input-type=module -e`", () => {
  const hashWorker = new URL("../services/s3/hash-worker.js", import.meta.url).href;
  const checksums = new URL("../services/s3/domain/checksums.js", import.meta.url).href;
  // 2 MB hashes off the thread; before the fix the worker exited with ERR_INPUT_TYPE_NOT_ALLOWED and the digest rejected.
  const script = [
    `import { createStreamHasher } from ${JSON.stringify(hashWorker)};`,
    `import { digestOf } from ${JSON.stringify(checksums)};`,
    `const body = Buffer.alloc(2 * 1024 * 1024, 7);`,
    `const hasher = createStreamHasher("SHA256");`,
    `if (hasher.constructor.name !== "OffThreadHasher") throw new Error("not hashed off the thread: " + hasher.constructor.name);`,
    `hasher.update(body);`,
    `const [mine, expected] = [Buffer.from(await hasher.digest()), Buffer.from(await digestOf("SHA256", body))];`,
    `console.log(mine.equals(expected) ? "same" : "different");`,
  ].join("\n");
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(run.stderr, "");
  assert.equal(run.stdout.trim(), "same");
  assert.equal(run.status, 0);
});
