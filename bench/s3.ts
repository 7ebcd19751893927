/**
 * s3: the S3 data plane.
 *  (a) 1 KiB PutObject, then GetObject of it: 32 connections of fixed requests (autocannon),
 *      Nimbus against s3rver 3.7 (files on disk), fauxqs 1.9.2 (in memory) and the bare
 *      node:http ceiling answering as many bytes as Nimbus does; runs interleaved.
 *  (b) One 256 MiB PUT and GET over loopback to Nimbus: MB/s and Nimbus's peak RSS (a
 *      streaming store holds far less than the object). S3 must MD5 every byte it stores (the
 *      ETag), so the upload is put against this machine's MD5 speed over the same bytes,
 *      measured in the same run with node:crypto.
 */
import { createHash, randomBytes } from "node:crypto";
import { request, type Agent } from "node:http";
import { Readable } from "node:stream";
import { createRequire } from "node:module";
import { restRequest, signedLookingHeaders } from "./lib/aws-request.js";
import type { Benchmark, BenchContext } from "./lib/benchmark.js";
import { startCeiling } from "./lib/ceiling.js";
import { httpCall, keepAliveAgent } from "./lib/http-client.js";
import { checkRequest, compareLoad, pairedRatio, type HttpRequestSpec } from "./lib/load.js";
import { megabytes, readMemory } from "./lib/memory.js";
import { startNimbusProcess } from "./lib/nimbus.js";
import { ensurePeer } from "./lib/peers.js";
import { startProcess } from "./lib/process.js";
import { scratchDir } from "./lib/repo.js";
import { Report } from "./lib/report.js";

const BUCKET = "bench-bucket";
const KEY = "obj-1k";
const SMALL = randomBytes(1024);
const BIG_MIB = 256;
const CHUNK = 1024 * 1024;

/**
 * s3rver checks SigV4 only loosely (`allowMismatchedSignatures`) but wants a known access key
 * (its default S3RVER) and a date within 15 minutes, so its headers are built at bench time.
 */
function s3rverHeaders(): Record<string, string> {
  const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  return {
    Authorization:
      `AWS4-HMAC-SHA256 Credential=S3RVER/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request, ` +
      `SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${"0".repeat(64)}`,
    "X-Amz-Date": amzDate,
    "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
  };
}

function withHeaders(spec: HttpRequestSpec, headers: Record<string, string> | undefined): HttpRequestSpec {
  return headers === undefined ? spec : { ...spec, headers: { ...spec.headers, ...headers } };
}

const putSmall = (headers?: Record<string, string>): HttpRequestSpec =>
  withHeaders(restRequest("s3", "PUT", `/${BUCKET}/${KEY}`, { body: SMALL, headers: { "Content-Type": "application/octet-stream", "Content-Length": String(SMALL.length) } }), headers);
const getSmall = (headers?: Record<string, string>): HttpRequestSpec => withHeaders(restRequest("s3", "GET", `/${BUCKET}/${KEY}`), headers);

async function createBucket(url: string, agent: Agent, label: string, headers?: Record<string, string>): Promise<void> {
  const res = await httpCall(url, withHeaders(restRequest("s3", "PUT", `/${BUCKET}`, { headers: { "Content-Length": "0" } }), headers), agent);
  if (res.status !== 200) throw new Error(`bench: ${label}: CreateBucket answered ${res.status}\n${res.body.toString("utf8").slice(0, 500)}`);
}

/** Streams `mib` MiB of `chunk` repeated; the harness never holds the object. */
function repeated(chunk: Buffer, mib: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < mib; i++) yield chunk;
    })(),
  );
}

