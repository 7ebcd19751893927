/**
 * Re-publishes DynamoDB's streams and their retained records on request. Services load on
 * first use, so a stream consumer may start after DynamoDB has already written records;
 * consumers ask for a sync when they start, say what they already hold, and treat what they
 * receive idempotently.
 */
import type { ServiceEnvironment } from "../../core/service.js";
import { streamChanged, streamRecordEvent, type StreamSyncRequest } from "./items.js";
import type { DynamoStore } from "./store.js";
import type { TableMeta } from "./table.js";

export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Records published per turn of the event loop. Each page is delivered before the next is read,
 * so a sync holds one page in memory, not a day of a busy stream: the whole retained set at
 * once (200,000 records of a load test) took 900 MB and 15 s before the first Streams request
 * was answered, and 2.8 million ran the server out of memory on every start.
 */
const SYNC_PAGE = 500;

export async function publishStreams(env: Pick<ServiceEnvironment, "events" | "clock">, store: DynamoStore, request: StreamSyncRequest = {}): Promise<void> {
  for (const { scope, meta } of store.allTables()) {
    // A switch still in progress (the table CREATING, or UPDATING for the stream) is sent as such.
    const t = meta.transition;
    const until = t !== undefined && (t.status === "CREATING" || (t.status === "UPDATING" && t.cause?.kind === "stream")) ? t.until : undefined;
    const changed = streamChanged(meta, meta.stream?.enabled === true, streamRequestedAt(meta), until !== undefined ? { until } : {});
    if (changed) env.events.publish("dynamodb:StreamChanged", changed, scope);
  }
  store.trimStreamRecords(env.clock.now() - STREAM_RETENTION_MS);
  for (const stream of store.streamPositions()) {
    const scope = { account: stream.account, region: stream.region };
    // Sequence numbers travel as fixed-width decimal text (streamRecordEvent).
    let after = Number(request.holds?.[stream.streamArn] ?? "0");
    while (after < stream.lastSeq) {
      const page = store.streamRecordsAfter(scope, stream.streamArn, after, SYNC_PAGE);
      if (page.length === 0) break;
      const uow = env.events.unitOfWork();
      for (const r of page) uow.emit("dynamodb:StreamRecord", streamRecordEvent(r.table, stream.streamArn, r.seq, JSON.parse(r.record)), scope);
      uow.commit();
      after = page[page.length - 1]?.seq ?? stream.lastSeq;
      // The page's delivery is scheduled on the next turn; this one waits behind it.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * When the table's stream was asked for (its CreationRequestDateTime, and its shard's id): the
 * time its label was made from (streamLabel). An UpdateTable may enable it long after the table
 * was created, and a consumer that starts later learns of it only from this sync.
 */
function streamRequestedAt(meta: TableMeta): number {
  const label = meta.stream?.label;
  const at = label === undefined ? Number.NaN : Date.parse(`${label}Z`);
  return Number.isNaN(at) ? meta.createdAt : at;
}
