import type { GetLogEventsInput, GetLogEventsOutput } from "../../../generated/logs.js";
import { eventToken, parseEventToken } from "../domain/tokens.js";
import { errors } from "../errors.js";
import { requireStream, resolveGroup, type LogsContext } from "../resolve.js";
import type { Position, StoredEvent } from "../store.js";
import { check, constraints } from "../validation.js";
import { EVENT_OVERHEAD } from "./put-log-events.js";

// As many events as fit in 1 MB, at most 10,000 (the default limit).
const MAX_EVENTS = 10_000;
const MAX_RESPONSE_BYTES = 1_048_576;
const ORIGIN: Position = { ts: 0, id: 0 };

/**
 * Without a token, startFromHead picks the oldest events, otherwise the newest. A forward
 * token (`f/…`) continues after the last event returned, a backward token (`b/…`) before the
 * first; at either end of the stream the token passed in comes back unchanged, which is how
 * clients (the CLI's paginator, tailers) know they have caught up.
 */
export function getLogEvents(input: GetLogEventsInput, ctx: LogsContext): GetLogEventsOutput {
  check(...constraints.logStreamName(input.logStreamName), constraints.limit(input.limit, MAX_EVENTS));
  const { scope, group } = resolveGroup(ctx, input);
  requireStream(ctx, scope, group.name, input.logStreamName);
  let token: ReturnType<typeof parseEventToken>;
  if (input.nextToken !== undefined) {
    token = parseEventToken(input.nextToken);
    if (token === undefined) throw errors.InvalidNextToken();
  }
  const forward = token ? token.direction === "f" : input.startFromHead === true;
  const limit = input.limit ?? MAX_EVENTS;
  const picked: StoredEvent[] = [];
  let bytes = 0;
  const rows = ctx.store.events(scope, {
    groupName: group.name,
    streams: [input.logStreamName],
    ...(input.startTime !== undefined ? { startTime: Number(input.startTime) } : {}),
    ...(input.endTime !== undefined ? { endTime: Number(input.endTime) } : {}),
    ...(token?.direction === "f" ? { after: token.pos } : {}),
    ...(token?.direction === "b" ? { before: token.pos } : {}),
    descending: !forward,
  });
  for (const e of rows) {
    bytes += Buffer.byteLength(e.message, "utf8") + EVENT_OVERHEAD;
    if (picked.length >= limit || (picked.length > 0 && bytes > MAX_RESPONSE_BYTES)) break;
    picked.push(e);
  }
  if (!forward) picked.reverse();
  const first = picked[0];
  const last = picked[picked.length - 1];
  const here = token?.pos ?? ORIGIN;
  return {
    events: picked.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: eventToken("f", last ? { ts: last.timestamp, id: last.id } : here),
    nextBackwardToken: eventToken("b", first ? { ts: first.timestamp, id: first.id } : here),
  };
}
