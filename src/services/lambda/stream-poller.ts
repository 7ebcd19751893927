/**
 * DynamoDB Streams event source mappings: Lambda reads the stream's shard in order, invokes the
 * function with a batch of records, and moves on only when the batch succeeded (a failing batch
 * is retried, MaximumRetryAttempts times when set, else until it succeeds: records of a shard
 * are never processed out of order). Reads go through DynamoDB Streams' own operations
 * in-process; the position is kept in the mapping so a restart resumes where it stopped.
 */
import type { Scope } from "../../core/service.js";
import { matchesAny, parsePatterns } from "./domain/filters.js";
import { resolveFunction } from "./domain/functions.js";
import { runFunction, sendToDestination } from "./domain/invoker.js";
import type { InvokeResult } from "./runtime/types.js";
import type { LambdaStore, MappingConfig } from "./store.js";

export function streamOfArn(arn: string): { scope: Scope } | undefined {
  const m = /^arn:aws[a-zA-Z-]*:dynamodb:([^:]+):(\d{12}):table\/[^/]+\/stream\/.+$/.exec(arn);
  if (!m || !m[1] || !m[2]) return undefined;
  return { scope: { region: m[1], account: m[2] } };
}

interface StreamRecord {
  eventID?: string;
  eventName?: string;
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  dynamodb?: { SequenceNumber?: string; ApproximateCreationDateTime?: unknown } & Record<string, unknown>;
  userIdentity?: { Type?: string; PrincipalId?: string };
}

async function shardOf(store: LambdaStore, arn: string, scope: Scope): Promise<string | undefined> {
  const out = await store.env.invoke<{ StreamDescription?: { Shards?: Array<{ ShardId?: string }> } }>("dynamodbstreams", "DescribeStream", { StreamArn: arn }, scope);
  return out.StreamDescription?.Shards?.[0]?.ShardId;
}

/**
 * An iterator at the mapping's position: after the last processed record, else the start of the
 * shard (a LATEST mapping records the stream's end as its position when it is created).
 */
export async function iteratorFor(store: LambdaStore, m: MappingConfig): Promise<string | undefined> {
  const source = streamOfArn(m.eventSourceArn);
  if (!source) return undefined;
  const shard = await shardOf(store, m.eventSourceArn, source.scope);
  if (!shard) return undefined;
  const input =
    m.position !== undefined
      ? { StreamArn: m.eventSourceArn, ShardId: shard, ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: m.position }
      : { StreamArn: m.eventSourceArn, ShardId: shard, ShardIteratorType: "TRIM_HORIZON" };
  const out = await store.env.invoke<{ ShardIterator?: string }>("dynamodbstreams", "GetShardIterator", input, source.scope);
  return out.ShardIterator;
}

/** The last sequence number now in the stream: where a LATEST mapping starts. */
export async function latestPosition(store: LambdaStore, m: MappingConfig): Promise<string | undefined> {
  const source = streamOfArn(m.eventSourceArn);
  if (!source) return undefined;
  let iterator = await iteratorFor(store, { ...{}, ...m, position: undefined });
  let last: string | undefined;
  while (iterator) {
    const out = await store.env.invoke<{ Records?: StreamRecord[]; NextShardIterator?: string }>("dynamodbstreams", "GetRecords", { ShardIterator: iterator }, source.scope);
    const records = out.Records ?? [];
    if (records.length === 0) break;
    last = records[records.length - 1]?.dynamodb?.SequenceNumber ?? last;
    iterator = out.NextShardIterator;
  }
  return last;
}

/**
 * Lambda's event JSON: creation time in epoch seconds, binaries as base64, and a TTL deletion's
 * userIdentity as {"type", "principalId"} where GetRecords answers {"Type", "PrincipalId"}:
 * the DynamoDB developer guide's "DynamoDB Streams and Time to Live" shows the record and
 * filters Lambda invocations on {"userIdentity":{"type":["Service"],...}}.
 */
