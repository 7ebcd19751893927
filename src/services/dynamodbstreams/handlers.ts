import type {
  DescribeStreamInput,
  DescribeStreamOutput,
  GetRecordsInput,
  GetRecordsOutput,
  GetShardIteratorInput,
  GetShardIteratorOutput,
  ListStreamsInput,
  ListStreamsOutput,
} from "../../generated/dynamodbstreams.js";
import { enforcesPolicies, resourcePolicyRefusal } from "../../auth/access.js";
import { AwsError } from "../../core/errors.js";
import { constraintMessage, length, oneOf, pattern, range, type Check } from "../../protocol/constraints.js";
import type { Scope } from "../../core/service.js";
import { errors } from "./errors.js";
import type { StreamsContext } from "./index.js";
import { shardIdOf, type StoredStream } from "./store.js";

/** Shard iterators are valid for 15 minutes. */
export const ITERATOR_TTL_MS = 15 * 60 * 1000;
/** GetRecords returns at most 1 MB or 1000 records. */
const MAX_BYTES = 1024 * 1024;
const ITERATOR_TYPES = ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"];

function invalid(message: string): never {
  throw errors.Validation({ message });
}

/** The API reference's constraints on a request's members, checked before anything is looked up; every failure in one ValidationException. */
function check(...checks: Check[]): void {
  const message = constraintMessage(checks);
  if (message !== undefined) invalid(message);
}

/** Stream ARNs are 37 to 1024 characters; shard ids 28 to 65; sequence numbers 21 to 40 digits. */
const streamArnLength = (field: string, arn: string | undefined): Check => length(field, arn, 37, 1024);
const shardIdLength = (field: string, id: string | undefined): Check => length(field, id, 28, 65);
const TABLE_NAME = /^[a-zA-Z0-9_.-]+$/;

/** A stream ARN names its table's account: another account reads it through the ARN, as DynamoDB's cross-account access does. */
const STREAM_ARN = /^arn:aws[\w-]*:dynamodb:[^:]*:(\d{12}):table\/[^/]+\/stream\/[^/]+$/;

/**
 * A StreamArn that is no stream ARN is a ValidationException "Invalid StreamArn", where a stream
 * ARN of no stream is not found: DescribeStream, GetShardIterator and ListStreams'
 * ExclusiveStartStreamArn, as ScyllaDB Alternator's test_streams.py (run against AWS) finds
 * (test_describe_nonexistent_stream, test_get_shard_iterator_for_nonexistent_stream,
 * test_list_streams_with_nonexistent_last_stream). The text as AWS sent it to DescribeStream:
 * aws-sdk-js v2's integration test ("handles errors"), amazon-archives/logstash-input-dynamodb#18.
 */
function checkStreamArn(arn: string | undefined): void {
  if (arn !== undefined && !STREAM_ARN.test(arn)) invalid("Invalid StreamArn");
}

/**
 * The stream an ARN names, in its table's account, and that account's scope (where its records
 * are). With policies enforced, the stream's own resource policy must let another account
 * `action` (DescribeStream, GetShardIterator, GetRecords); its account may do what it does not deny.
 */
async function requireStream(ctx: StreamsContext, arn: string, action: string): Promise<{ stream: StoredStream; scope: Scope }> {
  const scope = { account: STREAM_ARN.exec(arn)?.[1] ?? ctx.account, region: ctx.region };
  const stream = ctx.store.stream(scope, arn, ctx.clock.now());
  if (stream === undefined) throw errors.StreamNotFound({ arn });
  if (enforcesPolicies(ctx.config)) {
    const refusal = resourcePolicyRefusal(ctx, { arn, account: scope.account, policy: await streamPolicy(ctx, arn, scope) }, `dynamodb:${action}`);
    if (refusal !== undefined) throw errors.AccessDenied({ message: refusal });
  }
  return { stream, scope };
}

/** The stream's resource policy, which DynamoDB keeps with its table (GetResourcePolicy, as the table's account). */
async function streamPolicy(ctx: StreamsContext, arn: string, scope: Scope): Promise<string | undefined> {
  try {
    return (await ctx.invoke<{ Policy?: string }>("dynamodb", "GetResourcePolicy", { ResourceArn: arn }, scope)).Policy;
  } catch (err) {
    if (err instanceof AwsError && err.code === "PolicyNotFoundException") return undefined;
    throw err;
  }
}

const SEQ_WIDTH = 21;

function seq(n: string): string {
  if (!/^\d{1,40}$/.test(n)) invalid(`Invalid SequenceNumber: ${n}`);
  return n.replace(/^0+/, "").padStart(SEQ_WIDTH, "0");
}

