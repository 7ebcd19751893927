import { randomUUID } from "node:crypto";
import type {
  CreateEventSourceMappingInput,
  CreateEventSourceMappingOutput,
  DeleteEventSourceMappingInput,
  DeleteEventSourceMappingOutput,
  GetEventSourceMappingInput,
  GetEventSourceMappingOutput,
  ListEventSourceMappingsInput,
  ListEventSourceMappingsOutput,
  UpdateEventSourceMappingInput,
  UpdateEventSourceMappingOutput,
} from "../../../generated/lambda.js";
import type { Scope } from "../../../core/service.js";
import { eventSourceMappingArn } from "../domain/arns.js";
import { parsePatterns } from "../domain/filters.js";
import { primaryVersion, resolveFunction } from "../domain/functions.js";
import { page } from "../domain/paging.js";
import { errors } from "../errors.js";
import type { EventSourceMappingConfiguration } from "../generated-types.js";
import type { LambdaContext } from "../index.js";
import { queueOfArn, queueUrlOf, startPoller, stopPoller } from "../sqs-poller.js";
import { iteratorFor, latestPosition, streamOfArn } from "../stream-poller.js";
import type { MappingConfig } from "../store.js";
import { check, constraints, oneOf, range } from "../validation.js";

function toOutput(scope: Scope, m: MappingConfig, state: string): EventSourceMappingConfiguration {
  const stream = streamOfArn(m.eventSourceArn) !== undefined;
  return {
    ...{}, ...(stream
      ? {
          StartingPosition: m.startingPosition,
          ParallelizationFactor: m.parallelizationFactor ?? 1,
          MaximumRecordAgeInSeconds: m.maximumRecordAgeInSeconds ?? -1,
          BisectBatchOnFunctionError: m.bisectBatchOnFunctionError ?? false,
          MaximumRetryAttempts: m.maximumRetryAttempts ?? -1,
          TumblingWindowInSeconds: m.tumblingWindowInSeconds ?? 0,
          LastProcessingResult: m.lastProcessingResult,
          DestinationConfig: { OnFailure: m.onFailure !== undefined ? { Destination: m.onFailure } : {} },
        }
      : {}),
    UUID: m.uuid,
    EventSourceMappingArn: eventSourceMappingArn(scope, m.uuid),
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    EventSourceArn: m.eventSourceArn,
    FunctionArn: m.functionArn,
    LastModified: new Date(m.lastModified),
    State: state,
    // Lambda words the reason per source: "USER_INITIATED" for a queue (the CLI reference's SQS
    // examples), "User action" for a stream (LocalStack's AWS-recorded DynamoDB Streams mapping
    // snapshots, test_lambda_integration_dynamodbstreams.snapshot.json).
    StateTransitionReason: stream ? "User action" : "USER_INITIATED",
    FunctionResponseTypes: m.functionResponseTypes,
    ...(m.filterPatterns.length ? { FilterCriteria: { Filters: m.filterPatterns.map((Pattern) => ({ Pattern })) } } : {}),
    ...(m.maximumConcurrency !== undefined ? { ScalingConfig: { MaximumConcurrency: m.maximumConcurrency } } : {}),
    ...(m.metrics !== undefined ? { MetricsConfig: { Metrics: m.metrics } } : {}),
    ...(m.systemLogLevel !== undefined ? { LoggingConfig: { SystemLogLevel: m.systemLogLevel } } : {}),
    ...(m.provisionedPollers !== undefined ? { ProvisionedPollerConfig: m.provisionedPollers } : {}),
  };
}

type MappingSettings = Pick<UpdateEventSourceMappingInput, "MetricsConfig" | "LoggingConfig" | "ProvisionedPollerConfig">;

type StreamSettings = Pick<
  UpdateEventSourceMappingInput,
  "DestinationConfig" | "BisectBatchOnFunctionError" | "MaximumRecordAgeInSeconds" | "ParallelizationFactor" | "TumblingWindowInSeconds"