function toEventJson(records: StreamRecord[], arn: string): string {
  const withSource = records.map((r) => {
    const created = r.dynamodb?.ApproximateCreationDateTime;
    const identity = r.userIdentity;
    return {
      ...{}, ...r,
      ...(r.dynamodb ? { dynamodb: { ...{}, ...r.dynamodb, ...(created instanceof Date ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}) } } : {}),
      ...(identity ? { userIdentity: { type: identity.Type, principalId: identity.PrincipalId } } : {}),
      eventSourceARN: arn,
    };
  });
  const text = JSON.stringify({ Records: withSource }, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
    const v = value as { type?: unknown; data?: unknown } | null;
    if (v && typeof v === "object" && v.type === "Buffer" && Array.isArray(v.data)) return Buffer.from(v.data as number[]).toString("base64");
    return value;
  });
  // Lambda writes the creation time as a Java double: "ApproximateCreationDateTime": 1.684934517E9
  // in events captured from it (Spring Cloud Function's and the Swift runtime's fixtures), which a
  // Python handler reads as a float (LocalStack's AWS-validated test_dynamodb_event_filter checks
  // isinstance(..., float)). Only the number form matches here; an image's attribute is an object.
  return text.replace(/"ApproximateCreationDateTime":(\d+)(?=[,}])/g, (_m, seconds: string) => `"ApproximateCreationDateTime":${javaDouble(seconds)}`);
}

/** Java's Double.toString of whole seconds: "1.5142308E9" from 10^7 on, "1234.0" below. */
function javaDouble(digits: string): string {
  if (digits.length < 8) return `${digits}.0`;
  const fraction = digits.slice(1).replace(/0+$/, "");
  return `${digits[0] ?? ""}.${fraction === "" ? "0" : fraction}E${digits.length - 1}`;
}

/** One poll of a stream mapping: read a batch after the position, invoke, advance on success. */
export async function pollStreamOnce(store: LambdaStore, scope: Scope, uuid: string): Promise<number> {
  const m = store.getMapping(scope, uuid);
  if (!m || !m.enabled) return 0;
  const source = streamOfArn(m.eventSourceArn);
  if (!source) return 0;
  if (m.owedFailure) {
    await deliverOwed(store, scope, m, m.owedFailure);
    return 0;
  }
  const iterator = await iteratorFor(store, m);
  if (!iterator) return 0;
  const readLimit = Math.min(1000, m.batchSize, m.bisectLimit ?? 1000);
  const out = await store.env.invoke<{ Records?: StreamRecord[] }>(
    "dynamodbstreams",
    "GetRecords",
    { ShardIterator: iterator, Limit: readLimit },
    source.scope,
  );
  const records = out.Records ?? [];
  if (records.length === 0) return 0;
  if (await discardAged(store, scope, m, source.scope, records)) return records.length;
  if (!batchReady(store, scope, m, records.length >= readLimit)) return 0;
  const patterns = parsePatterns(m.filterPatterns);
  // Records that match no filter are skipped: the position moves past them without an invocation.
  const selected = records.filter((r) => matchesAny(patterns, (JSON.parse(toEventJson([r], m.eventSourceArn)) as { Records: unknown[] }).Records[0]));
  // Whether the function ran without error (a batch that needs no invocation counts as such), and
  // where the batch stands: done, or retried from its start or from a record the function named.
  let functionOk = true;
  let outcome: BatchOutcome = { ok: true };
  let invoked: { result: InvokeResult; version: string } | undefined;
  if (selected.length > 0) {
    try {
      const target = resolveFunction(store, scope, m.functionArn);
      const result = await runFunction(store, scope, target, Buffer.from(toEventJson(selected, m.eventSourceArn)));
      invoked = { result, version: target.version.config.version };
      functionOk = !result.functionError;
      outcome = functionOk ? reportedOutcome(m, result.payload, records) : { ok: false };
    } catch {
      functionOk = false;
      outcome = { ok: false };
    }
  }
  const current = store.getMapping(scope, uuid);
  if (!current) return records.length;
  // BisectBatchOnFunctionError: a batch of several records the function failed on is split in
  // two and the first half tried next; splitting does not count towards the retry quota (Lambda
  // developer guide, "Retaining discarded records for a DynamoDB event source in Lambda").
  const bisect = !outcome.ok && invoked?.result.functionError !== undefined && current.bisectBatchOnFunctionError === true && records.length > 1;
  const attempts = outcome.ok ? 0 : bisect ? (current.failedAttempts ?? 0) : (current.failedAttempts ?? 0) + 1;
  const maxRetries = current.maximumRetryAttempts ?? -1;
  // -1 (the default) retries until the records expire from the stream.
  const giveUp = !outcome.ok && !bisect && maxRetries >= 0 && attempts > maxRetries;
  const last = records[records.length - 1]?.dynamodb?.SequenceNumber ?? current.position;
  const position = outcome.ok || giveUp ? last : (outcome.checkpoint ?? current.position);
  const lastProcessingResult = functionOk ? "OK" : "PROBLEM: Function call failed";
  if (giveUp) {
    await discard(store, scope, current, last, await discardedRecord(store, current, source.scope, records, attempts, invoked, "RetryAttemptsExhausted"), lastProcessingResult);
    return records.length;
  }
  const { bisectLimit: _previous, ...rest } = current;
  const bisectLimit = bisect ? Math.ceil(records.length / 2) : outcome.ok ? undefined : current.bisectLimit;
  store.putMapping(scope, {
    ...{}, ...rest,
    ...(position !== undefined ? { position } : {}),
    ...(bisectLimit !== undefined ? { bisectLimit } : {}),
    failedAttempts: outcome.ok ? 0 : attempts,
    lastProcessingResult,
  });
  return records.length;
}

