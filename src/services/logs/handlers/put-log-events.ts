import type { PutLogEventsInput, PutLogEventsOutput } from "../../../generated/logs.js";
import { sequenceToken } from "../domain/tokens.js";
import { errors } from "../errors.js";
import { publishMetrics } from "./metric-filters.js";
import { requireGroup, requireStream, type LogsContext } from "../resolve.js";
import { check, constraints, count, length } from "../validation.js";

// PutLogEvents batch rules (CloudWatch Logs API reference): at most 10,000 events and
// 1,048,576 bytes, counted as each message's UTF-8 size plus 26 bytes; one event at most
// 256 KiB with the same overhead. Events more than 2 hours ahead, more than 14 days old, or
// older than the group's retention are rejected one by one while the rest are stored.
// Sequence tokens are accepted and ignored, and events need not be in chronological order.
export const MAX_EVENTS = 10_000;
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_EVENT_BYTES = 262_144;
export const EVENT_OVERHEAD = 26;
const TOO_NEW_MS = 2 * 3_600_000;
const TOO_OLD_MS = 14 * 86_400_000;
const DAY_MS = 86_400_000;

export function putLogEvents(input: PutLogEventsInput, ctx: LogsContext): PutLogEventsOutput {
  check(
    ...constraints.logGroupName(input.logGroupName),
    ...constraints.logStreamName(input.logStreamName),
    count("logEvents", input.logEvents, 1, MAX_EVENTS),
    ...input.logEvents.map((e, i) => length(`logEvents.${i + 1}.member.message`, e.message, 1, Number.MAX_SAFE_INTEGER)),
  );
  let batchBytes = 0;
  for (const e of input.logEvents) {
    const size = Buffer.byteLength(e.message, "utf8") + EVENT_OVERHEAD;
    if (size > MAX_EVENT_BYTES) throw errors.EventTooLarge({ size, limit: MAX_EVENT_BYTES });
    batchBytes += size;
  }
  if (batchBytes > MAX_BATCH_BYTES) throw errors.UploadTooLarge({ size: batchBytes, limit: MAX_BATCH_BYTES });

  const group = requireGroup(ctx, input.logGroupName);
  requireStream(ctx, ctx, input.logGroupName, input.logStreamName);

  const now = ctx.clock.now();
  const expiredBefore = group.retentionDays !== undefined ? now - group.retentionDays * DAY_MS : undefined;
  let tooNewStart: number | undefined;
  let tooOldEnd: number | undefined;
  let expiredEnd: number | undefined;
  const accepted: Array<{ timestamp: number; message: string }> = [];
  input.logEvents.forEach((e, i) => {
    const ts = Number(e.timestamp);
    if (ts > now + TOO_NEW_MS) {
      tooNewStart ??= i;
    } else if (ts < now - TOO_OLD_MS) {
      tooOldEnd = i;
    } else if (expiredBefore !== undefined && ts < expiredBefore) {
      expiredEnd = i;
    } else {
      accepted.push({ timestamp: ts, message: e.message });
    }
  });
  const upload = ctx.store.appendEvents(ctx, input.logGroupName, input.logStreamName, accepted, now);
  ctx.store.liveTail.publish(ctx, input.logGroupName, input.logStreamName, accepted, now);
  if (group.metricFilterCount > 0) publishMetrics(ctx, input.logGroupName, accepted);
  const rejected = {
    ...{}, ...(tooNewStart !== undefined ? { tooNewLogEventStartIndex: tooNewStart } : {}),
    ...(tooOldEnd !== undefined ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
    ...(expiredEnd !== undefined ? { expiredLogEventEndIndex: expiredEnd } : {}),
  };
  return {
    nextSequenceToken: sequenceToken(upload + 1),
    ...(Object.keys(rejected).length ? { rejectedLogEventsInfo: rejected } : {}),
  };
}
