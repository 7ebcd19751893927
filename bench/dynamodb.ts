/**
 * dynamodb: the DynamoDB data plane against dynalite 4 (in-memory LevelDB) and the bare
 * node:http ceiling.
 *  (a) PutItem, GetItem and Query (10 items) of 1 KB items: 32 connections of JSON 1.0
 *      requests (autocannon), runs interleaved; the ceiling answers with a body of the size of
 *      Nimbus's answer to the same operation. PutItem writes distinct keys in turn (50,000 of
 *      them, then round again), as an application's writes do; GetItem and Query repeat one
 *      request.
 *  (b) Query of 100 items from one partition while the table holds 10,000, 100,000 and, with
 *      --million, 1,000,000 items (loaded with BatchWriteItem of 25 through 32 concurrent
 *      keep-alive connections, load rate reported): latency of one connection, to show that a
 *      Query reads its partition, not the table.
 *  (c) TransactWriteItems of 25 `ADD n :one` updates, 32 concurrent writers drawing their 25
 *      keys from one pool of 100 (so transactions overlap all the time): transactions/s, the
 *      outcomes (successes, TransactionCanceledException and its reasons, other errors), and a
 *      check for lost updates: after each run the counters must have grown by exactly 25 x the
 *      successful transactions. dynalite 4 has no transactions (UnknownOperationException); it
 *      is probed, and reported as unsupported while it answers so.
 */
import { flagOption, type Benchmark, type BenchContext } from "./lib/benchmark.js";
import { jsonRequest } from "./lib/aws-request.js";
import { startCeiling } from "./lib/ceiling.js";
import { forDuration, forEachLimited, httpCall, jsonCall, keepAliveAgent, type HttpAgent } from "./lib/http-client.js";
import { checkRequest, compareLoad, cpuNote, keyInTurn, pairedRatio, type HttpRequestSpec } from "./lib/load.js";
import { startMeasuredNimbus } from "./lib/nimbus.js";
import { ensurePeer } from "./lib/peers.js";
import { startProcess, type RunningProcess } from "./lib/process.js";
import { Report } from "./lib/report.js";
import { median, minMax } from "./lib/stats.js";

const TABLE = "bench";
const BIG_TABLE = "bench-big";
/** Items per partition in the big table; a Query reads one partition. */
const PARTITION_ITEMS = 100;
const QUERY_ITEMS = 10;
const BATCH = 25;
/** Concurrent BatchWriteItem requests while loading the big table. */
const LOAD_CONCURRENCY = 32;
const TX_TABLE = "bench-tx";
/** Keys every transaction draws from; small, so concurrent transactions overlap. */
const TX_POOL = 100;
/** Actions per transaction (the limit was 25 until 2022; 100 now). */
const TX_ACTIONS = 25;
const TX_WRITERS = 32;

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

