import { defineService, type HandlerContext, type ServiceEnvironment } from "../../core/service.js";
import type { DynamodbstreamsOperations } from "../../generated/dynamodbstreams.js";
import { describeStream, getRecords, getShardIterator, listStreams } from "./handlers.js";
import { StreamsStore, type ReceivedRecord } from "./store.js";

export type StreamsContext = HandlerContext<StreamsStore>;

/** Stream records are kept 24 hours. */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

/** How long this store waits, after it could not keep what DynamoDB sent (its database full), before it asks again. */
export const RESYNC_DELAY_MS = 5_000;

function start(env: ServiceEnvironment, store: StreamsStore): () => void {
  // Records (or a stream's change) this store could not keep are still in DynamoDB's own store,
  // for 24 hours: it asks for them again, as at start, until they are kept. Records arriving
  // meanwhile are left to that sync: kept after a gap, they would raise holdings() past it, and
  // no sync would send what the gap lacks. A sync's own page may fail after records that arrived
  // live during the sync were kept: by stream, the first record not kept (`gaps`) is where the
  // next sync starts, until a sync has been kept whole.
  let lagging = false;
  let cancelResync = (): void => undefined;
  const gaps = new Map<string, number>();
  const sync = (): void => {
    const holds = store.holdings();
    const asked = new Map(gaps);
    // Sequence numbers travel as fixed-width decimal text; the sync reads them as numbers.
    for (const [arn, first] of asked) {
      const held = holds[arn];
      if (held === undefined || Number(held) >= first) holds[arn] = String(first - 1);
    }
    env.events.publish("dynamodb:StreamSyncRequested", { holds }, { account: "", region: "" });
    store.ready = env.events.idle().then(() => {
      if (lagging) return;
      for (const [arn, first] of asked) if (gaps.get(arn) === first) gaps.delete(arn);
    });
  };
  const missed = (streamArn: string, seq: string): void => {
    const n = Number(seq);
    if (n < (gaps.get(streamArn) ?? Number.POSITIVE_INFINITY)) gaps.set(streamArn, n);
  };
  const fallBehind = (error: unknown, records: readonly ReceivedRecord[] = []): void => {
    for (const r of records) missed(r.streamArn, r.seq);
    if (lagging) return;
    lagging = true;
    env.logger.error({
      msg: "DynamoDB Streams could not store what DynamoDB sent (is the data dir's disk full or read-only?); it asks again every few seconds, and GetRecords serves those records once it can",
      error: String(error),
    });
    cancelResync = env.scheduler.after(
      RESYNC_DELAY_MS,
      () => {
        lagging = false;
        sync();
      },
      "dynamodbstreams:resync",
    );
  };
  const keep = (write: () => void, records?: readonly ReceivedRecord[]): void => {
    try {
      write();
    } catch (error) {
      fallBehind(error, records);
    }
  };
  const offChanged = env.events.subscribe("dynamodb:StreamChanged", (event) => {
    const d = event.detail;
    const expiresAt = d.at + RETENTION_MS;
    keep(() => {
      store.upsertStream(event.scope, {
        streamArn: d.streamArn,
        tableName: d.tableName,
        label: d.streamLabel,
        viewType: d.viewType,
        keySchema: d.keySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })),
        enabled: d.enabled,
        createdAt: d.at,
        // "If you have DynamoDB Streams enabled on the table, then the corresponding stream on that
        // table goes into the DISABLED state, and the stream is automatically deleted after 24 hours."
        ...(d.tableDeleted === true ? { expiresAt } : {}),
        ...(d.until !== undefined ? { settlesAt: d.until } : {}),
      });
      // The table's earlier streams, disabled before it went, go with it: no other event names them,
      // and each stayed listed and readable for ever, two a cycle for a test that switches the stream off and on.
      if (d.tableDeleted === true) store.expireTableStreams(event.scope, d.tableName, expiresAt);
    });
  });
  // The records of one delivery (a write's, or a page of a sync) are stored together once its
  // listeners have all been called: in a microtask, before any request can read them. Each
  // listener answers with the batch's promise, so that idle() waits; a batch that cannot be kept
  // leaves the store lagging (above).
  let batch: { readonly records: ReceivedRecord[]; readonly stored: Promise<void> } | undefined;
  const offRecord = env.events.subscribe("dynamodb:StreamRecord", (event) => {
    if (lagging) {
      missed(event.detail.streamArn, event.detail.sequenceNumber);
      return undefined;
    }
    if (batch === undefined) {
      const records: ReceivedRecord[] = [];
      const stored = Promise.resolve().then(() => {
        batch = undefined;
        keep(() => store.addRecords(records, env.clock.now()), records);
      });
      batch = { records, stored };
    }
    batch.records.push({ scope: event.scope, streamArn: event.detail.streamArn, seq: event.detail.sequenceNumber, record: JSON.stringify(event.detail.record) });
    return batch.stored;
  });
  const trim = (): void => {
    store.trim(env.clock.now() - RETENTION_MS);
    store.dropExpired(env.clock.now());
  };
  // Records that passed their 24 hours while Nimbus was down go before the first request: with
  // only the hourly trim, a Nimbus restarted more often than that served them for ever.
  trim();
  // DynamoDB may have written stream records before this service was loaded: ask for those this
  // store lacks. The first requests wait until that sync (and what it publishes) has been delivered.
  sync();
  const cancelTrim = env.scheduler.every(60 * 60 * 1000, trim, "dynamodbstreams:trim");
  return () => {
    offChanged();
    offRecord();
    cancelTrim();
    cancelResync();
  };
}

export default defineService<DynamodbstreamsOperations, StreamsStore>({
  createStore: (env) => new StreamsStore(env.state),
  start,
  handlers: {
    ListStreams: listStreams,
    DescribeStream: describeStream,
    GetShardIterator: getShardIterator,
    GetRecords: getRecords,
  },
});
