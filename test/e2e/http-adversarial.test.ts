/**
 * Bytes no SDK would send, written on raw sockets: malformed paths, stalled and vanished
 * clients. Each gets an AWS-style answer (or its connection closed), never a 500 or a hang.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, type TestNimbus, uniqueName } from "./harness.js";

interface RawReply {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/**
 * One request written as given; the reply read until the connection closes (the request says
 * Connection: close). A server that answers before the whole request is written may close under the writer.
 */
function rawRequest(port: number, bytes: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err) => {
      if (chunks.length === 0) reject(err);
    });
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), head: text.slice(0, split), body: text.slice(split + 4) });
    });
  });
}

function request(method: string, path: string, headers: Record<string, string> = {}, body = ""): string {
  const lines = [`${method} ${path} HTTP/1.1`, "Host: localhost", "Connection: close", `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

// One Nimbus for the file; the stall tests start their own, with a short idle timeout.
let nimbus: TestNimbus;
before(async () => {
  nimbus = await startTestNimbus();
});
after(() => nimbus.close());

describe("raw HTTP: paths that are not UTF-8", () => {

  test("a bucket or key whose percent-encoding is not UTF-8 answers S3's 400 InvalidURI", async () => {
    const bucket = uniqueName("uri");
    assert.equal((await rawRequest(nimbus.port, request("PUT", `/${bucket}`))).status, 200);
    for (const [method, path, headers] of [
      ["GET", `/${bucket}/%FF`, {}],
      ["PUT", `/${bucket}/a%zz`, {}],
      ["GET", "/%FF", {}],
      ["GET", `/${bucket}/%C3`, { Origin: "http://example.com" }],
    ] as const) {
      const reply = await rawRequest(nimbus.port, request(method, path, headers));
      assert.equal(reply.status, 400, `${method} ${path}`);
      assert.match(reply.body, /<Code>InvalidURI<\/Code><Message>Couldn't parse the specified URI\.<\/Message>/, `${method} ${path}`);
    }
    // A browser form POST to such a bucket.
    const form = "--xx\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--xx--\r\n";
    const post = await rawRequest(nimbus.port, request("POST", "/%FF", { "Content-Type": "multipart/form-data; boundary=xx" }, form));
    assert.equal(post.status, 400);
    assert.match(post.body, /<Code>InvalidURI<\/Code><Message>Couldn't parse the specified URI.<\/Message><URI>\/%FF<\/URI>/);
    // A CORS preflight finds no such bucket, as for any bucket that does not exist.
    const preflight = await rawRequest(nimbus.port, request("OPTIONS", "/%FF/k", { Origin: "http://example.com", "Access-Control-Request-Method": "GET" }));
    assert.equal(preflight.status, 403);
  });

  test("an SQS queue URL whose path is not UTF-8 is no queue", async () => {
    const queueUrl = encodeURIComponent(`${nimbus.url}/000000000000/%FF`);
    const reply = await rawRequest(nimbus.port, request("POST", "/", { "Content-Type": "application/x-www-form-urlencoded" }, `Action=SendMessage&QueueUrl=${queueUrl}&MessageBody=x`));
    assert.equal(reply.status, 400);
    assert.match(reply.body, /<Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code>/);
  });
});

describe("raw HTTP: request targets in absolute-form", () => {

  // RFC 9112 section 3.2.2: servers must accept `METHOD http://host/path`; S3 does (aws/aws-sdk-go#344).
  test("S3 and SQS requests whose target names the scheme and host are served as their path", async () => {
    const bucket = uniqueName("absolute");
    const origin = `http://127.0.0.1:${nimbus.port}`;
    assert.equal((await rawRequest(nimbus.port, request("PUT", `${origin}/${bucket}`))).status, 200);
    const put = await rawRequest(nimbus.port, request("PUT", `${origin}/${bucket}/a%20b%2B%C3%BC.txt`, { "Content-Type": "text/plain" }, "absolute body"));
    assert.equal(put.status, 200, put.body);
    const get = await rawRequest(nimbus.port, request("GET", `HTTP://localhost/${bucket}/a%20b%2B%C3%BC.txt`));
    assert.equal(get.status, 200, get.body);
    assert.equal(get.body, "absolute body");
    const list = await rawRequest(nimbus.port, request("GET", `${origin}/${bucket}?list-type=2&prefix=a`));
    assert.equal(list.status, 200, list.body);
    assert.match(Buffer.from(list.body, "latin1").toString("utf8"), /<Key>a b\+ü\.txt<\/Key>/);
    const listed = await rawRequest(nimbus.port, request("POST", origin, { "Content-Type": "application/x-www-form-urlencoded" }, "Action=ListQueues&Version=2012-11-05"));
    assert.equal(listed.status, 200, listed.body);
    assert.match(listed.body, /<ListQueuesResponse/);
  });
});

