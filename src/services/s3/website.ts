/**
 * S3 static website hosting, served on the website endpoint (`<bucket>.s3-website.<region>...`
 * or `<bucket>.s3-website-<region>...`): anonymous GET and HEAD of the bucket's objects as web
 * pages, per the bucket's website configuration (PutBucketWebsite): index documents for `/`
 * and `dir/`, the error document, whole-site redirects, routing rules, and per-object
 * redirects (x-amz-website-redirect-location). Unlike the REST endpoint, errors are HTML pages.
 *
 * Public-read is not checked: Nimbus serves unsigned requests as the default account, as its
 * REST endpoint does.
 */
import { authorize } from "./authorization.js";
import { AwsError } from "../../core/errors.js";
import type { HttpRoute, HttpRouteContext } from "../../core/service.js";
import { hostId } from "../../protocol/codec.js";
import { websiteEndpoint } from "../../protocol/routing.js";
import type { WireRequest, WireResponse } from "../../protocol/wire.js";
import { evaluateReadConditions, resolveRange } from "./domain/conditions.js";
import { parseEncryption } from "./encryption.js";
import { errors, s3DomainErrors } from "./errors.js";
import { assertReadable } from "./restore.js";
import { noteReadAccess } from "./intelligent-tiering.js";
import type { ObjectRow, S3Store } from "./store.js";
import { decodeS3Path, metadataOutput, splitBucketPath } from "./objects.js";

export interface RoutingRule {
  readonly Condition?: { readonly KeyPrefixEquals?: string; readonly HttpErrorCodeReturnedEquals?: string };
  readonly Redirect: {
    readonly Protocol?: string;
    readonly HostName?: string;
    readonly ReplaceKeyPrefixWith?: string;
    readonly ReplaceKeyWith?: string;
    readonly HttpRedirectCode?: string;
  };
}

/** As PutBucketWebsite stored it. */
export interface WebsiteConfiguration {
  readonly IndexDocument?: { readonly Suffix: string };
  readonly ErrorDocument?: { readonly Key: string };
  readonly RedirectAllRequestsTo?: { readonly HostName: string; readonly Protocol?: string };
  readonly RoutingRules?: readonly RoutingRule[];
}

// --- pure rules ------------------------------------------------------------------------------

/** The object a request path names: `/` and `dir/` take the index document suffix. */
export function documentKey(key: string, suffix: string | undefined): string {
  return suffix !== undefined && (key === "" || key.endsWith("/")) ? key + suffix : key;
}

/**
 * The first routing rule that applies: before the lookup (`errorCode` undefined) only rules
 * without an HTTP error condition; after a failed lookup, only rules whose error code is it.
 * KeyPrefixEquals is matched against the key as requested.
 */
export function matchRoutingRule(rules: readonly RoutingRule[] | undefined, key: string, errorCode?: number): RoutingRule | undefined {
  for (const rule of rules ?? []) {
    const prefix = rule.Condition?.KeyPrefixEquals;
    const code = rule.Condition?.HttpErrorCodeReturnedEquals;
    if (errorCode === undefined ? code !== undefined : code !== String(errorCode)) continue;
    if (prefix !== undefined && !key.startsWith(prefix)) continue;
    return rule;
  }
  return undefined;
}

function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

/** Where a routing rule sends a request for `key`: protocol and host default to the request's. */
export function redirectLocation(rule: RoutingRule, key: string, request: { protocol: string; host: string }): { status: number; location: string } {
  const r = rule.Redirect;
  let target = key;
  if (r.ReplaceKeyWith !== undefined) target = r.ReplaceKeyWith;
  else if (r.ReplaceKeyPrefixWith !== undefined) target = r.ReplaceKeyPrefixWith + key.slice((rule.Condition?.KeyPrefixEquals ?? "").length);
  const status = r.HttpRedirectCode !== undefined ? Number(r.HttpRedirectCode) : 301;
  return { status, location: `${r.Protocol ?? request.protocol}://${r.HostName ?? request.host}/${encodeKey(target)}` };
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  412: "Precondition Failed",
  416: "Requested Range Not Satisfiable",
  500: "Internal Server Error",
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface PageError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Error members S3 lists (Key, BucketName...), in order. */
  readonly details?: Readonly<Record<string, string>>;
}

function items(error: PageError): string {
  const lines = [`<li>Code: ${escapeHtml(error.code)}</li>`, `<li>Message: ${escapeHtml(error.message)}</li>`];
  for (const [name, value] of Object.entries(error.details ?? {})) lines.push(`<li>${escapeHtml(name)}: ${escapeHtml(value)}</li>`);
  return lines.join("\n");
}

