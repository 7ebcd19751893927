/**
 * One entry point per direction for every protocol: request bytes -> typed input, typed
 * output or AWS error -> response bytes. Services never see any of this.
 */
import { isUtf8 } from "node:buffer";
import { Readable } from "node:stream";
import { AwsError, commonErrors } from "../core/errors.js";
import { randomChars } from "../core/random.js";
import { frameEvents, type EncodedEvent } from "./eventstream.js";
import { JsonTypeError, readJson, stringifyJson, writeJson } from "./json.js";
import type { Operation, ServiceModel, Shape } from "./model.js";
import { parseQueryInput, serializeQueryOutput } from "./query.js";
import { readBoundMembers, writeBoundMembers, type RestMatch } from "./rest.js";
import type { WireRequest, WireResponse } from "./wire.js";
import { escapeAttribute, escapeXml, parseXmlDocument, readElement, rootElement, ScalarFormatError, writeElement, XmlSyntaxError } from "./xml.js";

export type WireProtocol = "query" | "ec2" | "json" | "rest-json" | "rest-xml";

/** Routing metadata of a service (generated from the models by scripts/codegen.mjs). */
export interface ServiceIndexEntry {
  readonly model: string;
  readonly protocol: string;
  readonly endpointPrefix: string;
  readonly signingName: string;
  readonly targetPrefix: string | null;
  readonly jsonVersion: string | null;
  readonly queryCompatible: boolean;
  readonly xmlNamespace: string | null;
  readonly apiVersion: string;
  readonly serviceId: string;
  /** JSON and REST-JSON error codes whose text member the model names `Message`, not `message` (codegen). */
  readonly upperMessageErrors?: readonly string[];
  /** A previous API version the service answers under its own X-Amz-Target prefix (catalog previousModel). */
  readonly previous?: { readonly model: string; readonly targetPrefix: string };
}

/** What the codec needs to know about a service beyond its model. */
export interface CodecService {
  readonly id: string;
  readonly model: ServiceModel;
  readonly index: ServiceIndexEntry;
  /**
   * rest-xml output root element names, which the v2 models strip (S3: ListBucketResult...).
   * A named S3 quirk table lives with the S3 service, not here.
   */
  readonly xmlRootNames?: Readonly<Record<string, string>>;
  /**
   * rest-xml outputs that are one member written as the root element's text, which the models
   * cannot express: operation -> member (S3's GetBucketLocation).
   */
  readonly xmlTextRoots?: Readonly<Record<string, string>>;
  /** rest-xml outputs whose element text writes `"` as `&quot;`, as the service's own serializer does there (S3's listings). */
  readonly xmlQuotedText?: ReadonlySet<string>;
  /** A status that follows from an output without a status member (S3's 206 for ranges). */
  readonly responseStatus?: (operation: string, output: Readonly<Record<string, unknown>>) => number | undefined;
  /** The service's error for a bound value (header, query, path) not of its type (S3's InvalidArgument), in `operation`. */
  readonly malformedValue?: (name: string, text: string, operation: string) => AwsError;
  /** Query parameters that, sent empty, count as not sent: a name, or "Operation name" for one operation. */
  readonly emptyQueryUnsent?: ReadonlySet<string>;
  /**
   * The `__type` of a JSON-protocol error whose code is `code`, where it is not the usual
   * com.amazonaws.<endpoint prefix>#code (DynamoDB's com.amazonaws.dynamodb.v20120810#...);
   * undefined keeps the usual one.
   */
  readonly jsonErrorType?: (code: string) => string | undefined;
  /**
   * Query-protocol errors carry an empty <Detail/> after <Message> (SQS: boto3 reads "Detail": None
   * from every query error LocalStack recorded against AWS, e.g. test_send_empty_message[sqs_query]).
   */
  readonly queryErrorDetail?: boolean;
  /**
   * A JSON value of the wrong type is a SerializationException in the texts of Coral's JSON
   * reader, under "Message" (DynamoDB's; JsonTypeError.coral), not in Nimbus's own words.
   */
  readonly coralJson?: boolean;
}

