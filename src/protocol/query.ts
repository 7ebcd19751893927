/**
 * The query and ec2 protocols: form-encoded `Action=...&Name.member.1=...` requests and XML
 * responses. Member naming follows the SDKs' serializers: query uses locationName, `member`
 * wrappers for lists and `entry`/`key`/`value` for maps unless flattened; ec2 uses queryName
 * or the capitalized locationName and never wraps list items.
 */
import { setOwn } from "../core/own.js";
import type { Operation, ServiceModel, Shape } from "./model.js";
import { readScalar, writeMembers, escapeXml } from "./xml.js";

export type QueryFlavour = "query" | "ec2";

/** An index over the request parameters so that presence checks of prefixes are O(1). */
class Params {
  readonly values = new Map<string, string>();
  private readonly prefixes = new Set<string>();

  constructor(params: URLSearchParams) {
    for (const [k, v] of params) {
      this.values.set(k, v);
      let dot = k.indexOf(".");
      while (dot !== -1) {
        this.prefixes.add(k.slice(0, dot));
        dot = k.indexOf(".", dot + 1);
      }
      this.prefixes.add(k);
    }
  }

  has(prefix: string): boolean {
    return this.prefixes.has(prefix);
  }
}

function isScalar(shape: Shape): boolean {
  return shape.type !== "structure" && shape.type !== "list" && shape.type !== "map";
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function memberKey(flavour: QueryFlavour, name: string, member: Shape): string {
  if (flavour === "ec2") return member.queryName ?? (member.locationName ? capitalize(member.locationName) : name);
  return member.locationName ?? name;
}

function readValue(model: ServiceModel, flavour: QueryFlavour, shape: Shape, prefix: string, params: Params): unknown {
  switch (shape.type) {
    case "structure": {
      const obj: Record<string, unknown> = {};
      for (const [name, member] of model.members(shape)) {
        const key = `${prefix ? `${prefix}.` : ""}${memberKey(flavour, name, member)}`;
        if (!params.has(key) && !(member.type === "list" && member.flattened && flavour === "query")) continue;
        const v = readValue(model, flavour, member, key, params);
        if (v !== undefined) obj[name] = v;
      }
      return obj;
    }
    case "list": {
      const member = model.resolve(shape.member ?? {});
      let listPrefix: string;
      if (flavour === "ec2") listPrefix = prefix;
      else if (shape.flattened) {
        // The SDKs replace the last segment of a flattened list's name with the member's name.
        const cut = prefix.lastIndexOf(".");
        listPrefix = member.locationName ? `${cut === -1 ? "" : prefix.slice(0, cut + 1)}${member.locationName}` : prefix;
      } else listPrefix = `${prefix}.${member.locationName ?? "member"}`;
      if (!params.has(listPrefix) && !params.has(prefix)) return undefined;
      const items: unknown[] = [];
      for (let i = 1; params.has(`${listPrefix}.${i}`); i++) items.push(readValue(model, flavour, member, `${listPrefix}.${i}`, params));
      // A flattened list of scalars also takes one unnumbered value under its bare name: SQS's
      // own guide samples GetQueueAttributes as `&AttributeName=All` (SQS Developer Guide,
      // API 2009-02-01), boto 2 still sends AttributeName, AWSAccountId and ActionName so
      // (Queue.count(), add_permission), and moto reads them for it ("if connecting to AWS via
      // boto, then 'AttributeName' is just a normal parameter").
      const bare = items.length === 0 && shape.flattened && flavour === "query" && isScalar(member) ? params.values.get(listPrefix) : undefined;
      if (bare) items.push(readScalar(member, bare));
      return items;
    }
    case "map": {
      const key = model.resolve(shape.key ?? {});
      const val = model.resolve(shape.value ?? {});
      const base = shape.flattened ? prefix : `${prefix}.entry`;
      const keyName = key.locationName ?? "key";
      const valueName = val.locationName ?? "value";
      const out: Record<string, unknown> = {};
      for (let i = 1; params.has(`${base}.${i}`); i++) {
        const k = params.values.get(`${base}.${i}.${keyName}`);
        if (k === undefined) continue;
        setOwn(out, k, readValue(model, flavour, val, `${base}.${i}.${valueName}`, params));
      }
      return out;
    }
    default: {
      const text = params.values.get(prefix);
      return text === undefined ? undefined : readScalar(shape, text);
    }
  }
}

/** Reads an operation's input from the merged query-string and form-body parameters. */
export function parseQueryInput(model: ServiceModel, flavour: QueryFlavour, op: Operation, params: URLSearchParams): Record<string, unknown> {
  if (!op.input) return {};
  return readValue(model, flavour, op.input, "", new Params(params)) as Record<string, unknown>;
}

export function serializeQueryOutput(
  model: ServiceModel,
  flavour: QueryFlavour,
  op: Operation,
  output: Record<string, unknown>,
  requestId: string,
  xmlNamespace: string,
): string {
  const out: string[] = [`<?xml version="1.0" encoding="UTF-8"?>`, `<${op.name}Response xmlns="${escapeXml(xmlNamespace)}">`];
  if (flavour === "ec2") {
    out.push(`<requestId>${requestId}</requestId>`);
    if (op.output) writeMembers(model, op.output, output, out, { ec2: true, timestampFormat: "iso8601" });
  } else {
    const shape = op.output;
    if (shape && Object.keys(shape.members ?? {}).length > 0) {
      const wrapper = shape.resultWrapper ?? `${op.name}Result`;
      out.push(`<${wrapper}>`);
      writeMembers(model, shape, output, out, { timestampFormat: "iso8601" });
      out.push(`</${wrapper}>`);
    } else if (shape?.resultWrapper !== undefined) {
      // An output without members (SNS TagResource, SetSMSAttributes...) still answers its
      // empty <XResult/>, as AWS does: botocore (CLI, boto3) and aws-sdk-go-v2 look the
      // wrapper up whenever the model names one and fail the call when it is missing.
      out.push(`<${shape.resultWrapper}/>`);
    }
    out.push(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`);
  }
  out.push(`</${op.name}Response>`);
  return out.join("");
}
