import type {
  CreateLogStreamInput,
  CreateLogStreamOutput,
  DeleteLogStreamInput,
  DeleteLogStreamOutput,
  DescribeLogStreamsInput,
  DescribeLogStreamsOutput,
} from "../../../generated/logs.js";
import { streamArn } from "../domain/arns.js";
import { decodeToken, encodeToken, sequenceToken } from "../domain/tokens.js";
import { errors } from "../errors.js";
import { requireGroup, resolveGroup, type LogsContext } from "../resolve.js";
import type { LogStream } from "../store.js";
import { check, constraints, oneOf } from "../validation.js";

export function createLogStream(input: CreateLogStreamInput, ctx: LogsContext): CreateLogStreamOutput {
  check(...constraints.logGroupName(input.logGroupName), ...constraints.logStreamName(input.logStreamName));
  requireGroup(ctx, input.logGroupName);
  if (!ctx.store.insertStream(ctx, input.logGroupName, input.logStreamName, ctx.clock.now())) throw errors.StreamAlreadyExists();
  return {};
}

export function deleteLogStream(input: DeleteLogStreamInput, ctx: LogsContext): DeleteLogStreamOutput {
  check(...constraints.logGroupName(input.logGroupName), ...constraints.logStreamName(input.logStreamName));
  requireGroup(ctx, input.logGroupName);
  if (!ctx.store.deleteStream(ctx, input.logGroupName, input.logStreamName)) throw errors.StreamNotFound();
  return {};
}

const DEFAULT_LIMIT = 50;

/** The place of the last stream returned, in the order of the listing. */
interface StreamCursor {
  readonly name: string;
  readonly last?: number;
}

function isCursor(v: unknown): v is StreamCursor {
  return typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string";
}

export function describeLogStreams(input: DescribeLogStreamsInput, ctx: LogsContext): DescribeLogStreamsOutput {
  check(
    ...constraints.logStreamName(input.logStreamNamePrefix, "logStreamNamePrefix"),
    oneOf("orderBy", input.orderBy, ["LogStreamName", "LastEventTime"]),
    constraints.limit(input.limit, 50),
  );
  const byTime = input.orderBy === "LastEventTime";
  if (byTime && input.logStreamNamePrefix !== undefined) throw errors.OrderByLastEventTimeWithPrefix();
  const { scope, group } = resolveGroup(ctx, input);
  let cursor: StreamCursor | undefined;
  if (input.nextToken !== undefined) {
    cursor = decodeToken(input.nextToken, isCursor);
    if (cursor === undefined) throw errors.InvalidNextToken();
  }
  const prefix = input.logStreamNamePrefix;
  const sign = input.descending ? -1 : 1;
  // Streams without events sort as if their last event were at time 0, as on AWS.
  const key = (s: LogStream): number => s.lastEventTs ?? 0;
  const order = (a: { name: string; last?: number }, b: { name: string; last?: number }): number =>
    sign * (byTime ? (a.last ?? 0) - (b.last ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sorted = ctx.store
    .listStreams(scope, group.name)
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort((a, b) => order({ name: a.name, last: key(a) }, { name: b.name, last: key(b) }));
  const from = cursor;
  const rest = from === undefined ? sorted : sorted.filter((s) => order({ name: s.name, last: key(s) }, from) > 0);
  const limit = input.limit ?? DEFAULT_LIMIT;
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.name,
      creationTime: s.createdAt,
      ...(s.firstEventTs !== undefined ? { firstEventTimestamp: s.firstEventTs } : {}),
      ...(s.lastEventTs !== undefined ? { lastEventTimestamp: s.lastEventTs } : {}),
      ...(s.lastIngestion !== undefined ? { lastIngestionTime: s.lastIngestion } : {}),
      uploadSequenceToken: sequenceToken(s.uploadSequence + 1),
      arn: streamArn(scope, group.name, s.name),
      // AWS stopped reporting per-stream storedBytes in 2019; it is always 0.
      storedBytes: 0,
    })),
    ...(rest.length > limit && last !== undefined ? { nextToken: encodeToken({ name: last.name, last: key(last) }) } : {}),
  };
}