export function badRequestFromParseError(err: unknown, protocol: WireProtocol, svc?: CodecService): AwsError {
  if (err instanceof AwsError) return err;
  if (svc?.coralJson && err instanceof JsonTypeError) return commonErrors.SerializationException({ detail: err.coral }, { messageKey: "Message" });
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof XmlSyntaxError) return commonErrors.MalformedXML();
  if (err instanceof ScalarFormatError) {
    // A value in an XML document not of its element's type fails the document's schema, as a
    // document that does not parse does: S3's MalformedXML ("did not validate against our
    // published schema"), never the JSON services' SerializationException; S3 answered so to a
    // lifecycle Date it could not read (aws/aws-sdk-js#2352).
    if (protocol === "rest-xml" && err.location === undefined) return commonErrors.MalformedXML();
    return protocol === "query" || protocol === "ec2"
      ? new AwsError(protocol === "ec2" ? "InvalidParameterValue" : "ValidationError", `Invalid value '${err.text}' for a ${err.shape.type} parameter.`, 400)
      : commonErrors.SerializationException({ detail });
  }
  if (err instanceof JsonTypeError || err instanceof SyntaxError) return commonErrors.SerializationException({ detail });
  return commonErrors.SerializationException({ detail });
}

/**
 * A JSON body's document; an empty body, or a bare `null`, is an empty object. AWS's answer to a
 * `null` document is not on record; read as no members, it gets each operation's own answer to a
 * request that names none (its missing-member errors), where it had crashed the handler.
 */
function jsonBody(body: Buffer | undefined): unknown {
  if (body === undefined || body.length === 0) return {};
  const text = utf8Text(body);
  if (text === undefined) throw new SyntaxError("The request body is not valid UTF-8");
  if (text.trim() === "") return {};
  return JSON.parse(text) ?? {};
}

/**
 * A body's text, undefined when its bytes are not UTF-8: JSON text "MUST be encoded using UTF-8"
 * (RFC 8259 section 8.1), and the services' parsers refuse other bytes (a SerializationException,
 * S3's MalformedXML), where decoding them had put U+FFFD in their place and stored that.
 */
function utf8Text(body: Buffer): string | undefined {
  return isUtf8(body) ? body.toString("utf8") : undefined;
}

/** Reads the typed input of `op` from the request. Throws AwsError for malformed input. */
export function parseInput(svc: CodecService, protocol: WireProtocol, op: Operation, req: WireRequest, match?: RestMatch): Record<string, unknown> {
  const { model } = svc;
  try {
    switch (protocol) {
      case "query":
      case "ec2": {
        const params = new URLSearchParams(req.query);
        if (req.body && req.body.length) for (const [k, v] of new URLSearchParams(req.body.toString("utf8"))) params.append(k, v);
        return parseQueryInput(model, protocol, op, params);
      }
      case "json":
        return (op.input ? readJson(model, op.input, jsonBody(req.body)) : {}) as Record<string, unknown>;
      case "rest-json":
      case "rest-xml":
        return parseRestInput(svc, protocol, op, req, match ?? { op, labels: {} });
    }
  } catch (err) {
    if (err instanceof ScalarFormatError && err.location !== undefined && svc.malformedValue) throw svc.malformedValue(err.location, err.text, op.name);
    throw badRequestFromParseError(err, protocol, svc);
  }
}

function parseRestInput(svc: CodecService, protocol: "rest-json" | "rest-xml", op: Operation, req: WireRequest, match: RestMatch): Record<string, unknown> {
  const { model } = svc;
  const shape = op.input;
  if (!shape) return {};
  let input: Record<string, unknown> = {};
  const payloadName = shape.payload;
  if (payloadName) {
    const member = model.resolve(shape.members?.[payloadName] ?? {});
    if (member.type === "blob" || member.type === "string") {
      // A body already read (to look for a query Action in a form-typed POST) is no longer in the stream.
      if (member.streaming && req.stream && req.body === undefined) input[payloadName] = req.stream;
      else if (req.body && (req.body.length || member.type === "blob")) input[payloadName] = member.type === "string" ? req.body.toString("utf8") : req.body;
      else if (member.streaming) input[payloadName] = Buffer.alloc(0);
    } else if (req.body && req.body.length) {
      input[payloadName] = readBodyAs(model, protocol, member, req.body);
    }
  } else if (req.body && req.body.length && model.members(shape).some(([, m]) => !m.location)) {
    input = readBodyAs(model, protocol, shape, req.body) as Record<string, unknown>;
  }
  readBoundMembers(model, op, match, req, input, svc.emptyQueryUnsent);
  return input;
}

