/**
 * s3: the S3 data plane.
 *  (a) 1 KiB PutObject, then GetObject: 32 connections (autocannon), Nimbus against s3rver 3.7
 *      (files on disk), fauxqs 1.9.2 (in memory) and the bare node:http ceiling answering as
 *      many bytes as Nimbus does; runs interleaved. The PUTs write new contents under 50,000
 *      keys in turn; the GETs repeat one request.
 *  (b) ListObjectsV2 of one page (max-keys 1000 and 100, a prefix matching a 1,000-key slice,
 *      delimiter "/") while the bucket holds 1,000, 10,000 and 100,000 keys: p50/p99 of one
 *      connection, Nimbus against fauxqs, to show that a page costs the page, not the bucket.
 *      The keys go in through many concurrent PUTs of tiny bodies (no emulator loads keys any
 *      other way from outside); the load rate is reported. s3rver is left out: it writes each
 *      key as files on disk, so a 100,000-key bucket takes minutes to fill.
 *  (c) Large objects through Nimbus over loopback: one PUT and GET of --big-mib (1 GiB by
 *      default), a multipart upload of --multipart-mib (2 GiB, 20 parts, 4 in flight), and with
 *      --huge one 5 GiB single PUT (S3's maximum): MB/s and Nimbus's resident memory after each,
 *      whose peak (VmHWM) stays flat as the objects grow if the store streams. S3 must MD5
 *      every byte it stores (the ETag), so the rates are put against this machine's MD5 speed
 *      over the same bytes, measured in the same run with node:crypto, against the speed of
 *      writing a new file of that size (filling the page cache; on a VM whose fresh memory
 *      faults in from the host this costs more CPU than the MD5), and against a "stream
 *      ceiling": a bare node:http server that only MD5s the body into a file and streams the
 *      file back. The single PUT and GET are timed with curl when it is installed (Node's own
 *      client is slower than the server it would measure); the GET by Node's client is shown too.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:http";
import { Readable } from "node:stream";
import { createRequire } from "node:module";
import { restRequest, signedLookingHeaders } from "./lib/aws-request.js";
import { flagOption, numberOption, type Benchmark, type BenchContext } from "./lib/benchmark.js";
import { startCeiling, startStreamCeiling } from "./lib/ceiling.js";
import { curlGet, curlPut, hasCurl } from "./lib/curl.js";
import { checkedCall, forEachLimited, keepAliveAgent, xmlValue, type HttpAgent } from "./lib/http-client.js";
import { checkRequest, compareLoad, cpuNote, keyInTurn, pairedRatio, type HttpRequestSpec, type LoadSummary } from "./lib/load.js";
import { megabytes, readMemory, type MemorySample } from "./lib/memory.js";
import { startMeasuredNimbus } from "./lib/nimbus.js";
import { ensurePeer, startFauxqs } from "./lib/peers.js";
import { startProcess, type RunningProcess } from "./lib/process.js";
import { scratchDir } from "./lib/repo.js";
import { Report } from "./lib/report.js";

const BUCKET = "bench-bucket";
const LIST_BUCKET = "bench-list";
const KEY = "obj-1k";
const SMALL = randomBytes(1024);
const MIB = 1024 * 1024;
/** S3's largest single PUT: 5 GiB ("EntityTooLarge" above it). */
const HUGE_MIB = 5 * 1024;
const MULTIPART_PARTS = 20;
/** S3's smallest part but the last. */
const MIN_PART_MIB = 5;
/** Parts in flight at once, as the SDK's lib-storage Upload does by default. */
const PART_CONCURRENCY = 4;
/** Bucket sizes of the listing part, up to --list-keys. */
const LIST_STAGES = [1_000, 10_000, 100_000];
/** Concurrent PUTs that fill the listing bucket. */
const LOAD_CONCURRENCY = 64;
const TINY = Buffer.from("tiny object body");

/**
 * The slice every listing reads: prefix "slice/" holds 900 keys of its own and 10 "folders" of
 * 10 keys each, so with delimiter "/" the full page has 910 entries (10 CommonPrefixes, 900
 * Contents) and rolling each folder up skips its keys. 1,000 keys: the whole 1,000-key bucket.
 */
