/**
 * The Nimbus process: one port speaking HTTP/1.1 and cleartext HTTP/2 (h2c with prior
 * knowledge, as the Kinesis v3 client sends), internal endpoints under /_nimbus, and the
 * dispatcher for everything else.
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { Duplex, Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Identities } from "../auth/credentials.js";
import { systemClock, type Clock } from "../core/clock.js";
import { AwsError, commonErrors, StalledBody } from "../core/errors.js";
import { createEventBus, type EventBus } from "../core/events.js";
import { createScheduler, type Scheduler } from "../core/scheduler.js";
import type { DynamoDbSettings, LambdaLimits, NimbusConfig, ServiceDefinition, ServiceEnvironment } from "../core/service.js";
import type { AuthConfig } from "../auth/enforcement.js";
import { serializeError } from "../protocol/codec.js";
import { virtualHostBucket } from "../protocol/routing.js";
import type { WireResponse } from "../protocol/wire.js";
import { openState, type StateLayer } from "../state/database.js";
import { ComposedStream } from "../state/blob-store.js";
import { isFileStream, sendFile, sendFiles } from "./file-body.js";
import { headersDistinct, readBodyUpTo, sendJson } from "./plain-http.js";
import { Dispatcher, type IncomingWire } from "./dispatch.js";
import { createLogger, failureFields, type Logger, type LogLevel } from "./logger.js";
import { ServiceRegistry } from "./registry.js";
import { VERSION } from "./version.js";

export interface NimbusOptions {
  readonly port?: number;
  readonly host?: string;
  /** Host name put into URLs Nimbus hands out (queue URLs...). Defaults to localhost. */
  readonly hostname?: string;
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  readonly logLevel?: LogLevel;
  /** Largest non-streaming request body accepted, in bytes. */
  readonly maxBodyBytes?: number;
  /** How long a connection may send nothing mid-request (or read nothing of an answer) before it is closed. */
  readonly idleTimeoutMs?: number;
  /** Lambda's environment caps and account concurrency (`nimbus start --lambda-*`). */
  readonly lambda?: LambdaLimits;
  /** `nimbus start --enforce-signatures` / `--enforce-policies`; absent, neither is enforced. */
  readonly auth?: AuthConfig;
  /** `nimbus start --dynamodb-status-delay` / `--dynamodb-throttling`. */
  readonly dynamodb?: DynamoDbSettings;
  readonly clock?: Clock;
  /** Replace or add service providers (tests use this to drive the protocol layer directly). */
  readonly services?: Readonly<Record<string, ServiceDefinition>>;
  readonly logger?: Logger;
}

