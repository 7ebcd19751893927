/**
 * SNS message data protection policies: validation (PutDataProtectionPolicy, CreateTopic's
 * DataProtectionPolicy) and what a policy does to a message.
 *
 * A policy: `Name`, optional `Description`, `Version` "2021-06-01", optional `Configuration`
 * with `CustomDataIdentifier` [{Name, Regex}], and `Statement`s, each with `DataDirection`
 * (Inbound: the Publish request; Outbound: a delivery to a subscription), `Principal` (the
 * publisher's or subscriber's IAM principal ARNs, or "*"), `DataIdentifier` (managed identifier
 * ARNs or custom identifier names) and one `Operation`: `Audit` (inbound only, one per policy),
 * `Deidentify` (inbound only: MaskConfig or RedactConfig) or `Deny`.
 *
 * AWS's refusals are InvalidParameter "Invalid parameter: DataProtectionPolicy Reason: ...";
 * only the DataDirection reason is confirmed word for word (the SNS error a real topic gave);
 * the other reasons follow its form (listed as unconfirmed in the change's notes).
 */
import { invalidParameter } from "./errors.js";
import { detectCustom, detectManaged, managedIdentifierName, DATA_IDENTIFIER_ARN_PREFIX, type Detection } from "./data-identifiers.js";

/** PutDataProtectionPolicy's DataProtectionPolicy: "Maximum length of 30,720". */
export const MAX_POLICY_LENGTH = 30_720;
const VERSION = "2021-06-01";
// Custom data identifier limits as CloudWatch Logs data protection publishes them (the same policy language).
const MAX_CUSTOM_IDENTIFIERS = 10;
const MAX_CUSTOM_NAME = 128;
const MAX_CUSTOM_REGEX = 200;

export type DataDirection = "Inbound" | "Outbound";

export interface LogDestinations {
  /** CloudWatch Logs group; Firehose and S3 destinations are accepted but Nimbus writes nothing there. */
  readonly logGroup?: string;
}

export type Operation =
  | { readonly kind: "Audit"; readonly sampleRate: number; readonly findings: LogDestinations; readonly noFindings: LogDestinations }
  | { readonly kind: "Deny" }
  /** `mask` is the MaskWithCharacter; undefined redacts (RedactConfig). */
  | { readonly kind: "Deidentify"; readonly mask: string | undefined };

export interface PolicyStatement {
  readonly sid: string | undefined;
  readonly direction: DataDirection;
  readonly principals: readonly string[];
  /** Managed identifier names (without the ARN prefix) and custom identifier names. */
  readonly identifiers: readonly string[];
  readonly operation: Operation;
}

export interface DataProtectionPolicy {
  readonly statements: readonly PolicyStatement[];
  readonly custom: ReadonlyMap<string, RegExp>;
}

function refuse(reason: string): Error {
  return invalidParameter(`Invalid parameter: DataProtectionPolicy Reason: ${reason}`);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && v !== "") ? (value as string[]) : undefined;
}

function destinations(value: unknown, field: string): LogDestinations {
  if (value === undefined) return {};
  if (!isObject(value)) throw refuse(`Audit ${field} must be an object`);
  const logs = value.CloudWatchLogs;
  if (logs === undefined) return {};
  if (!isObject(logs) || typeof logs.LogGroup !== "string" || logs.LogGroup === "") throw refuse(`Audit ${field} CloudWatchLogs must name a LogGroup`);
  return { logGroup: logs.LogGroup };
}

function operationOf(value: unknown, direction: DataDirection): Operation {
  if (!isObject(value)) throw refuse("Statement Operation must be an object");
  const kinds = Object.keys(value);
  if (kinds.length !== 1) throw refuse("Statement Operation must contain exactly one of Audit, Deidentify or Deny");
  const kind = kinds[0];
  const body = value[kind ?? ""];
  if (!isObject(body)) throw refuse(`Statement Operation ${kind ?? ""} must be an object`);
  switch (kind) {
    case "Deny":
      if (Object.keys(body).length > 0) throw refuse("Deny operation must be empty");
      return { kind: "Deny" };
    case "Audit": {
      if (direction !== "Inbound") throw refuse("Audit operation is supported only for Inbound statements");
      const raw = body.SampleRate ?? "0";
      const rate = typeof raw === "number" || typeof raw === "string" ? Number(raw) : Number.NaN;
      if (!Number.isInteger(rate) || rate < 0 || rate > 99) throw refuse("Audit SampleRate must be an integer between 0 and 99");
      const findings = destinations(body.FindingsDestination, "FindingsDestination");
      const noFindings = destinations(body.NoFindingsDestination, "NoFindingsDestination");
      return { kind: "Audit", sampleRate: rate, findings, noFindings };
    }
    case "Deidentify": {
      if (direction !== "Inbound") throw refuse("Deidentify operation is supported only for Inbound statements");
      const configs = Object.keys(body);
      if (configs.length !== 1 || (configs[0] !== "MaskConfig" && configs[0] !== "RedactConfig")) throw refuse("Deidentify operation must contain exactly one of MaskConfig or RedactConfig");
      if (configs[0] === "RedactConfig") return { kind: "Deidentify", mask: undefined };
      const mask = isObject(body.MaskConfig) ? (body.MaskConfig.MaskWithCharacter ?? "*") : undefined;
      // One character that cannot be mistaken for data: not a letter, digit or space.
      if (typeof mask !== "string" || [...mask].length !== 1 || /[\p{L}\p{N}\s]/u.test(mask)) throw refuse("MaskConfig MaskWithCharacter is not a supported character");
      return { kind: "Deidentify", mask };
    }
    default:
      throw refuse("Statement Operation must contain exactly one of Audit, Deidentify or Deny");
  }
}