/** S3's website error page; `errorDocumentError` is the failure to fetch the bucket's own error document. */
export function websiteErrorPage(error: PageError, requestId: string, errorDocumentError?: PageError): string {
  const title = `${error.status} ${STATUS_TEXT[error.status] ?? "Error"}`;
  const parts = [
    "<html>",
    `<head><title>${title}</title></head>`,
    "<body>",
    `<h1>${title}</h1>`,
    "<ul>",
    items(error),
    `<li>RequestId: ${escapeHtml(requestId)}</li>`,
    `<li>HostId: ${escapeHtml(hostId(requestId))}</li>`,
    "</ul>",
  ];
  if (errorDocumentError) {
    parts.push("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>", "<ul>", items(errorDocumentError), "</ul>");
  }
  parts.push("<hr/>", "</body>", "</html>", "");
  return parts.join("\n");
}

// --- serving ---------------------------------------------------------------------------------

function pageFromAwsError(err: AwsError): PageError {
  const details: Record<string, string> = {};
  for (const [name, value] of Object.entries(err.fields)) if (typeof value === "string" || typeof value === "number") details[name] = String(value);
  return { status: err.status, code: err.code, message: err.message, details };
}

function errorResponse(error: PageError, requestId: string, errorDocumentError?: PageError): WireResponse {
  const headers: Record<string, string> = {
    "content-type": "text/html; charset=utf-8",
    "x-amz-error-code": error.code,
    "x-amz-error-message": error.message,
  };
  for (const [name, value] of Object.entries(error.details ?? {})) headers[`x-amz-error-detail-${name}`] = encodeURIComponent(value);
  return { status: error.status, headers, body: websiteErrorPage(error, requestId, errorDocumentError) };
}

function redirect(status: number, location: string): WireResponse {
  return { status, headers: { location, "content-length": "0" } };
}

function currentObject(store: S3Store, bucket: string, key: string): ObjectRow | undefined {
  if (key === "") return undefined;
  const row = store.latest(bucket, key);
  return row && !row.delete_marker ? row : undefined;
}

/** The headers a served object carries (as GetObject has them). */
function objectHeaders(row: ObjectRow): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": row.content_type ?? "binary/octet-stream",
    etag: row.etag,
    "last-modified": new Date(row.last_modified).toUTCString(),
    "accept-ranges": "bytes",
  };
  if (row.content_encoding !== null) headers["content-encoding"] = row.content_encoding;
  if (row.content_disposition !== null) headers["content-disposition"] = row.content_disposition;
  if (row.content_language !== null) headers["content-language"] = row.content_language;
  if (row.cache_control !== null) headers["cache-control"] = row.cache_control;
  if (row.expires !== null) headers["expires"] = row.expires;
  for (const [name, value] of Object.entries(metadataOutput(row))) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

/** Serves a stored object: conditions, ranges, archived and SSE-C objects as S3 answers them. */
function serveObject(req: WireRequest, ctx: HttpRouteContext<S3Store>, row: ObjectRow, status = 200): WireResponse {
  assertReadable(ctx.store, row, ctx.clock.now());
  // The website endpoint has no way to present a customer key.
  if (parseEncryption(row.encryption).customerKeyMd5 !== undefined) {
    throw s3DomainErrors.InvalidRequest({ message: "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object." });
  }
  const headers = objectHeaders(row);
  if (status === 200) {
    const verdict = evaluateReadConditions(
      {
        ...{}, ...(req.headers["if-match"] !== undefined ? { ifMatch: req.headers["if-match"] } : {}),
        ...(req.headers["if-none-match"] !== undefined ? { ifNoneMatch: req.headers["if-none-match"] } : {}),
        ...(req.headers["if-modified-since"] !== undefined ? { ifModifiedSince: req.headers["if-modified-since"] } : {}),
        ...(req.headers["if-unmodified-since"] !== undefined ? { ifUnmodifiedSince: req.headers["if-unmodified-since"] } : {}),
      },
      { etag: row.etag, lastModified: row.last_modified },
      ctx.clock.now(),
    );
    if (verdict === "not-modified") return { status: 304, headers: { etag: row.etag, "last-modified": headers["last-modified"] as string } };
    // A download through the website endpoint is a GET of the object: Intelligent-Tiering counts it as access.
    if (req.method === "GET") noteReadAccess(ctx.store, row, ctx.clock.now());
    const range = resolveRange(req.headers["range"], row.size);
    if (range.kind === "partial") {
      headers["content-range"] = range.contentRange;
      headers["content-length"] = String(range.length);
      return { status: 206, headers, ...(req.method === "GET" ? { body: ctx.store.blobs.get(row.blob_id ?? "", { start: range.start, end: range.end }) } : {}) };
    }
  }
  headers["content-length"] = String(row.size);
  // HEAD opens no stream: the server would never read it.
  return { status, headers, ...(req.method === "GET" && row.size > 0 ? { body: ctx.store.blobs.get(row.blob_id ?? "") } : {}) };
}