export interface Nimbus {
  readonly url: string;
  readonly port: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  readonly state: StateLayer;
  readonly registry: ServiceRegistry;
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4566;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/**
 * S3 closes a connection that neither sends nor reads for 20 seconds mid-request ("20sec idle
 * results in the S3 server closing the connection with the error 400 RequestTimeout", AWS
 * knowledge center, s3-socket-connection-timeout-error: "Your socket connection to the server
 * was not read from or written to within the timeout period. Idle connections will be closed.").
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 20_000;
/**
 * The most an HTTP/1 request line and headers may hold before node's parser refuses them with a
 * bare 431 and no body. Node's own default (16 KiB) is no AWS limit: S3 answers any request
 * whose header section passes its 8 KB with its own 400 RequestHeaderSectionTooLarge (a browser
 * with large cookies met it through CloudFront, department-of-veterans-affairs/va.gov-team#89412),
 * which the S3 dialect can only give to what reaches it (RequestDialect.headerSectionRefused).
 * Past this, node's 431 still guards the server's memory.
 */
const MAX_HEADER_SECTION_BYTES = 64 * 1024;

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

export async function startNimbus(options: NimbusOptions = {}): Promise<Nimbus> {
  const started = performance.now();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(options.logLevel ?? "info");
  const scheduler = createScheduler(clock, { onError: (err, label) => logger.error({ msg: "scheduled task failed", task: label, ...failureFields(err, false) }) });
  const events = createEventBus({ onError: (err, event) => logger.error({ msg: "event listener failed", event: event.type, ...failureFields(err, false) }) });
  const state = openState(options.inMemory || !options.dataDir ? { inMemory: true } : { inMemory: false, dataDir: options.dataDir });
  try {
    return await serve(options, { started, clock, logger, scheduler, events, state });
  } catch (error) {
    // A start that fails (a port in use, a data dir it cannot write) closes what it opened:
    // the scheduler's timer and the checkpointer's worker would keep the process alive.
    scheduler.close();
    state.close();
    throw error;
  }
}

/** The rest of startNimbus, on its opened state. No service has loaded before it listens. */
async function serve(
  options: NimbusOptions,
  { started, clock, logger, scheduler, events, state }: { started: number; clock: Clock; logger: Logger; scheduler: Scheduler; events: EventBus; state: StateLayer },
): Promise<Nimbus> {
  // Crash recovery: temp files and never-retained blobs left by a killed process.
  if (!state.inMemory) await state.blobs.sweep();
  const identities = new Identities(state, clock);
  const hostname = options.hostname ?? "localhost";
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const config: { endpoint: string; hostname: string; port: number; lambda?: LambdaLimits; auth?: AuthConfig; dynamodb?: DynamoDbSettings } = {
    endpoint: "",
    hostname,
    port: options.port ?? DEFAULT_PORT,
    lambda: options.lambda,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.dynamodb ? { dynamodb: options.dynamodb } : {}),
  };
  let dispatcher: Dispatcher | undefined;
  const environment = (): ServiceEnvironment => ({
    state,
    identities,
    clock,
    scheduler,
    events,
    config: config as NimbusConfig,
    logger,
    // `as` passed on: work a service does in the background (S3 event notifications, SNS retries)
    // acts as its service principal, as the same call made during a request does.
    invoke: (service, operation, input, scope, as) => {
      if (!dispatcher) throw new Error("invoke before start");
      return dispatcher.invoke(service, operation, input, scope, as);
    },
  });
  const registry = new ServiceRegistry(environment, options.services);
  dispatcher = new Dispatcher({ registry, identities, clock, scheduler, events, config: config as NimbusConfig });
  const d = dispatcher;
  const startedAt = Date.now();

