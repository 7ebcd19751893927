import type { FilterLogEventsInput, FilterLogEventsOutput } from "../../../generated/logs.js";
import { FilterPatternError, parseFilterPattern, type FilterPattern } from "../domain/filter-pattern.js";
import { decodeToken, encodeToken, eventId } from "../domain/tokens.js";
import { errors } from "../errors.js";
import { resolveGroup, type LogsContext } from "../resolve.js";
import type { Position, StoredEvent } from "../store.js";
import { check, constraints, count } from "../validation.js";
import { EVENT_OVERHEAD } from "./put-log-events.js";

const MAX_EVENTS = 10_000;
const MAX_RESPONSE_BYTES = 1_048_576;
// Like AWS, a call that searched a lot without filling its page returns what it has and a
// nextToken to carry on from, instead of scanning the whole group in one request.
const MAX_SCANNED = 100_000;

function isPosition(v: unknown): v is Position {
  return typeof v === "object" && v !== null && typeof (v as Position).ts === "number" && typeof (v as Position).id === "number";
}

export function compilePattern(pattern: string | undefined): FilterPattern {
  try {
    return parseFilterPattern(pattern ?? "");
  } catch (err) {
    if (err instanceof FilterPatternError) throw errors.InvalidFilterPattern();
    throw err;
  }
}

/** Events of a log group in timestamp order across its streams (always interleaved now). */
export function filterLogEvents(input: FilterLogEventsInput, ctx: LogsContext): FilterLogEventsOutput {
  check(
    count("logStreamNames", input.logStreamNames, 1, 100),
    ...constraints.logStreamName(input.logStreamNamePrefix, "logStreamNamePrefix"),
    constraints.filterPattern(input.filterPattern),
    constraints.limit(input.limit, MAX_EVENTS),
  );
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) throw errors.StreamNamesAndPrefix();
  const { scope, group } = resolveGroup(ctx, input);
  const pattern = compilePattern(input.filterPattern);
  let after: Position | undefined;
  if (input.nextToken !== undefined) {
    after = decodeToken(input.nextToken, isPosition);
    if (after === undefined) throw errors.InvalidNextToken();
  }
  const prefix = input.logStreamNamePrefix;
  const searched = ctx.store
    .listStreams(scope, group.name)
    .map((s) => s.name)
    .filter((n) => (input.logStreamNames === undefined || input.logStreamNames.includes(n)) && (prefix === undefined || n.startsWith(prefix)));
  const limit = input.limit ?? MAX_EVENTS;
  const matched: StoredEvent[] = [];
  let bytes = 0;
  let scanned = 0;
  let resumeAt: Position | undefined;
  let lastScanned: StoredEvent | undefined;
  const rows = ctx.store.events(scope, {
    groupName: group.name,
    ...(input.logStreamNames !== undefined ? { streams: input.logStreamNames } : {}),
    ...(prefix !== undefined ? { streamPrefix: prefix } : {}),
    ...(input.startTime !== undefined ? { startTime: Number(input.startTime) } : {}),
    // FilterLogEvents' endTime is inclusive ("events with a timestamp later than this time are not returned").
    ...(input.endTime !== undefined ? { endTime: Number(input.endTime) + 1 } : {}),
    ...(after !== undefined ? { after } : {}),
  });
  for (const e of rows) {
    // One more row exists beyond a full page: the page ends at the last event scanned.
    if (matched.length >= limit || scanned >= MAX_SCANNED) {
      resumeAt = lastScanned ? { ts: lastScanned.timestamp, id: lastScanned.id } : undefined;
      break;
    }
    if (pattern.matches(e.message)) {
      const size = Buffer.byteLength(e.message, "utf8") + EVENT_OVERHEAD;
      if (matched.length > 0 && bytes + size > MAX_RESPONSE_BYTES) {
        resumeAt = lastScanned ? { ts: lastScanned.timestamp, id: lastScanned.id } : undefined;
        break;
      }
      bytes += size;
      matched.push(e);
    }
    scanned++;
    lastScanned = e;
  }
  return {
    events: matched.map((e) => ({
      logStreamName: e.streamName,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: eventId(e.id),
    })),
    searchedLogStreams: searched.map((logStreamName) => ({ logStreamName, searchedCompletely: resumeAt === undefined })),
    ...(resumeAt !== undefined ? { nextToken: encodeToken(resumeAt) } : {}),
  };
}