/** A failed lookup: a routing rule for the error code, the bucket's error document, or S3's page. */
function failure(req: WireRequest, ctx: HttpRouteContext<S3Store>, config: WebsiteConfiguration, bucket: string, requestedKey: string, error: PageError, request: { protocol: string; host: string }): WireResponse {
  const rule = matchRoutingRule(config.RoutingRules, requestedKey, error.status);
  if (rule) {
    const { status, location } = redirectLocation(rule, requestedKey, request);
    return redirect(status, location);
  }
  const errorKey = config.ErrorDocument?.Key;
  // "Amazon S3 returns your custom error document for only the HTTP 4XX class of error codes."
  // A HEAD, which has no body to show it in, gets the error's own headers (x-amz-error-code...)
  // whatever the error document (scality/cloudserver's websiteHead.js, run against AWS).
  if (errorKey === undefined || error.status < 400 || error.status > 499 || req.method === "HEAD") return errorResponse(error, ctx.requestId);
  const document = currentObject(ctx.store, bucket, errorKey);
  if (document) {
    try {
      // The error document is served with the error's status, never a redirect of its own.
      return serveObject(req, ctx, document, error.status);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      return errorResponse(error, ctx.requestId, pageFromAwsError(err));
    }
  }
  return errorResponse(error, ctx.requestId, { status: 404, code: "NoSuchKey", message: s3DomainErrors.specs.NoSuchKey.message, details: { Key: errorKey } });
}

export async function serveWebsite(req: WireRequest, ctx: HttpRouteContext<S3Store>): Promise<WireResponse> {
  const path = splitBucketPath(ctx.path);
  let bucketName: string;
  let requestedKey: string;
  try {
    bucketName = decodeS3Path(path.bucket);
    requestedKey = decodeS3Path(path.key);
  } catch {
    return errorResponse({ status: 400, code: "InvalidURI", message: "Couldn't parse the specified URI.", details: { URI: req.rawPath } }, ctx.requestId);
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return errorResponse({ status: 405, code: "MethodNotAllowed", message: errors.MethodNotAllowed().message, details: { Method: req.method, ResourceType: "OBJECT" } }, ctx.requestId);
  }
  const bucket = ctx.store.bucket(bucketName);
  if (!bucket) return errorResponse({ status: 404, code: "NoSuchBucket", message: errors.NoSuchBucket().message, details: { BucketName: bucketName } }, ctx.requestId);
  const config = ctx.store.config<WebsiteConfiguration>(bucket.name, "website");
  if (!config) {
    return errorResponse({ status: 404, code: "NoSuchWebsiteConfiguration", message: errors.NoSuchWebsiteConfiguration().message, details: { BucketName: bucket.name } }, ctx.requestId);
  }
  const request = { protocol: req.headers["x-forwarded-proto"] === "https" ? "https" : "http", host: req.host };
  if (config.RedirectAllRequestsTo) {
    const to = config.RedirectAllRequestsTo;
    return redirect(301, `${to.Protocol ?? request.protocol}://${to.HostName}${req.rawPath}`);
  }
  const rule = matchRoutingRule(config.RoutingRules, requestedKey);
  if (rule) {
    const { status, location } = redirectLocation(rule, requestedKey, request);
    return redirect(status, location);
  }
  const suffix = config.IndexDocument?.Suffix;
  const key = documentKey(requestedKey, suffix);
  /** The page for an action the (anonymous) visitor may not take, when policies are enforced. */
  const refusal = (action: string, resourceKey: string | undefined): WireResponse | undefined => {
    try {
      authorize(ctx, bucket, action, resourceKey, {});
      return undefined;
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      return failure(req, ctx, config, bucket.name, requestedKey, pageFromAwsError(err), request);
    }
  };
  // Website endpoints are anonymous: the bucket must be readable by anyone.
  const unreadable = refusal("s3:GetObject", key);
  if (unreadable) return unreadable;
  const row = currentObject(ctx.store, bucket.name, key);
  if (!row) {
    // `/dir` with a `dir/index.html`: S3 sends the browser to the folder.
    if (suffix !== undefined && requestedKey !== "" && currentObject(ctx.store, bucket.name, `${requestedKey}/${suffix}`)) {
      return { status: 302, headers: { location: `/${encodeKey(requestedKey)}/`, "content-length": "0" } };
    }
    // A missing key is a 404 only to a caller who may list the bucket; to anyone else a 403.
    return refusal("s3:ListBucket", undefined) ?? failure(req, ctx, config, bucket.name, requestedKey, { status: 404, code: "NoSuchKey", message: s3DomainErrors.specs.NoSuchKey.message, details: { Key: key } }, request);
  }
  if (row.website_redirect !== null) return redirect(301, row.website_redirect);
  try {
    return serveObject(req, ctx, row);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    if (err.status === 304) throw err;
    return failure(req, ctx, config, bucket.name, requestedKey, pageFromAwsError(err), request);
  }
}

/** The website route for requests to a website endpoint host. */
export function websiteRoute(request: WireRequest): HttpRoute<S3Store> | undefined {
  if (!websiteEndpoint(request.host)) return undefined;
  return { operation: request.method === "HEAD" ? "WebsiteHead" : "WebsiteGet", handle: serveWebsite };
}
