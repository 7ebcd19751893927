/**
 * HTTP bindings of the rest-json and rest-xml protocols: routing a method and path to an
 * operation from the model's `requestUri` templates, and moving members between URI labels,
 * query string, headers, status code and body.
 */
import { setOwn } from "../core/own.js";
import type { Operation, ServiceModel, Shape } from "./model.js";
import { readScalar, ScalarFormatError } from "./xml.js";
import { formatTimestamp, parseTimestamp } from "./timestamps.js";
import type { WireRequest } from "./wire.js";

interface Route {
  readonly op: Operation;
  readonly method: string;
  readonly pattern: RegExp;
  readonly labels: readonly string[];
  /** Query keys (with an optional required value) written into the requestUri. */
  readonly queryLiterals: readonly (readonly [string, string | undefined])[];
  /** Required input members bound to the query string or headers: they tell operations apart. */
  readonly requiredQuery: readonly string[];
  readonly requiredHeaders: readonly string[];
  readonly literalLength: number;
}

export interface RestMatch {
  readonly op: Operation;
  readonly labels: Readonly<Record<string, string>>;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Routes of one method sharing one path pattern: the pattern is run once for all of them. */
interface PathGroup {
  readonly pattern: RegExp;
  readonly routes: Route[];
  /**
   * The routes a request without a query string can reach: those that name no query key, as a
   * literal or as a required member. Most requests (every plain GetObject) have no query string,
   * and S3 binds ten GET operations to `/{Bucket}/{Key+}` of which only GetObject is such a route.
   */
  readonly unqueried: Route[];
}

export class RestRouter {
  private readonly routes: Route[] = [];
  /**
   * Routes by method, then by path pattern. S3 binds some fifty GET operations to three
   * patterns (`/`, `/{Bucket}`, `/{Bucket}/{Key+}`) told apart by the query string, so
   * matching runs three regular expressions instead of fifty.
   */
  private readonly byMethod = new Map<string, PathGroup[]>();

  constructor(
    private readonly model: ServiceModel,
    /** Decodes a path label; a `%`-escape that is not UTF-8 throws URIError. */
    private readonly decodeLabel: (text: string) => string = decodeURIComponent,
  ) {
    for (const op of model.operations.values()) {
      const route = this.compile(op);
      this.routes.push(route);
      let groups = this.byMethod.get(route.method);
      if (!groups) this.byMethod.set(route.method, (groups = []));
      const group = groups.find((g) => g.pattern.source === route.pattern.source);
      const unqueried = route.queryLiterals.length === 0 && route.requiredQuery.length === 0 ? [route] : [];
      if (group) {
        group.routes.push(route);
        group.unqueried.push(...unqueried);
      } else groups.push({ pattern: route.pattern, routes: [route], unqueried });
    }
  }

  private compile(op: Operation): Route {
    const [path = "/", query = ""] = op.http.requestUri.split("?", 2);
    const labels: string[] = [];
    let literalLength = 0;
    let source = "";
    let last = 0;
    for (const m of path.matchAll(/\{([^}]+?)(\+)?\}/g)) {
      const literal = path.slice(last, m.index);
      literalLength += literal.length;
      source += escapeRegExp(literal);
      labels.push(m[1] ?? "");
      source += m[2] ? "(.+)" : "([^/]+)";
      last = (m.index ?? 0) + m[0].length;
    }
    const tail = path.slice(last);
    literalLength += tail.length;
    source += escapeRegExp(tail);
    if (source.endsWith("/")) source = source.slice(0, -1);
    const pattern = new RegExp(`^${source}/?$`);
    const queryLiterals = query
      .split("&")
      .filter(Boolean)
      .map((kv) => {
        const eq = kv.indexOf("=");
        return eq === -1 ? ([kv, undefined] as const) : ([kv.slice(0, eq), kv.slice(eq + 1)] as const);
      });
    const requiredQuery: string[] = [];
    const requiredHeaders: string[] = [];
    const input = op.input;
    if (input) {
      for (const name of input.required ?? []) {
        const member = this.model.resolve(input.members?.[name] ?? {});
        if (member.location === "querystring") requiredQuery.push(member.locationName ?? name);
        if (member.location === "header") requiredHeaders.push((member.locationName ?? name).toLowerCase());
      }
    }
    return { op, method: op.http.method, pattern, labels, queryLiterals, requiredQuery, requiredHeaders, literalLength };
  }