  const inFlight = new InFlight();
  const onRequest = (req: AnyRequest, res: AnyResponse, expectsContinue = false): void => {
    inFlight.started();
    handleRequest(req, res, d, registry, { state, maxBodyBytes, logger, startedAt, clock, expectsContinue, hostname }).then(inFlight.ended, (err: unknown) => {
      inFlight.ended();
      logger.error({ msg: "request failed", ...failureFields(err) });
      if (!res.headersSent) {
        clearHead(res);
        res.statusCode = 500;
        res.setHeader("Content-Length", 0);
        res.end();
      } else res.destroy();
    });
  };

  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // No limit on a whole request's time (a slow upload of 5 GB may take long), but one on idleness:
  // a client that stalls mid-request, or stops reading its answer, is cut off (onIdle) instead
  // of holding its socket and what its request holds for good. Headers must all come within a minute.
  // The response each HTTP/1.1 connection serves or served last, for onIdle to judge the connection by.
  const serving = new WeakMap<net.Socket, http.ServerResponse>();
  const onH1Request = (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue = false): void => {
    serving.set(req.socket, res);
    onRequest(req, res, expectsContinue);
  };
  const h1 = http.createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000, maxHeaderSize: MAX_HEADER_SECTION_BYTES },
    (req, res) => onH1Request(req, res),
  );
  h1.timeout = idleTimeoutMs;
  h1.on("timeout", (socket: net.Socket) => onIdle(socket, serving.get(socket)));
  // Without this listener node answers every Expect: 100-continue at once, before anything is looked at.
  h1.on("checkContinue", (req, res) => onH1Request(req, res, true));
  // Any other Expect value node answers 417 Expectation Failed; S3 ignores it and answers the
  // request (ceph/s3-tests test_object_create_bad_expect_mismatch and
  // test_bucket_create_bad_expect_mismatch: "Expect: 200 ... garbage, but S3 succeeds!").
  h1.on("checkExpectation", (req, res) => onH1Request(req, res));
  // Requests node's parser refuses never reach a service; node's own answers are kept but one (clientErrorAnswer).
  h1.on("clientError", (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: net.Socket) => {
    const res = serving.get(socket);
    // As node does: no answer over one already being written.
    if (socket.writable && (!res || res.writableEnded || !res.headersSent)) socket.write(clientErrorAnswer(err));
    socket.destroy(err);
  });
  const h2 = http2.createServer({}, onRequest);
  const h2Sessions = new Set<http2.Http2Session>();
  h2.on("session", (session) => {
    h2Sessions.add(session);
    session.on("close", () => h2Sessions.delete(session));
  });
  // One port for both: an HTTP/2 client with prior knowledge opens with the connection preface.
  // Every connection, so that close() ends keep-alive connections instead of waiting them out.
  const sockets = new Set<net.Socket>();
  // noDelay as node:http sets it for its own sockets: without it, Nagle holds back the second
  // write of a response (a streamed body after its headers) until the client's delayed ACK.
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A connection that sends nothing at all is never handed to either server.
    const silent = (): void => {
      socket.destroy();
    };
    socket.setTimeout(idleTimeoutMs, silent);
    socket.once("data", (chunk) => {
      socket.pause();
      socket.setTimeout(0);
      socket.off("timeout", silent);
      if (chunk.subarray(0, 3).toString("latin1") === "PRI") {
        h2.emit("connection", replay(socket, chunk));
        return;
      }
      socket.unshift(chunk);
      h1.emit("connection", socket);
      socket.resume();
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  config.port = address.port;
  config.endpoint = `http://${hostname}:${address.port}`;
  logger.debug({ msg: "started", ms: Math.round(performance.now() - started) });
  resumeServices(state, registry, logger);

  return {
    url: config.endpoint,
    port: address.port,
    clock,
    scheduler,
    events,
    state,
    registry,
    dispatcher,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        h1.closeIdleConnections();
        for (const session of h2Sessions) session.close();
        for (const socket of sockets) socket.destroy();
      });
      // Requests already being handled end before the state closes under them: a service still
      // loading finishes loading, services stop (which ends their long polls), then the handlers
      // left get a grace period to finish.
      await registry.settled();
      registry.close();
      await inFlight.drained(CLOSE_GRACE_MS);
      scheduler.close();
      await events.idle();
      state.close();
    },
  };
}

/**
 * How long close() waits for requests still being handled once their connections are gone. Real
 * time, not the scheduler's: close() stops the scheduler, and a test's manual clock never moves on
 * its own.
 */
const CLOSE_GRACE_MS = 2_000;

/** The requests being handled, so that close() can wait for them. */
class InFlight {
  private count = 0;
  private onDrained: (() => void) | undefined;

  started(): void {
    this.count += 1;
  }

  readonly ended = (): void => {
    this.count -= 1;
    if (this.count === 0) this.onDrained?.();
  };

  /** Resolves when no request is being handled, or after `graceMs` at most. */
  drained(graceMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.onDrained = undefined;
        resolve();
      };
      const timer = setTimeout(done, graceMs);
      timer.unref();
      this.onDrained = done;
    });
  }
}

/**
 * An HTTP/1.1 connection idle for the idle timeout (node asks before it closes one). A request
 * whose body has all come and whose answer is still being worked out (an SQS long poll, a
 * Lambda invocation) may wait as long as it takes, and an answer the server is slow to produce
 * keeps its connection; a request whose body stalled, an answer the client stopped reading,
 * and a keep-alive connection past its timeout are closed.
 */