export async function listStreams(input: ListStreamsInput, ctx: StreamsContext): Promise<ListStreamsOutput> {
  await ctx.store.ready;
  const table = input.TableName;
  check(
    length("tableName", table, 3, 255),
    pattern("tableName", table, TABLE_NAME, "[a-zA-Z0-9_.-]+"),
    range("limit", input.Limit, 1, 100),
    streamArnLength("exclusiveStartStreamArn", input.ExclusiveStartStreamArn),
  );
  checkStreamArn(input.ExclusiveStartStreamArn);
  const limit = input.Limit ?? 100;
  const rows = ctx.store.streams(ctx, input.TableName, input.ExclusiveStartStreamArn, limit + 1, ctx.clock.now());
  const page = rows.slice(0, limit);
  return {
    Streams: page.map((s) => ({ StreamArn: s.streamArn, TableName: s.tableName, StreamLabel: s.label })),
    ...(rows.length > limit ? { LastEvaluatedStreamArn: page[page.length - 1]?.streamArn } : {}),
  };
}

export async function describeStream(input: DescribeStreamInput, ctx: StreamsContext): Promise<DescribeStreamOutput> {
  await ctx.store.ready;
  check(streamArnLength("streamArn", input.StreamArn), range("limit", input.Limit, 1), shardIdLength("exclusiveStartShardId", input.ExclusiveStartShardId));
  checkStreamArn(input.StreamArn);
  const { stream, scope } = await requireStream(ctx, input.StreamArn, "DescribeStream");
  const shardId = shardIdOf(stream);
  const { first, last } = ctx.store.bounds(scope, stream.streamArn);
  const shards =
    input.ExclusiveStartShardId !== undefined && input.ExclusiveStartShardId >= shardId
      ? []
      : [
          {
            ShardId: shardId,
            SequenceNumberRange: {
              StartingSequenceNumber: first ?? "1".padStart(SEQ_WIDTH, "0"),
              ...(!stream.enabled && last !== undefined ? { EndingSequenceNumber: last } : {}),
            },
          },
        ];
  return {
    StreamDescription: {
      StreamArn: stream.streamArn,
      StreamLabel: stream.label,
      StreamStatus: streamStatus(stream, ctx.clock.now()),
      StreamViewType: stream.viewType,
      CreationRequestDateTime: new Date(stream.createdAt),
      TableName: stream.tableName,
      KeySchema: stream.keySchema,
      Shards: shards,
    },
  };
}

/** "ENABLING - Streams is currently being enabled on the DynamoDB table", DISABLING likewise: while the table is CREATING or UPDATING for it. */
function streamStatus(stream: StoredStream, now: number): "ENABLING" | "ENABLED" | "DISABLING" | "DISABLED" {
  const switching = stream.settlesAt !== undefined && now < stream.settlesAt;
  if (stream.enabled) return switching ? "ENABLING" : "ENABLED";
  return switching ? "DISABLING" : "DISABLED";
}

interface Iterator {
  /** Stream ARN. */
  a: string;
  /** Shard id. */
  s: string;
  /** Read records with a sequence number strictly greater than this ("" = from the start). */
  p: string;
  /** Issued at, epoch ms. */
  t: number;
}

/**
 * AWS's iterators are the stream ARN, "|1|", then an opaque part (the streams model's
 * GetShardIterator and GetRecords examples; LocalStack's AWS-validated
 * test_dynamodb_streams_shard_iterator_format). A stream ARN holds no "|".
 */
const ITERATOR_SEPARATOR = "|1|";

function encodeIterator(it: Iterator): string {
  return `${it.a}${ITERATOR_SEPARATOR}${Buffer.from(JSON.stringify({ s: it.s, p: it.p, t: it.t })).toString("base64url")}`;
}

function decodeIterator(text: string): Iterator {
  const at = text.indexOf(ITERATOR_SEPARATOR);
  try {
    const it = JSON.parse(Buffer.from(text.slice(at + ITERATOR_SEPARATOR.length), "base64url").toString("utf8")) as Partial<Iterator>;
    if (at > 0 && typeof it.s === "string" && typeof it.p === "string" && typeof it.t === "number") return { a: text.slice(0, at), s: it.s, p: it.p, t: it.t };
  } catch {
    // fall through to the error below
  }
  return invalid("Invalid ShardIterator");
}

