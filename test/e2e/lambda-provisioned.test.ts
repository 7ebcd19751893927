/**
 * Provisioned concurrency through @aws-sdk/client-lambda: configurations on versions and aliases,
 * environments that really run their Init phase before any invocation (the function sees
 * AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency and no cold start), spill-over to
 * on-demand environments, the concurrency rules, and the EphemeralStorage bounds.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  LambdaClient,
  ListProvisionedConcurrencyConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
} from "@aws-sdk/client-lambda";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import { ARN_PREFIX, ROLE, createNodeFunction, json, rejectsWith } from "./lambda-helpers.js";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

// Init records how the environment was started; each invocation reports it with its process.
const CODE = `
const initType = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
let invocations = 0;
exports.handler = async (event, context) => {
  invocations++;
  if (event.holdMs) await new Promise((r) => setTimeout(r, event.holdMs));
  return { initType, invocations, pid: process.pid, version: context.functionVersion };
};`;

interface Ran {
  initType: string;
  invocations: number;
  pid: number;
  version: string;
}

/** Bounded wait for environments started as real processes (an outside event: no clock to advance). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, limitMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() - start > limitMs) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("Lambda provisioned concurrency", () => {
  let nimbus: TestNimbus;
  let lambda: LambdaClient;

  before(async () => {
    nimbus = await startTestNimbus();
    lambda = new LambdaClient(nimbus.clientConfig());
  });
  after(async () => {
    lambda.destroy();
    await nimbus.close();
  });

  async function createPublished(name: string, code = CODE): Promise<void> {
    await createNodeFunction(lambda, name, code);
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  }

  const get = (name: string, qualifier: string): Promise<GetProvisionedConcurrencyConfigCommandOutput> =>
    lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: qualifier }));

  const invoke = async (name: string, qualifier: string, event: unknown = {}): Promise<{ ran: Ran; log: string }> => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, LogType: "Tail", Payload: Buffer.from(JSON.stringify(event)) }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    return { ran: json(out.Payload) as Ran, log: Buffer.from(out.LogResult ?? "", "base64").toString("utf8") };
  };

  test("a version's environments are started and initialized before any invocation; invocations use them, then spill over on demand", async () => {
    const name = uniqueName("pc");
    await createPublished(name);
    const put = await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "1", ProvisionedConcurrentExecutions: 2 }));
    assert.equal(put.$metadata.httpStatusCode, 202);
    assert.equal(put.Status, "IN_PROGRESS");
    assert.equal(put.RequestedProvisionedConcurrentExecutions, 2);
    assert.equal(put.AllocatedProvisionedConcurrentExecutions, 0);
    assert.equal(put.AvailableProvisionedConcurrentExecutions, 0);
    assert.equal(put.LastModified, "2026-01-15T12:00:00.000+0000");

    const ready = await until(() => get(name, "1"), (c) => c.Status !== "IN_PROGRESS");
    assert.equal(ready.Status, "READY");
    assert.equal(ready.AllocatedProvisionedConcurrentExecutions, 2);
    assert.equal(ready.AvailableProvisionedConcurrentExecutions, 2);
    assert.equal(ready.StatusReason, undefined);

    // The first invocation is warm: Init ran ahead of it, with the provisioned initialization type.
    const first = await invoke(name, "1");
    assert.equal(first.ran.initType, "provisioned-concurrency");
    assert.equal(first.ran.invocations, 1);
    assert.equal(first.ran.version, "1");
    assert.match(first.log, /REPORT RequestId: /);
    assert.doesNotMatch(first.log, /Init Duration/);

    // Three at once: the two provisioned environments, and one started on demand.
    const three = await Promise.all([0, 1, 2].map(() => invoke(name, "1", { holdMs: 400 })));
    const types = three.map((r) => r.ran.initType).sort();
    assert.deepEqual(types, ["on-demand", "provisioned-concurrency", "provisioned-concurrency"]);
    assert.equal(new Set(three.map((r) => r.ran.pid)).size, 3);
    const onDemand = three.find((r) => r.ran.initType === "on-demand");
    assert.match(onDemand?.log ?? "", /Init Duration/, "the spill-over is a cold start");

    // $LATEST has no provisioned environments.
    assert.equal((await invoke(name, "$LATEST")).ran.initType, "on-demand");

    await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "1" }));
    await rejectsWith(get(name, "1"), "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function", 404);
  });

  test("on an alias: the alias's version is provisioned, and the allocation follows the alias to a new version", async () => {
    const name = uniqueName("pc-alias");
    await createPublished(name);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 4 }));
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" }));
    await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "live", ProvisionedConcurrentExecutions: 1 }));
    assert.equal((await until(() => get(name, "live"), (c) => c.Status !== "IN_PROGRESS")).Status, "READY");
    const viaAlias = await invoke(name, "live");
    assert.equal(viaAlias.ran.initType, "provisioned-concurrency");
    assert.equal(viaAlias.ran.version, "1");

    // Version 1 is provisioned through the alias: not again directly.
    await rejectsWith(
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "1", ProvisionedConcurrentExecutions: 1 })),
      "ResourceConflictException",
      "Version is pointed by a Provisioned Concurrency alias",
      409,
    );
    const listed = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: name }));
    assert.deepEqual(
      listed.ProvisionedConcurrencyConfigs?.map((c) => [c.FunctionArn, c.RequestedProvisionedConcurrentExecutions, c.Status]),
      [[`${ARN_PREFIX}${name}:live`, 1, "READY"]],
    );

    await lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "2" }));
    const moved = await until(
      () => invoke(name, "live"),
      (r) => r.ran.initType === "provisioned-concurrency",
    );
    assert.equal(moved.ran.version, "2");
    assert.equal(moved.ran.initType, "provisioned-concurrency");
    assert.equal((await until(() => get(name, "live"), (c) => c.Status === "READY")).AllocatedProvisionedConcurrentExecutions, 1);
  });

  test("an Init that fails leaves the configuration FAILED with FUNCTION_ERROR_INIT_FAILURE", async () => {
    const name = uniqueName("pc-fail");
    await createPublished(name, "throw new Error('cannot start'); exports.handler = async () => 1;");
    await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "1", ProvisionedConcurrentExecutions: 1 }));
    const failed = await until(() => get(name, "1"), (c) => c.Status !== "IN_PROGRESS");
    assert.equal(failed.Status, "FAILED");
    assert.equal(failed.StatusReason, "FUNCTION_ERROR_INIT_FAILURE");
    assert.equal(failed.AllocatedProvisionedConcurrentExecutions, 0);
  });

  test("errors: $LATEST, missing versions and aliases, values below 1", async () => {
    const name = uniqueName("pc-errors");
    await createPublished(name);
    await rejectsWith(
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "$LATEST", ProvisionedConcurrentExecutions: 1 })),
      "InvalidParameterValueException",
      "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
      400,
    );
    await rejectsWith(get(name, "$LATEST"), "InvalidParameterValueException", "The function resource provided must be an alias or a published version.", 400);
    await rejectsWith(
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "7", ProvisionedConcurrentExecutions: 1 })),
      "ResourceNotFoundException",
      `Function not found: ${ARN_PREFIX}${name}:7`,
      404,
    );
    await rejectsWith(get(name, "nope"), "ResourceNotFoundException", `Cannot find alias arn: ${ARN_PREFIX}${name}:nope`, 404);
    await rejectsWith(get(name, "1"), "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function", 404);
    await rejectsWith(
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "1", ProvisionedConcurrentExecutions: 0 })),
      "ValidationException",
      "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1",
      400,
    );
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "edge", FunctionVersion: "$LATEST" }));
    await rejectsWith(
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "edge", ProvisionedConcurrentExecutions: 1 })),
      "InvalidParameterValueException",
      "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
      400,
    );
    // Deleting a configuration that does not exist succeeds.
    const deleted = await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: "1" }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
  });

  test("provisioned concurrency counts against reserved concurrency, or else the account's unreserved pool", async () => {
    const reserved = uniqueName("pc-reserved");
    await createPublished(reserved);
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: reserved, ReservedConcurrentExecutions: 3 }));
    await rejectsWith(
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: reserved, Qualifier: "1", ProvisionedConcurrentExecutions: 4 })),
      "InvalidParameterValueException",
      "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
      400,
    );

    const open = uniqueName("pc-unreserved");
    await createPublished(open);
    const before = (await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions ?? 0;
    await rejectsWith(
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: open, Qualifier: "1", ProvisionedConcurrentExecutions: before - 99 })),
      "InvalidParameterValueException",
      "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
      400,
    );
    await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: open, Qualifier: "1", ProvisionedConcurrentExecutions: 1 }));
    const after = (await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions;
    assert.equal(after, before - 1);
    await until(() => get(open, "1"), (c) => c.Status !== "IN_PROGRESS");
    await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: open, Qualifier: "1" }));
    assert.equal((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions, before);
  });

  test("EphemeralStorage.Size must lie within 512-10240 MB", async () => {
    const name = uniqueName("tmp-size");
    const zip = await makeZip({ "index.js": CODE });
    const create = (size: number) =>
      lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip }, EphemeralStorage: { Size: size } }));
    await rejectsWith(
      create(511),
      "ValidationException",
      "1 validation error detected: Value '511' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512",
      400,
    );
    await rejectsWith(
      create(10241),
      "ValidationException",
      "1 validation error detected: Value '10241' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240",
      400,
    );
    assert.equal((await create(2048)).EphemeralStorage?.Size, 2048);
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, EphemeralStorage: { Size: 10240 } }));
    assert.equal(updated.EphemeralStorage?.Size, 10240);
  });
});