async function createTable(url: string, agent: HttpAgent, label: string, name: string): Promise<void> {
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
async function loadPartitions(url: string, agent: HttpAgent, label: string, from: number, to: number, bytes: number): Promise<number> {
  const started = performance.now();
  const batchesPerPartition = Math.ceil(PARTITION_ITEMS / BATCH);
  await forEachLimited((to - from) * batchesPerPartition, LOAD_CONCURRENCY, async (i) => {
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

/** Which 25 of the pool a transaction updates: distinct (one transaction may touch an item once). */
function drawKeys(): number[] {
  const pool = Array.from({ length: TX_POOL }, (_, i) => i);
  for (let i = 0; i < TX_ACTIONS; i++) {
    const j = i + Math.floor(Math.random() * (TX_POOL - i));
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return pool.slice(0, TX_ACTIONS);
}

const counterKey = (i: number): Record<string, { S: string }> => ({ pk: { S: `c${String(i).padStart(3, "0")}` }, sk: { S: "c" } });

const transaction = (keys: readonly number[]): HttpRequestSpec =>
  ddb("TransactWriteItems", {
    TransactItems: keys.map((k) => ({
      Update: { TableName: TX_TABLE, Key: counterKey(k), UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } },
    })),
  });

/** The sum of every counter of the pool (a missing counter is 0), by consistent Scan. */
async function counterSum(url: string, agent: HttpAgent, label: string): Promise<number> {
  let sum = 0;
  let start: unknown;
  do {
    const page = (await jsonCall(url, ddb("Scan", { TableName: TX_TABLE, ConsistentRead: true, ...(start !== undefined ? { ExclusiveStartKey: start } : {}) }), agent, label)) as {
      Items?: Array<{ n?: { N?: string } }>;
      LastEvaluatedKey?: unknown;
    };
    for (const item of page.Items ?? []) sum += Number(item.n?.N ?? 0);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return sum;
}

interface TxRun {
  readonly rate: number;
  readonly succeeded: number;
  readonly canceled: number;
  /** CancellationReasons codes other than "None", counted over canceled transactions. */
  readonly reasons: ReadonlyMap<string, number>;
  /** Other error answers by __type (TransactionInProgress, throttling, ...). */
  readonly errors: ReadonlyMap<string, number>;
  /** Failures whose effect is unknown (5xx, connection errors): they make the check inconclusive. */
  readonly unknown: number;
  /** The counters grew by exactly 25 x succeeded. */
  readonly held: boolean;
  readonly sumDelta: number;
}

const bump = (m: Map<string, number>, key: string): void => void m.set(key, (m.get(key) ?? 0) + 1);

/** One run of TX_WRITERS writers for `durationMs`, then the lost-update check. */
async function transactions(url: string, agent: HttpAgent, label: string, durationMs: number): Promise<TxRun> {
  const before = await counterSum(url, agent, label);
  let succeeded = 0;
  let canceled = 0;
  let unknown = 0;
  const reasons = new Map<string, number>();
  const errors = new Map<string, number>();
  const { elapsedMs } = await forDuration(TX_WRITERS, durationMs, async () => {
    let res;
    try {
      res = await httpCall(url, transaction(drawKeys()), agent);
    } catch {
      unknown++;
      return;
    }
    if (res.status === 200) {
      succeeded++;
      return;
    }
    let body: { __type?: string; CancellationReasons?: Array<{ Code?: string }> } = {};
    try {
      body = JSON.parse(res.body.toString("utf8")) as typeof body;
    } catch {
      // Not JSON: counted under its status below.
    }
    const type = (body.__type ?? `HTTP ${res.status}`).replace(/^.*#/, "");
    if (type === "TransactionCanceledException") {
      canceled++;
      for (const r of body.CancellationReasons ?? []) if (r.Code !== undefined && r.Code !== "None") bump(reasons, r.Code);
    } else {
      bump(errors, type);
      if (res.status >= 500) unknown++;
    }
  });
  const after = await counterSum(url, agent, label);
  const sumDelta = after - before;
  return { rate: (succeeded / elapsedMs) * 1000, succeeded, canceled, reasons, errors, unknown, held: sumDelta === TX_ACTIONS * succeeded, sumDelta };
}

/** Whether a server knows TransactWriteItems: dynalite 4 answers UnknownOperationException. */
async function transactionsSupported(url: string, agent: HttpAgent): Promise<{ ok: boolean; answer: string }> {
  const res = await httpCall(url, transaction([0]), agent);
  const text = res.body.toString("utf8");
  return { ok: res.status === 200, answer: `${res.status} ${text.slice(0, 200)}` };
}

const tally = (m: ReadonlyMap<string, number>): string => [...m].map(([k, n]) => `${k} ${n}`).join(", ");

/** (c) for the servers that support transactions; one row each, runs interleaved. */
async function transactionBench(ctx: BenchContext, report: Report, servers: readonly Server[], agent: HttpAgent): Promise<void> {
  const able: Server[] = [];
  for (const s of servers) {
    await createTable(s.proc.url, agent, s.label, TX_TABLE);
    const probe = await transactionsSupported(s.proc.url, agent);
    if (probe.ok) able.push(s);
    else {
      ctx.log(`${s.label}: TransactWriteItems answered ${probe.answer}`);
      const unknownOp = probe.answer.includes("UnknownOperationException");
      report.text(`${s.label} TransactWriteItems`, unknownOp ? "unsupported" : "failed", { note: unknownOp ? "answers UnknownOperationException" : `answers ${probe.answer.slice(0, 120)}` });
    }
  }
  const runs = new Map<Server, TxRun[]>(able.map((s) => [s, []]));
  for (const s of able) {
    const w = await transactions(s.proc.url, agent, s.label, ctx.warmupSec * 1000);
    ctx.log(`${s.label}: transactions warm-up ${w.rate.toFixed(0)} tx/s, ${w.succeeded} succeeded, ${w.canceled} canceled, check ${w.held ? "held" : "FAILED"}`);
    runs.get(s)?.push(w);
  }
  const measured = new Map<Server, TxRun[]>(able.map((s) => [s, []]));
  for (let i = 0; i < ctx.runs; i++) {
    for (let j = 0; j < able.length; j++) {
      const s = able[(i + j) % able.length] as Server;
      const r = await transactions(s.proc.url, agent, s.label, ctx.durationSec * 1000);
      measured.get(s)?.push(r);
      runs.get(s)?.push(r);
      ctx.log(
        `${s.label}: transactions run ${i + 1}/${ctx.runs} ${r.rate.toFixed(0)} tx/s, ${r.succeeded} succeeded, ${r.canceled} canceled` +
          `${r.reasons.size > 0 ? ` (${tally(r.reasons)})` : ""}${r.errors.size > 0 ? `, errors ${tally(r.errors)}` : ""}; counters +${r.sumDelta}, check ${r.held ? "held" : "FAILED"}`,
      );
    }
  }
  for (const s of able) {
    const ms = measured.get(s) ?? [];
    const all = runs.get(s) ?? [];
    const rates = ms.map((r) => r.rate);
    const { min, max } = minMax(rates);
    const succeeded = all.reduce((n, r) => n + r.succeeded, 0);
    const canceled = all.reduce((n, r) => n + r.canceled, 0);
    const reasons = new Map<string, number>();
    const errors = new Map<string, number>();
    for (const r of all) {
      for (const [k, n] of r.reasons) reasons.set(k, (reasons.get(k) ?? 0) + n);
      for (const [k, n] of r.errors) errors.set(k, (errors.get(k) ?? 0) + n);
    }
    const unknown = all.reduce((n, r) => n + r.unknown, 0);
    const held = all.every((r) => r.held);
    const delta = all.reduce((n, r) => n + r.sumDelta, 0);
    report.value(`${s.label} TransactWriteItems (${TX_ACTIONS} ADD, ${TX_WRITERS} writers)`, median(rates), "tx/s", {
      note: `runs ${min.toFixed(0)}-${max.toFixed(0)}; ${median(ms.map((r) => r.rate * TX_ACTIONS)).toFixed(0)} item updates/s`,
    });
    report.text(`  ${s.label} transactions succeeded / canceled`, `${succeeded} / ${canceled}`, {
      note:
        `warm-up and runs; ${canceled > 0 ? `cancellation reasons: ${tally(reasons) || "none given"}` : "none canceled"}` +
        `${errors.size > 0 ? `; other errors: ${tally(errors)}` : ""}`,
    });
    report.text(`  ${s.label} no lost update`, unknown > 0 && !held ? "inconclusive" : held ? "held" : "FAILED", {
      note: `counters grew by ${delta} = ${TX_ACTIONS} x ${succeeded} successful transactions? ${delta === TX_ACTIONS * succeeded ? "yes" : "no"}` + (unknown > 0 ? `; ${unknown} answers of unknown effect (5xx, connection errors)` : ""),
    });
  }
  if (able.length === 2) {
    const [a, b] = able as [Server, Server];
    const ra = measured.get(a) ?? [];
    const rb = measured.get(b) ?? [];
    report.value(`  ${b.label} / ${a.label} TransactWriteItems`, median(rb.map((r, k) => r.rate / (ra[k]?.rate ?? Number.NaN))), "x", { digits: 2 });
  }
  report.note(
    `TransactWriteItems: each transaction ADDs 1 to ${TX_ACTIONS} distinct counters drawn at random from a pool of ${TX_POOL}, ${TX_WRITERS} writers at once, ` +
      `${ctx.durationSec} s per run after ${ctx.warmupSec} s warm-up, median of ${ctx.runs}; the check compares a consistent Scan's sum before and after each run`,
  );
}

export const benchmark: Benchmark = {
  name: "dynamodb",
  description: "DynamoDB PutItem/GetItem/Query vs dynalite and the ceiling; Query latency at 10k-1M items; TransactWriteItems under contention",
  options: {
    million: { type: "boolean", default: false, help: "also Query latency at 1,000,000 items (loading takes minutes)" },
  },
  async run(ctx: BenchContext) {
    const report = new Report("dynamodb: PutItem, GetItem, Query (1 KB items) vs dynalite 4 and the ceiling; Query as the table grows; TransactWriteItems under contention");
    const dynalite = await ensurePeer("dynalite", "4", ctx.log);
    const servers: Server[] = [
      {
        label: `dynalite ${dynalite.version}`,
        proc: await startProcess({
          name: "dynalite",
          args: (port) => [dynalite.bin(), "--port", String(port), "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
        }),
      },
      { label: "nimbus", proc: await startMeasuredNimbus(ctx) },
    ];
    // Enough sockets for the loaders and the transaction writers; idle ones cost nothing.
    const agent = keepAliveAgent(Math.max(LOAD_CONCURRENCY, TX_WRITERS) + 2);

    // (a) one table, one 1 KB item to overwrite and read, one partition of QUERY_ITEMS to query.
    for (const s of servers) {
      await createTable(s.proc.url, agent, s.label, TABLE);
      for (let k = 0; k < QUERY_ITEMS; k++) {
        await jsonCall(s.proc.url, ddb("PutItem", { TableName: TABLE, Item: item("q", `s${k}`, 1024) }), agent, s.label);
      }
    }
    // Every PutItem body is the same but for its key (k00000, k00001, ...: keyInTurn).
    const [beforeKey, afterKey] = JSON.stringify({ TableName: TABLE, Item: item(keyInTurn("k", 0), "s", 1024) }).split(keyInTurn("k", 0));
    const putBody = (n: number): string => `${beforeKey}${keyInTurn("k", n)}${afterKey}`;
    const ops: ReadonlyArray<{ name: string; request: HttpRequestSpec }> = [
      { name: "PutItem", request: { ...ddb("PutItem", { TableName: TABLE, Item: item("k", "s", 1024) }), vary: (n) => ({ body: putBody(n) }) } },
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
          { label: `ceiling (${op.name} size)`, url: ceiling.url, request: { ...op.request, expect: { status: 200 } }, pid: ceiling.pid },
          { label: `${servers[0]?.label ?? ""} ${op.name}`, url: servers[0]?.proc.url ?? "", request: op.request, pid: servers[0]?.proc.pid },
          { label: `nimbus ${op.name}`, url: servers[1]?.proc.url ?? "", request: op.request, pid: servers[1]?.proc.pid },
        ],
        ctx,
        ctx.log,
      );
      await ceiling.stop();
      report.load(c, { baseline: c }).load(d, { baseline: c }).load(n, { baseline: c });
      report.value(`  nimbus / dynalite ${op.name}`, pairedRatio(n, d), "x", { digits: 2, note: cpuNote(n, d, "dynalite") });
    }

    // (c) before (b): it is short, and (b) with --million fills both servers' memory.
    await transactionBench(ctx, report, servers, agent);

    // (b) Query latency as the table grows; small items so 100,000 load in seconds.
    const query = ddb("Query", {
      TableName: BIG_TABLE,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: "p0" } },
    }, { status: 200, bodyIncludes: `"Count":${PARTITION_ITEMS}` });
    const bigItemBytes = 200;
    for (const s of servers) await createTable(s.proc.url, agent, s.label, BIG_TABLE);
    let loaded = 0;
    for (const total of flagOption(ctx.options, "million") ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]) {
      const from = loaded / PARTITION_ITEMS;
      const to = total / PARTITION_ITEMS;
      for (const s of servers) {
        const ms = await loadPartitions(s.proc.url, agent, s.label, from, to, bigItemBytes);
        ctx.log(`${s.label}: loaded ${total - loaded} items with BatchWriteItem in ${ms.toFixed(0)} ms`);
        report.value(`${s.label} BatchWriteItem load to ${total.toLocaleString("en-US")}`, ((total - loaded) / ms) * 1000, "items/s", { note: `${bigItemBytes}-byte items, ${BATCH} per batch, ${LOAD_CONCURRENCY} in flight` });
      }
      loaded = total;
      const [d, n] = await compareLoad(
        [
          { label: `${servers[0]?.label ?? ""} Query 100 of ${total.toLocaleString("en-US")}`, url: servers[0]?.proc.url ?? "", request: query },
          { label: `nimbus Query 100 of ${total.toLocaleString("en-US")}`, url: servers[1]?.proc.url ?? "", request: query },
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
        `ratio = median of per-run ratios to the first row of its group (the ceiling, or dynalite for the Query-vs-table-size rows)`,
    );
    return report;
  },
};

