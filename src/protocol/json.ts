/**
 * Shape-driven JSON for the json (1.0/1.1) and rest-json protocols: blobs travel as base64,
 * timestamps as epoch seconds unless the shape says otherwise, everything else as is.
 * Reading also checks JSON types, answering as AWS's JSON services do (SerializationException).
 */
import type { ServiceModel, Shape, TimestampFormat } from "./model.js";
import { setOwn } from "../core/own.js";
import { formatTimestamp, parseTimestamp } from "./timestamps.js";

export class JsonTypeError extends Error {
  /** What Coral's JSON reader answers for the same mismatch (see coralMismatch), for services that answer so. */
  readonly coral: string;

  constructor(message: string, coral = message) {
    super(message);
    this.coral = coral;
  }
}

/**
 * A value a service already holds in its JSON wire form (DynamoDB keeps items that way). An
 * answer carries it as is: `stringifyJson` splices the text in instead of parsing and writing
 * it again. Callers inside the process never see one: `materializeRaw` turns it back into what
 * a client would have read (the dispatcher does this for `invoke`).
 */
export class RawJson {
  /** How many were ever made: a caller compares it before and after a request to know whether to materialize. */
  static made = 0;

  constructor(readonly json: string) {
    RawJson.made++;
  }

  /** Inside `stringifyJson`, a marker for the splice; anywhere else, the parsed value. */
  toJSON(): unknown {
    if (splice === undefined) return JSON.parse(this.json);
    splice.texts.push(this.json);
    return `${splice.marker}${splice.texts.length - 1}`;
  }
}

/** The RawJson texts of the stringify in progress, and the marker string standing for each. */
let splice: { texts: string[]; marker: string } | undefined;
/**
 * Markers start with U+0000, which JSON.stringify writes as the six characters \u0000, and
 * carry a random tag: no string of an answer can be mistaken for one.
 */
const MARKER = `\u0000${Math.random().toString(36).slice(2, 12)}:`;
/** A marker as JSON.stringify writes it, up to its index: `"\u0000<tag>:`. */
const MARKER_IN_JSON = `"\\u0000${MARKER.slice(1)}`;

/** JSON.stringify, with every RawJson's text spliced in where it stands. */
export function stringifyJson(value: unknown): string {
  const outer = splice;
  const texts: string[] = [];
  splice = { texts, marker: MARKER };
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    splice = outer;
  }
  if (texts.length === 0) return text;
  // Found with indexOf rather than a global regular expression: half the cost of an answer's splice.
  let out = "";
  let from = 0;
  for (let at = text.indexOf(MARKER_IN_JSON); at >= 0; at = text.indexOf(MARKER_IN_JSON, from)) {
    const close = text.indexOf('"', at + MARKER_IN_JSON.length);
    out += text.slice(from, at) + (texts[Number(text.slice(at + MARKER_IN_JSON.length, close))] ?? "null");
    from = close + 1;
  }
  return out + text.slice(from);
}

/** `value` with every RawJson read back through its shape (blobs as Buffers, and so on). Unchanged values are returned as they are. */
export function materializeRaw(model: ServiceModel, shape: Shape, value: unknown): unknown {
  if (value instanceof RawJson) return readJson(model, shape, JSON.parse(value.json));
  if (value === null || typeof value !== "object" || value instanceof Date || value instanceof Uint8Array) return value;
  switch (shape.type) {
    case "structure": {
      let out: Record<string, unknown> | undefined;
      for (const [name, member] of model.members(shape)) {
        const v = (value as Record<string, unknown>)[name];
        if (v === undefined || v === null) continue;
        const m = materializeRaw(model, member, v);
        if (m !== v) (out ??= { ...(value as Record<string, unknown>) })[name] = m;
      }
      return out ?? value;
    }
    case "list": {
      const member = model.resolve(shape.member ?? {});
      const list = value as unknown[];
      const mapped = list.map((v) => materializeRaw(model, member, v));
      return mapped.some((m, i) => m !== list[i]) ? mapped : value;
    }
    case "map": {
      const member = model.resolve(shape.value ?? {});
      let out: Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const m = materializeRaw(model, member, v);
        if (m !== v) setOwn((out ??= { ...(value as Record<string, unknown>) }), k, m);
      }
      return out ?? value;
    }
    default:
      return value;
  }
}

