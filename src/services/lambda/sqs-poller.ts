/**
 * SQS event source mappings: Lambda polls the queue, invokes the function with a batch of
 * records, deletes the batch when the function succeeds (or only the items it did not report
 * under ReportBatchItemFailures), and leaves failed messages to come back after their
 * visibility timeout. Everything goes through SQS's own operations in-process and through the
 * one scheduler, so tests drive polling by advancing the clock.
 */
import { AwsError } from "../../core/errors.js";
import { setOwn } from "../../core/own.js";
import type { Scope } from "../../core/service.js";
import { matchesAny, parsePatterns, sqsRecordForMatching } from "./domain/filters.js";
import { resolveFunction } from "./domain/functions.js";
import { runFunction } from "./domain/invoker.js";
import type { LambdaStore, MappingConfig } from "./store.js";
import { pollStreamOnce, streamOfArn } from "./stream-poller.js";

/** How often an enabled mapping polls its source (Lambda long-polls continuously). */
export const POLL_INTERVAL_MS = 1000;
/**
 * Lambda reads a queue with five concurrent pollers to start with (MaximumConcurrency caps them)
 * and keeps receiving while there are messages. Here a tick that finds a full batch goes on with
 * that many pollers until the queue has nothing visible, so a backlog drains at the function's
 * pace instead of one batch per tick.
 */
export const SQS_POLLERS = 5;

interface SqsMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody?: string;
  MD5OfMessageAttributes?: string;
  Body?: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
}

export function queueOfArn(arn: string): { scope: Scope; name: string } | undefined {
  const m = /^arn:aws[a-zA-Z-]*:sqs:([^:]+):(\d{12}):(.+)$/.exec(arn);
  if (!m || !m[1] || !m[2] || !m[3]) return undefined;
  return { scope: { region: m[1], account: m[2] }, name: m[3] };
}

export async function queueUrlOf(store: LambdaStore, arn: string): Promise<{ url: string; scope: Scope }> {
  const queue = queueOfArn(arn);
  if (!queue) throw new Error(`not an SQS queue ARN: ${arn}`);
  const out = await store.env.invoke<{ QueueUrl: string }>("sqs", "GetQueueUrl", { QueueName: queue.name, QueueOwnerAWSAccountId: queue.scope.account }, queue.scope);
  return { url: out.QueueUrl, scope: queue.scope };
}

function record(m: SqsMessage, arn: string, region: string): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(m.MessageAttributes ?? {})) {
    setOwn(attributes, name, {
      ...{}, ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: Buffer.from(a.BinaryValue).toString("base64") } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: a.DataType,
    });
  }
  return {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body ?? "",
    attributes: m.Attributes ?? {},
    messageAttributes: attributes,
    // Events Lambda delivered, as captured from AWS, carry it always: null for a message without attributes.
    md5OfMessageAttributes: m.MD5OfMessageAttributes ?? null,
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: arn,
    awsRegion: region,
  };
}

/** What one poll did: messages received, and whether the function call (if any) succeeded. */
export interface PollResult {
  received: number;
  ok: boolean;
}

/** One poll: receive up to BatchSize messages, invoke once, delete what succeeded. */
export async function pollOnce(store: LambdaStore, scope: Scope, uuid: string): Promise<PollResult> {
  const mapping = store.getMapping(scope, uuid);
  if (!mapping || !mapping.enabled) return { received: 0, ok: true };
  const queue = await queueUrlOf(store, mapping.eventSourceArn);
  const messages: SqsMessage[] = [];
  while (messages.length < mapping.batchSize) {
    let out: { Messages?: SqsMessage[] };
    try {
      out = await store.env.invoke<{ Messages?: SqsMessage[] }>(
        "sqs",
        "ReceiveMessage",
        {
          QueueUrl: queue.url,
          MaxNumberOfMessages: Math.min(10, mapping.batchSize - messages.length),
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
          WaitTimeSeconds: 0,
        },
        queue.scope,
      );
    } catch (err) {
      // The queue is at its in-flight quota (others hold 120,000 of its messages): Lambda polls
      // long, and a long poll there answers nothing rather than OverLimit. What came is handled.
      if (err instanceof AwsError && err.code === "OverLimit") break;
      throw err;
    }
    const got = out.Messages ?? [];
    messages.push(...got);
    if (got.length === 0) break;
  }
  if (messages.length === 0) return { received: 0, ok: true };
  const patterns = parsePatterns(mapping.filterPatterns);
  const records = messages.map((m) => ({ message: m, record: record(m, mapping.eventSourceArn, queue.scope.region) }));
  const selected = records.filter((r) => matchesAny(patterns, sqsRecordForMatching(r.record)));
  // Messages that match no filter are deleted without invoking the function.
  let failed = new Set<string>(selected.map((r) => r.message.MessageId));
  if (selected.length > 0) {
    const event = { Records: selected.map((r) => r.record) };
    try {
      const target = resolveFunction(store, scope, mapping.functionArn);
      const result = await runFunction(store, scope, target, Buffer.from(JSON.stringify(event)));
      if (!result.functionError) failed = failedItems(mapping, result.payload, selected.map((r) => r.message));
      mapping.lastProcessingResult = result.functionError ? "PROBLEM: Function call failed" : "OK";
    } catch {
      mapping.lastProcessingResult = "PROBLEM: Function call failed";
    }
  }
  const done = messages.filter((m) => !failed.has(m.MessageId));
  try {
    for (let i = 0; i < done.length; i += 10) {
      const entries = done.slice(i, i + 10).map((m, j) => ({ Id: String(i + j), ReceiptHandle: m.ReceiptHandle }));
      await store.env.invoke("sqs", "DeleteMessageBatch", { QueueUrl: queue.url, Entries: entries }, queue.scope);
    }
  } finally {
    // The status is written after the delete, and its failure (a full disk) fails nothing: it
    // threw before the delete, and the function got the messages again after their visibility
    // timeout.
    if (selected.length > 0) saveResult(store, scope, uuid, mapping.lastProcessingResult);
  }
  return { received: messages.length, ok: mapping.lastProcessingResult === "OK" || selected.length === 0 };
}