describe("raw HTTP: clients that go away", () => {

  const openFiles = (): number => readdirSync("/proc/self/fd").length;

  test("a GetObject whose client stops reading, then goes away, closes the object's file", { skip: process.platform !== "linux" }, async () => {
    const bucket = uniqueName("gone");
    assert.equal((await rawRequest(nimbus.port, request("PUT", `/${bucket}`))).status, 200);
    const size = 16 * 1024 * 1024;
    const put = `PUT /${bucket}/big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: ${size}\r\n\r\n`;
    assert.equal((await rawRequest(nimbus.port, Buffer.concat([Buffer.from(put), Buffer.alloc(size, 97)]))).status, 200);
    const before = openFiles();
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(nimbus.port, "127.0.0.1", () => socket.write(`GET /${bucket}/big HTTP/1.1\r\nHost: localhost\r\n\r\n`));
        socket.once("data", () => {
          // Reads nothing more, so the server's socket fills; then leaves.
          socket.pause();
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 50);
        });
        socket.on("error", reject);
      });
    }
    // The server notices each close within a few turns of the event loop.
    for (let wait = 0; wait < 20 && openFiles() > before; wait++) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(openFiles(), before);
  });
});

describe("raw HTTP: clients that stall", () => {
  let stalling: TestNimbus;
  before(async () => {
    stalling = await startTestNimbus({ idleTimeoutMs: 200 });
  });
  after(() => stalling.close());

  /** Writes `bytes` and nothing more; resolves with how long the server took to close the connection (or 5 s) and what it answered. */
  function stallFor(bytes: string): Promise<{ ms: number; answer: string }> {
    const started = performance.now();
    return new Promise((resolve) => {
      const socket = net.connect(stalling.port, "127.0.0.1", () => socket.write(bytes));
      const timer = setTimeout(() => socket.destroy(), 5000);
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearTimeout(timer);
        resolve({ ms: performance.now() - started, answer });
      });
    });
  }
  const stall = async (bytes: string): Promise<number> => (await stallFor(bytes)).ms;

  test("a connection that stalls before, within or after its headers, or mid-body, is closed once idle", async () => {
    const bucket = uniqueName("stall");
    assert.equal((await rawRequest(stalling.port, request("PUT", `/${bucket}`))).status, 200);
    const partialBody = `PUT /${bucket}/k HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789`;
    const partialJson = `POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{`;
    for (const bytes of ["", "PUT /b/k HTTP/1.1\r\nHost: loc", partialBody, partialJson]) {
      const ms = await stall(bytes);
      assert.ok(ms < 2000, `${JSON.stringify(bytes.slice(0, 30))} held ${Math.round(ms)} ms`);
    }
  });

  test("an S3 body that stops short of its Content-Length is answered 400 RequestTimeout once idle, and the connection closed", async () => {
    const bucket = uniqueName("stall-answer");
    assert.equal((await rawRequest(stalling.port, request("PUT", `/${bucket}`))).status, 200);
    const cases = [
      // Small (read whole), large (streamed into the blob store), and a body read whole by the dispatcher.
      `PUT /${bucket}/small HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789`,
      `PUT /${bucket}/large HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n${"x".repeat(70_000)}`,
      `POST /${bucket}?delete HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\nContent-Length: 500\r\n\r\n<Delete><Object><Key>a</Key>`,
    ];
    for (const bytes of cases) {
      const { ms, answer } = await stallFor(bytes);
      assert.ok(ms < 2000, `${bytes.slice(0, 40)} held ${Math.round(ms)} ms`);
      assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/, bytes.slice(0, 40));
      assert.match(answer, /\r\nconnection: close\r\n/i);
      assert.match(answer, /<Error><Code>RequestTimeout<\/Code><Message>Your socket connection to the server was not read from or written to within the timeout period\. Idle connections will be closed\.<\/Message>/);
    }
    // Nothing was stored, and the server goes on.
    assert.equal((await rawRequest(stalling.port, request("GET", `/${bucket}/small`))).status, 404);
    assert.equal((await rawRequest(stalling.port, request("GET", `/${bucket}/large`))).status, 404);
  });

  test("a stalled DynamoDB body is closed unanswered (no RequestTimeout of DynamoDB's is on record)", async () => {
    const partialJson = `POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{`;
    const { ms, answer } = await stallFor(partialJson);
    assert.ok(ms < 2000);
    assert.equal(answer, "");
  });

  test("a request whose answer takes longer than the idle timeout (an SQS long poll) is still answered", async () => {
    const form = (body: string): string => request("POST", "/", { "Content-Type": "application/x-www-form-urlencoded" }, body);
    const created = await rawRequest(stalling.port, form(`Action=CreateQueue&QueueName=${uniqueName("poll")}`));
    const queueUrl = encodeURIComponent(/<QueueUrl>([^<]+)/.exec(created.body)?.[1] ?? "");
    const poll = rawRequest(stalling.port, form(`Action=ReceiveMessage&QueueUrl=${queueUrl}&WaitTimeSeconds=5`));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await rawRequest(stalling.port, form(`Action=SendMessage&QueueUrl=${queueUrl}&MessageBody=late`))).status, 200);
    const reply = await poll;
    assert.equal(reply.status, 200);
    assert.match(reply.body, /<Body>late<\/Body>/);
  });
});

