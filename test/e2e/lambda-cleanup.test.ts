/**
 * What a deleted function leaves behind in a long-running Nimbus: test suites create, invoke,
 * update and delete thousands of functions against one server, so nothing of a function may
 * outlive it (in memory: execution-role sessions, provisioned bookkeeping; on disk: its
 * extracted code, its layers' and their merged /opt).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DeleteFunctionCommand, DeleteLayerVersionCommand, InvokeCommand, PublishLayerVersionCommand, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { CODE_PRUNE_MS } from "../../src/services/lambda/index.js";
import type { LambdaStore } from "../../src/services/lambda/store.js";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import { uniqueName } from "./harness.js";
import { createNodeFunction, json, lambdaSqsSuite, type LambdaSqsFixture } from "./lambda-helpers.js";

let fx: LambdaSqsFixture;
lambdaSqsSuite((fixture) => (fx = fixture));

const sha256 = (zip: Buffer): string => createHash("sha256").update(zip).digest("hex");

test("a deleted function leaves no execution-role session, no provisioned bookkeeping, no extracted code and no merged layers; the same code uploaded again runs", async () => {
  const { lambda, nimbus } = fx;
  const store = (await nimbus.registry.get("lambda")).store as LambdaStore;
  const name = uniqueName("cleanup");
  const source = (n: number): string =>
    `exports.handler = async () => { let shared = null; try { shared = require("shared").value; } catch {} return { n: ${n}, shared }; };`;
  const layerZip = await makeZip({ "nodejs/node_modules/shared.js": `exports.value = "${name}";` });
  const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: layerZip } }));
  const first = await makeZip({ "index.js": source(1) });
  // The package's own bytes (a zip records times, so building it again may give other bytes).
  await createNodeFunction(lambda, name, "", { Code: { ZipFile: first }, Layers: [layer.LayerVersionArn ?? ""] });
  assert.deepEqual(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), { n: 1, shared: name });
  const second = await makeZip({ "index.js": source(2) });
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: second }));
  assert.deepEqual(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), { n: 2, shared: name });
  // A package never stored: a dry run.
  const dryRun = await makeZip({ "index.js": source(3) });
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: dryRun, DryRun: true }));

  const codeRoot = join(store.baseDir, "code");
  const dirs = [first, second, dryRun, layerZip].map((zip) => join(codeRoot, sha256(zip)));
  assert.deepEqual(dirs.map((dir) => existsSync(dir)), [true, true, true, true]);
  // The function's /opt: its layers merged.
  const optRoot = join(store.baseDir, "engine", "opt");
  const merged = (): string[] => (existsSync(optRoot) ? readdirSync(optRoot).filter((entry) => /^[0-9a-f]{64}$/.test(entry)) : []);
  assert.equal(merged().length, 1);
  assert.ok([...store.roleSessions.keys()].some((key) => key.includes(`/${name}/`)), "the invocations took an execution-role session");

  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: layer.Version }));
  assert.deepEqual([...store.roleSessions.keys()].filter((key) => key.includes(`/${name}/`)), []);
  assert.deepEqual([...store.provisionedGenerations.keys()].filter((key) => key.endsWith(`/${name}`)), []);
  // What an environment still ended with goes at the next prune at the latest.
  await nimbus.scheduler.advance(CODE_PRUNE_MS);
  assert.deepEqual(dirs.filter((dir) => existsSync(dir)), []);
  assert.deepEqual(merged(), []);

  // The same bytes again: extracted anew, not taken from a directory that is gone.
  await createNodeFunction(lambda, name, "", { Code: { ZipFile: first } });
  assert.deepEqual(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), { n: 1, shared: null });
  assert.ok(existsSync(dirs[0] ?? ""));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});