function customIdentifiers(configuration: unknown): Map<string, RegExp> {
  const custom = new Map<string, RegExp>();
  if (configuration === undefined) return custom;
  if (!isObject(configuration)) throw refuse("Configuration must be an object");
  const list = configuration.CustomDataIdentifier;
  if (list === undefined) return custom;
  if (!Array.isArray(list) || list.length > MAX_CUSTOM_IDENTIFIERS) throw refuse(`Configuration CustomDataIdentifier must be a list of at most ${MAX_CUSTOM_IDENTIFIERS} identifiers`);
  for (const item of list) {
    const name: unknown = isObject(item) ? item.Name : undefined;
    const regex: unknown = isObject(item) ? item.Regex : undefined;
    if (typeof name !== "string" || name === "" || name.length > MAX_CUSTOM_NAME || name.startsWith("arn:")) throw refuse("CustomDataIdentifier Name is invalid");
    if (typeof regex !== "string" || regex === "" || regex.length > MAX_CUSTOM_REGEX) throw refuse(`CustomDataIdentifier ${name} Regex is invalid`);
    if (custom.has(name)) throw refuse(`CustomDataIdentifier ${name} is defined more than once`);
    try {
      custom.set(name, new RegExp(regex, "g"));
    } catch {
      throw refuse(`CustomDataIdentifier ${name} Regex is invalid`);
    }
  }
  return custom;
}

function statementOf(value: unknown, custom: ReadonlyMap<string, RegExp>): PolicyStatement {
  if (!isObject(value)) throw refuse("Statement must be an object");
  const sid = value.Sid;
  if (sid !== undefined && typeof sid !== "string") throw refuse("Statement Sid must be a string");
  const direction = value.DataDirection;
  // The one reason confirmed word for word.
  if (direction !== "Inbound" && direction !== "Outbound") throw refuse("Statement DataDirection must be either Inbound or Outbound");
  const principals = stringList(value.Principal);
  if (principals === undefined) throw refuse("Statement Principal must be a non-empty list of principals");
  const arns = stringList(value.DataIdentifier);
  if (arns === undefined) throw refuse("Statement DataIdentifier must be a non-empty list of data identifiers");
  const identifiers = arns.map((arn) => {
    if (arn.startsWith(DATA_IDENTIFIER_ARN_PREFIX)) {
      const name = managedIdentifierName(arn);
      if (name === undefined) throw refuse(`Invalid DataIdentifier ${arn}`);
      return name;
    }
    if (!custom.has(arn)) throw refuse(`Invalid DataIdentifier ${arn}`);
    return arn;
  });
  return { sid, direction, principals, identifiers, operation: operationOf(value.Operation, direction) };
}