function describe(value: unknown): string {
  if (value === null) return "NULL_VALUE";
  if (Array.isArray(value)) return "START_ARRAY";
  switch (typeof value) {
    case "string":
      return "VALUE_STRING";
    case "number":
      return Number.isInteger(value) ? "VALUE_NUMBER_INT" : "VALUE_NUMBER_FLOAT";
    case "boolean":
      return value ? "VALUE_TRUE" : "VALUE_FALSE";
    default:
      return "START_OBJECT";
  }
}

/**
 * The texts of Coral's JSON reader, which DynamoDB answers (under "Message") for a JSON value of
 * the wrong type: dynalite's suite, run against DynamoDB (test/helpers.js assertType, 2020), and
 * AWS's answers quoted since ("SerializationException: NUMBER_VALUE cannot be converted to String"
 * for an N sent as a number, localstack/localstack#9412, 2023; "STRING_VALUE cannot be converted
 * to Integer" for a Limit sent as a string, dynamodb-toolbox/dynamodb-toolbox#502, 2023). A list
 * or map inside a list or map answers a Java cast error instead (left out), and an array where a
 * structure or map is expected names the Java class of the shape, which the models do not carry:
 * those, timestamps and floating-point numbers keep Nimbus's own wording.
 */
function coralMismatch(shape: Shape, value: unknown, inCollection: boolean): string | undefined {
  const token = value === true ? "TRUE_VALUE" : value === false ? "FALSE_VALUE" : typeof value === "string" ? "STRING_VALUE" : typeof value === "number" ? (Number.isInteger(value) ? "NUMBER_VALUE" : "DECIMAL_VALUE") : undefined;
  const javaClass = { string: "java.lang.String", boolean: "java.lang.Boolean", integer: "java.lang.Integer", long: "java.lang.Long", blob: "java.nio.ByteBuffer" }[shape.type as string];
  switch (shape.type) {
    case "structure":
      if (Array.isArray(value)) return undefined;
      return inCollection ? "Unexpected value type in payload" : "Unexpected field type";
    case "list":
    case "map":
      if (inCollection || Array.isArray(value)) return undefined;
      return typeof value === "object" ? "Start of structure or map found where not expected" : "Unexpected field type";
    case "timestamp":
    case "float":
    case "double":
      return undefined;
  }
  if (javaClass === undefined) return undefined;
  if (Array.isArray(value)) return `Unrecognized collection type class ${javaClass}`;
  if (typeof value === "object") return "Start of structure or map found where not expected";
  if (shape.type === "blob") return "only base-64-encoded strings are convertible to bytes";
  if (shape.type === "boolean" && typeof value === "string") return "Unexpected token received from parser";
  return `${token} cannot be converted to ${javaClass.slice("java.lang.".length)}`;
}

function mismatch(shape: Shape, value: unknown, inCollection: boolean): JsonTypeError {
  const expected =
    shape.type === "structure" || shape.type === "map"
      ? "an object"
      : shape.type === "list"
        ? "an array"
        : shape.type === "blob"
          ? "a base64 string"
          : `a ${shape.type}`;
  const message = `Unexpected ${describe(value)} where ${expected} was expected.`;
  return new JsonTypeError(message, coralMismatch(shape, value, inCollection) ?? message);
}

/**
 * A blob's base64 text, strictly: AWS's JSON services refuse what Buffer.from would read
 * leniently (no padding, characters outside the alphabet, bits past the data), with the texts
 * DynamoDB answers (recorded in dynalite's test suite, run against DynamoDB: "'23456'" is
 * "Base64 encoded length is expected a multiple of 4 bytes but found: 5", "'=+/='" and "'+/+='"
 * "Invalid last non-pad Base64 character dectected", AWS's spelling). Other text outside the
 * alphabet gets that second message too: AWS's text for it is not recorded.
 */