/** GET that counts the bytes and drops them; elapsed ms to the last byte. */
function timedGet(url: string, path: string): Promise<{ bytes: number; ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url + path, { headers: { ...signedLookingHeaders("s3"), "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" }, agent: false }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("error", reject);
      res.on("end", () => resolve({ bytes, ms: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on("error", reject);
    req.end();
  });
}

export const benchmark: Benchmark = {
  name: "s3",
  description: "S3 1 KiB PutObject/GetObject vs s3rver, fauxqs and the ceiling; 256 MiB PUT/GET MB/s, RSS, MD5 speed",
  async run(ctx: BenchContext) {
    const report = new Report("s3: 1 KiB PutObject / GetObject vs s3rver 3.7, fauxqs 1.9.2 and the ceiling; 256 MiB over loopback");
    const s3rver = await ensurePeer("s3rver", "3.7", ctx.log);
    const fauxqs = await ensurePeer("fauxqs", "1.9.2", ctx.log);
    const s3rverDir = scratchDir("s3rver");
    const s3rverProc = await startProcess({
      name: "s3rver",
      args: (port) => [
        "-e",
        `const S3rver = require(${JSON.stringify(createRequire(import.meta.url).resolve(s3rver.dir))});` +
          `new S3rver({ port: ${port}, address: "127.0.0.1", directory: ${JSON.stringify(s3rverDir)}, silent: true, allowMismatchedSignatures: true }).run();`,
      ],
    });
    // fauxqs's CLI logs every request and listens on 0.0.0.0: its module API, logger off, on loopback.
    const app = new URL("dist/app.js", `file://${fauxqs.dir}/`).href;
    const fauxqsProc = await startProcess({
      name: "fauxqs",
      args: (port) => ["--input-type=module", "-e", `import { buildApp } from ${JSON.stringify(app)}; await buildApp({ logger: false }).listen({ port: ${port}, host: "127.0.0.1" });`],
    });
    const nimbus = await startNimbusProcess();
    const agent = keepAliveAgent(4);
    const s3rverHdrs = s3rverHeaders();
    await createBucket(s3rverProc.url, agent, "s3rver", s3rverHdrs);
    await createBucket(fauxqsProc.url, agent, "fauxqs");
    await createBucket(nimbus.url, agent, "nimbus");

    const sizes: string[] = [];
    for (const op of [
      { name: "PutObject 1 KiB", spec: putSmall },
      { name: "GetObject 1 KiB", spec: getSmall },
    ]) {
      const answer = await checkRequest("nimbus", nimbus.url, op.spec());
      sizes.push(`${op.name} ${answer.body.length} B`);
      const ceiling = await startCeiling(answer.body.length);
      const [c, s, f, n] = await compareLoad(
        [
          { label: `ceiling (${op.name} size)`, url: ceiling.url, request: { ...op.spec(), expect: { status: 200 } } },
          { label: `s3rver ${s3rver.version} ${op.name}`, url: s3rverProc.url, request: op.spec(s3rverHdrs) },
          { label: `fauxqs ${fauxqs.version} ${op.name}`, url: fauxqsProc.url, request: op.spec() },
          { label: `nimbus ${op.name}`, url: nimbus.url, request: op.spec() },
        ],
        ctx,
        ctx.log,
      );
      await ceiling.stop();
      report.load(c, { baseline: c }).load(s, { baseline: c }).load(f, { baseline: c }).load(n, { baseline: c });
      report.value(`  nimbus / s3rver ${op.name}`, pairedRatio(n, s), "x", { digits: 2 });
      report.value(`  nimbus / fauxqs ${op.name}`, pairedRatio(n, f), "x", { digits: 2 });
    }
    agent.destroy();
    await Promise.all([s3rverProc.stop(), fauxqsProc.stop()]);

    // (b) 256 MiB through Nimbus, against MD5 over the same bytes in this process.
    const chunk = randomBytes(CHUNK);
    const md5Started = performance.now();
    const md5 = createHash("md5");
    for (let i = 0; i < BIG_MIB; i++) md5.update(chunk);
    md5.digest();
    const md5Ms = performance.now() - md5Started;
    const md5Rate = BIG_MIB / (md5Ms / 1000);
    const before = readMemory(nimbus.pid);
    const bigAgent = keepAliveAgent(1);
    const putStarted = performance.now();
    const put = await httpCall(
      nimbus.url,
      {
        ...restRequest("s3", "PUT", `/${BUCKET}/big`, { headers: { "Content-Type": "application/octet-stream", "Content-Length": String(BIG_MIB * CHUNK) } }),
        body: repeated(chunk, BIG_MIB),
      },
      bigAgent,
    );
    const putMs = performance.now() - putStarted;
    bigAgent.destroy();
    if (put.status !== 200) throw new Error(`bench: nimbus: 256 MiB PUT answered ${put.status}\n${put.body.toString("utf8").slice(0, 500)}`);
    const afterPut = readMemory(nimbus.pid);
    const get = await timedGet(nimbus.url, `/${BUCKET}/big`);
    if (get.status !== 200 || get.bytes !== BIG_MIB * CHUNK) throw new Error(`bench: nimbus: 256 MiB GET answered ${get.status} with ${get.bytes} bytes`);
    const afterGet = readMemory(nimbus.pid);
    await nimbus.stop();
    const putRate = BIG_MIB / (putMs / 1000);
    const getRate = BIG_MIB / (get.ms / 1000);
    ctx.log(`256 MiB: PUT ${putMs.toFixed(0)} ms, GET ${get.ms.toFixed(0)} ms, MD5 ${md5Ms.toFixed(0)} ms`);
    report
      .value("md5 (node:crypto, this machine)", md5Rate, "MB/s", { note: `${BIG_MIB} MiB in ${md5Ms.toFixed(0)} ms, in the harness process` })
      .value("nimbus PUT 256 MiB", putRate, "MB/s", { note: `${(putMs / 1000).toFixed(2)} s; ${(putRate / md5Rate).toFixed(2)} of MD5 speed` })
      .value("nimbus GET 256 MiB", getRate, "MB/s", { note: `${(get.ms / 1000).toFixed(2)} s` })
      .value("nimbus RSS before the 256 MiB PUT", megabytes(before.rssBytes), "MB", { digits: 1, note: `peak so far (VmHWM) ${megabytes(before.hwmBytes).toFixed(1)} MB, after the 1 KiB load` })
      .value("nimbus peak RSS after PUT", megabytes(afterPut.hwmBytes), "MB", { digits: 1, note: `VmHWM; RSS then ${megabytes(afterPut.rssBytes).toFixed(1)} MB` })
      .value("nimbus peak RSS after GET", megabytes(afterGet.hwmBytes), "MB", { digits: 1, note: `VmHWM; RSS then ${megabytes(afterGet.rssBytes).toFixed(1)} MB` })
      .note(`answer sizes: ${sizes.join(", ")}; s3rver stores on disk, fauxqs and Nimbus (--in-memory: SQLite :memory:, blobs in a temp dir) as they do by default`)
      .note(
        `${ctx.connections} connections, ${ctx.durationSec} s per run after ${ctx.warmupSec} s warm-up, medians of ${ctx.runs} interleaved runs; ratio = median of per-run ratios to the ceiling. ` +
          `MB = MiB here; the PUT streams one random 1 MiB chunk ${BIG_MIB} times over one loopback connection`,
      );
    return report;
  },
};
