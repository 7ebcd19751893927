/**
 * Shape-driven XML for the query, ec2 and rest-xml protocols. Reading uses fast-xml-parser
 * (a well-kept parser); writing is string building, which is simple and fast for the
 * well-formed documents we emit.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isInt32 } from "../core/int32.js";
import { setOwn } from "../core/own.js";
import type { ServiceModel, Shape, TimestampFormat } from "./model.js";
import { formatTimestamp, parseTimestamp } from "./timestamps.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;", "\n": "&#10;" };

/**
 * The characters XML 1.0 does not allow, which AWS writes as hexadecimal character references
 * all the same: S3 lists a key holding ESC as "LA&#x1b;" (aws/aws-sdk-php#169) and one holding
 * backspace as "&#x8;" (pfig/net-amazon-s3#67); botocore#3496 meets one in CreateMultipartUpload.
 */
const MARKUP = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F]/g;

/** A character MARKUP matched: a markup escape, else (an XML-illegal control) its hexadecimal reference. */
function escapeChar(c: string): string {
  return ESCAPES[c] ?? `&#x${(c.codePointAt(0) ?? 0).toString(16)};`;
}

/** Escapes element text as AWS does: markup characters, carriage returns (which XML parsers would drop) and the characters XML cannot hold. */
export function escapeXml(text: string): string {
  return text.search(MARKUP) >= 0 ? text.replace(MARKUP, escapeChar) : text;
}