  /** The most specific operation for the request, or undefined. `path` is the raw wire path. */
  match(method: string, path: string, query: URLSearchParams, headers: Readonly<Record<string, string | undefined>>): RestMatch | undefined {
    let best: { route: Route; groups: RegExpExecArray; score: number } | undefined;
    const noQuery = query.size === 0;
    for (const group of this.byMethod.get(method) ?? []) {
      const groups = group.pattern.exec(path);
      if (!groups) continue;
      for (const route of noQuery ? group.unqueried : group.routes) {
        let ok = true;
        for (const [k, v] of route.queryLiterals) {
          const actual = query.get(k);
          if (actual === null || (v !== undefined && actual !== v)) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        // A required query member or header tells apart operations bound to the same request
        // (ListParts and GetObject by uploadId, PutObject and CopyObject by x-amz-copy-source);
        // one that a query literal already names is still that operation without it, and answers
        // its missing member: S3 GetObjectAttributes without x-amz-object-attributes is
        // InvalidRequest, not a GetObject, and DELETE /bucket?metrics without id must never be a
        // DeleteBucket. Where another operation has the same literal and needs nothing missing,
        // that one is meant: GET /bucket?metrics without id is ListBucketMetricsConfigurations
        // (as botocore sends it, with no x-id), not GetBucketMetricsConfiguration.
        let missingQuery = 0;
        for (const k of route.requiredQuery) if (!query.has(k)) missingQuery++;
        if (route.queryLiterals.length === 0 && missingQuery > 0) continue;
        if (route.queryLiterals.length === 0 && route.requiredHeaders.some((h) => headers[h] === undefined)) continue;
        const score =
          route.queryLiterals.length * 1_000_000 +
          // A required member present counts for the route, a missing one as much against it
          // (present minus missing: the length less twice the missing).
          (route.requiredQuery.length - 2 * missingQuery + route.requiredHeaders.length) * 10_000 +
          route.literalLength * 10 -
          route.labels.length -
          // A deprecated operation bound to the same request yields to its successor.
          (route.op.deprecated ? 1 : 0);
        if (!best || score > best.score) best = { route, groups, score };
      }
    }
    if (!best) return undefined;
    const labels: Record<string, string> = {};
    const { route, groups } = best;
    for (let i = 0; i < route.labels.length; i++) {
      // A percent-encoding that is not UTF-8 throws URIError: the dispatcher answers InvalidURI.
      labels[route.labels[i] ?? ""] = this.decodeLabel(groups[i + 1] ?? "");
    }
    return { op: route.op, labels };
  }

  /** Whether any operation of this service is bound to the path (for routing unsigned requests). */
  matchesPath(method: string, path: string): boolean {
    return this.routes.some((r) => r.method === method && r.pattern.test(path));
  }
}

function readHeaderValue(model: ServiceModel, shape: Shape, text: string): unknown {
  if (shape.type === "list") {
    const member = model.resolve(shape.member ?? {});
    return text.split(",").map((s) => readScalar(member, s.trim()));
  }
  if (shape.jsonvalue) return JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  if (shape.type === "timestamp") {
    const date = parseTimestamp(text);
    if (!date) return readScalar(shape, text);
    return date;
  }
  return readScalar(shape, text);
}

const CONDITIONAL_DATE = /^(x-amz-copy-source-)?if-(un)?modified-since$/;

/** Runs a bound value's read; a value not of its type is marked with the name it was sent under. */
function named<T>(location: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ScalarFormatError) err.location ??= location;
    throw err;
  }
}

/** One member bound to a request or response location, with its wire name worked out once. */
interface Binding {
  readonly name: string;
  readonly member: Shape;
  /** The label, query key, lower-cased header name or header prefix. */
  readonly key: string;
}

/**
 * A structure's HTTP bindings grouped by location, in model order. Worked out once per shape:
 * walking every member of GetObject's input (over thirty) and lower-casing each header name
 * on every request showed up in profiles.
 */
interface Bindings {
  readonly uri: readonly Binding[];
  readonly query: readonly Binding[];
  /** A map member bound to the whole query string, with the keys bound elsewhere. */
  readonly queryMap: (Binding & { readonly bound: ReadonlySet<string> }) | undefined;
  /**
   * Header members by lower-cased header name. A request is read by its own headers (a
   * handful) rather than by the shape's (PutObject binds 48): looking up dozens of absent
   * names in the request's header object cost PutObject several microseconds.
   */
  readonly header: ReadonlyMap<string, Binding>;
  readonly headerMaps: readonly Binding[];
  /** Output members by name (header, headers and statusCode only). */
  readonly outputs: ReadonlyMap<string, Binding>;
}

const bindingCache = new WeakMap<Shape, Bindings>();

function bindingsOf(model: ServiceModel, shape: Shape): Bindings {
  let bindings = bindingCache.get(shape);
  if (bindings) return bindings;
  const uri: Binding[] = [];
  const query: Binding[] = [];
  const header = new Map<string, Binding>();
  const headerMaps: Binding[] = [];
  const outputs = new Map<string, Binding>();
  let queryMap: Binding | undefined;
  for (const [name, member] of model.members(shape)) {
    const wireName = member.locationName ?? name;
    switch (member.location) {
      case "uri":
        uri.push({ name, member, key: wireName });
        break;
      case "querystring":
        if (member.type === "map") queryMap = { name, member, key: wireName };
        else query.push({ name, member, key: wireName });
        break;
      case "header": {
        const binding = { name, member, key: wireName.toLowerCase() };
        header.set(binding.key, binding);
        outputs.set(name, binding);
        break;
      }
      case "headers": {
        const binding = { name, member, key: (member.locationName ?? "").toLowerCase() };
        headerMaps.push(binding);
        outputs.set(name, binding);
        break;
      }
      case "statusCode":
        outputs.set(name, { name, member, key: name });
        break;
      default:
        break;
    }
  }
  bindings = {
    uri,
    query,
    queryMap: queryMap && { ...{}, ...queryMap, bound: new Set(query.map((b) => b.key)) },
    header,
    headerMaps,
    outputs,
  };
  bindingCache.set(shape, bindings);
  return bindings;
}

