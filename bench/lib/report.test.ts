import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { pairedCpuRatio, pairedRatio, summarise, type RunResult } from "./load.js";
import { Report } from "./report.js";

function run(rps: number, p50Ms = 0.5, p99Ms = 2, cpuUsPerRequest?: number): RunResult {
  return { requests: rps * 5, elapsedMs: 5000, rps, p50Ms, p99Ms, errors: 0, non2xx: 0, statusCodes: { "200": rps * 5 }, cpuUsPerRequest };
}

describe("summarise and pairedRatio", () => {
  test("medians over runs", () => {
    const s = summarise("x", [run(100, 0.3, 1), run(300, 0.5, 3), run(200, 0.4, 2)]);
    assert.equal(s.rps, 200);
    assert.equal(s.p50Ms, 0.4);
    assert.equal(s.p99Ms, 2);
    assert.equal(s.errors, 0);
  });
  test("the ratio pairs run i with run i, then takes the median", () => {
    const base = summarise("base", [run(100), run(200), run(400)]);
    const subject = summarise("subject", [run(50), run(150), run(100)]);
    // Per-run ratios 0.5, 0.75, 0.25: median 0.5 (the ratio of medians would be 100 / 200 too,
    // but the per-run ratios are what interleaving keeps comparable).
    assert.equal(pairedRatio(subject, base), 0.5);
  });
  test("the CPU ratio is the base's CPU per request over the subject's, paired by run; undefined unless every run was measured", () => {
    const base = summarise("base", [run(100, 0.5, 2, 80), run(100, 0.5, 2, 90), run(100, 0.5, 2, 60)]);
    const subject = summarise("subject", [run(100, 0.5, 2, 40), run(100, 0.5, 2, 60), run(100, 0.5, 2, 20)]);
    assert.equal(base.cpuUsPerRequest, 80);
    // Per-run ratios 2, 1.5, 3: median 2.
    assert.equal(pairedCpuRatio(subject, base), 2);
    assert.equal(pairedCpuRatio(summarise("x", [run(100), run(100), run(100)]), base), undefined);
    assert.equal(summarise("y", [run(100, 0.5, 2, 10), run(100)]).cpuUsPerRequest, undefined);
  });
});

describe("Report.render", () => {
  test("load rows, value rows and notes in one aligned table", () => {
    const base = summarise("ceiling (bare node:http)", [run(91000, 0.3, 1.2)]);
    const nimbus = summarise("nimbus GetCallerIdentity", [run(40040, 0.7, 2.1)]);
    const text = new Report("core")
      .load(base, { baseline: base })
      .load(nimbus, { baseline: base })
      .value("start-up (in-memory)", 123.4, "ms", { note: "median of 5" })
      .value("idle RSS", 61.84, "MB", { digits: 1 })
      .note("32 connections")
      .render();
    assert.equal(
      text,
      [
        "== core",
        "benchmark                   req/s  p50 ms  p99 ms  ratio",
        "ceiling (bare node:http)    91000    0.30    1.20   1.00",
        "nimbus GetCallerIdentity    40040    0.70    2.10   0.44",
        "start-up (in-memory)       123 ms                         median of 5",
        "idle RSS                  61.8 MB",
        "  32 connections",
        "",
      ].join("\n"),
    );
  });
  test("load rows with the server's CPU add its two columns, blank in value rows", () => {
    const base = summarise("ceiling", [run(30000, 0.3, 1.2, 25.5)]);
    const nimbus = summarise("nimbus GetItem", [run(20000, 0.7, 2.1, 51)]);
    const text = new Report("ddb").load(base, { baseline: base }).load(nimbus, { baseline: base }).value("x", 2, "x").render();
    assert.equal(
      text,
      [
        "== ddb",
        "benchmark       req/s  p50 ms  p99 ms  ratio  cpu µs/req  cpu ratio",
        "ceiling         30000    0.30    1.20   1.00        25.5       1.00",
        "nimbus GetItem  20000    0.70    2.10   0.67        51.0       0.50",
        "x                 2 x",
        "",
      ].join("\n"),
    );
  });
  test("a load row of several runs notes their spread", () => {
    const s = summarise("x", [run(900), run(1000), run(1200)]);
    assert.equal(new Report("t").load(s).rows[0]?.note, "runs 900-1200 req/s");
  });
  test("errors or non-2xx answers during a load add a warning", () => {
    const bad = summarise("flaky", [{ ...run(10), errors: 2, non2xx: 3 }]);
    const report = new Report("t").load(bad);
    assert.deepEqual(report.notes, ["warning: flaky: 2 connection errors and 3 non-2xx answers over 1 runs; its figures are suspect"]);
  });
  test("a text row puts its verdict in the figure column", () => {
    const text = new Report("t").value("tx", 812.4, "tx/s").text("dynalite TransactWriteItems", "unsupported", { note: "UnknownOperationException" }).render();
    assert.equal(
      text,
      [
        "== t",
        "benchmark                          req/s  p50 ms  p99 ms  ratio",
        "tx                              812 tx/s",
        "dynalite TransactWriteItems  unsupported                         UnknownOperationException",
        "",
      ].join("\n"),
    );
  });
});