export function escapeAttribute(text: string): string {
  return /[&<>"'\r\n]/.test(text) ? text.replace(/[&<>"'\r\n]/g, (c) => ESCAPES[c] ?? c) : text;
}

export interface XmlWriteOptions {
  /** ec2 lists are never flattened and name their elements after the member's locationName. */
  readonly ec2?: boolean;
  readonly timestampFormat: TimestampFormat;
  /** Element text writes `"` as `&quot;` (CodecService.xmlQuotedText). */
  readonly quotes?: boolean;
}

function scalarText(shape: Shape, value: unknown, opts: XmlWriteOptions): string {
  switch (shape.type) {
    case "timestamp": {
      const date = value instanceof Date ? value : parseTimestamp(value);
      return date ? String(formatTimestamp(date, shape.timestampFormat ?? opts.timestampFormat)) : "";
    }
    case "blob":
      return Buffer.isBuffer(value) ? value.toString("base64") : value instanceof Uint8Array ? Buffer.from(value).toString("base64") : escapeText(String(value), opts);
    default:
      return escapeText(String(value), opts);
  }
}

function escapeText(text: string, opts: XmlWriteOptions): string {
  const escaped = escapeXml(text);
  return opts.quotes && escaped.includes('"') ? escaped.replaceAll('"', "&quot;") : escaped;
}

/**
 * A structure whose flattened lists go out as one run of elements, in an order across the lists
 * that two separate lists cannot carry (S3's ListObjectVersions writes Version and DeleteMarker
 * elements mixed, by key and newest first): the member name of each item, in document order.
 * Each member's items are taken from its list in turn; where the first of these members stands
 * in the model, the whole run is written.
 */
export const ELEMENT_ORDER: unique symbol = Symbol("xml element order");
export interface ElementOrdered {
  readonly [ELEMENT_ORDER]?: readonly string[];
}

/** A member a structure writes as an element, with its tags made once. */
interface ElementMember {
  readonly name: string;
  readonly shape: Shape;
  readonly tag: string;
  /** Set for a scalar member: its opening and closing tags. */
  readonly open: string | undefined;
  readonly close: string;
}

/** What writing a structure needs of its shape, worked out once per shape. */
interface StructurePlan {
  readonly elements: readonly ElementMember[];
  /** Whether the structure's own element carries attributes (a namespace, xmlAttribute members). */
  readonly attributes: boolean;
}

const CONTAINERS: ReadonlySet<string> = new Set(["structure", "list", "map"]);

/**
 * Plans by shape. A shape is the model's resolved object, made once per model and never
 * changed, so a plan holds for as long as its shape lives: a thousand-entry listing writes the
 * same structure a thousand times, and walked its members and built its tags on each.
 */
const plans = new WeakMap<Shape, StructurePlan>();

function planOf(model: ServiceModel, shape: Shape): StructurePlan {
  let plan = plans.get(shape);
  if (plan === undefined) {
    const elements: ElementMember[] = [];
    let attributes = shape.xmlNamespace?.uri !== undefined && shape.xmlNamespace.uri !== "";
    for (const [name, member] of model.members(shape)) {
      if (member.xmlAttribute) attributes = true;
      if (member.location || member.xmlAttribute) continue;
      const tag = member.locationName ?? name;
      elements.push({ name, shape: member, tag, open: CONTAINERS.has(member.type) ? undefined : `<${tag}>`, close: `</${tag}>` });
    }
    plan = { elements, attributes };
    plans.set(shape, plan);
  }
  return plan;
}

/** Writes the members of a structure (not its own element) into `out`. */
export function writeMembers(model: ServiceModel, shape: Shape, value: Record<string, unknown>, out: string[], opts: XmlWriteOptions): void {
  writePlanned(model, shape, planOf(model, shape), value, out, opts);
}

/** writeMembers with the shape's plan at hand (writeElement has just looked it up). */
function writePlanned(model: ServiceModel, shape: Shape, plan: StructurePlan, value: Record<string, unknown>, out: string[], opts: XmlWriteOptions): void {
  const order = (value as ElementOrdered)[ELEMENT_ORDER];
  const inOrder = order === undefined ? undefined : new Set(order);
  let orderWritten = false;
  for (const member of plan.elements) {
    if (order !== undefined && inOrder?.has(member.name)) {
      if (!orderWritten) writeInOrder(model, shape, value, order, out, opts);
      orderWritten = true;
      continue;
    }
    const v = value[member.name];
    if (v === undefined || v === null) continue;
    if (member.open !== undefined) out.push(member.open + scalarText(member.shape, v, opts) + member.close);
    else writeElement(model, member.shape, v, member.tag, out, opts);
  }
}

function writeInOrder(model: ServiceModel, shape: Shape, value: Record<string, unknown>, order: readonly string[], out: string[], opts: XmlWriteOptions): void {
  const taken = new Map<string, number>();
  for (const name of order) {
    const member = model.member(shape, name);
    const at = taken.get(name) ?? 0;
    const item = (value[name] as unknown[] | undefined)?.[at];
    taken.set(name, at + 1);
    if (member !== undefined && item !== undefined) writeElement(model, member, [item], member.locationName ?? name, out, opts);
  }
}

function attributesOf(model: ServiceModel, shape: Shape, value: Record<string, unknown>): string {
  let attrs = "";
  if (shape.xmlNamespace?.uri) {
    attrs += shape.xmlNamespace.prefix ? ` xmlns:${shape.xmlNamespace.prefix}="${escapeAttribute(shape.xmlNamespace.uri)}"` : ` xmlns="${escapeAttribute(shape.xmlNamespace.uri)}"`;
  }
  for (const [name, member] of model.members(shape)) {
    if (!member.xmlAttribute) continue;
    const v = value[name];
    if (v !== undefined && v !== null) attrs += ` ${member.locationName ?? name}="${escapeAttribute(String(scalarText(member, v, { timestampFormat: "iso8601" })))}"`;
  }
  return attrs;
}

export function writeElement(model: ServiceModel, shape: Shape, value: unknown, tag: string, out: string[], opts: XmlWriteOptions): void {
  switch (shape.type) {
    case "structure": {
      const obj = value as Record<string, unknown>;
      const plan = planOf(model, shape);
      out.push(plan.attributes ? `<${tag}${attributesOf(model, shape, obj)}>` : `<${tag}>`);
      writePlanned(model, shape, plan, obj, out, opts);
      out.push(`</${tag}>`);
      return;
    }
    case "list": {
      const member = model.resolve(shape.member ?? {});
      const items = value as unknown[];
      if (shape.flattened && !opts.ec2) {
        const itemTag = member.locationName ?? tag;
        for (const item of items) writeElement(model, member, item, itemTag, out, opts);
        return;
      }
      out.push(`<${tag}>`);
      const itemTag = member.locationName ?? (opts.ec2 ? "item" : "member");
      for (const item of items) writeElement(model, member, item, itemTag, out, opts);
      out.push(`</${tag}>`);
      return;
    }
    case "map": {
      const key = model.resolve(shape.key ?? {});
      const val = model.resolve(shape.value ?? {});
      const keyTag = key.locationName ?? "key";
      const valueTag = val.locationName ?? "value";
      const entries = Object.entries(value as Record<string, unknown>);
      if (!shape.flattened) out.push(`<${tag}>`);
      for (const [k, v] of entries) {
        out.push(shape.flattened ? `<${tag}>` : "<entry>");
        out.push(`<${keyTag}>${escapeXml(k)}</${keyTag}>`);
        writeElement(model, val, v, valueTag, out, opts);
        out.push(shape.flattened ? `</${tag}>` : "</entry>");
      }
      if (!shape.flattened) out.push(`</${tag}>`);
      return;
    }
    default:
      out.push(`<${tag}>${scalarText(shape, value, opts)}</${tag}>`);
  }
}

export class XmlSyntaxError extends Error {}

const XML_NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", apos: "'", quot: '"' };

/** XML 1.0's Char production: tab, LF, CR and U+0020 on, less the surrogates, U+FFFE and U+FFFF. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/**
 * XML's own entities and character references (`&#10;`, `&#xA;`), which fast-xml-parser leaves
 * as text unless its HTML entities (`&nbsp;`...) come too. botocore writes every CR and LF of a
 * DeleteObjects or PutBucketLifecycleConfiguration body as `&#xD;` and `&#xA;` so that a key's
 * line breaks survive the parse. Entities declared in a DOCTYPE are not expanded.
 */
const entityDecoder = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: (text: string): string =>
    text.includes("&")
      ? text.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([a-z]+));/g, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
          if (name !== undefined) return XML_NAMED_ENTITIES[name] ?? whole;
          const code = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec ?? "", 10);
          if (!isXmlChar(code)) throw new XmlSyntaxError(`Character reference ${whole} is not a legal XML character`);
          return String.fromCodePoint(code);
        })
      : text,
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  removeNSPrefix: false,
  textNodeName: "#text",
  processEntities: true,
  entityDecoder,
  ignoreDeclaration: true,
});