function onIdle(socket: net.Socket, res: http.ServerResponse | undefined): void {
  // `res` is the connection's latest response; one whose answer has all gone leaves the connection idle between requests.
  if (res && !res.writableFinished && res.req.complete && !res.writableNeedDrain) return;
  // A body that stopped short of its length, its answer not begun, while something reads it:
  // the reader is told, so the service may answer (S3's RequestTimeout, see handleRequest)
  // before the connection closes. Whatever comes of it, the connection goes within a second.
  const req = res?.req;
  if (res && req && !res.headersSent && !req.complete && !stalledRequests.has(req) && req.listenerCount("error") > 0) {
    stalledRequests.add(req);
    req.emit("error", new StalledBody());
    setTimeout(() => socket.destroy(), STALLED_ANSWER_GRACE_MS).unref();
    return;
  }
  socket.destroy();
}

/** Requests whose body stalled (onIdle): answered, if at all, on a connection that then closes. */
const stalledRequests = new WeakSet<http.IncomingMessage>();
const STALLED_ANSWER_GRACE_MS = 1000;

/**
 * The HTTP/2 session reads straight from a socket's native handle, so bytes we already read
 * to sniff the preface cannot be pushed back; a stream that replays them first is handed over
 * instead (only for h2c connections; HTTP/1.1 keeps the raw socket).
 */