/** Parses and validates a policy document, or throws AWS's InvalidParameter. */
export function parseDataProtectionPolicy(document: string): DataProtectionPolicy {
  if (document.length > MAX_POLICY_LENGTH) throw refuse(`Policy size must not exceed ${MAX_POLICY_LENGTH} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw refuse("Policy is not valid JSON");
  }
  if (!isObject(parsed)) throw refuse("Policy is not valid JSON");
  if (typeof parsed.Name !== "string" || parsed.Name === "") throw refuse("Policy Name is required");
  if (parsed.Description !== undefined && typeof parsed.Description !== "string") throw refuse("Policy Description must be a string");
  if (parsed.Version !== VERSION) throw refuse(`Policy Version must be ${VERSION}`);
  const custom = customIdentifiers(parsed.Configuration);
  const raw = parsed.Statement;
  if (!Array.isArray(raw) || raw.length === 0) throw refuse("Policy Statement must be a non-empty list");
  const statements = raw.map((s) => statementOf(s, custom));
  if (statements.filter((s) => s.operation.kind === "Audit").length > 1) throw refuse("Policy can have only one Audit statement");
  return { statements, custom };
}

/** A statement's principals name the caller: "*", the principal's ARN, or its account id. */
export function principalMatches(principals: readonly string[], principalArn: string): boolean {
  const account = principalArn.split(":")[4] ?? "";
  return principals.some((p) => p === "*" || p === principalArn || p === account);
}

export interface IdentifierFindings {
  readonly name: string;
  readonly detections: readonly Detection[];
}

/** Where each of the identifiers matches the text; identifiers with no match are left out. */
export function scan(policy: DataProtectionPolicy, identifiers: readonly string[], text: string): IdentifierFindings[] {
  const out: IdentifierFindings[] = [];
  for (const name of new Set(identifiers)) {
    const pattern = policy.custom.get(name);
    const detections = pattern !== undefined ? detectCustom(pattern, text) : detectManaged(name, text);
    if (detections.length > 0) out.push({ name, detections });
  }
  return out;
}

/** Detections merged into disjoint ranges, in order. */
function merged(findings: readonly IdentifierFindings[]): Detection[] {
  const all = findings.flatMap((f) => f.detections).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: { start: number; end: number }[] = [];
  for (const d of all) {
    const last = out.at(-1);
    if (last !== undefined && d.start <= last.end) last.end = Math.max(last.end, d.end);
    else out.push({ start: d.start, end: d.end });
  }
  return out;
}

/** The text with the findings masked (each character replaced) or, without a mask, removed. */
export function deidentify(text: string, findings: readonly IdentifierFindings[], mask: string | undefined): string {
  let out = "";
  let at = 0;
  for (const range of merged(findings)) {
    out += text.slice(at, range.start) + (mask === undefined ? "" : mask.repeat(range.end - range.start));
    at = range.end;
  }
  return out + text.slice(at);
}

/** Whether the findings cover the whole message (whitespace aside): AWS then refuses a de-identified publish. */
export function coversWholeMessage(text: string, findings: readonly IdentifierFindings[]): boolean {
  return findings.length > 0 && deidentify(text, findings, undefined).trim() === "";
}

export interface InboundResult {
  /** Whether an Inbound Deny statement found its data in the message. */
  readonly denied: boolean;
  /** The message after the Deidentify statements. */
  readonly message: string;
  /** Whether a Deidentify statement found the whole message sensitive. */
  readonly wholeMessageSensitive: boolean;
  /** The Audit statement and what it found in the message as published, when the policy audits this publisher. */
  readonly audit: { readonly operation: Extract<Operation, { kind: "Audit" }>; readonly findings: IdentifierFindings[] } | undefined;
}

/** What the policy's Inbound statements do to a message the principal publishes. */
export function applyInbound(policy: DataProtectionPolicy, principalArn: string, message: string): InboundResult {
  const inbound = policy.statements.filter((s) => s.direction === "Inbound" && principalMatches(s.principals, principalArn));
  let audit: InboundResult["audit"];
  let denied = false;
  for (const s of inbound) {
    if (s.operation.kind === "Audit") audit = { operation: s.operation, findings: scan(policy, s.identifiers, message) };
    else if (s.operation.kind === "Deny" && scan(policy, s.identifiers, message).length > 0) denied = true;
  }
  // AWS de-identifies after the audit, and statement by statement.
  let text = message;
  let wholeMessageSensitive = false;
  for (const s of inbound) {
    if (s.operation.kind !== "Deidentify") continue;
    const findings = scan(policy, s.identifiers, text);
    if (coversWholeMessage(text, findings)) wholeMessageSensitive = true;
    text = deidentify(text, findings, s.operation.mask);
  }
  return { denied, message: text, wholeMessageSensitive, audit };
}

/** Whether an Outbound Deny statement for the subscription's principal stops this delivery. */
export function deniesOutbound(policy: DataProtectionPolicy, principalArn: string, message: string): boolean {
  return policy.statements.some(
    (s) => s.direction === "Outbound" && s.operation.kind === "Deny" && principalMatches(s.principals, principalArn) && scan(policy, s.identifiers, message).length > 0,
  );
}

/** The audit finding log record (the shape of the developer guide's example). */
export function auditRecord(fields: { messageId: string; timestamp: string; callerPrincipal: string; resourceArn: string; findings: readonly IdentifierFindings[] }): string {
  return JSON.stringify({
    messageId: fields.messageId,
    auditTimestamp: fields.timestamp,
    callerPrincipal: fields.callerPrincipal,
    resourceArn: fields.resourceArn,
    dataIdentifiers: fields.findings.map((f) => ({ name: f.name, count: f.detections.length, detections: f.detections.map((d) => ({ start: d.start, end: d.end })) })),
  });
}