// Control characters other than tab, LF and CR are not XML characters, written or referenced.
const NOT_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Parses an XML document into fast-xml-parser's object form, refusing malformed input. */
export function parseXmlDocument(text: string): Record<string, unknown> {
  if (NOT_XML_CHARS.test(text)) throw new XmlSyntaxError("The document holds a character XML does not allow");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg);
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    // What the validator lets through but the parser refuses (a document nested past its
    // "Maximum nested tags exceeded") is as malformed to AWS as any other.
    throw new XmlSyntaxError(err instanceof Error ? err.message : String(err));
  }
}

/** The single root element of a parsed document: [name, content]. */
export function rootElement(doc: Record<string, unknown>): [string, unknown] | undefined {
  const entry = Object.entries(doc).find(([k]) => !k.startsWith("?") && !k.startsWith("@_"));
  return entry;
}

function textOf(node: unknown): string {
  if (node === null || node === undefined) return "";
  if (typeof node === "object") {
    const t = (node as Record<string, unknown>)["#text"];
    return t === undefined ? "" : String(t);
  }
  return String(node);
}

function asArray(node: unknown): unknown[] {
  return node === undefined ? [] : Array.isArray(node) ? node : [node];
}

/** Reads an element's content as the given shape. */
export function readElement(model: ServiceModel, shape: Shape, node: unknown): unknown {
  switch (shape.type) {
    case "structure": {
      const obj: Record<string, unknown> = {};
      const el = (typeof node === "object" && node !== null ? node : {}) as Record<string, unknown>;
      for (const [name, member] of model.members(shape)) {
        if (member.location) continue;
        const tag = member.locationName ?? name;
        if (member.xmlAttribute) {
          const attr = el[`@_${tag}`];
          if (attr !== undefined) obj[name] = readScalar(member, String(attr));
          continue;
        }
        if (member.type === "list" && member.flattened) {
          const itemShape = model.resolve(member.member ?? {});
          const items = asArray(el[itemShape.locationName ?? tag]);
          if (items.length) obj[name] = items.map((i) => readElement(model, itemShape, i));
          continue;
        }
        if (member.type === "map" && member.flattened) {
          const entries = asArray(el[tag]);
          if (entries.length) obj[name] = readMapEntries(model, member, entries);
          continue;
        }
        const child = el[tag];
        if (child === undefined) continue;
        const one = Array.isArray(child) ? child[0] : child;
        obj[name] = readElement(model, member, one);
      }
      return obj;
    }
    case "list": {
      const itemShape = model.resolve(shape.member ?? {});
      const el = (typeof node === "object" && node !== null ? node : {}) as Record<string, unknown>;
      return asArray(el[itemShape.locationName ?? "member"]).map((i) => readElement(model, itemShape, i));
    }
    case "map": {
      const el = (typeof node === "object" && node !== null ? node : {}) as Record<string, unknown>;
      return readMapEntries(model, shape, asArray(el["entry"]));
    }
    default: {
      const text = textOf(node);
      const value = readScalar(shape, text);
      // An XML document's integer is the schema's xs:int: a number past the int32 range does not
      // validate (S3 refuses Days 2147483648 as MalformedXML: scality/cloudserver
      // putBucketLifecycle.js, a test its suite runs against AWS).
      if (shape.type === "integer" && !isInt32(value as number)) throw new ScalarFormatError(shape, text);
      return value;
    }
  }
}

