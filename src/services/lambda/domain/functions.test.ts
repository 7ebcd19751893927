import assert from "node:assert/strict";
import { test } from "node:test";
import type { AliasRow, FunctionRow, LambdaStore, VersionRow } from "../store.js";
import { lambdaTimestamp, resolveFunction } from "./functions.js";

const scope = { account: "000000000000", region: "us-east-1" };

function version(v: string): VersionRow {
  return { codeBlob: `blob-${v}`, config: { name: "f", version: v } as VersionRow["config"] };
}

/** Just the lookups resolveFunction makes. */
function fakeStore(alias: AliasRow): LambdaStore {
  const fn: FunctionRow = { name: "f", tags: {}, reservedConcurrency: undefined, nextVersion: 3 };
  return {
    getFunction: () => fn,
    getAlias: (_s: unknown, _n: string, a: string) => (a === alias.alias ? alias : undefined),
    getVersion: (_s: unknown, _n: string, v: string) => (["$LATEST", "1", "2"].includes(v) ? version(v) : undefined),
  } as unknown as LambdaStore;
}

test("a weighted alias sends the given share of invocations to the additional version", () => {
  const store = fakeStore({ name: "f", alias: "live", functionVersion: "1", description: "", routing: { "2": 0.25 }, revisionId: "r" });
  assert.equal(resolveFunction(store, scope, "f", "live", () => 0.1).version.config.version, "2");
  assert.equal(resolveFunction(store, scope, "f", "live", () => 0.24).version.config.version, "2");
  assert.equal(resolveFunction(store, scope, "f", "live", () => 0.25).version.config.version, "1");
  assert.equal(resolveFunction(store, scope, "f", "live", () => 0.9).version.config.version, "1");
  const resolved = resolveFunction(store, scope, "f:live", undefined, () => 0.9);
  assert.equal(resolved.invokedArn, "arn:aws:lambda:us-east-1:000000000000:function:f:live");
  assert.equal(resolved.qualifier, "live");
});

test("unknown aliases and versions are not found, naming the qualified ARN", () => {
  const store = fakeStore({ name: "f", alias: "live", functionVersion: "1", description: "", routing: undefined, revisionId: "r" });
  assert.throws(() => resolveFunction(store, scope, "f", "nope"), { code: "ResourceNotFoundException", message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:nope" });
  assert.throws(() => resolveFunction(store, scope, "f", "7"), { code: "ResourceNotFoundException", message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:7" });
});

test("LastModified uses Lambda's +0000 offset", () => {
  assert.equal(lambdaTimestamp(Date.parse("2026-01-15T12:00:00.123Z")), "2026-01-15T12:00:00.123+0000");
});