function readBodyAs(model: ServiceModel, protocol: "rest-json" | "rest-xml", shape: Shape, body: Buffer): unknown {
  if (protocol === "rest-json") {
    return readJson(model, shape, jsonBody(body));
  }
  const text = utf8Text(body);
  if (text === undefined) throw new XmlSyntaxError("The document is not valid UTF-8");
  const root = rootElement(parseXmlDocument(text));
  return root ? readElement(model, shape, root[1]) : {};
}

function contentTypeOf(svc: CodecService, protocol: WireProtocol): string {
  switch (protocol) {
    case "json":
      return `application/x-amz-json-${svc.index.jsonVersion ?? "1.0"}`;
    case "rest-json":
      return "application/json";
    default:
      return "text/xml";
  }
}

export interface SerializeContext {
  readonly requestId: string;
}

export function serializeOutput(svc: CodecService, protocol: WireProtocol, op: Operation, output: Record<string, unknown>, ctx: SerializeContext): WireResponse {
  const { model } = svc;
  const headers: Record<string, string> = {};
  switch (protocol) {
    case "query":
    case "ec2": {
      const ns = svc.index.xmlNamespace ?? `http://${svc.index.endpointPrefix}.amazonaws.com/doc/${svc.index.apiVersion}/`;
      headers["content-type"] = "text/xml";
      return { status: 200, headers, body: serializeQueryOutput(model, protocol, op, output, ctx.requestId, ns) };
    }
    case "json": {
      headers["content-type"] = contentTypeOf(svc, protocol);
      const shape = op.output;
      const stream = shape && eventStreamMember(model, shape);
      if (shape && stream) {
        const [name, member] = stream;
        const initial = { ...{}, ...output, [name]: undefined };
        headers["content-type"] = "application/vnd.amazon.eventstream";
        return {
          status: 200,
          headers,
          body: frameEvents(
            output[name] as AsyncIterable<Record<string, unknown>>,
            (event, value) => encodeStreamEvent(model, "json", member, event, value),
            (err) => ({ body: Buffer.from(JSON.stringify({ message: err.message, ...err.fields })), contentType: "application/json" }),
            { body: Buffer.from(JSON.stringify(writeJson(model, shape, initial) ?? {})), contentType: "application/json" },
          ),
        };
      }
      // An operation without output answers an empty body ("When no output is defined, the service
      // is expected to return an empty payload": Smithy's awsJson protocol tests, handles_empty_output_shape).
      return { status: 200, headers, body: shape ? stringifyJson(writeJson(model, shape, output) ?? {}) : "" };
    }
    case "rest-json":
    case "rest-xml":
      return serializeRestOutput(svc, protocol, op, output, headers);
  }
}

function eventStreamMember(model: ServiceModel, shape: Shape): [string, Shape] | undefined {
  return model.members(shape).find(([, m]) => m.eventstream) as [string, Shape] | undefined;
}

/**
 * One event of an event stream: a member marked `eventpayload` travels as the raw body
 * (bytes, text or one serialized structure); otherwise the event's members are the body.
 */
function encodeStreamEvent(model: ServiceModel, format: "json" | "xml", streamShape: Shape, event: string, value: unknown): EncodedEvent {
  const eventShape = model.resolve(streamShape.members?.[event] ?? {});
  const payload = model.members(eventShape).find(([, m]) => m.eventpayload);
  let shape = eventShape;
  let body = value;
  let tag = event;
  if (payload) {
    const [name, member] = payload;
    body = (value as Record<string, unknown>)[name];
    if (member.type === "blob") return { body: body instanceof Uint8Array ? body : Buffer.from(String(body ?? "")), contentType: "application/octet-stream" };
    if (member.type === "string") return { body: Buffer.from(String(body ?? "")), contentType: "text/plain" };
    shape = member;
    tag = member.locationName ?? name;
  }
  if (format === "json") return { body: Buffer.from(JSON.stringify(writeJson(model, shape, body) ?? {})), contentType: "application/json" };
  const out: string[] = [];
  writeElement(model, shape, body ?? {}, tag, out, { timestampFormat: "iso8601" });
  return { body: Buffer.from(out.join("")), contentType: "text/xml" };
}