export async function getShardIterator(input: GetShardIteratorInput, ctx: StreamsContext): Promise<GetShardIteratorOutput> {
  await ctx.store.ready;
  check(
    streamArnLength("streamArn", input.StreamArn),
    shardIdLength("shardId", input.ShardId),
    oneOf("shardIteratorType", input.ShardIteratorType, ITERATOR_TYPES),
    length("sequenceNumber", input.SequenceNumber, 21, 40),
  );
  checkStreamArn(input.StreamArn);
  const { stream, scope } = await requireStream(ctx, input.StreamArn, "GetShardIterator");
  if (input.ShardId !== shardIdOf(stream)) throw errors.ShardNotFound({ shard: input.ShardId, arn: stream.streamArn });
  const { first, last } = ctx.store.bounds(scope, stream.streamArn);
  // An iterator stands after a sequence number, TRIM_HORIZON's after the trim point: a record
  // trimmed before the iterator is used is one it would have read (GetRecords' check).
  const horizon = stream.trimmedThrough;
  // A SequenceNumber belongs to AT and AFTER only: TRIM_HORIZON or LATEST with one is a
  // ValidationException (ScyllaDB Alternator's test_streams.py::test_get_shard_iterator, which
  // passes on AWS). AWS's wording is not on record; this follows its sibling for the missing number.
  if (input.SequenceNumber !== undefined && (input.ShardIteratorType === "TRIM_HORIZON" || input.ShardIteratorType === "LATEST")) {
    invalid("Must not specify SequenceNumber with TRIM_HORIZON or LATEST shard iterator type");
  }
  let position: string;
  switch (input.ShardIteratorType) {
    case "TRIM_HORIZON":
      position = horizon;
      break;
    case "LATEST":
      position = last ?? horizon;
      break;
    default: {
      if (input.SequenceNumber === undefined) {
        invalid("Must specify SequenceNumber with AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER shard iterator type");
      }
      const n = BigInt(seq(input.SequenceNumber));
      // The first record the iterator reads: AT reads the record itself (numbers start at 1).
      const from = input.ShardIteratorType === "AFTER_SEQUENCE_NUMBER" ? n + 1n : n > 0n ? n : 1n;
      // "You request a shard iterator with a sequence number older than the trim point (24 hours)":
      // one whose iterator would read a trimmed record (or one this service never received). AFTER
      // the last record trimmed is not: a consumer that had read everything reads on from there.
      if ((horizon !== "" && from <= BigInt(horizon)) || (first !== undefined && from < BigInt(first))) throw errors.TrimmedDataAccess();
      position = (from - 1n).toString().padStart(SEQ_WIDTH, "0");
    }
  }
  return { ShardIterator: encodeIterator({ a: stream.streamArn, s: input.ShardId, p: position, t: ctx.clock.now() }) };
}

/** Binaries travel in records as base64 strings; the output shape wants bytes. */
function reviveBinaries(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (key === "B" && typeof value === "string") return Buffer.from(value, "base64");
    if (key === "BS" && Array.isArray(value)) return value.map((b) => (typeof b === "string" ? Buffer.from(b, "base64") : b));
    return value;
  });
}

type OutRecord = NonNullable<GetRecordsOutput["Records"]>[number];

export async function getRecords(input: GetRecordsInput, ctx: StreamsContext): Promise<GetRecordsOutput> {
  await ctx.store.ready;
  // "The upper limit is 1000" (API reference, Limit): DynamoDB Streams refuses 1001 with a
  // ValidationException naming the limit, not the LimitExceededException its error list names
  // (ScyllaDB Alternator's test_streams.py::test_get_records_too_high_limit, run against AWS).
  check(length("shardIterator", input.ShardIterator, 1, 2048), range("limit", input.Limit, 1, 1000));
  const it = decodeIterator(input.ShardIterator);
  if (ctx.clock.now() - it.t > ITERATOR_TTL_MS) throw errors.ExpiredIterator();
  const { stream, scope } = await requireStream(ctx, it.a, "GetRecords");
  // "You obtain a shard iterator, but before you use the iterator in a GetRecords request, a stream
  // record in the shard exceeds the 24 hour period and is trimmed."
  if (it.p < stream.trimmedThrough) throw errors.TrimmedDataAccess();
  const rows = ctx.store.records(scope, stream.streamArn, it.p, input.Limit ?? 1000);
  const records: OutRecord[] = [];
  let bytes = 0;
  let position = it.p;
  for (const row of rows) {
    if (records.length > 0 && bytes + row.size > MAX_BYTES) break;
    bytes += row.size;
    position = row.seq;
    const record = reviveBinaries(row.record) as OutRecord & { dynamodb?: { ApproximateCreationDateTime?: unknown } };
    const created = record.dynamodb?.ApproximateCreationDateTime;
    if (record.dynamodb && typeof created === "number") record.dynamodb.ApproximateCreationDateTime = new Date(created * 1000);
    records.push(record);
  }
  // A disabled stream's shard closes once everything has been read: no next iterator.
  const closed = !stream.enabled && ctx.store.records(scope, stream.streamArn, position, 1).length === 0;
  return {
    Records: records,
    ...(closed ? {} : { NextShardIterator: encodeIterator({ a: it.a, s: it.s, p: position, t: ctx.clock.now() }) }),
  };
}
