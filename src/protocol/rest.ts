/**
 * HTTP bindings of the rest-json and rest-xml protocols: routing a method and path to an
 * operation from the model's `requestUri` templates, and moving members between URI labels,
 * query string, headers, status code and body.
 */
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

export class RestRouter {
  private readonly routes: Route[] = [];

  constructor(private readonly model: ServiceModel) {
    for (const op of model.operations.values()) this.routes.push(this.compile(op));
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
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const groups = route.pattern.exec(path);
      if (!groups) continue;
      let ok = true;
      for (const [k, v] of route.queryLiterals) {
        const actual = query.get(k);
        if (actual === null || (v !== undefined && actual !== v)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (route.requiredQuery.some((k) => !query.has(k))) continue;
      if (route.requiredHeaders.some((h) => headers[h] === undefined)) continue;
      const score =
        route.queryLiterals.length * 1_000_000 +
        (route.requiredQuery.length + route.requiredHeaders.length) * 10_000 +
        route.literalLength * 10 -
        route.labels.length -
        // A deprecated operation bound to the same request yields to its successor.
        (route.op.deprecated ? 1 : 0);
      if (!best || score > best.score) best = { route, groups, score };
    }
    if (!best) return undefined;
    const labels: Record<string, string> = {};
    best.route.labels.forEach((name, i) => {
      labels[name] = decodeURIComponent(best.groups[i + 1] ?? "");
    });
    return { op: best.route.op, labels };
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

/** Moves the bound members (labels, query string, headers) of a request into the input. */
export function readBoundMembers(model: ServiceModel, op: Operation, match: RestMatch, req: WireRequest, input: Record<string, unknown>): void {
  const shape = op.input;
  if (!shape) return;
  for (const [name, member] of model.members(shape)) {
    switch (member.location) {
      case "uri": {
        const label = member.locationName ?? name;
        const v = match.labels[label];
        if (v !== undefined) input[name] = named(label, () => readScalar(member, v));
        break;
      }
      case "querystring": {
        if (member.type === "map") {
          // A map bound to the query string collects every parameter not bound elsewhere.
          const bound = new Set(model.members(shape).filter(([, m]) => m.location === "querystring" && m.type !== "map").map(([n, m]) => m.locationName ?? n));
          const map: Record<string, unknown> = {};
          const valueShape = model.resolve(member.value ?? {});
          for (const key of new Set(req.query.keys())) {
            if (bound.has(key)) continue;
            map[key] = valueShape.type === "list" ? req.query.getAll(key) : req.query.get(key);
          }
          if (Object.keys(map).length) input[name] = map;
          break;
        }
        const key = member.locationName ?? name;
        if (member.type === "list") {
          const all = req.query.getAll(key);
          if (all.length) input[name] = named(key, () => all.map((v) => readScalar(model.resolve(member.member ?? {}), v)));
        } else {
          const v = req.query.get(key);
          if (v !== null) input[name] = named(key, () => readScalar(member, v));
        }
        break;
      }
      case "header": {
        const header = (member.locationName ?? name).toLowerCase();
        const v = req.headers[header];
        if (v === undefined) break;
        // "A recipient MUST ignore the If-Modified-Since header field if the received
        // field-value is not a valid HTTP-date" (RFC 9110 13.1.3; also If-Unmodified-Since and
        // S3's x-amz-copy-source-if-* forms): such a condition is absent, not an error.
        if (member.type === "timestamp" && CONDITIONAL_DATE.test(header)) {
          try {
            input[name] = readHeaderValue(model, member, v);
          } catch (err) {
            if (!(err instanceof ScalarFormatError)) throw err;
          }
          break;
        }
        input[name] = named(header, () => readHeaderValue(model, member, v));
        break;
      }
      case "headers": {
        const prefix = (member.locationName ?? "").toLowerCase();
        const map: Record<string, string> = {};
        let any = false;
        for (const [h, v] of Object.entries(req.headers)) {
          if (v !== undefined && h.startsWith(prefix)) {
            map[h.slice(prefix.length)] = v;
            any = true;
          }
        }
        if (any) input[name] = map;
        break;
      }
      default:
        break;
    }
  }
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

/** Moves header and status-code members of an output into the response. */
export function writeBoundMembers(model: ServiceModel, shape: Shape, output: Record<string, unknown>, headers: Record<string, string>): number | undefined {
  let status: number | undefined;
  for (const [name, member] of model.members(shape)) {
    const v = output[name];
    if (v === undefined || v === null) continue;
    switch (member.location) {
      case "header":
        headers[(member.locationName ?? name).toLowerCase()] = headerText(model, member, v);
        break;
      case "headers": {
        const prefix = (member.locationName ?? "").toLowerCase();
        for (const [k, hv] of Object.entries(v as Record<string, string>)) headers[`${prefix}${k.toLowerCase()}`] = String(hv);
        break;
      }
      case "statusCode":
        status = Number(v);
        break;
      default:
        break;
    }
  }
  return status;
}