>;

/**
 * The stream-only settings Create and Update share, each replacing what was there when given
 * (ranges from "Lambda parameters for Amazon DynamoDB event source mappings"). An empty
 * OnFailure removes the destination.
 */
function streamSettings(input: StreamSettings): Partial<MappingConfig> {
  check(
    range("maximumRecordAgeInSeconds", input.MaximumRecordAgeInSeconds, -1, 604800),
    range("parallelizationFactor", input.ParallelizationFactor, 1, 10),
    range("tumblingWindowInSeconds", input.TumblingWindowInSeconds, 0, 900),
  );
  // The model allows 0..59, Lambda does not (its answer as quoted in terraform-provider-aws#16113;
  // "The minimum valid value for maximum record age is 60s" in the API reference).
  const age = input.MaximumRecordAgeInSeconds;
  if (age !== undefined && age >= 0 && age < 60) {
    throw errors.InvalidParameterValue({ message: "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)" });
  }
  const onFailure = input.DestinationConfig?.OnFailure;
  return {
    ...{},
    ...(onFailure !== undefined ? { onFailure: onFailure.Destination } : {}),
    ...(input.BisectBatchOnFunctionError !== undefined ? { bisectBatchOnFunctionError: input.BisectBatchOnFunctionError } : {}),
    ...(input.MaximumRecordAgeInSeconds !== undefined ? { maximumRecordAgeInSeconds: input.MaximumRecordAgeInSeconds } : {}),
    ...(input.ParallelizationFactor !== undefined ? { parallelizationFactor: input.ParallelizationFactor } : {}),
    ...(input.TumblingWindowInSeconds !== undefined ? { tumblingWindowInSeconds: input.TumblingWindowInSeconds } : {}),
  };
}

/**
 * The settings Create and Update share that Nimbus keeps and answers without acting on them:
 * which metrics the mapping publishes, its system log level (Lambda documents it for Kafka
 * sources), its provisioned pollers. Each replaces what was there when given.
 */
function mappingSettings(input: MappingSettings): Partial<MappingConfig> {
  check(
    ...constraints.eventSourceMappingMetrics(input.MetricsConfig?.Metrics),
    constraints.eventSourceMappingLogLevel(input.LoggingConfig?.SystemLogLevel),
    ...constraints.provisionedPollers(input.ProvisionedPollerConfig),
  );
  const pollers = input.ProvisionedPollerConfig;
  return {
    ...{},
    ...(input.MetricsConfig !== undefined ? { metrics: input.MetricsConfig.Metrics ?? [] } : {}),
    ...(input.LoggingConfig?.SystemLogLevel !== undefined ? { systemLogLevel: input.LoggingConfig.SystemLogLevel } : {}),
    ...(pollers !== undefined
      ? {
          provisionedPollers: {
            ...{},
            ...(pollers.MinimumPollers !== undefined ? { MinimumPollers: pollers.MinimumPollers } : {}),
            ...(pollers.MaximumPollers !== undefined ? { MaximumPollers: pollers.MaximumPollers } : {}),
            ...(pollers.PollerGroupName !== undefined ? { PollerGroupName: pollers.PollerGroupName } : {}),
          },
        }
      : {}),
  };
}

/** The model's enum for each FunctionResponseTypes item, checked for every source on Create and Update alike. */
const functionResponseTypes = (types: readonly string[] | undefined) => (types ?? []).map((t) => oneOf("functionResponseTypes", t, ["ReportBatchItemFailures"]));

const stateOf = (m: MappingConfig): string => (m.enabled ? "Enabled" : "Disabled");

/** FilterCriteria patterns must be JSON objects (Lambda checks them at create and update). */
function filterPatterns(criteria: { Filters?: Array<{ Pattern?: string }> } | undefined): string[] {
  const patterns = (criteria?.Filters ?? []).map((f) => f.Pattern ?? "");
  try {
    parsePatterns(patterns);
  } catch {
    throw errors.InvalidParameterValue({ message: "Invalid filter pattern definition." });
  }
  return patterns;
}

