/**
 * Serving a function URL request (function-urls.ts routes here): authorization by AuthType, the
 * CORS preflight, the payload 2.0 event, a synchronous invocation, and the answer by Lambda's
 * response rules (domain/url-payloads.ts).
 *
 * - AuthType NONE: anyone may call. Lambda also wants a resource policy allowing
 *   lambda:InvokeFunctionUrl for principal "*"; Nimbus evaluates no IAM policies, so it does not
 *   ask for one.
 * - AuthType AWS_IAM: the request must carry a SigV4 signature (header or presigned query);
 *   without one Lambda answers 403 `{"Message":"Forbidden"}`. Like the rest of Nimbus, the
 *   signature itself is not verified; the access key names the caller (requestContext.authorizer).
 * - InvokeMode RESPONSE_STREAM is recorded and served buffered (handlers return whole responses).
 * - A function error, a timeout or an unreadable response answers 502 "Internal Server Error";
 *   a throttled invocation 429.
 */
import { randomUUID } from "node:crypto";
import { pooledRandomBytes } from "../../core/random.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { verifyRequest } from "../../auth/enforcement.js";
import { parseAuthorization, sha256Hex } from "../../auth/sigv4.js";
import { AwsError } from "../../core/errors.js";
import { headersDistinct, readBodyUpTo } from "../../server/plain-http.js";
import { resolveFunction } from "./domain/functions.js";
import { runFunction } from "./domain/invoker.js";
import { applyCors, preflightHeaders, urlEvent, urlResponse, type UrlRequestContext } from "./domain/url-payloads.js";
import { functionUrlHost } from "./function-urls.js";
import type { LambdaStore } from "./store.js";

// Function URLs take synchronous invocations: the 6 MB request payload quota.
const MAX_REQUEST_BYTES = 6_291_456;

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

interface Answer {
  status: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: Buffer;
}

const message = (status: number, text: string, requestId: string): Answer => ({
  status,
  headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
  body: Buffer.from(JSON.stringify({ Message: text })),
});

export async function handleFunctionUrlRequest(store: LambdaStore, req: AnyRequest, res: AnyResponse): Promise<void> {
  const requestId = randomUUID();
  let answer: Answer;
  try {
    answer = await answerFor(store, req, requestId);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    answer = err.code === "TooManyRequestsException" ? message(429, "Rate Exceeded.", requestId) : message(err.status >= 500 ? 500 : 502, "Internal Server Error", requestId);
  }
  // Whatever was not read of the body is drained so the connection stays usable.
  if (!req.readableEnded) req.resume();
  res.statusCode = answer.status;
  for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
  if (answer.cookies?.length) res.setHeader("set-cookie", answer.cookies);
  const head = req.method === "HEAD";
  res.setHeader("content-length", head ? 0 : answer.body.length);
  if (head) res.end();
  else res.end(answer.body);
}

async function answerFor(store: LambdaStore, req: AnyRequest, requestId: string): Promise<Answer> {
  const host = req.headers.host ?? (req.headers[":authority"] as string | undefined);
  const where = functionUrlHost(host);
  const found = where ? store.functionUrlById(where.urlId) : undefined;
  if (!where || !found || found.scope.region !== where.region) return message(403, "Forbidden", requestId);
  const { scope, config } = found;
  const rawUrl = req.url ?? "/";
  const headers = req.headers as Record<string, string | string[] | undefined>;

  let iam: UrlRequestContext["iam"];
  let signed: ReturnType<typeof parseAuthorization>;
  if (config.authType === "AWS_IAM") {
    try {
      const q = rawUrl.indexOf("?");
      signed = parseAuthorization(headers, q === -1 ? "" : rawUrl.slice(q + 1));
    } catch {
      signed = undefined;
    }
    if (!signed) return message(403, "Forbidden", requestId);
    const principal = store.env.identities.principalOf(signed.accessKeyId);
    iam = { accessKey: signed.accessKeyId, accountId: principal.account, callerId: principal.userId, userArn: principal.arn, userId: principal.userId };
  }

  const origin = typeof headers["origin"] === "string" ? headers["origin"] : undefined;
  const preflightMethod = headers["access-control-request-method"];
  if (config.cors && req.method === "OPTIONS" && origin !== undefined && typeof preflightMethod === "string") {
    return { status: 200, headers: { ...{}, ...preflightHeaders(config.cors, origin, preflightMethod), "x-amzn-requestid": requestId }, body: Buffer.alloc(0) };
  }

  const body = await readBodyUpTo(req, MAX_REQUEST_BYTES);
  if (body === undefined) return message(413, `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`, requestId);
  // With signatures enforced, an AWS_IAM URL checks the signature (over the body's SHA-256) as AWS does.
  const auth = store.env.config.auth;
  if (iam && auth?.enforceSignatures && signed) {
    const q = rawUrl.indexOf("?");
    try {
      verifyRequest(
        { method: req.method ?? "GET", rawPath: q === -1 ? rawUrl : rawUrl.slice(0, q), query: q === -1 ? "" : rawUrl.slice(q + 1), headers: headersDistinct(req), host: host ?? "" },
        signed,
        { identities: store.env.identities, auth, now: store.env.clock.now(), bodySha256: () => sha256Hex(body) },
      );
    } catch (err) {
      if (err instanceof AwsError) return message(403, err.message, requestId);
      throw err;
    }
  }
  const now = store.env.clock.now();
  const traceId = `Root=1-${Math.floor(now / 1000).toString(16).padStart(8, "0")}-${pooledRandomBytes(12).toString("hex")}`;
  const event = urlEvent(
    {
      method: req.method ?? "GET",
      rawUrl,
      headers,
      body,
      sourceIp: req.socket?.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
      protocol: `HTTP/${req.httpVersion}`,
    },
    { urlId: config.urlId, accountId: iam ? iam.accountId : "anonymous", requestId, now, traceId, ...(iam ? { iam } : {}) },
  );
  const target = resolveFunction(store, scope, config.name, config.qualifier === "$LATEST" ? undefined : config.qualifier);
  const result = await runFunction(store, scope, target, Buffer.from(JSON.stringify(event)), { requestId });
  const response = result.functionError ? undefined : urlResponse(result.payload);
  if (!response) return message(502, "Internal Server Error", requestId);
  applyCors(config.cors, origin, response.headers);
  response.headers["x-amzn-requestid"] = requestId;
  response.headers["x-amzn-trace-id"] = traceId;
  return response;
}

