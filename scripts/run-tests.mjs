#!/usr/bin/env node
// Runs node's test runner over the compiled test files. Node 20 has no glob support in
// `node --test`, and Node 22+ treats arguments as globs, so we list the files ourselves.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const roots = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js")) files.push(p);
  }
}
for (const root of roots.length ? roots : ["dist/src", "dist/bench", "dist/test/e2e"]) {
  if (statSync(root).isDirectory()) walk(root);
  else files.push(root);
}
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
// The v3 SDK warns once per process that its 2027 releases will need Node 22; the tests run
// many processes on Node 20 on purpose, so that notice would only bury the results.
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const r = spawnSync(process.execPath, ["--test", ...flags, ...files], { stdio: "inherit", env });
process.exit(r.status ?? 1);
