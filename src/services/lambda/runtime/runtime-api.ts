/**
 * A local Lambda Runtime API (version 2018-06-01), the HTTP interface a runtime inside an
 * execution environment uses to take invocations and hand back results:
 *
 *   GET  /2018-06-01/runtime/invocation/next            long poll for the next event
 *   POST /2018-06-01/runtime/invocation/{id}/response   the handler's result
 *   POST /2018-06-01/runtime/invocation/{id}/error      a function error
 *   POST /2018-06-01/runtime/init/error                 the runtime could not initialize
 *
 * One server per execution environment. Runtimes find the API through `AWS_LAMBDA_RUNTIME_API`
 * as `host:port` and append the fixed path, so environments cannot share a port and be told
 * apart by a path prefix. A node:http server costs about 0.2 ms to listen and 0.03 ms to close
 * on this class of machine (measured with 200 servers), far below a process start, so each
 * environment simply gets its own server on an ephemeral 127.0.0.1 port.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export const RUNTIME_API_VERSION = "2018-06-01";
/** Lambda's limit on a synchronous response payload: 6 MB plus the 100-byte envelope AWS allows. */
export const MAX_SYNC_RESPONSE_BYTES = 6_291_556;

export interface RuntimeInvocation {
  requestId: string;
  payload: Buffer;
  /** The function timeout; the deadline is fixed when the runtime actually receives the event. */
  timeoutMs: number;
  invokedFunctionArn: string;
  traceId: string;
  /** JSON text of the client context (the Invoke API's base64 `ClientContext`, decoded). */
  clientContext?: string;
  /** JSON text of the Cognito identity, for invocations from the mobile SDKs. */
  cognitoIdentity?: string;
}

export interface RuntimeApiListener {
  /** The runtime asked for its first event: its Init phase is over. */
  onReady?(): void;
  /** The event went out to the runtime (the handler's Duration starts here). */
  onDelivered?(requestId: string, deadlineMs: number): void;
  onResponse(requestId: string, body: Buffer, contentType: string | undefined): void;
  onError(requestId: string, body: Buffer, errorType: string | undefined): void;
  /** The runtime posted more than the response limit; the body was not kept. */
  onResponseTooLarge(requestId: string): void;
  onInitError(body: Buffer, errorType: string | undefined): void;
}

export interface RuntimeApiOptions {
  /** Epoch milliseconds, for `Lambda-Runtime-Deadline-Ms`. */
  now: () => number;
  maxResponseBytes?: number;
}

// Runtime states named as AWS's Runtime API names them in its InvalidStateTransition errors.
type RuntimeState = "Started" | "Ready" | "Running" | "RuntimeResponseSentState" | "InitError";

const PREFIX = `/${RUNTIME_API_VERSION}/runtime`;
const INVOCATION_PATH = new RegExp(`^${PREFIX}/invocation/([^/]+)/(response|error)$`);

export class RuntimeApi {
  private state: RuntimeState = "Started";
  private pendingNext: http.ServerResponse | undefined;
  private queued: RuntimeInvocation | undefined;
  private current: string | undefined;
  private closed = false;
  private readonly maxResponseBytes: number;

  private constructor(
    private readonly server: http.Server,
    private readonly listener: RuntimeApiListener,
    private readonly options: RuntimeApiOptions,
  ) {
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_SYNC_RESPONSE_BYTES;
  }