/**
 * A queue must hide a message at least as long as the function may run on it: Lambda refuses the
 * mapping with "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
 * (InvalidParameterValueException, as pasted from Lambda in terraform-provider-aws and CDK
 * issues and in deployment logs).
 */
async function checkVisibilityTimeout(ctx: LambdaContext, queue: { url: string; scope: Scope }, functionTimeout: number): Promise<void> {
  const out = await ctx.invoke<{ Attributes?: Record<string, string> }>("sqs", "GetQueueAttributes", { QueueUrl: queue.url, AttributeNames: ["VisibilityTimeout"] }, queue.scope);
  const visibility = Number(out.Attributes?.["VisibilityTimeout"] ?? "30");
  if (visibility < functionTimeout) {
    throw errors.InvalidParameterValue({ message: `Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${functionTimeout} seconds` });
  }
}

function checkBatching(queueArn: string, batchSize: number, window: number): void {
  // "Batching window is not supported for FIFO queues" (MaximumBatchingWindowInSeconds in the
  // Lambda developer guide's SQS parameters; the same words come back from the API).
  if (queueArn.endsWith(".fifo") && window > 0) throw errors.InvalidParameterValue({ message: "Batching window is not supported for FIFO queues" });
  // SQS: batches over 10 messages need a batching window (Lambda waits to fill them).
  if (batchSize > 10 && window < 1) {
    throw errors.InvalidParameterValue({ message: "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10" });
  }
}

export async function createEventSourceMapping(input: CreateEventSourceMappingInput, ctx: LambdaContext): Promise<CreateEventSourceMappingOutput> {
  check(
    ...constraints.functionName(input.FunctionName),
    range("batchSize", input.BatchSize, 1, 10000),
    range("maximumBatchingWindowInSeconds", input.MaximumBatchingWindowInSeconds, 0, 300),
    oneOf("startingPosition", input.StartingPosition, ["LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"]),
    range("maximumRetryAttempts", input.MaximumRetryAttempts, -1, 10000),
    ...functionResponseTypes(input.FunctionResponseTypes),
  );
  const settings = mappingSettings(input);
  const arn = input.EventSourceArn;
  if (arn !== undefined && streamOfArn(arn)) return createStreamMapping(input, arn, settings, ctx);
  if (arn === undefined || !queueOfArn(arn)) {
    throw errors.InvalidParameterValue({
      message: "Nimbus supports event source mappings for Amazon SQS queues and DynamoDB streams; EventSourceArn must be the ARN of one.",
    });
  }
  // LocalStack's AWS-recorded test_create_starting_position_validation_exceptions[sqs].
  if (input.StartingPosition !== undefined) throw errors.InvalidParameterValue({ message: "StartingPosition is not valid for SQS event sources." });
  const target = resolveFunction(ctx.store, ctx, input.FunctionName, undefined, primaryVersion);
  let queue: Awaited<ReturnType<typeof queueUrlOf>>;
  try {
    queue = await queueUrlOf(ctx.store, arn);
  } catch {
    throw errors.InvalidParameterValue({
      message: "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.",
    });
  }
  await checkVisibilityTimeout(ctx, queue, target.version.config.timeout);
  const existing = ctx.store.listMappings(ctx).find((m) => m.eventSourceArn === arn && m.functionArn === target.invokedArn);
  if (existing) throw errors.MappingExists({ source: "SQS", arn, function: target.fn.name, uuid: existing.uuid });
  const batchSize = input.BatchSize ?? 10;
  const window = input.MaximumBatchingWindowInSeconds ?? 0;
  checkBatching(arn, batchSize, window);
  const mapping: MappingConfig = {
    uuid: randomUUID(),
    functionName: target.fn.name,
    functionArn: target.invokedArn,
    eventSourceArn: arn,
    batchSize,
    maximumBatchingWindowInSeconds: window,
    enabled: input.Enabled ?? true,
    lastModified: ctx.clock.now(),
    functionResponseTypes: input.FunctionResponseTypes ?? [],
    lastProcessingResult: "No records processed",
    filterPatterns: filterPatterns(input.FilterCriteria),
    ...(input.ScalingConfig?.MaximumConcurrency !== undefined ? { maximumConcurrency: input.ScalingConfig.MaximumConcurrency } : {}),
    ...settings,
    ...(input.Tags !== undefined ? { tags: input.Tags } : {}),
  };
  ctx.store.putMapping(ctx, mapping);
  if (mapping.enabled) startPoller(ctx.store, ctx, mapping.uuid);
  return toOutput(ctx, mapping, "Creating");
}

