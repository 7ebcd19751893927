/**
 * DynamoDB under kill -9 (crash-restart.test.ts): TransactWriteItems that each put a marker
 * item and add 1 to three of eight counters, and PutItems, on a table whose stream keeps
 * NEW_AND_OLD_IMAGES.
 *
 * After a restart: every acknowledged transaction is there whole (its marker, and each counter
 * equals the number of markers that name it), none is there in part; acknowledged items are
 * there. The stream has exactly one record per change the table shows, in one strictly
 * increasing sequence across every restart (the records read before a crash unchanged), and a
 * write after the restart is numbered after all of them.
 */
import assert from "node:assert/strict";
import {
  CreateTableCommand,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { streamsCall, type Clients, type Random, type Round } from "./crash-harness.js";

const COUNTERS = Array.from({ length: 8 }, (_, i) => `counter#${i}`);
const PER_TRANSACTION = 3;

interface Transaction {
  readonly id: string;
  readonly counters: readonly string[];
}

interface PlainItem {
  readonly id: string;
  readonly v: number;
}

interface StreamRecord {
  readonly eventID: string;
  readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
  readonly dynamodb: {
    readonly Keys: { pk: { S: string } };
    readonly NewImage?: Record<string, { S?: string; N?: string; SS?: string[] }>;
    readonly OldImage?: Record<string, { S?: string; N?: string; SS?: string[] }>;
    readonly SequenceNumber: string;
  };
}

export class DynamoDbScenario {
  readonly table: string;
  private streamArn = "";
  private readonly committed = new Map<string, Transaction>();
  private readonly inFlight = new Map<string, Transaction>();
  private readonly items = new Map<string, PlainItem>();
  private readonly itemsInFlight = new Map<string, PlainItem>();
  private readonly probes: string[] = [];
  /** Every stream record read so far, in order: a restart must leave them as they were. */
  private seen: StreamRecord[] = [];
  readonly stats = { transactionsInFlight: 0 };

  constructor(private readonly seed: number, suffix: string) {
    this.table = `crash-counters-${suffix}`;
  }

  async setup({ ddb }: Clients): Promise<void> {
    const created = await ddb.send(
      new CreateTableCommand({
        TableName: this.table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    this.streamArn = created.TableDescription?.LatestStreamArn ?? "";
    assert.ok(this.streamArn);
    for (const pk of COUNTERS) await ddb.send(new PutItemCommand({ TableName: this.table, Item: { pk: { S: pk }, n: { N: "0" } } }));
  }

  workers(round: Round): Array<() => Promise<void>> {
    return [0, 1].map((w) => () => this.transactions(round, round.random(this.seed, `ddb-tx-${w}`), `${round.number}-${w}`)).concat(() => this.puts(round, round.random(this.seed, "ddb-put")));
  }

  private async transactions(round: Round, random: Random, prefix: string): Promise<void> {
    for (let n = 0; !round.killed; n++) {
      const counters = random.sample(COUNTERS, PER_TRANSACTION).sort();
      const tx: Transaction = { id: `${prefix}-${n}`, counters };
      const sent = await round.attempt(() =>
        round.clients.ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: this.table, Item: { pk: { S: `tx#${tx.id}` }, counters: { SS: [...counters] } }, ConditionExpression: "attribute_not_exists(pk)" } },
              ...counters.map((pk) => ({
                Update: { TableName: this.table, Key: { pk: { S: pk } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } },
              })),
            ],
          }),
        ),
      );
      if (!sent.acked) {
        this.inFlight.set(tx.id, tx);
        this.stats.transactionsInFlight++;
        return;
      }
      this.committed.set(tx.id, tx);
    }
  }

  private async puts(round: Round, random: Random): Promise<void> {
    for (let n = 0; !round.killed; n++) {
      const item: PlainItem = { id: `${round.number}-${n}`, v: random.int(0, 1_000_000) };
      const sent = await round.attempt(() => round.clients.ddb.send(new PutItemCommand({ TableName: this.table, Item: { pk: { S: `item#${item.id}` }, v: { N: String(item.v) } } })));
      if (!sent.acked) {
        this.itemsInFlight.set(item.id, item);
        return;
      }
      this.items.set(item.id, item);
    }
  }

  async verify({ ddb, url }: Clients, round: number): Promise<void> {
    const table = await this.scan(ddb);
    const context = (what: string) => `${this.table}: ${what}`;

    for (const [pk, item] of table) {
      const [kind, id = ""] = pk.split("#", 2);
      if (kind === "tx") {
        const tx = this.committed.get(id) ?? this.inFlight.get(id);
        assert.ok(tx, context(`marker ${pk} of a transaction never sent`));
        assert.deepEqual([...(item.counters?.SS ?? [])].sort(), tx.counters, context(`marker ${pk} as written`));
        this.committed.set(id, tx);
      } else if (kind === "item") {
        const sent = this.items.get(id) ?? this.itemsInFlight.get(id);
        assert.ok(sent, context(`item ${pk} never sent`));
        assert.equal(item.v?.N, String(sent.v), context(`item ${pk} as written`));
        this.items.set(id, sent);
      } else if (kind === "probe") {
        assert.ok(this.probes.includes(id), context(`probe ${pk}`));
      } else assert.ok(kind === "counter", context(`unknown item ${pk}`));
    }
    const markers = [...table.keys()].filter((pk) => pk.startsWith("tx#")).map((pk) => pk.slice(3));
    const missing = [...this.committed.keys()].filter((id) => !markers.includes(id));
    assert.deepEqual(missing, [], context("acknowledged transactions are there"));
    const lostItems = [...this.items.keys()].filter((id) => !table.has(`item#${id}`));
    assert.deepEqual(lostItems, [], context("acknowledged items are there"));
    this.inFlight.clear();
    this.itemsInFlight.clear();

    // Each counter counts the transactions whose marker is there: every transaction whole or not at all.
    const expected = new Map(COUNTERS.map((pk) => [pk, 0]));
    for (const tx of this.committed.values()) for (const pk of tx.counters) expected.set(pk, (expected.get(pk) ?? 0) + 1);
    const counted = new Map(COUNTERS.map((pk) => [pk, Number(table.get(pk)?.n?.N)]));
    assert.deepEqual(counted, expected, context("counters agree with the transactions' markers"));
    const sum = [...counted.values()].reduce((a, b) => a + b, 0);
    assert.equal(sum % PER_TRANSACTION, 0);

    await this.verifyStream(url, counted);

    // A write after the restart is numbered after everything before it.
    const probe = `${round}`;
    this.probes.push(probe);
    const last = this.seen[this.seen.length - 1]?.dynamodb.SequenceNumber;
    assert.ok(last);
    await ddb.send(new PutItemCommand({ TableName: this.table, Item: { pk: { S: `probe#${probe}` } } }));
    const after = await this.records(url, { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: last });
    assert.deepEqual(after.map((r) => [r.eventName, r.dynamodb.Keys.pk.S]), [["INSERT", `probe#${probe}`]], context("the write after the restart is the stream's newest record"));
    assert.ok(BigInt(after[0]?.dynamodb.SequenceNumber ?? "0") > BigInt(last), context("numbered after every record before the restart"));
    this.seen.push(...after);
  }

  private async scan(ddb: Clients["ddb"]): Promise<Map<string, Record<string, AttributeValue>>> {
    const table = new Map<string, Record<string, AttributeValue>>();
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(new ScanCommand({ TableName: this.table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
      for (const item of page.Items ?? []) table.set(item.pk?.S ?? "", item);
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return table;
  }

  private async records(url: string, from: Record<string, string>): Promise<StreamRecord[]> {
    const described = await streamsCall<{ StreamDescription: { Shards: { ShardId: string }[] } }>(url, "DescribeStream", { StreamArn: this.streamArn });
    const shardId = described.StreamDescription.Shards[0]?.ShardId;
    let iterator = (await streamsCall<{ ShardIterator: string }>(url, "GetShardIterator", { ...{}, StreamArn: this.streamArn, ShardId: shardId, ...from })).ShardIterator;
    const out: StreamRecord[] = [];
    for (;;) {
      const page = await streamsCall<{ Records: StreamRecord[]; NextShardIterator?: string }>(url, "GetRecords", { ShardIterator: iterator });
      out.push(...page.Records);
      if (page.Records.length === 0 || page.NextShardIterator === undefined) return out;
      iterator = page.NextShardIterator;
    }
  }

  /** The whole stream: one record per change the table shows, nothing else, in one growing sequence. */
  private async verifyStream(url: string, counted: ReadonlyMap<string, number>): Promise<void> {
    const records = await this.records(url, { ShardIteratorType: "TRIM_HORIZON" });
    const context = (what: string) => `${this.table}'s stream: ${what}`;
    for (let i = 1; i < records.length; i++) {
      const [a, b] = [records[i - 1]?.dynamodb.SequenceNumber ?? "", records[i]?.dynamodb.SequenceNumber ?? ""];
      assert.ok(BigInt(a) < BigInt(b), context(`sequence numbers grow: ${a} then ${b}`));
    }
    assert.deepEqual(
      records.slice(0, this.seen.length).map((r) => [r.dynamodb.SequenceNumber, r.eventID]),
      this.seen.map((r) => [r.dynamodb.SequenceNumber, r.eventID]),
      context("the records read before the crash are still there, unchanged"),
    );

    const byKey = new Map<string, StreamRecord[]>();
    for (const r of records) {
      const pk = r.dynamodb.Keys.pk.S;
      byKey.set(pk, [...(byKey.get(pk) ?? []), r]);
    }
    for (const [pk, n] of counted) {
      const history = (byKey.get(pk) ?? []).map((r) => [r.eventName, r.dynamodb.OldImage?.n?.N, r.dynamodb.NewImage?.n?.N]);
      const expected = [["INSERT", undefined, "0"], ...Array.from({ length: n }, (_, i) => ["MODIFY", String(i), String(i + 1)])];
      assert.deepEqual(history, expected, context(`${pk} has one record per increment, images in step`));
      byKey.delete(pk);
    }
    const once = (pk: string, image: (r: StreamRecord) => void): void => {
      const history = byKey.get(pk) ?? [];
      assert.deepEqual(history.map((r) => r.eventName), ["INSERT"], context(`${pk} has one INSERT`));
      if (history[0] !== undefined) image(history[0]);
      byKey.delete(pk);
    };
    for (const tx of this.committed.values()) once(`tx#${tx.id}`, (r) => assert.deepEqual([...(r.dynamodb.NewImage?.counters?.SS ?? [])].sort(), tx.counters));
    for (const item of this.items.values()) once(`item#${item.id}`, (r) => assert.equal(r.dynamodb.NewImage?.v?.N, String(item.v)));
    for (const probe of this.probes) once(`probe#${probe}`, () => undefined);
    assert.deepEqual([...byKey.keys()], [], context("no record of a change the table does not show"));
    this.seen = records;
  }
}