/**
 * MaximumBatchingWindowInSeconds: "The maximum amount of time, in seconds, that Lambda spends
 * gathering records before invoking the function" (CreateEventSourceMapping, API reference); a
 * full batch goes at once. The window opens at the first poll that finds records short of a full
 * batch; a batch being retried is not gathered again.
 */
function batchReady(store: LambdaStore, scope: Scope, m: MappingConfig, full: boolean): boolean {
  const windowMs = m.maximumBatchingWindowInSeconds * 1000;
  const retrying = (m.failedAttempts ?? 0) > 0 || m.bisectLimit !== undefined;
  const now = store.env.clock.now();
  const since = m.gatheringSince ?? now;
  const ready = windowMs <= 0 || full || retrying || now - since >= windowMs;
  if (ready === (m.gatheringSince === undefined)) return ready;
  // Read again: the mapping may have been updated while the records were read.
  const { gatheringSince: _since, ...rest } = store.getMapping(scope, m.uuid) ?? m;
  store.putMapping(scope, ready ? rest : { ...{}, ...rest, gatheringSince: since });
  return ready;
}

/**
 * MaximumRecordAgeInSeconds: records older than it are discarded, whether they wait in a backlog
 * or in a batch the function keeps failing on ("retries until the records expire, exceed the
 * maximum age, or reach the configured retry quota", "Retaining discarded records for a DynamoDB
 * event source in Lambda"). They go to the OnFailure destination as a "RecordAgeExceeded" batch,
 * the condition Lambda writes for backlog records discarded this way. Records are in order, so
 * the aged ones lead the batch; the rest wait for the next poll.
 */
async function discardAged(store: LambdaStore, scope: Scope, m: MappingConfig, sourceScope: Scope, records: StreamRecord[]): Promise<boolean> {
  const maxAge = m.maximumRecordAgeInSeconds ?? -1;
  if (maxAge < 0) return false;
  const now = store.env.clock.now();
  const firstFresh = records.findIndex((r) => now - createdAt(r) <= maxAge * 1000);
  const expired = firstFresh === -1 ? records : records.slice(0, firstFresh);
  if (expired.length === 0) return false;
  // Read again: the mapping may have been updated while the records were read.
  const current = store.getMapping(scope, m.uuid);
  if (!current) return true;
  const last = expired[expired.length - 1]?.dynamodb?.SequenceNumber;
  const record = await discardedRecord(store, current, sourceScope, expired, current.failedAttempts ?? 0, undefined, "RecordAgeExceeded");
  await discard(store, scope, current, last, record, undefined);
  return true;
}

function createdAt(record: StreamRecord): number {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return created instanceof Date ? created.getTime() : typeof created === "number" ? created * 1000 : 0;
}

