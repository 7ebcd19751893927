/**
 * dynamodb: the DynamoDB data plane against dynalite 4 (in-memory LevelDB) and the bare
 * node:http ceiling.
 *  (a) PutItem, GetItem and Query (10 items) of 1 KB items: 32 connections of fixed JSON 1.0
 *      requests (autocannon), runs interleaved; the ceiling answers with a body of the size of
 *      Nimbus's answer to the same operation.
 *  (b) Query of 100 items from one partition while the table holds 10,000 and then 100,000
 *      items (loaded with BatchWriteItem): latency of one connection, to show that a Query
 *      reads its partition, not the table.
 */
import type { Agent } from "node:http";
import type { Benchmark, BenchContext } from "./lib/benchmark.js";
import { jsonRequest } from "./lib/aws-request.js";
import { startCeiling } from "./lib/ceiling.js";
import { forEachLimited, jsonCall, keepAliveAgent } from "./lib/http-client.js";
import { checkRequest, compareLoad, pairedRatio, type HttpRequestSpec } from "./lib/load.js";
import { startNimbusProcess } from "./lib/nimbus.js";
import { ensurePeer } from "./lib/peers.js";
import { startProcess, type RunningProcess } from "./lib/process.js";
import { Report } from "./lib/report.js";

const TABLE = "bench";
const BIG_TABLE = "bench-big";
/** Items per partition in the big table; a Query reads one partition. */
const PARTITION_ITEMS = 100;
const QUERY_ITEMS = 10;
const BATCH = 25;

const ddb = (op: string, body: unknown, expect?: HttpRequestSpec["expect"]): HttpRequestSpec =>
  jsonRequest("dynamodb", `DynamoDB_20120810.${op}`, body, expect !== undefined ? { expect } : {});

/** An item of about `bytes` bytes (DynamoDB counts attribute names plus values). */
function item(pk: string, sk: string, bytes: number): Record<string, { S: string } | { N: string }> {
  const fixed = "pk".length + pk.length + "sk".length + sk.length + "n".length + 4 + "payload".length;
  return { pk: { S: pk }, sk: { S: sk }, n: { N: "1234" }, payload: { S: "x".repeat(Math.max(1, bytes - fixed)) } };
}

const tableDefinition = (name: string): unknown => ({
  TableName: name,
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "S" },
  ],
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" },
  ],
  // Provisioned, not on-demand: dynalite predates PAY_PER_REQUEST in parts of its validation.
  ProvisionedThroughput: { ReadCapacityUnits: 1000, WriteCapacityUnits: 1000 },
});