describe("raw HTTP: XML bodies", () => {

  test("an S3 XML body nested deeper than the parser goes answers MalformedXML", async () => {
    const bucket = uniqueName("deep");
    assert.equal((await rawRequest(nimbus.port, request("PUT", `/${bucket}`))).status, 200);
    const body = `<Tagging>${"<a>".repeat(10_000)}${"</a>".repeat(10_000)}</Tagging>`;
    // PutBucketTagging needs an integrity header (ingest.ts INTEGRITY_REQUIRED); the body is what is under test.
    const md5 = createHash("md5").update(body).digest("base64");
    const reply = await rawRequest(nimbus.port, request("PUT", `/${bucket}?tagging`, { "Content-Type": "application/xml", "Content-MD5": md5 }, body));
    assert.equal(reply.status, 400);
    assert.match(reply.body, /<Code>MalformedXML<\/Code><Message>The XML you provided was not well-formed or did not validate against our published schema<\/Message>/);
  });
});

describe("raw HTTP: the header section's size", () => {

  const headerSectionTooLarge = /<Error><Code>RequestHeaderSectionTooLarge<\/Code><Message>Your request header section exceeds the maximum allowed size\.<\/Message><MaxSizeAllowed>8192<\/MaxSizeAllowed><RequestId>/;

  // S3 holds the request line and headers to 8 KB (versity/versitygw#2180; S3 user guide).
  test("S3 refuses a request whose headers or query pass 8 KB with 400 RequestHeaderSectionTooLarge, and stores nothing", async () => {
    const bucket = uniqueName("headers");
    assert.equal((await rawRequest(nimbus.port, request("PUT", `/${bucket}`))).status, 200);
    const cases = [
      request("PUT", `/${bucket}/k`, { "X-Large-Header": "d".repeat(9000) }, "refused"),
      request("GET", `/${uniqueName("no-such")}/k`, { "X-Large-Header": "d".repeat(9000) }),
      request("GET", `/${bucket}?list-type=2&prefix=${"p".repeat(9000)}`),
      // Past node's own 16 KiB default, S3's answer still, not node's bare 431.
      request("PUT", `/${bucket}/k`, { "X-Large-Header": "d".repeat(20_000) }, "refused"),
      request("GET", `/${bucket}/k`, { Cookie: "c".repeat(40_000) }),
    ];
    for (const bytes of cases) {
      const reply = await rawRequest(nimbus.port, bytes);
      assert.equal(reply.status, 400, bytes.slice(0, 40));
      assert.match(reply.body, headerSectionTooLarge, bytes.slice(0, 40));
    }
    assert.equal((await rawRequest(nimbus.port, request("GET", `/${bucket}/k`))).status, 404);
    // Under the limit, the same request is served.
    const put = await rawRequest(nimbus.port, request("PUT", `/${bucket}/k`, { "X-Large-Header": "d".repeat(7000) }, "kept"));
    assert.equal(put.status, 200, put.body);
    assert.equal((await rawRequest(nimbus.port, request("GET", `/${bucket}/k`))).body, "kept");
  });

  test("other services keep taking headers past 8 KB", async () => {
    const reply = await rawRequest(nimbus.port, request("POST", "/", { "Content-Type": "application/x-www-form-urlencoded", "X-Large-Header": "d".repeat(9000) }, "Action=ListQueues&Version=2012-11-05"));
    assert.equal(reply.status, 200, reply.body);
  });
});