// DynamoDB Streams mappings: batches of up to 10,000 records, 100 by default.
async function createStreamMapping(
  input: CreateEventSourceMappingInput,
  arn: string,
  settings: Partial<MappingConfig>,
  ctx: LambdaContext,
): Promise<CreateEventSourceMappingOutput> {
  // Lambda's words for a stream's starting position: a missing one as a Coral null check, but
  // InvalidParameterValueException (as deployments quote it, e.g. winglang/wing#7178); AT_TIMESTAMP
  // refused for DynamoDB by ARN; a timestamp with any other position refused (LocalStack's
  // AWS-recorded test_create_starting_position_validation_exceptions[dynamodb]).
  if (input.StartingPosition === undefined) {
    throw errors.InvalidParameterValue({ message: "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null." });
  }
  if (input.StartingPosition === "AT_TIMESTAMP") throw errors.InvalidParameterValue({ message: `Unsupported starting position for arn type: ${arn}` });
  if (input.StartingPositionTimestamp !== undefined) throw errors.InvalidParameterValue({ message: "Timestamp only valid with StartingPosition AT_TIMESTAMP" });
  const target = resolveFunction(ctx.store, ctx, input.FunctionName, undefined, primaryVersion);
  const existing = ctx.store.listMappings(ctx).find((m) => m.eventSourceArn === arn && m.functionArn === target.invokedArn);
  if (existing) throw errors.StreamMappingExists({ arn, function: target.fn.name, uuid: existing.uuid });
  const mapping: MappingConfig = {
    uuid: randomUUID(),
    functionName: target.fn.name,
    functionArn: target.invokedArn,
    eventSourceArn: arn,
    batchSize: input.BatchSize ?? 100,
    maximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? 0,
    enabled: input.Enabled ?? true,
    lastModified: ctx.clock.now(),
    functionResponseTypes: input.FunctionResponseTypes ?? [],
    lastProcessingResult: "No records processed",
    filterPatterns: filterPatterns(input.FilterCriteria),
    startingPosition: input.StartingPosition,
    ...(input.MaximumRetryAttempts !== undefined ? { maximumRetryAttempts: input.MaximumRetryAttempts } : {}),
    ...streamSettings(input),
    ...settings,
    ...(input.Tags !== undefined ? { tags: input.Tags } : {}),
  };
  try {
    if (input.StartingPosition === "LATEST") {
      const last = await latestPosition(ctx.store, mapping);
      if (last !== undefined) mapping.position = last;
    } else {
      await iteratorFor(ctx.store, mapping);
    }
  } catch {
    throw errors.InvalidParameterValue({ message: `Stream not found: ${arn}` });
  }
  ctx.store.putMapping(ctx, mapping);
  if (mapping.enabled) startPoller(ctx.store, ctx, mapping.uuid);
  return toOutput(ctx, mapping, "Creating");
}

function requireMapping(ctx: LambdaContext, uuid: string): MappingConfig {
  const m = ctx.store.getMapping(ctx, uuid);
  if (!m) throw errors.MappingNotFound();
  return m;
}

