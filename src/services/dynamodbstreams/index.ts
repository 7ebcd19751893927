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
  // no sync would send what the gap lacks.
  let lagging = false;
  let cancelResync = (): void => undefined;
  const sync = (): void => {
    env.events.publish("dynamodb:StreamSyncRequested", { holds: store.holdings() }, { account: "", region: "" });
    store.ready = env.events.idle();
  };
  const fallBehind = (error: unknown): void => {
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
  const keep = (write: () => void): void => {
    try {
      write();
    } catch (error) {
      fallBehind(error);
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
    if (lagging) return undefined;
    if (batch === undefined) {
      const records: ReceivedRecord[] = [];
      const stored = Promise.resolve().then(() => {
        batch = undefined;
        keep(() => store.addRecords(records, env.clock.now()));
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