const SLICE_PREFIX = "slice/";
const SLICE_KEYS = [
  ...Array.from({ length: 900 }, (_, i) => `${SLICE_PREFIX}k${String(i).padStart(3, "0")}`),
  ...Array.from({ length: 100 }, (_, i) => `${SLICE_PREFIX}d${Math.floor(i / 10)}/k${i % 10}`),
];
const SLICE_ENTRIES = 910;
/** Key i of the listing bucket: the slice first, then the rest, half sorting before the slice and half after it. */
const bucketKey = (i: number): string =>
  i < SLICE_KEYS.length ? (SLICE_KEYS[i] as string) : `${i % 2 === 0 ? "a" : "z"}/f${String(i).padStart(7, "0")}`;

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

/**
 * PutObject of 1 KiB under load writes new contents under KEYS_IN_TURN keys in turn, as an
 * application's writes do: the same bytes put again over the same key would measure a shortcut
 * (Nimbus's blob store keeps one copy of identical bytes). The check before the load puts KEY,
 * which GetObject then reads.
 */
const putSmall = (headers?: Record<string, string>): HttpRequestSpec => ({
  ...withHeaders(restRequest("s3", "PUT", `/${BUCKET}/${KEY}`, { body: SMALL, headers: { "Content-Type": "application/octet-stream", "Content-Length": String(SMALL.length) } }), headers),
  vary: (n) => ({ path: `/${BUCKET}/${keyInTurn(`${KEY}-`, n)}`, body: smallBody(n) }),
});

/** SMALL with the request's number in its first bytes: new contents on every PUT. */
function smallBody(n: number): Buffer {
  const body = Buffer.from(SMALL);
  body.writeUInt32BE(n >>> 0, 0);
  return body;
}
const getSmall = (headers?: Record<string, string>): HttpRequestSpec => withHeaders(restRequest("s3", "GET", `/${BUCKET}/${KEY}`), headers);

async function createBucket(url: string, agent: HttpAgent, label: string, bucket: string, headers?: Record<string, string>): Promise<void> {
  await checkedCall(url, withHeaders(restRequest("s3", "PUT", `/${bucket}`, { headers: { "Content-Length": "0" } }), headers), agent, `${label} CreateBucket`);
}

/** Streams `mib` MiB of `chunk` repeated; the harness never holds the object. */
function repeated(chunk: Buffer, mib: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < mib; i++) yield chunk;
    })(),
  );
}

/** A PUT of `mib` MiB streamed from `chunk`; elapsed ms to the answer, and the answer. */
async function timedPut(url: string, path: string, chunk: Buffer, mib: number, agent: HttpAgent, label: string): Promise<{ ms: number; etag: string }> {
  const started = performance.now();
  const res = await checkedCall(
    url,
    {
      ...restRequest("s3", "PUT", path, { headers: { "Content-Type": "application/octet-stream", "Content-Length": String(mib * MIB) } }),
      body: repeated(chunk, mib),
    },
    agent,
    label,
  );
  return { ms: performance.now() - started, etag: String(res.headers.etag ?? "") };
}

/** An untimed PUT and GET of the body file at `url` (overwritten by the timed PUT that follows). */
async function warmUp(url: string, file: string, headers: Readonly<Record<string, string>> = {}): Promise<void> {
  const put = await curlPut(url, file, headers);
  const get = await curlGet(url, headers);
  if (put.status !== 200 || get.status !== 200) throw new Error(`bench: warm-up at ${url}: PUT ${put.status}, GET ${get.status}`);
}

