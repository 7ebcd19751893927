/**
 * What a function URL sends the function and what it makes of the answer: the payload format
 * version 2.0 event (as API Gateway HTTP APIs send it, with `$default` for the route and stage),
 * the response rules, and CORS. Pure functions, no I/O.
 *
 * Response rules (Lambda's "Response payload format" for function URLs):
 * - an object with `statusCode` is a response: statusCode, headers, body (base64 when
 *   isBase64Encoded), cookies as Set-Cookie headers; content-type defaults to application/json;
 * - anything else that is valid JSON is the body of a 200 with content-type application/json;
 *   a JSON string is sent as its value (`"Hello"` answers `Hello`), other values as their JSON;
 * - a response Lambda cannot read (a statusCode that is not an HTTP status, a header no HTTP
 *   answer can carry) is a 502.
 */
import { own, setOwn } from "../../../core/own.js";
import { headerNameSendable, headerValueSendable } from "../../../protocol/wire.js";
import type { UrlCors } from "../store.js";

export interface UrlRequest {
  method: string;
  /** Path and query exactly as the client sent them. */
  rawUrl: string;
  /** Lower-cased names, as node:http gives them. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: Buffer;
  sourceIp: string;
  /** "HTTP/1.1" or "HTTP/2.0". */
  protocol: string;
}

export interface UrlRequestContext {
  urlId: string;
  /** "anonymous" for AuthType NONE, the caller's account for AWS_IAM. */
  accountId: string;
  requestId: string;
  /** Epoch ms. */
  now: number;
  /** requestContext.authorizer for AWS_IAM URLs. */
  iam?: { accessKey: string; accountId: string; callerId: string; userArn: string; userId: string };
  traceId: string;
}

export interface UrlResponse {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** requestContext.time: `15/Jan/2026:12:00:00 +0000`, as API Gateway writes its access logs. */
export function requestTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? ""}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * Bodies of text types travel as text; any other body (images, form posts, no content type at
 * all) is base64 with isBase64Encoded true, as function URLs send them.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "application/javascript" ||
    type === "application/graphql"
  );
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === "string" ? value : value.join(",");
}

export function urlEvent(req: UrlRequest, ctx: UrlRequestContext): Record<string, unknown> {
  const q = req.rawUrl.indexOf("?");
  const rawPath = q === -1 ? req.rawUrl : req.rawUrl.slice(0, q);
  const rawQueryString = q === -1 ? "" : req.rawUrl.slice(q + 1);
  const host = single(req.headers["host"]) ?? "";
  const domainName = host.replace(/:\d+$/, "");
  const port = /:(\d+)$/.exec(host)?.[1] ?? "80";

  // Cookies leave the headers for their own list, as in payload format 2.0.
  const cookies: string[] = [];
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    if (name === "cookie") {
      for (const part of (typeof value === "string" ? [value] : value).join(";").split(";")) if (part.trim()) cookies.push(part.trim());
      continue;
    }
    headers[name] = typeof value === "string" ? value : value.join(",");
  }
  headers["x-forwarded-for"] ??= req.sourceIp;
  headers["x-forwarded-proto"] ??= "http";
  headers["x-forwarded-port"] ??= port;
  headers["x-amzn-trace-id"] = ctx.traceId;

  // Repeated parameters are joined with commas.
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) {
    const seen = own(query, k);
    setOwn(query, k, seen === undefined ? v : `${seen},${v}`);
  }

  const text = isTextContentType(headers["content-type"]);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // A malformed escape stays as sent.
  }
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: ctx.accountId,
      apiId: ctx.urlId,
      ...(ctx.iam ? { authorizer: { iam: { ...{}, ...ctx.iam, cognitoIdentity: null, principalOrgId: null } } } : {}),
      domainName,
      domainPrefix: ctx.urlId,
      http: { method: req.method, path, protocol: req.protocol, sourceIp: req.sourceIp, userAgent: headers["user-agent"] ?? "" },
      requestId: ctx.requestId,
      routeKey: "$default",
      stage: "$default",
      time: requestTime(ctx.now),
      timeEpoch: ctx.now,
    },
    ...(req.body.length ? { body: text ? req.body.toString("utf8") : req.body.toString("base64") } : {}),
    isBase64Encoded: req.body.length > 0 && !text,
  };
}

const JSON_HEADERS = { "content-type": "application/json" };