export function getEventSourceMapping(input: GetEventSourceMappingInput, ctx: LambdaContext): GetEventSourceMappingOutput {
  const m = requireMapping(ctx, input.UUID);
  return toOutput(ctx, m, stateOf(m));
}

export function listEventSourceMappings(input: ListEventSourceMappingsInput, ctx: LambdaContext): ListEventSourceMappingsOutput {
  check(constraints.maxItems(input.MaxItems));
  let fnName: string | undefined;
  if (input.FunctionName !== undefined) fnName = resolveFunction(ctx.store, ctx, input.FunctionName, undefined, primaryVersion).fn.name;
  const all = ctx.store
    .listMappings(ctx)
    .filter((m) => (fnName === undefined || m.functionName === fnName) && (input.EventSourceArn === undefined || m.eventSourceArn === input.EventSourceArn))
    .map((m) => toOutput(ctx, m, stateOf(m)));
  const { items, next } = page(all, (m) => m.UUID ?? "", input.Marker, input.MaxItems ?? 100);
  return { EventSourceMappings: items, ...(next ? { NextMarker: next } : {}) };
}

export function updateEventSourceMapping(input: UpdateEventSourceMappingInput, ctx: LambdaContext): UpdateEventSourceMappingOutput {
  check(
    range("batchSize", input.BatchSize, 1, 10000),
    range("maximumBatchingWindowInSeconds", input.MaximumBatchingWindowInSeconds, 0, 300),
    range("maximumRetryAttempts", input.MaximumRetryAttempts, -1, 10000),
    ...functionResponseTypes(input.FunctionResponseTypes),
  );
  const settings = mappingSettings(input);
  const m = requireMapping(ctx, input.UUID);
  let functionName = m.functionName;
  let functionArnValue = m.functionArn;
  if (input.FunctionName !== undefined) {
    const target = resolveFunction(ctx.store, ctx, input.FunctionName, undefined, primaryVersion);
    functionName = target.fn.name;
    functionArnValue = target.invokedArn;
  }
  const updated: MappingConfig = {
    ...{}, ...m,
    functionName,
    functionArn: functionArnValue,
    batchSize: input.BatchSize ?? m.batchSize,
    maximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? m.maximumBatchingWindowInSeconds,
    enabled: input.Enabled ?? m.enabled,
    ...(input.MaximumRetryAttempts !== undefined ? { maximumRetryAttempts: input.MaximumRetryAttempts } : {}),
    functionResponseTypes: input.FunctionResponseTypes ?? m.functionResponseTypes,
    filterPatterns: input.FilterCriteria ? filterPatterns(input.FilterCriteria) : m.filterPatterns,
    ...(streamOfArn(m.eventSourceArn) ? streamSettings(input) : {}),
    ...settings,
    lastModified: ctx.clock.now(),
  };
  if (!streamOfArn(updated.eventSourceArn)) checkBatching(updated.eventSourceArn, updated.batchSize, updated.maximumBatchingWindowInSeconds);
  ctx.store.putMapping(ctx, updated);
  if (updated.enabled) startPoller(ctx.store, ctx, updated.uuid);
  else stopPoller(ctx.store, ctx, updated.uuid);
  // Turning a mapping off or on answers the transition it starts (LocalStack's AWS-recorded
  // test_disabled_dynamodb_event_source_mapping: UpdateEventSourceMapping Enabled=false answers
  // "Disabling"); any other change answers "Updating".
  const state = updated.enabled === m.enabled ? "Updating" : updated.enabled ? "Enabling" : "Disabling";
  return toOutput(ctx, updated, state);
}

export function deleteEventSourceMapping(input: DeleteEventSourceMappingInput, ctx: LambdaContext): DeleteEventSourceMappingOutput {
  const m = requireMapping(ctx, input.UUID);
  // Deleted first: a delete the disk refuses leaves the mapping as it was, still polled.
  ctx.store.deleteMapping(ctx, m.uuid);
  stopPoller(ctx.store, ctx, m.uuid);
  return toOutput(ctx, m, "Deleting");
}