function readMapEntries(model: ServiceModel, shape: Shape, entries: unknown[]): Record<string, unknown> {
  const key = model.resolve(shape.key ?? {});
  const val = model.resolve(shape.value ?? {});
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    const e = (entry ?? {}) as Record<string, unknown>;
    setOwn(out, textOf(e[key.locationName ?? "key"]), readElement(model, val, e[val.locationName ?? "value"]));
  }
  return out;
}

export class ScalarFormatError extends Error {
  /** The header or parameter name, when the value was bound to one (rest protocols). */
  location: string | undefined;

  constructor(readonly shape: Shape, readonly text: string) {
    super(`Value '${text}' is not a valid ${shape.type}`);
  }
}

/** Converts the text form used by query strings, headers and XML into the shape's JS type. */
export function readScalar(shape: Shape, text: string): unknown {
  switch (shape.type) {
    case "integer":
    case "long": {
      if (!/^[-+]?\d+$/.test(text.trim())) throw new ScalarFormatError(shape, text);
      return Number.parseInt(text, 10);
    }
    case "float":
    case "double": {
      const n = Number(text);
      if (text.trim() === "" || (Number.isNaN(n) && text !== "NaN")) throw new ScalarFormatError(shape, text);
      return n;
    }
    case "boolean": {
      // botocore (AWS CLI v2 2.9, boto3 1.26) writes boolean headers with Python's str():
      // `x-amz-bucket-object-lock-enabled: True`. AWS accepts any case.
      const lower = text.trim().toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
      throw new ScalarFormatError(shape, text);
    }
    case "timestamp": {
      const date = parseTimestamp(text);
      if (!date) throw new ScalarFormatError(shape, text);
      return date;
    }
    case "blob":
      return Buffer.from(text, "base64");
    default:
      return text;
  }
}