/** The HTTP answer for a function's result; undefined when Lambda could not read it (502). */
export function urlResponse(payload: Buffer): UrlResponse | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString("utf8"));
  } catch {
    return { status: 200, headers: { ...JSON_HEADERS }, cookies: [], body: payload };
  }
  if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && "statusCode" in parsed) {
    const r = parsed as { statusCode?: unknown; headers?: unknown; body?: unknown; isBase64Encoded?: unknown; cookies?: unknown };
    const status = typeof r.statusCode === "string" && /^\d+$/.test(r.statusCode) ? Number(r.statusCode) : r.statusCode;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
    const headers: Record<string, string> = {};
    if (r.headers !== undefined && r.headers !== null) {
      if (typeof r.headers !== "object" || Array.isArray(r.headers)) return undefined;
      for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
        if (v === null || v === undefined) continue;
        const value = typeof v === "string" ? v : JSON.stringify(v);
        // A header no HTTP answer can carry (a line break in its value, a space in its name) makes
        // the response one Lambda cannot send, where node would refuse it whole.
        if (!headerNameSendable(k) || !headerValueSendable(value)) return undefined;
        headers[k.toLowerCase()] = value;
      }
    }
    headers["content-type"] ??= "application/json";
    const cookies = Array.isArray(r.cookies) ? r.cookies.filter((c): c is string => typeof c === "string") : [];
    if (!cookies.every(headerValueSendable)) return undefined;
    let body = Buffer.alloc(0);
    if (typeof r.body === "string") body = r.isBase64Encoded === true ? Buffer.from(r.body, "base64") : Buffer.from(r.body, "utf8");
    else if (r.body !== undefined && r.body !== null) body = Buffer.from(JSON.stringify(r.body), "utf8");
    return { status, headers, cookies, body };
  }
  const body = typeof parsed === "string" ? Buffer.from(parsed, "utf8") : payload;
  return { status: 200, headers: { ...JSON_HEADERS }, cookies: [], body };
}

function originAllowed(cors: UrlCors, origin: string): boolean {
  return (cors.AllowOrigins ?? []).some((o) => o === "*" || o.toLowerCase() === origin.toLowerCase());
}

function allowOrigin(cors: UrlCors, origin: string): string {
  // With credentials a browser refuses "*": the origin itself is echoed.
  return (cors.AllowOrigins ?? []).includes("*") && !cors.AllowCredentials ? "*" : origin;
}

/**
 * A CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) on a URL with CORS
 * configured is answered by Lambda without invoking the function: the headers to send, empty
 * when the origin or the method is not allowed (the browser then refuses the request).
 */
export function preflightHeaders(cors: UrlCors, origin: string, method: string): Record<string, string> {
  const methods = cors.AllowMethods ?? [];
  const methodOk = methods.includes("*") || methods.some((m) => m.toUpperCase() === method.toUpperCase());
  if (!originAllowed(cors, origin) || !methodOk) return {};
  return {
    "access-control-allow-origin": allowOrigin(cors, origin),
    "access-control-allow-methods": methods.join(","),
    ...(cors.AllowHeaders?.length ? { "access-control-allow-headers": cors.AllowHeaders.join(",") } : {}),
    ...(cors.MaxAge !== undefined ? { "access-control-max-age": String(cors.MaxAge) } : {}),
    ...(cors.AllowCredentials ? { "access-control-allow-credentials": "true" } : {}),
    ...(allowOrigin(cors, origin) !== "*" ? { vary: "Origin" } : {}),
  };
}

/**
 * The CORS headers of an actual response. With CORS configured, Lambda replaces whatever
 * access-control-* headers the function returned by these.
 */
export function applyCors(cors: UrlCors | undefined, origin: string | undefined, headers: Record<string, string>): void {
  if (!cors) return;
  for (const name of Object.keys(headers)) if (name.startsWith("access-control-")) delete headers[name];
  if (origin === undefined || !originAllowed(cors, origin)) return;
  headers["access-control-allow-origin"] = allowOrigin(cors, origin);
  if (cors.ExposeHeaders?.length) headers["access-control-expose-headers"] = cors.ExposeHeaders.join(",");
  if (cors.AllowCredentials) headers["access-control-allow-credentials"] = "true";
  if (headers["access-control-allow-origin"] !== "*") headers["vary"] = headers["vary"] ? `${headers["vary"]}, Origin` : "Origin";
}