function serializeRestOutput(
  svc: CodecService,
  protocol: "rest-json" | "rest-xml",
  op: Operation,
  output: Record<string, unknown>,
  headers: Record<string, string>,
): WireResponse {
  const { model } = svc;
  const shape = op.output;
  let status = op.http.responseCode ?? 200;
  if (!shape) {
    status = svc.responseStatus?.(op.name, output) ?? status;
    if (protocol === "rest-json") headers["content-type"] = "application/json";
    return { status, headers, body: protocol === "rest-json" ? "{}" : "" };
  }
  status = writeBoundMembers(model, shape, output, headers) ?? svc.responseStatus?.(op.name, output) ?? status;
  const payloadName = shape.payload;
  if (payloadName) {
    const member = model.resolve(shape.members?.[payloadName] ?? {});
    const value = output[payloadName];
    if (member.eventstream) {
      headers["content-type"] = "application/vnd.amazon.eventstream";
      return {
        status,
        headers,
        body: frameEvents(
          value as AsyncIterable<Record<string, unknown>>,
          (event, v) => encodeStreamEvent(model, protocol === "rest-json" ? "json" : "xml", member, event, v),
          (err) => ({ body: Buffer.from(JSON.stringify({ message: err.message })), contentType: "application/json" }),
        ),
      };
    }
    if (member.type === "blob" || member.type === "string") {
      headers["content-type"] ??= member.type === "string" ? "text/plain" : "application/octet-stream";
      if (value === undefined || value === null) return { status, headers, body: "" };
      if (typeof value === "string" || Buffer.isBuffer(value)) return { status, headers, body: value };
      if (value instanceof Uint8Array) return { status, headers, body: Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
      return { status, headers, body: value as Readable };
    }
    if (value === undefined || value === null) return { status, headers, body: "" };
    if (protocol === "rest-json") {
      headers["content-type"] = "application/json";
      return { status, headers, body: stringifyJson(writeJson(model, member, value) ?? {}) };
    }
    headers["content-type"] = "application/xml";
    const out: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n`];
    writeElement(model, withNamespace(svc, member), value, member.locationName ?? payloadName, out, { timestampFormat: "iso8601" });
    return { status, headers, body: out.join("") };
  }
  const bodyMembers = model.members(shape).filter(([, m]) => !m.location);
  if (protocol === "rest-json") {
    headers["content-type"] = "application/json";
    return { status, headers, body: stringifyJson(writeJson(model, shape, output) ?? {}) };
  }
  if (bodyMembers.length === 0) return { status, headers, body: "" };
  headers["content-type"] = "application/xml";
  const root = svc.xmlRootNames?.[op.name] ?? shape.locationName ?? `${op.name}Result`;
  const out: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n`];
  const textMember = svc.xmlTextRoots?.[op.name];
  if (textMember !== undefined) {
    // botocore reads only the root's text here (its parse_get_bucket_location handler), so a
    // nested member element would reach boto3 and the CLI as null.
    const ns = svc.index.xmlNamespace ? ` xmlns="${escapeAttribute(svc.index.xmlNamespace)}"` : "";
    const text = output[textMember];
    out.push(text === undefined || text === null ? `<${root}${ns}/>` : `<${root}${ns}>${escapeXml(String(text))}</${root}>`);
    return { status, headers, body: out.join("") };
  }
  writeElement(model, withNamespace(svc, shape), output, root, out, { timestampFormat: "iso8601", quotes: svc.xmlQuotedText?.has(op.name) === true });
  return { status, headers, body: out.join("") };
}

function withNamespace(svc: CodecService, shape: Shape): Shape {
  const uri = svc.index.xmlNamespace;
  if (shape.xmlNamespace || !uri || shape.type !== "structure") return shape;
  // One namespaced shape per shape, kept: the XML writer plans each shape once (xml.ts planOf).
  let named = namespaced.get(shape);
  if (named?.xmlNamespace?.uri !== uri) {
    named = { ...{}, ...shape, xmlNamespace: { uri } };
    namespaced.set(shape, named);
  }
  return named;
}

const namespaced = new WeakMap<Shape, Shape>();

export interface ErrorContext {
  readonly requestId: string;
  /** HEAD responses carry no body (S3 answers HEAD errors with status and headers only). */
  readonly head?: boolean;
}

/**
 * The key a JSON error body puts its text under: the member name the error's model gives it, as
 * AWS serializes it. Go v2 and .NET decode a modelled error by member name and would read
 * "message" as none. DynamoDB's TransactionCanceledException sends "Message"; so do Lambda's
 * capitalised errors: a missing function is {"Message":"Function not found: arn:...","Type":"User"}
 * (AWS's bodies quoted in aarondfrancis/sidecar#23 and localstack/localstack#702).
 */
function messageKey(svc: CodecService | undefined, err: AwsError): "message" | "Message" {
  return err.messageKey ?? (svc?.index.upperMessageErrors?.includes(err.code) ? "Message" : "message");
}

/** Serializes an AWS error in the protocol the client spoke. `svc` is absent for unroutable requests. */
export function serializeError(svc: CodecService | undefined, protocol: WireProtocol, err: AwsError, ctx: ErrorContext): WireResponse {
  // A 304 is the validators alone: an error document's Content-Type would replace the stored
  // object's in a cache that revalidated (RFC 9111 section 4.3.4).
  if (err.status === 304) return { status: 304, headers: { ...err.headers } };
  const headers: Record<string, string> = { ...err.headers };
  const code = err.code;
  const fields = Object.entries(err.fields).filter(([, v]) => v !== undefined && v !== null);
  let body: string;
  switch (protocol) {
    case "json": {
      headers["content-type"] = svc ? contentTypeOf(svc, "json") : "application/x-amz-json-1.0";
      headers["x-amzn-errortype"] = code;
      if (svc?.index.queryCompatible) headers["x-amzn-query-error"] = `${err.queryCode ?? code};${err.type}`;
      const type = svc?.jsonErrorType?.(code) ?? `${svc ? `com.amazonaws.${svc.index.endpointPrefix}` : "com.amazonaws.nimbus"}#${code}`;
      body = JSON.stringify({ __type: type, [messageKey(svc, err)]: err.message, ...Object.fromEntries(fields) });
      break;
    }
    case "rest-json":
      headers["content-type"] = "application/json";
      headers["x-amzn-errortype"] = code;
      body = JSON.stringify({ Type: err.type === "Sender" ? "User" : "Server", [messageKey(svc, err)]: err.message, ...Object.fromEntries(fields) });
      break;
    case "ec2":
      headers["content-type"] = "text/xml";
      body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(err.queryCode ?? code)}</Code><Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${ctx.requestId}</RequestID></Response>`;
      break;
    case "rest-xml":
      if (svc?.id === "s3" || !svc) {
        // S3's error document is a bare <Error> with the resource fields beside Code and Message.
        headers["content-type"] = "application/xml";
        const extra = fields.map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`).join("");
        body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}<RequestId>${ctx.requestId}</RequestId><HostId>${hostId(ctx.requestId)}</HostId></Error>`;
        break;
      }
      headers["content-type"] = "text/xml";
      body = xmlErrorResponse(svc, err, ctx.requestId, code, err.message);
      break;
    case "query":
    default:
      headers["content-type"] = "text/xml";
      body = xmlErrorResponse(svc, err, ctx.requestId, err.queryCode ?? code, err.queryMessage ?? err.message);
      break;
  }
  return { status: err.status, headers, body: ctx.head ? "" : body };
}

function xmlErrorResponse(svc: CodecService | undefined, err: AwsError, requestId: string, code: string, message: string): string {
  const ns = svc?.index.xmlNamespace ? ` xmlns="${escapeXml(svc.index.xmlNamespace)}"` : "";
  const extra = Object.entries(err.fields)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== "object")
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${err.type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${svc?.queryErrorDetail ? "<Detail/>" : ""}${extra}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

const UPPER_HEX = "0123456789ABCDEF";

/**
 * S3's x-amz-request-id / RequestId: 16 upper-case hexadecimal digits, as in S3's documented
 * error sample (`<RequestId>4442587FB7D0A2F9</RequestId>`); the other services' ids are UUIDs.
 * Sixteen random digits (64 bits) keep them unique.
 */
export function s3RequestId(): string {
  return randomChars(16, UPPER_HEX);
}

/**
 * S3's x-amz-id-2 / HostId: an opaque base64 token; derived from the request id so logs
 * correlate. The text is ASCII, so btoa gives Buffer's base64 in a third of the time.
 */
export function hostId(requestId: string): string {
  return btoa(`nimbus/${requestId}`);
}

