/**
 * Lambda members newer than the frozen v2 model, which the codegen now adds from the v3 client's
 * schemas (nested structures, lists and maps included): the current @aws-sdk/client-lambda sends
 * them and reads them back; Nimbus keeps and answers them as AWS does.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionConfigurationCommand,
  type EventSourceMappingConfiguration,
  type EventSourceMappingMetric,
  type TenantIsolationMode,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ARN_PREFIX, createNodeFunction, lambdaSqsSuite, rejectsWith } from "./lambda-helpers.js";
import { uniqueName } from "./harness.js";

describe("Lambda members newer than the v2 model, with the v3 client", () => {
  let lambda: LambdaClient;
  let sqs: SQSClient;
  lambdaSqsSuite((fixture) => ({ lambda, sqs } = fixture));

  async function queueArn(): Promise<string> {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("v3-q") }))).QueueUrl ?? "";
    return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
  }

  test("an event source mapping's MetricsConfig, LoggingConfig, ProvisionedPollerConfig and Tags are kept, answered by Get and List, and replaced by Update", async () => {
    const name = uniqueName("esm-v3");
    await createNodeFunction(lambda, name, "exports.handler = async () => ({});");
    const source = await queueArn();
    const created = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: name,
        EventSourceArn: source,
        Enabled: false,
        MetricsConfig: { Metrics: ["EventCount"] },
        LoggingConfig: { SystemLogLevel: "WARN" },
        ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 20 },
        Tags: { team: "payments" },
      }),
    );
    const uuid = created.UUID ?? "";
    const arn = `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${uuid}`;
    assert.equal(created.EventSourceMappingArn, arn);
    const expected = {
      MetricsConfig: { Metrics: ["EventCount"] },
      LoggingConfig: { SystemLogLevel: "WARN" },
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 20 },
    };
    const pick = (m: EventSourceMappingConfiguration) => ({ MetricsConfig: m.MetricsConfig, LoggingConfig: m.LoggingConfig, ProvisionedPollerConfig: m.ProvisionedPollerConfig });
    assert.deepEqual(pick(created), expected);
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.deepEqual(pick(got), expected);
    assert.equal(got.EventSourceMappingArn, arn);
    const listed = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }))).EventSourceMappings ?? [];
    assert.deepEqual(listed.map(pick), [expected]);

    // The mapping's own tags, by its ARN: given at creation, then TagResource and UntagResource.
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { team: "payments" });
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { stage: "dev" } }));
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ["team"] }));
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { stage: "dev" });
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: `${ARN_PREFIX}${name}` }))).Tags, {}, "the function's tags are its own");

    const updated = await lambda.send(
      new UpdateEventSourceMappingCommand({ UUID: uuid, MetricsConfig: { Metrics: [] }, ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 30, PollerGroupName: "g" } }),
    );
    assert.deepEqual(updated.MetricsConfig, { Metrics: [] });
    const after = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.deepEqual(pick(after), {
      MetricsConfig: { Metrics: [] },
      LoggingConfig: { SystemLogLevel: "WARN" },
      ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 30, PollerGroupName: "g" },
    });

    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    await rejectsWith(lambda.send(new ListTagsCommand({ Resource: arn })), "ResourceNotFoundException", "The resource you requested does not exist.", 404);
  });

  test("the new mapping members are validated as Lambda validates them (Coral's words, before anything is created)", async () => {
    const name = uniqueName("esm-v3-bad");
    await createNodeFunction(lambda, name, "exports.handler = async () => ({});");
    const source = await queueArn();
    await rejectsWith(
      lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: source,
          MetricsConfig: { Metrics: ["Bogus" as EventSourceMappingMetric] },
          ProvisionedPollerConfig: { MinimumPollers: 0 },
        }),
      ),
      "ValidationException",
      "2 validation errors detected: Value '[Bogus]' at 'metricsConfig.metrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [EventCount, ErrorCount, KafkaMetrics]]; " +
        "Value '0' at 'provisionedPollerConfig.minimumPollers' failed to satisfy constraint: Member must have value greater than or equal to 1",
      400,
    );
    assert.deepEqual((await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }))).EventSourceMappings, []);
  });

  test("a function's TenancyConfig and DurableConfig are kept, answered by every configuration read and frozen into published versions", async () => {
    const name = uniqueName("fn-v3");
    const created = await createNodeFunction(lambda, name, "exports.handler = async () => ({});", {
      TenancyConfig: { TenantIsolationMode: "PER_TENANT" },
      DurableConfig: { ExecutionTimeout: 3600, RetentionPeriodInDays: 30 },
    });
    assert.deepEqual(created.TenancyConfig, { TenantIsolationMode: "PER_TENANT" });
    assert.deepEqual(created.DurableConfig, { ExecutionTimeout: 3600, RetentionPeriodInDays: 30 });
    const read = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.deepEqual([read.TenancyConfig, read.DurableConfig], [{ TenantIsolationMode: "PER_TENANT" }, { ExecutionTimeout: 3600, RetentionPeriodInDays: 30 }]);

    const published = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, DurableConfig: { ExecutionTimeout: 7200, RetentionPeriodInDays: 7 } }));
    assert.deepEqual(updated.DurableConfig, { ExecutionTimeout: 7200, RetentionPeriodInDays: 7 });
    assert.deepEqual(updated.TenancyConfig, { TenantIsolationMode: "PER_TENANT" }, "an update keeps the tenancy, which only CreateFunction sets");
    const latest = (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
    assert.deepEqual(latest?.DurableConfig, { ExecutionTimeout: 7200, RetentionPeriodInDays: 7 });
    const version = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: published.Version }));
    assert.deepEqual(version.DurableConfig, { ExecutionTimeout: 3600, RetentionPeriodInDays: 30 }, "a published version keeps what it was published with");
  });

  test("function members out of range or of an unknown value are refused, and Lambda Managed Instances by name", async () => {
    await rejectsWith(
      createNodeFunction(lambda, uniqueName("fn-v3-bad"), "exports.handler = async () => ({});", {
        TenancyConfig: { TenantIsolationMode: "SHARED" as TenantIsolationMode },
        DurableConfig: { ExecutionTimeout: 0, RetentionPeriodInDays: 91 },
      }),
      "ValidationException",
      "3 validation errors detected: Value 'SHARED' at 'tenancyConfig.tenantIsolationMode' failed to satisfy constraint: Member must satisfy enum value set: [PER_TENANT]; " +
        "Value '91' at 'durableConfig.retentionPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 90; " +
        "Value '0' at 'durableConfig.executionTimeout' failed to satisfy constraint: Member must have value greater than or equal to 1",
      400,
    );
    await rejectsWith(
      createNodeFunction(lambda, uniqueName("fn-v3-lmi"), "exports.handler = async () => ({});", {
        CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: "arn:aws:lambda:us-east-1:000000000000:capacity-provider:cp" } },
      }),
      "InvalidParameterValueException",
      "Nimbus runs functions on its own execution engine; Lambda Managed Instances (CapacityProviderConfig) are not supported.",
      400,
    );
  });
});