/** Moves the bound members (labels, query string, headers) of a request into the input. */
export function readBoundMembers(model: ServiceModel, op: Operation, match: RestMatch, req: WireRequest, input: Record<string, unknown>, emptyUnsent?: ReadonlySet<string>): void {
  const shape = op.input;
  if (!shape) return;
  const bindings = bindingsOf(model, shape);
  for (const { name, member, key } of bindings.uri) {
    const v = match.labels[key];
    if (v !== undefined) input[name] = named(key, () => readScalar(member, v));
  }
  // Nothing is bound from an empty query string (a plain GetObject's): its look-ups are skipped.
  const queried = req.query.size > 0;
  for (const { name, member, key } of queried ? bindings.query : []) {
    if (member.type === "list") {
      const all = req.query.getAll(key);
      if (all.length) input[name] = named(key, () => all.map((v) => readScalar(model.resolve(member.member ?? {}), v)));
    } else {
      const v = req.query.get(key);
      if (v !== null && !(v === "" && (emptyUnsent?.has(key) || emptyUnsent?.has(`${op.name} ${key}`)))) input[name] = named(key, () => readScalar(member, v));
    }
  }
  if (queried && bindings.queryMap) {
    // A map bound to the query string collects every parameter not bound elsewhere.
    const { name, member, bound } = bindings.queryMap;
    const map: Record<string, unknown> = {};
    const valueShape = model.resolve(member.value ?? {});
    for (const key of new Set(req.query.keys())) {
      if (bound.has(key)) continue;
      setOwn(map, key, valueShape.type === "list" ? req.query.getAll(key) : req.query.get(key));
    }
    if (Object.keys(map).length) input[name] = map;
  }
  // One pass over the request's headers reads both the header members and the prefixed maps
  // (S3's x-amz-meta-*).
  const { headerMaps } = bindings;
  const maps: (Record<string, string> | undefined)[] = [];
  for (const key in req.headers) {
    const v = req.headers[key];
    if (v === undefined) continue;
    const binding = bindings.header.get(key);
    if (binding) readHeader(model, binding, v, input);
    let i = 0;
    for (const { key: prefix } of headerMaps) {
      if (key.startsWith(prefix)) setOwn((maps[i] ??= {}), key.slice(prefix.length), v);
      i++;
    }
  }
  headerMaps.forEach(({ name }, i) => {
    const map = maps[i];
    if (map) input[name] = map;
  });
}

function readHeader(model: ServiceModel, { name, member, key }: Binding, v: string, input: Record<string, unknown>): void {
  // "A recipient MUST ignore the If-Modified-Since header field if the received
  // field-value is not a valid HTTP-date" (RFC 9110 13.1.3; also If-Unmodified-Since and
  // S3's x-amz-copy-source-if-* forms): such a condition is absent, not an error.
  if (member.type === "timestamp" && CONDITIONAL_DATE.test(key)) {
    try {
      input[name] = readHeaderValue(model, member, v);
    } catch (err) {
      if (!(err instanceof ScalarFormatError)) throw err;
    }
    return;
  }
  input[name] = named(key, () => readHeaderValue(model, member, v));
}

function headerText(model: ServiceModel, shape: Shape, value: unknown): string {
  if (shape.type === "list") return (value as unknown[]).map((v) => headerText(model, model.resolve(shape.member ?? {}), v)).join(", ");
  if (shape.jsonvalue) return Buffer.from(JSON.stringify(value)).toString("base64");
  if (shape.type === "timestamp") {
    const date = value instanceof Date ? value : parseTimestamp(value);
    return date ? String(formatTimestamp(date, shape.timestampFormat ?? "rfc822")) : "";
  }
  if (shape.type === "blob") return Buffer.from(value as Uint8Array).toString("base64");
  return String(value);
}

/**
 * Moves header and status-code members of an output into the response. The output's own
 * members are walked (a handful), not the shape's (GetObject's has over forty).
 */
export function writeBoundMembers(model: ServiceModel, shape: Shape, output: Record<string, unknown>, headers: Record<string, string>): number | undefined {
  const outputs = bindingsOf(model, shape).outputs;
  let status: number | undefined;
  for (const name in output) {
    const binding = outputs.get(name);
    const v = output[name];
    if (binding === undefined || v === undefined || v === null) continue;
    const { member, key } = binding;
    if (member.location === "header") headers[key] = headerText(model, member, v);
    else if (member.location === "statusCode") status = Number(v);
    else for (const [k, hv] of Object.entries(v as Record<string, string>)) headers[`${key}${k.toLowerCase()}`] = String(hv);
  }
  return status;
}
