/**
 * core: what every Nimbus request pays, and what a user waits for.
 *  (a) STS GetCallerIdentity round trips against the bare node:http ceiling, same load, same
 *      response size, runs interleaved; the ratio is the share of the ceiling Nimbus reaches.
 *  (b) Start-up: spawn of `node bin/nimbus.js start` to the first 200 from /_nimbus/health,
 *      in memory and with a data dir (new and already existing); the ceiling's own start-up
 *      is the floor (Node boot and listen).
 *  (c) Resident memory: idle after start, after the load, and the peak.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { queryRequest } from "./lib/aws-request.js";
import type { Benchmark, BenchContext } from "./lib/benchmark.js";
import { startCeiling } from "./lib/ceiling.js";
import { checkRequest, compareLoad } from "./lib/load.js";
import { megabytes, readMemory } from "./lib/memory.js";
import { startMeasuredNimbus, startNimbusProcess } from "./lib/nimbus.js";
import { timeStartups, type RunningProcess } from "./lib/process.js";
import { scratchDir } from "./lib/repo.js";
import { Report } from "./lib/report.js";
import { median, minMax } from "./lib/stats.js";

const STARTUP_RUNS = 5;
/** Let start-up garbage and lazy timers settle before reading an "idle" RSS. */
const SETTLE_MS = 1000;

async function startups(ctx: BenchContext, label: string, start: () => Promise<RunningProcess>): Promise<{ label: string; ms: number; note: string }> {
  const procs = await timeStartups(STARTUP_RUNS, start);
  const times = procs.map((p) => p.readyMs);
  // What the server itself reports ("ready in N ms"), to split node boot + imports from init.
  const inProcess = procs.map((p) => /ready in (\d+) ms/.exec(p.output())?.[1]).filter((v): v is string => v !== undefined).map(Number);
  const { min, max } = minMax(times);
  const note =
    `median of ${times.length}, ${min.toFixed(0)}-${max.toFixed(0)} ms` + (inProcess.length > 0 ? `; server init ${median(inProcess).toFixed(0)} ms of it` : "");
  ctx.log(`${label}: ${times.map((t) => t.toFixed(1)).join(", ")} ms`);
  return { label, ms: median(times), note };
}

export const benchmark: Benchmark = {
  name: "core",
  description: "STS GetCallerIdentity vs a bare node:http ceiling; start-up time; idle and loaded RSS",
  async run(ctx) {
    const report = new Report("core: request path, start-up, memory");

    // Start-up first, while nothing else has warmed the machine or filled the page cache.
    const startupRows = [
      await startups(ctx, "start-up (in-memory)", () => startNimbusProcess()),
      await startups(ctx, "start-up (new data dir)", () => startNimbusProcess({ dataDir: scratchDir("fresh") })),
    ];
    const existing = scratchDir("existing");
    await (await startNimbusProcess({ dataDir: existing })).stop();
    startupRows.push(await startups(ctx, "start-up (existing data dir)", () => startNimbusProcess({ dataDir: existing })));
    // The floor under any of these: Node booting and listening, nothing loaded.
    startupRows.push(await startups(ctx, "start-up (bare node:http)", () => startCeiling()));

    const nimbus = await startMeasuredNimbus(ctx);
    await sleep(SETTLE_MS);
    const idle = readMemory(nimbus.pid);
    ctx.log(`nimbus idle RSS ${megabytes(idle.rssBytes).toFixed(1)} MB`);

    const request = queryRequest("sts", "GetCallerIdentity", {}, { version: "2011-06-15" });
    const answer = await checkRequest("nimbus", nimbus.url, request);
    const ceiling = await startCeiling(answer.body.length);
    const [ceil, nim] = await compareLoad(
      [
        { label: "ceiling (bare node:http)", url: ceiling.url, request: { ...request, expect: { status: 200 } }, pid: ceiling.pid },
        { label: "nimbus GetCallerIdentity", url: nimbus.url, request, pid: nimbus.pid },
      ],
      ctx,
      ctx.log,
    );
    await sleep(SETTLE_MS);
    const loaded = readMemory(nimbus.pid);
    const ceilingMemory = readMemory(ceiling.pid);
    await Promise.all([nimbus.stop(), ceiling.stop()]);

    report.load(ceil, { baseline: ceil }).load(nim, { baseline: ceil });
    for (const row of startupRows) report.value(row.label, row.ms, "ms", { note: row.note });
    const mb = (bytes: number): number => megabytes(bytes);
    report
      .value("nimbus RSS idle after start", mb(idle.rssBytes), "MB", { digits: 1 })
      .value("nimbus RSS after load", mb(loaded.rssBytes), "MB", { digits: 1, note: `peak (VmHWM) ${mb(loaded.hwmBytes).toFixed(1)} MB` })
      .value("ceiling RSS after load", mb(ceilingMemory.rssBytes), "MB", { digits: 1, note: `peak (VmHWM) ${mb(ceilingMemory.hwmBytes).toFixed(1)} MB` })
      .note(
        `${ctx.connections} connections, ${answer.body.length}-byte answers, ` +
          `${ctx.amount !== undefined ? `${ctx.amount} requests` : `${ctx.durationSec} s`} per run after ${ctx.warmupSec} s warm-up; ` +
          `medians of ${ctx.runs} interleaved runs; ratio = median of per-run ratios to the ceiling`,
      );
    return report;
  },
};