function decodeBase64(text: string): Buffer {
  if (text.length % 4 !== 0) throw new JsonTypeError(`Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) throw new JsonTypeError("Invalid last non-pad Base64 character dectected");
  return bytes;
}

/**
 * Converts parsed JSON into the shape's JS types (Buffer for blobs, Date for timestamps).
 * `inCollection`: the value is a list's member or a map's value, not a structure's member (Coral words these apart).
 */
export function readJson(model: ServiceModel, shape: Shape, value: unknown, inCollection = false): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) throw mismatch(shape, value, inCollection);
      const src = value as Record<string, unknown>;
      const obj: Record<string, unknown> = {};
      const own = Object.keys(src);
      if (own.length === 1) {
        // A union (DynamoDB's AttributeValue, at every level of every item) or a one-member
        // input: one lookup instead of a walk of every member the shape has.
        const name = own[0] as string;
        const member = model.member(shape, name);
        const v = src[name];
        if (member && v !== undefined && v !== null) obj[name] = readJson(model, member, v);
        return obj;
      }
      for (const [name, member] of model.members(shape)) {
        const v = src[name];
        if (v === undefined || v === null) continue;
        obj[name] = readJson(model, member, v);
      }
      return obj;
    }
    case "list": {
      if (!Array.isArray(value)) throw mismatch(shape, value, inCollection);
      const member = model.resolve(shape.member ?? {});
      return value.map((v) => (v === null ? null : readJson(model, member, v, true)));
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) throw mismatch(shape, value, inCollection);
      const member = model.resolve(shape.value ?? {});
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== null) setOwn(out, k, readJson(model, member, v, true));
      return out;
    }
    case "blob":
      if (typeof value !== "string") throw mismatch(shape, value, inCollection);
      return decodeBase64(value);
    case "timestamp": {
      if (typeof value !== "number" && typeof value !== "string") throw mismatch(shape, value, inCollection);
      const date = parseTimestamp(value);
      if (!date) throw new JsonTypeError(`Invalid timestamp: ${String(value)}`);
      return date;
    }
    case "boolean":
      if (typeof value !== "boolean") throw mismatch(shape, value, inCollection);
      return value;
    case "integer":
    case "long":
    case "float":
    case "double":
      if (typeof value !== "number") throw mismatch(shape, value, inCollection);
      return value;
    default:
      if (shape.jsonvalue) return value;
      if (typeof value !== "string") throw mismatch(shape, value, inCollection);
      return value;
  }
}

/** Converts a handler's output into JSON-ready values, keeping only modeled members. */
export function writeJson(model: ServiceModel, shape: Shape, value: unknown, timestampFormat: TimestampFormat = "unixTimestamp"): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof RawJson) return value;
  switch (shape.type) {
    case "structure": {
      const src = value as Record<string, unknown>;
      const obj: Record<string, unknown> = {};
      const own = Object.keys(src);
      if (own.length === 1) {
        // A union (DynamoDB's AttributeValue, at every level of every item) or a one-member
        // answer: one lookup instead of a walk of every member the shape has.
        const name = own[0] as string;
        const member = model.member(shape, name);
        const v = src[name];
        if (member && !member.location && v !== undefined && v !== null) obj[name] = writeJson(model, member, v, timestampFormat);
        return obj;
      }
      for (const [name, member] of model.members(shape)) {
        if (member.location) continue;
        const v = src[name];
        if (v === undefined || v === null) continue;
        obj[name] = writeJson(model, member, v, timestampFormat);
      }
      return obj;
    }
    case "list": {
      const member = model.resolve(shape.member ?? {});
      return (value as unknown[]).map((v) => writeJson(model, member, v, timestampFormat) ?? null);
    }
    case "map": {
      const member = model.resolve(shape.value ?? {});
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) setOwn(out, k, writeJson(model, member, v, timestampFormat));
      return out;
    }
    case "blob":
      return Buffer.isBuffer(value) ? value.toString("base64") : value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
    case "timestamp": {
      const date = value instanceof Date ? value : parseTimestamp(value);
      return date ? formatTimestamp(date, shape.timestampFormat ?? timestampFormat) : undefined;
    }
    case "double":
    case "float":
      // AWS's JSON services write a whole double with its decimal point (DynamoDB's CapacityUnits
      // is 1.0, not 1): Python reads it as a float, and the CLI prints "CapacityUnits": 1.0 as
      // its reference examples show. JSON.stringify would drop the ".0".
      return typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 1e15 ? new RawJson(`${value}.0`) : value;
    default:
      return value;
  }
}