function replay(socket: net.Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  duplex.push(first);
  socket.on("data", (data) => {
    if (!duplex.push(data)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("close", () => duplex.destroy());
  Object.defineProperty(duplex, "remoteAddress", { get: () => socket.remoteAddress });
  return duplex;
}

interface HandleOptions {
  readonly state: StateLayer;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  readonly startedAt: number;
  readonly clock: Clock;
  /** The request sent Expect: 100-continue and waits for the interim 100 before its body. */
  readonly expectsContinue: boolean;
  /** Nimbus's own host name, under which `<bucket>.<hostname>` addresses a bucket. */
  readonly hostname: string;
}

/**
 * Services load on first use, so start-up stays fast; but a service that has state from an
 * earlier run may have work due (SQS retention, DynamoDB TTL, S3 lifecycle, log retention),
 * so those are loaded right after the port is open, off the start-up path.
 */
function resumeServices(state: StateLayer, registry: ServiceRegistry, logger: Logger): void {
  if (state.inMemory) return;
  const used = state.db.prepare<[], { service: string }>("SELECT DISTINCT service FROM _migrations").all().map((r) => r.service);
  setImmediate(() => {
    for (const id of used) {
      if (!registry.has(id) || registry.state(id) !== "available") continue;
      Promise.resolve(registry.get(id)).catch((err: unknown) => logger.error({ msg: "service failed to resume", service: id, error: String(err) }));
    }
  });
}

function headerMap(req: AnyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const headers = req.headers;
  for (const k in headers) {
    if (k.charCodeAt(0) === 58 /* : an HTTP/2 pseudo-header */) continue;
    const v = headers[k];
    out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/**
 * A non-streaming body, at once when it has all arrived; past the limit, RequestEntityTooLarge
 * with the declared size when there is one.
 */
function readBody(req: AnyRequest, limit: number): Buffer | Promise<Buffer> {
  const body = readBodyUpTo(req, limit);
  if (Buffer.isBuffer(body)) return body;
  return body.then((whole) => {
    if (whole !== undefined) return whole;
    const declared = Number(req.headers["content-length"] ?? "0");
    throw commonErrors.RequestEntityTooLarge({ size: declared > limit ? declared : `more than ${limit}`, limit });
  });
}

async function handleRequest(req: AnyRequest, res: AnyResponse, dispatcher: Dispatcher, registry: ServiceRegistry, opts: HandleOptions): Promise<void> {
  const started = performance.now();
  // The target as it came, before an absolute-form one is rewritten: what the header section held.
  const sentTarget = req.url ?? "";
  if (req.url !== undefined && req.url.charCodeAt(0) !== 47 /* / */) req.url = originForm(req.url);
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  // Only HTTP/1.1 requests are told to expect it (see the checkContinue listener).
  const continued = opts.expectsContinue ? continueOnFirstRead(req as http.IncomingMessage, res as http.ServerResponse) : undefined;
  // Lambda function URLs (by host), SNS's delivery records (by path): see the catalog's plainHttp.
  // A virtual-hosted bucket's host owns every path (its keys), so no path rule applies to it.
  const host = req.headers.host ?? (req.headers[":authority"] as string | undefined) ?? "";
  const pathRulesApply = (): boolean => virtualHostBucket(host, opts.hostname) === undefined;
  const plain = registry.plainHttpHandler(host, rawPath, pathRulesApply);
  if (plain) return (await plain)(req, res, registry);
  if ((rawPath.startsWith("/_nimbus/") || rawPath.startsWith("/_localstack/")) && pathRulesApply()) {
    return internalEndpoint(rawPath, res, registry, opts);
  }
  const headers = headerMap(req);
  const rawQuery = q === -1 ? "" : rawUrl.slice(q + 1);
  const wire: IncomingWire = {
    method: req.method ?? "GET",
    rawPath,
    query: new URLSearchParams(rawQuery),
    rawQuery,
    headers,
    host: headers["host"] ?? (req.headers[":authority"] as string | undefined) ?? "",
    sourceIp: req.socket?.remoteAddress ?? "127.0.0.1",
    httpVersion: req.httpVersion,
    // HTTP/2 frames its headers itself: no header section to hold to a limit.
    headerBytes: () => (req.httpVersionMajor === 1 ? headerSectionBytes(req, sentTarget) : 0),
    headersDistinct: () => headersDistinct(req),
    stream: req as Readable,
    readBody: (limit) => readBody(req, limit === undefined ? opts.maxBodyBytes : Math.min(limit, opts.maxBodyBytes)),
  };
  let result = await dispatcher.handle(wire);
  const answered = performance.now();
  if (stalledRequests.has(req as http.IncomingMessage)) {
    // Its body will not come: the service's answer to that (a dialect's stalledBody) goes on a
    // closing connection; a service without one has the connection closed unanswered.
    if (result.failure instanceof StalledBody) {
      res.destroy();
      return;
    }
    res.setHeader("Connection", "close");
  }
  // Whatever the handler left unread of a request body is drained so the connection stays usable;
  // a body the client still holds back (no 100 was sent) never comes, so its connection closes.
  if (continued !== undefined && !continued()) res.setHeader("Connection", "close");
  else if (!req.readableEnded) req.resume();
  result.response.headers["date"] ??= httpDate(opts.clock.now());
  const head = wire.method === "HEAD";
  let failure = result.failure;
  try {
    await send(res, result.response, head);
  } catch (err) {
    // node refused the answer's head (a header it cannot write) before a byte of it went out:
    // the service's 500 goes instead, and the request is logged as the failure it is.
    if (res.headersSent) throw err;
    clearHead(res);
    const date = result.response.headers["date"];
    result = dispatcher.unwritable(result, head);
    result.response.headers["date"] = date;
    failure = err;
    await send(res, result.response, head);
  }
  const finished = performance.now();
  const latencyMs = Math.round((finished - started) * 100) / 100;
  if (result.sent) {
    try {
      result.sent({ bytesSent: wire.method === "HEAD" ? 0 : bodyBytes(result.response), totalMs: finished - started, turnAroundMs: answered - started });
    } catch (err) {
      opts.logger.error({ msg: "request log failed", requestId: result.requestId, error: String(err) });
    }
  }
  const line: Record<string, unknown> = {
    requestId: result.requestId,
    service: result.service,
    operation: result.operation,
    status: result.response.status,
    latencyMs,
    account: result.account,
    region: result.region,
  };
  // An error answer names its AWS code, which the status alone does not (403: AccessDenied or SignatureDoesNotMatch?).
  if (result.errorCode !== undefined) line["errorCode"] = result.errorCode;
  if (failure) opts.logger.error({ ...{}, ...line, ...failureFields(failure) });
  else opts.logger.info(line);
}

/**
 * The bytes of an HTTP/1 request's request line and header lines (`Name: value` and CRLF each),
 * as the target and headers came: what a limit on the header section is held against.
 */
function headerSectionBytes(req: AnyRequest, target: string): number {
  let bytes = (req.method ?? "").length + target.length + req.httpVersion.length + 9;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i++) bytes += (raw[i] as string).length + 2;
  return bytes;
}

/**
 * A request target in absolute-form (`PUT http://host:4566/bucket/key HTTP/1.1`) as the path and
 * query it names. "A server MUST accept the absolute-form in requests even though most HTTP/1.1
 * clients will only send the absolute-form to a proxy" (RFC 9112 section 3.2.2), and S3 does: the
 * AWS SDK for Go v1 sent S3 requests so, which "S3 handles correctly" (aws/aws-sdk-go#344, #944).
 * Clients still send it: the AWS SDK for .NET v4, and any client told to use Nimbus as its HTTP
 * proxy (Perl's LWP with http_proxy). A target in any other form is left as it came.
 */
function originForm(target: string): string {
  const authority = /^https?:\/\/[^/?#]*/i.exec(target);
  if (!authority) return target;
  const rest = target.slice(authority[0].length);
  return rest.charCodeAt(0) === 47 /* / */ ? rest : `/${rest}`;
}

/**
 * The Date header as Nimbus's clock has it, the clock signatures are judged by (node's own would
 * be the host's). The SDKs correct their clock skew from it: the v3 SDK and botocore retry a
 * RequestTimeTooSkewed or "Signature expired" once they have, so it must be the time that refused them.
 */
function httpDate(now: number): string {
  // One text per second, as node keeps its own (a Date and its formatting on every response cost ~0.5 µs).
  const second = Math.floor(now / 1000);
  if (second !== lastDate.second) lastDate = { second, text: new Date(second * 1000).toUTCString() };
  return lastDate.text;
}

let lastDate = { second: Number.NaN, text: "" };

/**
 * Expect: 100-continue, as S3 answers it: "When your application uses 100-continue, it does not
 * send the request body until it receives an acknowledgment. If the message is rejected based on
 * the headers, the body of the message is not sent" (common request headers; for PUT, "because
 * of authentication failure or redirect"). The 100 goes out when the body is first read, so an
 * answer decided before that (NoSuchBucket, a PermanentRedirect, a refused signature) is the
 * final one and the client keeps its body, to send again where it was redirected. Tells whether
 * the 100 went out.
 */
function continueOnFirstRead(req: http.IncomingMessage, res: http.ServerResponse): () => boolean {
  let continued = false;
  const read = req._read;
  req._read = function (size: number): void {
    req._read = read;
    if (!res.headersSent) {
      continued = true;
      res.writeContinue();
    }
    read.call(this, size);
  };
  return () => continued;
}

/** A response body's length: counted when it was whole, else as its Content-Length declared it. */
function bodyBytes(response: WireResponse): number {
  const body = response.body;
  if (body === undefined) return 0;
  if (typeof body === "string" || Buffer.isBuffer(body)) return Buffer.byteLength(body);
  return Number(response.headers["content-length"] ?? response.headers["Content-Length"] ?? 0) || 0;
}

/**
 * Whole responses finished in one turn of the event loop are written together at its end.
 * Over loopback, each write that finds the client asleep pays for waking it (on a VM, an
 * interrupt: a sixth of a small GET's server time in profiles); written back to back, one
 * wake-up serves them all. A lone request waits for nothing: the turn ends as soon as its
 * handler has run. Order is kept, so pipelined responses on one connection stay in order.
 */
let pendingEnds: { res: AnyResponse; body: string | Buffer | undefined }[] = [];

function endThisTurn(res: AnyResponse, body?: string | Buffer): void {
  if (pendingEnds.push({ res, body }) === 1) setImmediate(endPending);
}

function endPending(): void {
  const ends = pendingEnds;
  pendingEnds = [];
  for (const { res, body } of ends) {
    // One response that cannot be written must not hold back the others.
    try {
      if (body === undefined) res.end();
      else res.end(body);
    } catch {
      res.destroy();
    }
  }
}

/**
 * Response header names as AWS writes them on HTTP/1.1 ("ETag", "Content-Type", "Last-Modified");
 * Nimbus keeps them lowercase inside. Names are case-insensitive in HTTP, but clients written
 * against AWS match them exactly: libs3 compares "ETag", "Content-Type" and "Content-Length"
 * with strncmp, JetS3t 0.8 looks "Content-Type", "ETag", "Last-Modified" and "Date" up in a
 * case-sensitive map, so lowercase names left them without an object's ETag, type, length or
 * date. AWS's own record: the REST GET response in the S3 developer guide ("Last-Modified: ...
 * ETag: ... Content-Type: text/plain / Content-Length: 5 / Connection: close / Server:
 * AmazonS3") and S3's Common Response Headers. x-amz-* names stay lowercase, as S3 writes them
 * (but for the SSE-C key's MD5);
 * HTTP/2 lowercases every name.
 */
const WIRE_NAMES = new Map(
  [
    "Accept-Ranges",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Allow",
    "Cache-Control",
    "Connection",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-MD5",
    "Content-Range",
    "Content-Type",
    "Date",
    "ETag",
    "Expires",
    "Last-Modified",
    "Location",
    "Retry-After",
    "Server",
    "Vary",
    // The one x-amz-* name S3 writes with capitals (its raw answers in dyus/meeseeks-s3's SSE-C goldens).
    "x-amz-server-side-encryption-customer-key-MD5",
  ].map((name) => [name.toLowerCase(), name]),
);

function wireName(name: string): string {
  return WIRE_NAMES.get(name) ?? name;
}

/**
 * LENGTH_LAST: node (since nodejs/node#46528) writes a Content-Disposition that comes after a
 * Content-Length as the UTF-8 its text decodes to, where every other header value is written one
 * byte per character (latin1). Header values here are those bytes (node reads request headers
 * so), so a filename sent as UTF-8 ("résumé", "文件") was re-encoded, or refused with
 * ERR_INVALID_CHAR and a 500. Content-Length written last keeps Content-Disposition's bytes as
 * they came.
 */
async function send(res: AnyResponse, response: WireResponse, head: boolean): Promise<void> {
  const headers = response.headers;
  const body = head ? undefined : response.body;
  if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) {
    // The whole answer is known: its headers go to writeHead in one object, which node
    // serialises as it is (setHeader per header also keeps a case-folded map for later reads).
    const out: Record<string, string | number> = {};
    let length: string | undefined;
    for (const k in headers) {
      if (k.length === 14 && k.toLowerCase() === "content-length") length = headers[k] as string;
      else out[wireName(k)] = headers[k] as string;
    }
    // Content-Length goes last (see LENGTH_LAST). A 304 may only carry the length a 200 would
    // have had, and "a server MUST NOT send a Content-Length header field in any response with a
    // status code of ... 204 (No Content)" (RFC 9110 section 8.6): S3's 204s carry none (the
    // DeleteObject sample response, S3 API reference).
    if (response.status !== 204) {
      if (length !== undefined) out["Content-Length"] = length;
      else if (!head && response.status !== 304) out["Content-Length"] = body === undefined ? "0" : Buffer.byteLength(body);
    }
    res.writeHead(response.status, out);
    endThisTurn(res, body);
    return;
  }
  res.statusCode = response.status;
  let length: string | undefined;
  for (const k in headers) {
    if (k.length === 14 && k.toLowerCase() === "content-length") length = headers[k] as string;
    else res.setHeader(wireName(k), headers[k] as string);
  }
  if (length !== undefined) res.setHeader("Content-Length", length);
  if (isFileStream(body)) return sendFile(body, res as unknown as Writable);
  if (body instanceof ComposedStream) return sendFiles(body.files(), res as unknown as Writable, body);
  const readable = body instanceof Readable ? body : Readable.from(body);
  await pipeline(readable, res as NodeJS.WritableStream);
}

/**
 * Forgets what a response's head was given before node refused part of it: the headers set so
 * far, and the reason phrase of the status a refused writeHead had already recorded ("500 OK").
 */
function clearHead(res: AnyResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  // HTTP/2 has no reason phrase (node warns when one is set).
  if (res instanceof http.ServerResponse) res.statusMessage = "";
}

function internalEndpoint(path: string, res: AnyResponse, registry: ServiceRegistry, opts: HandleOptions): void {
  const { state } = opts;
  if (path === "/_nimbus/health" || path === "/_localstack/health") {
    const services: Record<string, string> = {};
    for (const id of registry.ids) services[id] = registry.state(id);
    sendJson(res, 200, { version: VERSION, edition: "nimbus", uptime: Math.round((Date.now() - opts.startedAt) / 1000), services });
    return;
  }
  // Lambda's GetFunction Code.Location: the deployment package by its content address. The
  // SHA-256 in the URL is the capability, as the presigned URL is on AWS.
  const code = /^\/_nimbus\/lambda\/code\/([0-9a-f]{64})\.zip$/.exec(path);
  if (code?.[1] && state.blobs.has(code[1])) {
    res.statusCode = 200;
    res.setHeader("content-type", "application/zip");
    res.setHeader("content-length", state.blobs.size(code[1]));
    state.blobs.get(code[1]).pipe(res as NodeJS.WritableStream);
    return;
  }
  const err = new AwsError("NotFound", `No internal endpoint at ${path}.`, 404);
  const response = serializeError(undefined, "rest-json", err, { requestId: "-" });
  res.statusCode = 404;
  res.setHeader("content-type", "application/json");
  res.end(response.body as string);
}

/** Content codings S3 will not take as a Transfer-Encoding. */
const COMPRESSING_CODINGS: ReadonlySet<string> = new Set(["gzip", "deflate", "compress"]);

/**
 * What a request node's parser refuses is answered. A Transfer-Encoding beside a Content-Length
 * is refused before any service sees it; S3 answers one whose codings name a compression 501 Not
 * Implemented, with no body and Cache-Control: no-store, and any other it refuses 400 with no body
 * (its answers recorded in dyus/meeseeks-s3: tests/put_bucket_versioning/golden
 * TestPutBucketVersioningTransferEncoding.test_transfer_encoding_gzip_not_implemented,
 * ..._deflate_not_implemented, ..._chunked_gzip_not_implemented, ..._gzip_chunked_not_implemented,
 * ..._unknown_rejected, ..._br_rejected; tests/list_object_versions/golden
 * TestListObjectVersionsTransferEncoding.test_transfer_encoding_get[te_gzip], [te_unknown]). S3
 * takes identity (and answers chunked with a signature mismatch); node refuses both, left as they
 * are. Any other refusal gets node's own answer.
 */
function clientErrorAnswer(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): string {
  // llhttp refuses both headers together as an invalid Content-Length, or first as an invalid
  // Transfer-Encoding where chunked is not the last coding ("chunked, gzip"); what S3 answers
  // without a Content-Length is not on record.
  const parsing = err.code === "HPE_INVALID_CONTENT_LENGTH" || err.code === "HPE_INVALID_TRANSFER_ENCODING";
  const head = parsing ? (err.rawPacket?.toString("latin1").split("\r\n\r\n", 1)[0] ?? "") : "";
  const codings = [...head.matchAll(/^transfer-encoding:(.*)$/gim)].flatMap((m) => (m[1] ?? "").split(",").map((c) => c.trim().toLowerCase()));
  if (codings.length > 0 && /^content-length:/im.test(head)) {
    if (codings.some((c) => COMPRESSING_CODINGS.has(c))) return "HTTP/1.1 501 Not Implemented\r\nCache-Control: no-store\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    return "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  }
  if (err.code === "HPE_HEADER_OVERFLOW") return "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n";
  if (err.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") return "HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n";
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
  return "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
}