async function createTable(url: string, agent: Agent, label: string, name: string): Promise<void> {
  await jsonCall(url, ddb("CreateTable", tableDefinition(name)), agent, label);
  // Both are created ACTIVE at once (dynalite with --createTableMs 0); wait anyway, briefly.
  for (let i = 0; i < 100; i++) {
    const d = (await jsonCall(url, ddb("DescribeTable", { TableName: name }), agent, label)) as { Table?: { TableStatus?: string } };
    if (d.Table?.TableStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`bench: ${label}: table ${name} never became ACTIVE`);
}

/** Writes partitions [from, to) of PARTITION_ITEMS items each; returns the elapsed ms. */
async function loadPartitions(url: string, agent: Agent, label: string, from: number, to: number, bytes: number): Promise<number> {
  const started = performance.now();
  const batchesPerPartition = Math.ceil(PARTITION_ITEMS / BATCH);
  await forEachLimited((to - from) * batchesPerPartition, 8, async (i) => {
    const p = from + Math.floor(i / batchesPerPartition);
    const first = (i % batchesPerPartition) * BATCH;
    let requests: unknown[] = [];
    for (let k = first; k < Math.min(first + BATCH, PARTITION_ITEMS); k++) {
      requests.push({ PutRequest: { Item: item(`p${p}`, `s${String(k).padStart(5, "0")}`, bytes) } });
    }
    while (requests.length > 0) {
      const r = (await jsonCall(url, ddb("BatchWriteItem", { RequestItems: { [BIG_TABLE]: requests } }), agent, label)) as {
        UnprocessedItems?: Record<string, unknown[]>;
      };
      requests = r.UnprocessedItems?.[BIG_TABLE] ?? [];
    }
  });
  return performance.now() - started;
}

interface Server {
  readonly label: string;
  readonly proc: RunningProcess;
}

export const benchmark: Benchmark = {
  name: "dynamodb",
  description: "DynamoDB PutItem/GetItem/Query vs dynalite and the ceiling; Query latency at 10k and 100k items",
  async run(ctx: BenchContext) {
    const report = new Report("dynamodb: PutItem, GetItem, Query (1 KB items) vs dynalite 4 and the ceiling");
    const dynalite = await ensurePeer("dynalite", "4", ctx.log);
    const servers: Server[] = [
      {
        label: `dynalite ${dynalite.version}`,
        proc: await startProcess({
          name: "dynalite",
          args: (port) => [dynalite.bin(), "--port", String(port), "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
        }),
      },
      { label: "nimbus", proc: await startNimbusProcess() },
    ];
    const agent = keepAliveAgent(8);

    // (a) one table, one 1 KB item to overwrite and read, one partition of QUERY_ITEMS to query.
    for (const s of servers) {
      await createTable(s.proc.url, agent, s.label, TABLE);
      for (let k = 0; k < QUERY_ITEMS; k++) {
        await jsonCall(s.proc.url, ddb("PutItem", { TableName: TABLE, Item: item("q", `s${k}`, 1024) }), agent, s.label);
      }
    }
    const ops: ReadonlyArray<{ name: string; request: HttpRequestSpec }> = [
      { name: "PutItem", request: ddb("PutItem", { TableName: TABLE, Item: item("k", "s", 1024) }) },
      { name: "GetItem", request: ddb("GetItem", { TableName: TABLE, Key: { pk: { S: "k" }, sk: { S: "s" } } }, { status: 200, bodyIncludes: '"payload"' }) },
      {
        name: `Query (${QUERY_ITEMS} items)`,
        request: ddb("Query", {
          TableName: TABLE,
          KeyConditionExpression: "pk = :p",
          ExpressionAttributeValues: { ":p": { S: "q" } },
        }, { status: 200, bodyIncludes: `"Count":${QUERY_ITEMS}` }),
      },
    ];
    const sizes: string[] = [];
    for (const op of ops) {
      // The ceiling moves as many bytes as Nimbus's answer (PutItem and GetItem run after PutItem put the item).
      const answer = await checkRequest("nimbus", servers[1]?.proc.url ?? "", op.request);
      sizes.push(`${op.name} ${answer.body.length} B`);
      const ceiling = await startCeiling(answer.body.length);
      const [c, d, n] = await compareLoad(
        [
          { label: `ceiling (${op.name} size)`, url: ceiling.url, request: { ...op.request, expect: { status: 200 } } },
          { label: `${servers[0]?.label ?? ""} ${op.name}`, url: servers[0]?.proc.url ?? "", request: op.request },
          { label: `nimbus ${op.name}`, url: servers[1]?.proc.url ?? "", request: op.request },
        ],
        ctx,
        ctx.log,
      );
      await ceiling.stop();
      report.load(c, { baseline: c }).load(d, { baseline: c }).load(n, { baseline: c });
      report.value(`  nimbus / dynalite ${op.name}`, pairedRatio(n, d), "x", { digits: 2 });
    }

    // (b) Query latency as the table grows; small items so 100,000 load in seconds.
    const query = ddb("Query", {
      TableName: BIG_TABLE,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: "p0" } },
    }, { status: 200, bodyIncludes: `"Count":${PARTITION_ITEMS}` });
    const bigItemBytes = 200;
    for (const s of servers) await createTable(s.proc.url, agent, s.label, BIG_TABLE);
    let loaded = 0;
    for (const total of [10_000, 100_000]) {
      const from = loaded / PARTITION_ITEMS;
      const to = total / PARTITION_ITEMS;
      for (const s of servers) {
        const ms = await loadPartitions(s.proc.url, agent, s.label, from, to, bigItemBytes);
        ctx.log(`${s.label}: loaded ${total - loaded} items with BatchWriteItem in ${ms.toFixed(0)} ms`);
        report.value(`${s.label} BatchWriteItem load to ${total}`, ((total - loaded) / ms) * 1000, "items/s", { note: `${bigItemBytes}-byte items, 25 per batch, 8 in flight` });
      }
      loaded = total;
      const [d, n] = await compareLoad(
        [
          { label: `${servers[0]?.label ?? ""} Query 100 of ${total}`, url: servers[0]?.proc.url ?? "", request: query },
          { label: `nimbus Query 100 of ${total}`, url: servers[1]?.proc.url ?? "", request: query },
        ],
        { ...ctx, connections: 1, durationSec: Math.min(ctx.durationSec, 3) },
        ctx.log,
      );
      report.load(d, { baseline: d }).load(n, { baseline: d, note: `1 connection; ratio to dynalite; ${(n.runs.length > 0 ? n.p50Ms : 0).toFixed(2)} ms p50` });
    }
    agent.destroy();
    await Promise.all(servers.map((s) => s.proc.stop()));
    report.note(`answer sizes: ${sizes.join(", ")}; 1 KB items; Query of ${QUERY_ITEMS} items returns ~${QUERY_ITEMS} KB`);
    report.note(
      `${ctx.connections} connections for PutItem/GetItem/Query, ${ctx.durationSec} s per run after ${ctx.warmupSec} s warm-up, medians of ${ctx.runs} interleaved runs; ` +
        `ratio = median of per-run ratios to the first row of its group (the ceiling, or dynalite for the 10k/100k Query rows)`,
    );
    return report;
  },
};