describe("raw HTTP: a Transfer-Encoding beside a Content-Length", () => {
  // S3's answers recorded in dyus/meeseeks-s3 (put_bucket_versioning and list_object_versions
  // goldens): a compression among the codings is 501 with no body, any other 400 with no body.
  test("is 501 Not Implemented with Cache-Control: no-store where it names a compression, else 400, with no body", async () => {
    const bucket = uniqueName("te");
    assert.equal((await rawRequest(nimbus.port, request("PUT", `/${bucket}`))).status, 200);
    const body = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
    for (const coding of ["gzip", "deflate", "compress", "chunked, gzip", "gzip, chunked"]) {
      const reply = await rawRequest(nimbus.port, request("PUT", `/${bucket}?versioning`, { "Transfer-Encoding": coding }, body));
      assert.equal(reply.status, 501, coding);
      assert.match(reply.head, /^Cache-Control: no-store$/m, coding);
      assert.equal(reply.body, "0\r\n\r\n", coding);
    }
    const get = await rawRequest(nimbus.port, request("GET", `/${bucket}?versions`, { "Transfer-Encoding": "gzip" }));
    assert.equal(get.status, 501);
    for (const coding of ["unknown", "br"]) {
      const reply = await rawRequest(nimbus.port, request("PUT", `/${bucket}?versioning`, { "Transfer-Encoding": coding }, body));
      assert.deepEqual([reply.status, reply.body], [400, ""], coding);
      assert.match(reply.head, /^Content-Length: 0$/m, coding);
    }
    // Versioning was never turned on.
    assert.doesNotMatch((await rawRequest(nimbus.port, request("GET", `/${bucket}?versioning`))).body, /Enabled/);
  });
});

describe("raw HTTP: the size of a request body", () => {

  // DynamoDB's HTTP layer takes 16 MiB and answers 413 past it (architect/dynalite's test/connection.js, run against DynamoDB).
  test("DynamoDB answers 413 to a body of more than 16 MiB, before reading it as JSON, and takes one of 16 MiB", async () => {
    const target = (bytes: number): string =>
      request("POST", "/", { "X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0" }, "a".repeat(bytes));
    const over = await rawRequest(nimbus.port, target(16 * 1024 * 1024 + 1));
    assert.equal(over.status, 413, over.body);
    const limit = await rawRequest(nimbus.port, target(16 * 1024 * 1024));
    assert.equal(limit.status, 400, limit.body);
    assert.match(limit.body, /"__type":"com\.amazon\.coral\.service#SerializationException"/);
    // The server goes on.
    const listed = await rawRequest(nimbus.port, request("POST", "/", { "X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0" }, "{}"));
    assert.equal(listed.status, 200, listed.body);
  });
});