  static async listen(listener: RuntimeApiListener, options: RuntimeApiOptions): Promise<RuntimeApi> {
    const server = http.createServer({ noDelay: true });
    // The runtime holds its /next request open for as long as the environment is idle.
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    const api = new RuntimeApi(server, listener, options);
    server.on("request", (req, res) => api.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return api;
  }

  /** `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    const addr = this.server.address() as AddressInfo;
    return `127.0.0.1:${addr.port}`;
  }

  /** Hands an event to the runtime now if it is waiting on /next, or as soon as it asks. */
  dispatch(invocation: RuntimeInvocation): void {
    if (this.queued || this.current) throw new Error("runtime API: one invocation at a time per environment");
    this.queued = invocation;
    this.deliver();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pendingNext?.destroy();
    this.pendingNext = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(): void {
    const res = this.pendingNext;
    const inv = this.queued;
    if (!res || !inv) return;
    this.pendingNext = undefined;
    this.queued = undefined;
    this.current = inv.requestId;
    this.state = "Running";
    const deadlineMs = this.options.now() + inv.timeoutMs;
    const headers: Record<string, string | number> = {
      "Content-Type": "application/json",
      "Content-Length": inv.payload.length,
      "Lambda-Runtime-Aws-Request-Id": inv.requestId,
      "Lambda-Runtime-Deadline-Ms": String(deadlineMs),
      "Lambda-Runtime-Invoked-Function-Arn": inv.invokedFunctionArn,
      "Lambda-Runtime-Trace-Id": inv.traceId,
    };
    if (inv.clientContext !== undefined) headers["Lambda-Runtime-Client-Context"] = inv.clientContext;
    if (inv.cognitoIdentity !== undefined) headers["Lambda-Runtime-Cognito-Identity"] = inv.cognitoIdentity;
    res.writeHead(200, headers);
    res.end(inv.payload);
    this.listener.onDelivered?.(inv.requestId, deadlineMs);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? "").split("?")[0] ?? "";
    if (req.method === "GET" && url === `${PREFIX}/invocation/next`) return this.next(req, res);
    if (req.method === "POST" && url === `${PREFIX}/init/error`) return this.initError(req, res);
    const match = req.method === "POST" ? INVOCATION_PATH.exec(url) : null;
    if (match) return this.result(req, res, decodeURIComponent(match[1] ?? ""), match[2] as "response" | "error");
    req.resume();
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("404 page not found\n");
  }

  private next(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    if (this.state === "Running" || this.state === "InitError" || this.pendingNext) {
      return forbidden(res, this.state, "Ready");
    }
    const first = this.state === "Started";
    this.state = "Ready";
    this.pendingNext = res;
    // A runtime that dies (or gives up) while waiting must not be handed an event.
    res.on("close", () => {
      if (this.pendingNext === res) this.pendingNext = undefined;
    });
    if (first) this.listener.onReady?.();
    this.deliver();
  }

  private initError(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.state !== "Started") {
      req.resume();
      return forbidden(res, this.state, "InitError");
    }
    this.state = "InitError";
    const errorType = header(req, "lambda-runtime-function-error-type");
    readBody(req, this.maxResponseBytes).then(({ body }) => {
      accepted(res);
      this.listener.onInitError(body, errorType);
    }, () => res.destroy());
  }

  private result(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, kind: "response" | "error"): void {
    if (this.state !== "Running") {
      req.resume();
      return forbidden(res, this.state, kind === "response" ? "InvocationResponse" : "InvocationErrorResponse");
    }
    if (requestId !== this.current) {
      req.resume();
      return json(res, 400, { errorMessage: "Invalid request ID", errorType: "InvalidRequestID" });
    }
    this.state = "RuntimeResponseSentState";
    this.current = undefined;
    const contentType = header(req, "content-type");
    const errorType = header(req, "lambda-runtime-function-error-type");
    readBody(req, this.maxResponseBytes).then(({ body, tooLarge }) => {
      if (tooLarge) {
        json(res, 413, {
          errorMessage: `Exceeded maximum allowed payload size (${this.maxResponseBytes} bytes).`,
          errorType: "RequestEntityTooLarge",
        });
        this.listener.onResponseTooLarge(requestId);
        return;
      }
      accepted(res);
      if (kind === "response") this.listener.onResponse(requestId, body, contentType);
      else this.listener.onError(requestId, body, errorType);
    }, () => res.destroy());
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads at most `limit` bytes; past that it drains the rest and reports the body as too large. */
function readBody(req: http.IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on("error", reject);
  });
}

function accepted(res: http.ServerResponse): void {
  json(res, 202, { status: "OK" });
}

function forbidden(res: http.ServerResponse, from: string, to: string): void {
  json(res, 403, {
    errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
    errorType: "InvalidStateTransition",
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