/** A record's ApproximateCreationDateTime as Lambda writes arrivals: ISO seconds ("2019-11-14T00:13:19Z"). */
function arrivalOf(record: StreamRecord | undefined): string {
  return new Date(record ? createdAt(record) : 0).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Gives a batch up: its OnFailure record (`record`, undefined without a destination) is sent
 * first, and only then does the position move past the batch, to `position`. A destination that
 * fails itself (a 5xx or a raw failure: SQS at a full disk) leaves the mapping's position where it
 * was, before the batch, and the record owed in the mapping: the stream waits, and each poll sends
 * the record again until it is taken (deliverOwed). The position used to move first, and the
 * record was lost. A destination's refusal (4xx: no such queue) loses it, as on Lambda. A write
 * that fails here (Lambda's own disk full) leaves the batch to be read and given up again.
 */
async function discard(store: LambdaStore, scope: Scope, m: MappingConfig, position: string | undefined, record: string | undefined, lastProcessingResult: string | undefined): Promise<void> {
  let owed: MappingConfig["owedFailure"];
  if (record !== undefined && m.onFailure !== undefined) {
    try {
      await sendToDestination(store, scope, m.onFailure, record, true);
    } catch (err) {
      owed = { record, ...(position !== undefined ? { position } : {}) };
      store.env.logger.warn({
        msg: `lambda: event source mapping ${m.uuid} could not send the record of a batch it gave up on to its OnFailure destination ${m.onFailure} (${String(err)}); the stream waits at that batch and the record is sent again at each poll`,
        service: "lambda",
      });
    }
  }
  // Read again: the mapping may have been updated while the record was sent.
  const now = store.getMapping(scope, m.uuid);
  if (!now) return;
  const { bisectLimit: _limit, position: _position, owedFailure: _owed, ...rest } = now;
  const next = owed ? m.position : position;
  store.putMapping(scope, {
    ...{}, ...rest,
    ...(next !== undefined ? { position: next } : {}),
    failedAttempts: 0,
    ...(lastProcessingResult !== undefined ? { lastProcessingResult } : {}),
    ...(owed ? { owedFailure: owed } : {}),
  });
}

/**
 * A poll of a mapping that owes an OnFailure record: it is sent again (to the destination the
 * mapping has now), and once taken, or once the mapping has no destination, the position moves
 * past its batch. Until then the stream waits; a failure here is not logged again.
 */
async function deliverOwed(store: LambdaStore, scope: Scope, m: MappingConfig, owed: { record: string; position?: string }): Promise<void> {
  if (m.onFailure !== undefined) {
    try {
      await sendToDestination(store, scope, m.onFailure, owed.record, true);
    } catch {
      return;
    }
  }
  const now = store.getMapping(scope, m.uuid);
  if (!now) return;
  const { owedFailure: _owed, position: _position, ...rest } = now;
  store.putMapping(scope, { ...{}, ...rest, ...(owed.position !== undefined ? { position: owed.position } : {}) });
}

/**
 * What Lambda sends to a stream mapping's OnFailure destination, if it has one, when it gives up
 * on a batch: the batch's place in the stream, not its records (the invocation record of
 * "Retaining discarded records for a DynamoDB event source in Lambda"). Undefined without one.
 */
async function discardedRecord(
  store: LambdaStore,
  m: MappingConfig,
  sourceScope: Scope,
  records: StreamRecord[],
  invokeCount: number,
  invoked: { result: InvokeResult; version: string } | undefined,
  condition: "RetryAttemptsExhausted" | "RecordAgeExceeded",
): Promise<string | undefined> {
  if (m.onFailure === undefined) return undefined;
  const shardId = (await shardOf(store, m.eventSourceArn, sourceScope)) ?? "";
  return JSON.stringify({
    requestContext: {
      requestId: invoked?.result.requestId ?? "",
      functionArn: m.functionArn,
      condition,
      approximateInvokeCount: invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: invoked?.version ?? "$LATEST",
      ...(invoked?.result.functionError ? { functionError: invoked.result.functionError } : {}),
    },
    version: "1.0",
    timestamp: new Date(store.env.clock.now()).toISOString(),
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? "",
      endSequenceNumber: records[records.length - 1]?.dynamodb?.SequenceNumber ?? "",
      approximateArrivalOfFirstRecord: arrivalOf(records[0]),
      approximateArrivalOfLastRecord: arrivalOf(records[records.length - 1]),
      batchSize: records.length,
      streamArn: m.eventSourceArn,
    },
  });
}

/** A batch that succeeded, or failed with the records before `checkpoint` (a sequence number) done. */
type BatchOutcome = { ok: true } | { ok: false; checkpoint?: string };

/**
 * ReportBatchItemFailures on a stream ("Configuring partial batch response with DynamoDB and
 * Lambda"): the function names failed records by SequenceNumber; Lambda checkpoints before the
 * lowest one and retries from there. An empty or null list, or no response, is a success; an
 * empty, null or misnamed itemIdentifier fails the whole batch. Without the setting the response
 * is ignored.
 */
function reportedOutcome(m: MappingConfig, payload: Buffer, records: StreamRecord[]): BatchOutcome {
  if (!m.functionResponseTypes.includes("ReportBatchItemFailures")) return { ok: true };
  let response: unknown;
  try {
    response = JSON.parse(payload.toString("utf8"));
  } catch {
    return { ok: true };
  }
  const items = (response as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(items) || items.length === 0) return { ok: true };
  const sequence = records.map((r) => r.dynamodb?.SequenceNumber);
  let lowest = sequence.length;
  for (const item of items) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const at = typeof id === "string" && id !== "" ? sequence.indexOf(id) : -1;
    // An identifier that names no record of the batch fails it whole, as Lambda does.
    if (at < 0) return { ok: false };
    lowest = Math.min(lowest, at);
  }
  const before = lowest > 0 ? sequence[lowest - 1] : undefined;
  return before !== undefined ? { ok: false, checkpoint: before } : { ok: false };
}