/** LastProcessingResult, best effort: a write the disk refuses is logged and the poll goes on. */
function saveResult(store: LambdaStore, scope: Scope, uuid: string, result: string): void {
  try {
    const current = store.getMapping(scope, uuid);
    if (current) store.putMapping(scope, { ...{}, ...current, lastProcessingResult: result });
  } catch (err) {
    store.env.logger.warn({ msg: `lambda: could not record the last processing result of event source mapping ${uuid} (${String(err)})`, service: "lambda" });
  }
}

/** One tick of a queue mapping: a poll, and while it finds full batches, several pollers until the backlog is gone. */
async function drainQueue(store: LambdaStore, scope: Scope, uuid: string): Promise<void> {
  const first = await pollOnce(store, scope, uuid);
  const mapping = store.getMapping(scope, uuid);
  if (!mapping || !first.ok || first.received < mapping.batchSize) return;
  const poller = async (): Promise<void> => {
    // A failed call stops this poller: its messages come back after their visibility timeout.
    while (!store.closing) {
      const r = await pollOnce(store, scope, uuid);
      if (!r.ok || r.received === 0) return;
    }
  };
  await Promise.all(Array.from({ length: Math.min(SQS_POLLERS, mapping.maximumConcurrency ?? SQS_POLLERS) }, poller));
}

/** ReportBatchItemFailures: the function names the messages that failed; the rest succeeded. */
function failedItems(mapping: MappingConfig, payload: Buffer, messages: SqsMessage[]): Set<string> {
  if (!mapping.functionResponseTypes.includes("ReportBatchItemFailures")) return new Set();
  let response: unknown;
  try {
    response = JSON.parse(payload.toString("utf8"));
  } catch {
    return new Set();
  }
  const items = (response as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(items)) return new Set();
  const ids = new Set(messages.map((m) => m.MessageId));
  const out = new Set<string>();
  for (const item of items) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    // An identifier that is empty or not in the batch fails the whole batch, as on Lambda.
    if (typeof id !== "string" || !ids.has(id)) return ids;
    out.add(id);
  }
  return out;
}

function pollerKey(scope: Scope, uuid: string): string {
  return `${scope.account}/${scope.region}/${uuid}`;
}

/** Polls an enabled mapping of either kind (SQS queue or DynamoDB stream) through the scheduler. */
export function startPoller(store: LambdaStore, scope: Scope, uuid: string): void {
  const key = pollerKey(scope, uuid);
  if (store.pollers.has(key)) return;
  const cancel = store.env.scheduler.every(
    POLL_INTERVAL_MS,
    async () => {
      try {
        const mapping = store.getMapping(scope, uuid);
        if (mapping && streamOfArn(mapping.eventSourceArn)) await pollStreamOnce(store, scope, uuid);
        else await drainQueue(store, scope, uuid);
      } catch {
        // The source is gone or refused: the mapping keeps trying, as Lambda's does.
      }
    },
    `lambda event source poller ${uuid}`,
  );
  store.pollers.set(key, cancel);
}

export function stopPoller(store: LambdaStore, scope: Scope, uuid: string): void {
  const key = pollerKey(scope, uuid);
  store.pollers.get(key)?.();
  store.pollers.delete(key);
}

/** Restarts the pollers of the enabled mappings a previous run left (persistent data dir). */
export function startPollers(store: LambdaStore): void {
  for (const { scope, mapping } of store.allMappings()) if (mapping.enabled) startPoller(store, scope, mapping.uuid);
}