/** Writes `chunk` `times` times into a new file. */
function writeRepeated(file: string, chunk: Buffer, times: number): void {
  const fd = openSync(file, "w");
  try {
    for (let i = 0; i < times; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
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

async function headLength(url: string, path: string, agent: HttpAgent, label: string): Promise<{ length: number; etag: string }> {
  const res = await checkedCall(url, restRequest("s3", "HEAD", path), agent, `${label} HeadObject`);
  return { length: Number(res.headers["content-length"]), etag: String(res.headers.etag ?? "") };
}

async function deleteObject(url: string, path: string, agent: HttpAgent, label: string): Promise<void> {
  await checkedCall(url, restRequest("s3", "DELETE", path, { expect: { status: 204 } }), agent, `${label} DeleteObject`);
}

/** Part sizes in MiB: MULTIPART_PARTS equal parts (rounded up), the last takes the rest. */
function partSizes(totalMib: number, parts = MULTIPART_PARTS): number[] {
  const count = Math.max(1, Math.min(parts, Math.floor(totalMib / MIN_PART_MIB)));
  const size = Math.ceil(totalMib / count);
  const sizes: number[] = [];
  for (let left = totalMib; left > 0; left -= size) sizes.push(Math.min(size, left));
  return sizes;
}

/** CreateMultipartUpload, UploadPart (PART_CONCURRENCY in flight), CompleteMultipartUpload. */
async function multipartUpload(url: string, path: string, chunk: Buffer, sizes: readonly number[], label: string): Promise<{ uploadMs: number; completeMs: number }> {
  const agent = keepAliveAgent(PART_CONCURRENCY);
  try {
    const created = await checkedCall(url, restRequest("s3", "POST", `${path}?uploads`, { headers: { "Content-Length": "0" } }), agent, `${label} CreateMultipartUpload`);
    const uploadId = encodeURIComponent(xmlValue(created.body, "UploadId"));
    const etags: string[] = new Array<string>(sizes.length).fill("");
    const started = performance.now();
    await forEachLimited(sizes.length, PART_CONCURRENCY, async (i) => {
      const mib = sizes[i] ?? 0;
      const res = await checkedCall(
        url,
        {
          ...restRequest("s3", "PUT", `${path}?partNumber=${i + 1}&uploadId=${uploadId}`, { headers: { "Content-Length": String(mib * MIB) } }),
          body: repeated(chunk, mib),
        },
        agent,
        `${label} UploadPart ${i + 1}`,
      );
      etags[i] = String(res.headers.etag ?? "");
    });
    const uploaded = performance.now();
    const body = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    const done = await checkedCall(
      url,
      restRequest("s3", "POST", `${path}?uploadId=${uploadId}`, { body, headers: { "Content-Type": "application/xml", "Content-Length": String(Buffer.byteLength(body)) } }),
      agent,
      `${label} CompleteMultipartUpload`,
    );
    // S3 may answer 200 and put the error in the body (it has started streaming whitespace).
    if (!done.body.toString("utf8").includes("<CompleteMultipartUploadResult")) {
      throw new Error(`bench: ${label}: CompleteMultipartUpload answered 200 without a result\n${done.body.toString("utf8").slice(0, 1000)}`);
    }
    return { uploadMs: uploaded - started, completeMs: performance.now() - uploaded };
  } finally {
    agent.destroy();
  }
}

const listRequest = (maxKeys: number): HttpRequestSpec =>
  restRequest("s3", "GET", `/${LIST_BUCKET}?list-type=2&prefix=${encodeURIComponent(SLICE_PREFIX)}&delimiter=%2F&max-keys=${maxKeys}`, {
    expect: { status: 200, bodyIncludes: `<KeyCount>${Math.min(maxKeys, SLICE_ENTRIES)}</KeyCount>` },
  });

/** PUTs the keys `keys(i)` for i in [from, to) with LOAD_CONCURRENCY in flight; keys/s. */
async function putKeys(url: string, agent: HttpAgent, label: string, from: number, to: number, key: (i: number) => string): Promise<number> {
  const started = performance.now();
  await forEachLimited(to - from, LOAD_CONCURRENCY, async (i) => {
    const spec = restRequest("s3", "PUT", `/${LIST_BUCKET}/${key(from + i)}`, { body: TINY, headers: { "Content-Type": "text/plain", "Content-Length": String(TINY.length) } });
    await checkedCall(url, spec, agent, `${label} PutObject`);
  });
  return ((to - from) / (performance.now() - started)) * 1000;
}

interface ListTarget {
  readonly label: string;
  readonly url: string;
}

/** (b): fills the listing bucket stage by stage and measures one page at each size. */
async function listing(ctx: BenchContext, report: Report, targets: readonly [ListTarget, ListTarget], maxBucketKeys: number): Promise<void> {
  if (maxBucketKeys < SLICE_KEYS.length) throw new Error(`--list-keys must be at least ${SLICE_KEYS.length}, the slice every listing reads`);
  const stages = LIST_STAGES.filter((n) => n <= maxBucketKeys);
  if (!stages.includes(maxBucketKeys)) stages.push(maxBucketKeys);
  const agent = keepAliveAgent(LOAD_CONCURRENCY);
  const p50s = new Map<string, number>();
  for (const t of targets) await createBucket(t.url, agent, t.label, LIST_BUCKET);
  let loaded = 0;
  for (const total of stages) {
    for (const t of targets) {
      const rate = await putKeys(t.url, agent, t.label, loaded, total, bucketKey);
      ctx.log(`${t.label}: ${total - loaded} keys more, to ${total}, at ${rate.toFixed(0)} PUT/s`);
      report.value(`${t.label} PutObject load to ${total.toLocaleString("en-US")} keys`, rate, "PUT/s", { note: `${total - loaded} PUTs of ${TINY.length} B, ${LOAD_CONCURRENCY} in flight, keep-alive` });
    }
    loaded = total;
    for (const maxKeys of [1000, 100]) {
      const req = listRequest(maxKeys);
      const [peer, nimbus] = (await compareLoad(
        targets.map((t) => ({ label: `${t.label} ListObjectsV2 max-keys ${maxKeys}, ${total.toLocaleString("en-US")} keys`, url: t.url, request: req })),
        { ...ctx, connections: 1, durationSec: Math.min(ctx.durationSec, 3) },
        ctx.log,
      )) as [LoadSummary, LoadSummary];
      report.load(peer, { baseline: peer, note: "1 connection" }).load(nimbus, { baseline: peer, note: "1 connection; ratio to the row above" });
      for (const [t, s] of [[targets[0], peer], [targets[1], nimbus]] as const) p50s.set(`${t.label}|${maxKeys}|${total}`, s.p50Ms);
    }
  }
  agent.destroy();
  const first = stages[0] ?? 0;
  const last = stages[stages.length - 1] ?? 0;
  if (last > first) {
    for (const t of targets) {
      for (const maxKeys of [1000, 100]) {
        const growth = (p50s.get(`${t.label}|${maxKeys}|${last}`) ?? Number.NaN) / (p50s.get(`${t.label}|${maxKeys}|${first}`) ?? Number.NaN);
        report.value(`  ${t.label} p50 ${last.toLocaleString("en-US")} keys / ${first.toLocaleString("en-US")} keys, max-keys ${maxKeys}`, growth, "x", {
          digits: 2,
          note: "1.00 = the page costs the same whatever the bucket holds",
        });
      }
    }
  }
  report.note(
    `ListObjectsV2: prefix "${SLICE_PREFIX}" delimiter "/", one page; the slice is ${SLICE_KEYS.length} keys (${SLICE_ENTRIES} entries: 10 CommonPrefixes rolling up 100 keys, 900 Contents), ` +
      `the rest of the bucket sorts before and after it; the ${first.toLocaleString("en-US")}-key bucket is the slice alone. Each figure: 1 connection, ` +
      `${Math.min(ctx.durationSec, 3)} s per run, median of ${ctx.runs}`,
  );
}

/** (c): large objects through Nimbus, memory after each. */
async function largeObjects(ctx: BenchContext, report: Report, nimbus: RunningProcess): Promise<void> {
  const bigMib = Math.round(numberOption(ctx.options, "big-mib"));
  const multipartMib = Math.round(numberOption(ctx.options, "multipart-mib"));
  const huge = flagOption(ctx.options, "huge");
  const chunk = randomBytes(MIB);
  const md5Started = performance.now();
  const md5 = createHash("md5");
  for (let i = 0; i < bigMib; i++) md5.update(chunk);
  md5.digest();
  const md5Ms = performance.now() - md5Started;
  const md5Rate = bigMib / (md5Ms / 1000);
  const memo = (label: string, m: MemorySample, note: string): void =>
    void report.value(label, megabytes(m.hwmBytes), "MB", { digits: 1, note: `peak (VmHWM); RSS then ${megabytes(m.rssBytes).toFixed(1)} MB; ${note}` });
  const agent = keepAliveAgent(1);
  const size = (mib: number): string => (mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`);

  report.value("md5 (node:crypto, this machine)", md5Rate, "MB/s", { note: `${size(bigMib)} in ${md5Ms.toFixed(0)} ms, in the harness process` });
  memo("nimbus memory before large objects", readMemory(nimbus.pid), "after the 1 KiB load and the listing");

  const bigPath = `/${BUCKET}/big`;
  const s3Headers = { ...signedLookingHeaders("s3"), "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" };
  let put: { ms: number };
  let get: { ms: number; bytes: number; status: number };
  let afterPut: MemorySample;
  let afterGet: MemorySample;
  if (hasCurl) {
    // curl sends a file from the page cache and drops what it receives, so the server is what
    // is measured. The stream ceiling does only what any S3 must: MD5 into a file, file out.
    const bodyFile = join(scratchDir("large-body"), "body");
    // Writing the body file is timed too: a PUT must put every byte into a new file, and on some
    // machines (VMs whose fresh memory faults in from the host) filling the page cache costs
    // more CPU than the MD5 does.
    const writeStarted = performance.now();
    writeRepeated(bodyFile, chunk, bigMib);
    const writeRate = bigMib / ((performance.now() - writeStarted) / 1000);
    report.value(`new file write ${size(bigMib)} (node:fs, this machine)`, writeRate, "MB/s", {
      note: `${(writeRate / md5Rate).toFixed(2)} of MD5 speed; 1 MiB writeSync calls into the page cache, in the harness process`,
    });
    const ceilingDir = scratchDir("stream-ceiling");
    const ceiling = await startStreamCeiling(ceilingDir);
    // One untimed round trip first, on each server, as the 1 KiB loads get a warm-up second: a
    // process's first large upload pays once for what later ones do not (the JIT, Nimbus's hash
    // workers starting, about 0.2 s here, and memory a VM faults in fresh). Measured here, the
    // first 64 MiB PUT took 0.60 s on Nimbus and 0.32 s on the ceiling; the fourth 0.17 and 0.16.
    await warmUp(`${ceiling.url}/big`, bodyFile);
    const cPut = await curlPut(`${ceiling.url}/big`, bodyFile);
    const cGet = await curlGet(`${ceiling.url}/big`);
    await ceiling.stop();
    rmSync(ceilingDir, { recursive: true, force: true });
    if (cPut.status !== 200 || cGet.bytes !== bigMib * MIB) throw new Error(`bench: stream ceiling: PUT ${cPut.status}, GET ${cGet.status} with ${cGet.bytes} bytes`);
    await warmUp(nimbus.url + bigPath, bodyFile, { ...s3Headers, "Content-Type": "application/octet-stream" });
    put = await curlPut(nimbus.url + bigPath, bodyFile, { ...s3Headers, "Content-Type": "application/octet-stream" });
    afterPut = readMemory(nimbus.pid);
    get = await curlGet(nimbus.url + bigPath, s3Headers);
    afterGet = readMemory(nimbus.pid);
    const nodeGet = await timedGet(nimbus.url, bigPath);
    rmSync(bodyFile, { force: true });
    const mbs = (ms: number): number => bigMib / (ms / 1000);
    report.value(`stream ceiling PUT ${size(bigMib)}`, mbs(cPut.ms), "MB/s", { note: `bare node:http, MD5 into a file; ${(mbs(cPut.ms) / md5Rate).toFixed(2)} of MD5 speed; curl` });
    report.value(`nimbus PUT ${size(bigMib)}`, mbs(put.ms), "MB/s", {
      note: `${(put.ms / 1000).toFixed(2)} s; ${(mbs(put.ms) / md5Rate).toFixed(2)} of MD5 speed, ${(cPut.ms / put.ms).toFixed(2)} of the stream ceiling; curl`,
    });
    report.value(`stream ceiling GET ${size(bigMib)}`, mbs(cGet.ms), "MB/s", { note: "bare node:http, a file read in 1 MiB chunks; curl" });
    report.value(`nimbus GET ${size(bigMib)}`, mbs(get.ms), "MB/s", { note: `${(get.ms / 1000).toFixed(2)} s; ${(cGet.ms / get.ms).toFixed(2)} of the stream ceiling; curl` });
    report.value(`nimbus GET ${size(bigMib)}, node:http client`, mbs(nodeGet.ms), "MB/s", { note: "the same GET read by Node's own client, which is its own bottleneck" });
  } else {
    put = await timedPut(nimbus.url, bigPath, chunk, bigMib, agent, `nimbus PUT ${size(bigMib)}`);
    afterPut = readMemory(nimbus.pid);
    get = await timedGet(nimbus.url, bigPath);
    afterGet = readMemory(nimbus.pid);
    const putRate = bigMib / (put.ms / 1000);
    report.value(`nimbus PUT ${size(bigMib)}`, putRate, "MB/s", { note: `${(put.ms / 1000).toFixed(2)} s; ${(putRate / md5Rate).toFixed(2)} of MD5 speed; undici client (no curl here)` });
    report.value(`nimbus GET ${size(bigMib)}`, bigMib / (get.ms / 1000), "MB/s", { note: `${(get.ms / 1000).toFixed(2)} s; node:http client (no curl here), its own bottleneck` });
  }
  if (get.status !== 200 || get.bytes !== bigMib * MIB) throw new Error(`bench: nimbus: ${size(bigMib)} GET answered ${get.status} with ${get.bytes} bytes`);
  await deleteObject(nimbus.url, bigPath, agent, "nimbus");
  ctx.log(`${size(bigMib)}: PUT ${put.ms.toFixed(0)} ms, GET ${get.ms.toFixed(0)} ms, MD5 ${md5Ms.toFixed(0)} ms`);
  memo(`nimbus memory after PUT ${size(bigMib)}`, afterPut, "one loopback connection");
  memo(`nimbus memory after GET ${size(bigMib)}`, afterGet, "one loopback connection");

  const sizes = partSizes(multipartMib);
  const mpPath = `/${BUCKET}/multipart`;
  const mp = await multipartUpload(nimbus.url, mpPath, chunk, sizes, "nimbus");
  const afterMp = readMemory(nimbus.pid);
  const head = await headLength(nimbus.url, mpPath, agent, "nimbus");
  if (head.length !== multipartMib * MIB || !head.etag.endsWith(`-${sizes.length}"`)) {
    throw new Error(`bench: nimbus: the ${size(multipartMib)} multipart object has length ${head.length} and ETag ${head.etag}`);
  }
  await deleteObject(nimbus.url, mpPath, agent, "nimbus");
  ctx.log(`multipart ${size(multipartMib)}: parts ${mp.uploadMs.toFixed(0)} ms, complete ${mp.completeMs.toFixed(0)} ms`);
  report.value(`nimbus multipart ${size(multipartMib)}`, multipartMib / ((mp.uploadMs + mp.completeMs) / 1000), "MB/s", {
    note: `${sizes.length} parts of ${size(sizes[0] ?? 0)}, ${PART_CONCURRENCY} in flight: parts ${(mp.uploadMs / 1000).toFixed(2)} s, CompleteMultipartUpload ${(mp.completeMs / 1000).toFixed(2)} s`,
  });
  memo(`nimbus memory after multipart ${size(multipartMib)}`, afterMp, `${PART_CONCURRENCY} parts streaming at once`);

  if (huge) {
    const hugePath = `/${BUCKET}/huge`;
    const hp = await timedPut(nimbus.url, hugePath, chunk, HUGE_MIB, agent, `nimbus PUT ${size(HUGE_MIB)}`);
    const afterHuge = readMemory(nimbus.pid);
    const h = await headLength(nimbus.url, hugePath, agent, "nimbus");
    if (h.length !== HUGE_MIB * MIB) throw new Error(`bench: nimbus: the ${size(HUGE_MIB)} object has length ${h.length}`);
    await deleteObject(nimbus.url, hugePath, agent, "nimbus");
    ctx.log(`${size(HUGE_MIB)}: PUT ${hp.ms.toFixed(0)} ms`);
    report.value(`nimbus PUT ${size(HUGE_MIB)} (S3's largest single PUT)`, HUGE_MIB / (hp.ms / 1000), "MB/s", { note: `${(hp.ms / 1000).toFixed(2)} s` });
    memo(`nimbus memory after PUT ${size(HUGE_MIB)}`, afterHuge, "one loopback connection");
  }
  agent.destroy();
  report.note(
    `large objects: Nimbus only, --in-memory (metadata in SQLite :memory:, bodies in a temp blob dir); MB = MiB; every upload streams one random 1 MiB chunk repeated, ` +
      `each object is deleted after it is measured; with curl, the timed single PUT and GET follow one untimed PUT and GET of the same size, on the ceiling too.${huge ? "" : " --huge adds a 5 GiB single PUT."}`,
  );
}

export const benchmark: Benchmark = {
  name: "s3",
  description: "S3 1 KiB PutObject/GetObject vs s3rver, fauxqs and the ceiling; ListObjectsV2 at 1k-100k keys; 1 GiB, multipart and 5 GiB uploads: MB/s, RSS",
  options: {
    "big-mib": { type: "string", default: "1024", help: "size of the single large PUT and GET, in MiB" },
    "multipart-mib": { type: "string", default: "2048", help: "size of the multipart upload (20 parts, 4 in flight), in MiB" },
    huge: { type: "boolean", default: false, help: "also a 5 GiB single PUT (S3's maximum) and the memory after it" },
    "list-keys": { type: "string", default: "100000", help: "largest bucket of the ListObjectsV2 part; stages 1,000, 10,000, 100,000 up to it" },
  },
  async run(ctx: BenchContext) {
    const listKeys = Math.round(numberOption(ctx.options, "list-keys"));
    const report = new Report("s3: 1 KiB PutObject / GetObject vs s3rver 3.7, fauxqs 1.9.2 and the ceiling; ListObjectsV2 as the bucket grows; large objects");
    const s3rver = await ensurePeer("s3rver", "3.7", ctx.log);
    const s3rverDir = scratchDir("s3rver");
    const s3rverProc = await startProcess({
      name: "s3rver",
      args: (port) => [
        "-e",
        `const S3rver = require(${JSON.stringify(createRequire(import.meta.url).resolve(s3rver.dir))});` +
          `new S3rver({ port: ${port}, address: "127.0.0.1", directory: ${JSON.stringify(s3rverDir)}, silent: true, allowMismatchedSignatures: true }).run();`,
      ],
    });
    const { peer: fauxqs, process: fauxqsProc } = await startFauxqs(ctx.log);
    const nimbus = await startMeasuredNimbus(ctx);
    const agent = keepAliveAgent(4);
    const s3rverHdrs = s3rverHeaders();
    await createBucket(s3rverProc.url, agent, "s3rver", BUCKET, s3rverHdrs);
    await createBucket(fauxqsProc.url, agent, "fauxqs", BUCKET);
    await createBucket(nimbus.url, agent, "nimbus", BUCKET);

    // (a)
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
          { label: `ceiling (${op.name} size)`, url: ceiling.url, request: { ...op.spec(), expect: { status: 200 } }, pid: ceiling.pid },
          { label: `s3rver ${s3rver.version} ${op.name}`, url: s3rverProc.url, request: op.spec(s3rverHdrs), pid: s3rverProc.pid },
          { label: `fauxqs ${fauxqs.version} ${op.name}`, url: fauxqsProc.url, request: op.spec(), pid: fauxqsProc.pid },
          { label: `nimbus ${op.name}`, url: nimbus.url, request: op.spec(), pid: nimbus.pid },
        ],
        ctx,
        ctx.log,
      );
      await ceiling.stop();
      report.load(c, { baseline: c }).load(s, { baseline: c }).load(f, { baseline: c }).load(n, { baseline: c });
      report.value(`  nimbus / s3rver ${op.name}`, pairedRatio(n, s), "x", { digits: 2, note: cpuNote(n, s, "s3rver") });
      report.value(`  nimbus / fauxqs ${op.name}`, pairedRatio(n, f), "x", { digits: 2, note: cpuNote(n, f, "fauxqs") });
    }
    agent.destroy();
    await s3rverProc.stop();
    report.note(`answer sizes: ${sizes.join(", ")}; s3rver stores on disk, fauxqs and Nimbus (--in-memory: SQLite :memory:, bodies of up to 16 KiB in it, larger ones in a temp blob dir) as they do by default`);
    report.note(
      `1 KiB: ${ctx.connections} connections, ${ctx.durationSec} s per run after ${ctx.warmupSec} s warm-up, medians of ${ctx.runs} interleaved runs; ratio = median of per-run ratios to the ceiling`,
    );

    // (b)
    await listing(ctx, report, [{ label: `fauxqs ${fauxqs.version}`, url: fauxqsProc.url }, { label: "nimbus", url: nimbus.url }], listKeys);
    await fauxqsProc.stop();

    // (c)
    await largeObjects(ctx, report, nimbus);
    await nimbus.stop();
    return report;
  },
};
