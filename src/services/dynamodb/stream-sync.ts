/**
 * Re-publishes DynamoDB's streams and their retained records on request. Services load on
 * first use, so a stream consumer may start after DynamoDB has already written records;
 * consumers ask for a sync when they start and treat what they receive idempotently.
 */
import type { ServiceEnvironment } from "../../core/service.js";
import { streamChanged, streamRecordEvent } from "./items.js";
import type { DynamoStore } from "./store.js";

export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

export function publishStreams(env: Pick<ServiceEnvironment, "events" | "clock">, store: DynamoStore): void {
  for (const { scope, meta } of store.allTables()) {
    // A switch still in progress (the table CREATING, or UPDATING for the stream) is sent as such.
    const t = meta.transition;
    const until = t !== undefined && (t.status === "CREATING" || (t.status === "UPDATING" && t.cause?.kind === "stream")) ? t.until : undefined;
    const changed = streamChanged(meta, meta.stream?.enabled === true, meta.createdAt, until !== undefined ? { until } : {});
    if (changed) env.events.publish("dynamodb:StreamChanged", changed, scope);
  }
  store.trimStreamRecords(env.clock.now() - STREAM_RETENTION_MS);
  for (const r of store.streamRecords()) {
    env.events.publish("dynamodb:StreamRecord", streamRecordEvent(r.table, r.streamArn, r.seq, JSON.parse(r.record)), { account: r.account, region: r.region });
  }
}
