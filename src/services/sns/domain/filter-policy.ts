/**
 * SNS subscription filter policies: validation with AWS's exact errors, and matching against
 * message attributes (FilterPolicyScope=MessageAttributes) or a JSON body (MessageBody).
 *
 * SNS validates policies with a streaming JSON rule compiler (the engine behind
 * aws/event-ruler) reading the policy through Jackson, so a syntax error carries Jackson's
 * location: `... must be a string\n at [Source: (String)"<policy>"; line: 1, column: 22]`.
 * The column is where Jackson's reader stands when the compiler gives up, which depends on
 * Jackson's habits: after a field name it has already read the first character of the value
 * (the opening quote of a string, a whole number or literal, a bracket), and a string's body is
 * only consumed when its text is asked for. The tokenizer below reproduces exactly that, and
 * the tests pin the columns against errors recorded from real SNS (May 2024).
 *
 * Semantics follow Event Ruler, which SNS uses: values are typed (a String attribute never
 * equals a numeric rule), `anything-but`/prefix/suffix compare against the quoted string form,
 * arrays match if any element matches, and the SNS flavour accepts only `prefix` inside
 * `anything-but` (SNS answers "Unsupported anything-but pattern: suffix" where EventBridge
 * accepts it; recorded May 2024).
 */
import { invalidParameter } from "./errors.js";

export type FilterPolicyScope = "MessageAttributes" | "MessageBody";
/** Subscribe wraps the reason in "Attributes Reason:", SetSubscriptionAttributes does not. */
export type FilterPolicyOperation = "Subscribe" | "SetSubscriptionAttributes";

export const MAX_FILTER_POLICY_KEYS = 5;
export const MAX_FILTER_POLICY_COMBINATIONS = 150;
export const MAX_FILTER_POLICY_BYTES = 256 * 1024;

function errorPrefix(operation: FilterPolicyOperation): string {
  return operation === "Subscribe" ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ";
}

export function validateFilterPolicyScope(value: string, operation: FilterPolicyOperation): FilterPolicyScope {
  if (value === "MessageAttributes" || value === "MessageBody") return value;
  throw invalidParameter(
    `${errorPrefix(operation)}FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
  );
}

// =============================================================================================
// A Jackson-like tokenizer (positions only matter for error locations)
// =============================================================================================

type Token =
  | "START_OBJECT"
  | "END_OBJECT"
  | "START_ARRAY"
  | "END_ARRAY"
  | "FIELD_NAME"
  | "VALUE_STRING"
  | "VALUE_NUMBER_INT"
  | "VALUE_NUMBER_FLOAT"
  | "VALUE_TRUE"
  | "VALUE_FALSE"
  | "VALUE_NULL"
  | "EOF";

interface Container {
  kind: "object" | "array";
  count: number;
}

/** Jackson truncates the source in locations to 500 characters. */
const MAX_SOURCE_SNIPPET = 500;

class PolicySyntaxError extends Error {}

/**
 * "For numeric matching, the value can range from -10^9 to 10^9 (-1 billion to 1 billion)"
 * (Filter policy constraints). The rule compiler's number encoding refuses a numeric operand past
 * that bound with this sentence (Event Ruler's ComparableNumber, whose bound SNS states as 1e9;
 * today's Ruler says 5.0E9 in the same template).
 */
const NUMERIC_LIMIT = 1e9;
const NUMBER_OUT_OF_RANGE = "Value must be between -1.0E9 and 1.0E9, inclusive";

function outOfNumericRange(n: number): boolean {
  return n < -NUMERIC_LIMIT || n > NUMERIC_LIMIT;
}

/** A refusal the compiler raises outside the JSON reader, so it carries no location. */
class UnlocatedRuleError extends Error {}

class JacksonLikeTokenizer {
  private pos = 0;
  private readonly stack: Container[] = [];
  private pending: Token | undefined;
  private pendingText = "";
  private stringIncomplete = false;
  private current: Token = "EOF";
  private currentText = "";
  currentName = "";

  /** `source` is the compact policy (withoutWhitespace): one line, no whitespace between tokens. */
  constructor(private readonly source: string) {}

  location(): string {
    const snippet =
      this.source.length > MAX_SOURCE_SNIPPET
        ? `"${this.source.slice(0, MAX_SOURCE_SNIPPET)}"[truncated ${this.source.length - MAX_SOURCE_SNIPPET} chars]`
        : `"${this.source}"`;
    return `[Source: (String)${snippet}; line: 1, column: ${this.pos + 1}]`;
  }

  /** What Jackson's JsonParseException says: the message, then the location. */
  barf(message: string): never {
    throw new PolicySyntaxError(`${message}\n at ${this.location()}`);
  }

  /** Reads a string body after its opening quote, through the closing quote. */
  private readStringBody(): string {
    // The policy was already accepted by JSON.parse, so the literal is well formed.
    const start = this.pos - 1;
    let i = this.pos;
    while (this.source[i] !== '"') i += this.source[i] === "\\" ? 2 : 1;
    this.pos = i + 1;
    return JSON.parse(this.source.slice(start, i + 1)) as string;
  }

  private readValueStart(): Token {
    const s = this.source;
    const ch = s[this.pos];
    if (ch === '"') {
      this.pos++;
      this.stringIncomplete = true;
      return "VALUE_STRING";
    }
    if (ch === "{" || ch === "[") {
      this.pos++;
      this.stack.push({ kind: ch === "{" ? "object" : "array", count: 0 });
      this.pendingText = ch;
      return ch === "{" ? "START_OBJECT" : "START_ARRAY";
    }
    for (const [literal, token] of [
      ["true", "VALUE_TRUE"],
      ["false", "VALUE_FALSE"],
      ["null", "VALUE_NULL"],
    ] as const) {
      if (s.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        this.pendingText = literal;
        return token;
      }
    }
    const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(this.pos));
    const text = match?.[0] ?? "";
    this.pos += text.length;
    this.pendingText = text;
    return /[.eE]/.test(text) ? "VALUE_NUMBER_FLOAT" : "VALUE_NUMBER_INT";
  }

  nextToken(): Token {
    if (this.pending !== undefined) {
      this.current = this.pending;
      this.currentText = this.pendingText;
      this.pending = undefined;
      return this.current;
    }
    if (this.stringIncomplete) {
      this.readStringBody();
      this.stringIncomplete = false;
    }
    if (this.pos >= this.source.length) return (this.current = "EOF");
    const top = this.stack[this.stack.length - 1];
    let ch = this.source[this.pos];
    if (top !== undefined && top.count > 0 && ch !== "}" && ch !== "]") {
      this.pos++; // the comma
      ch = this.source[this.pos];
    }
    if (ch === "}" || ch === "]") {
      this.pos++;
      this.stack.pop();
      this.currentText = ch;
      return (this.current = ch === "}" ? "END_OBJECT" : "END_ARRAY");
    }
    if (top !== undefined) top.count++;
    if (top?.kind === "object") {
      this.pos++; // opening quote of the name
      this.currentName = this.readStringBody();
      this.pos++; // the colon
      this.pendingText = "";
      this.pending = this.readValueStart();
      this.currentText = this.currentName;
      return (this.current = "FIELD_NAME");
    }
    this.pendingText = "";
    this.current = this.readValueStart();
    this.currentText = this.pendingText;
    return this.current;
  }

  /** Jackson's getText(): finishes a lazily read string. */
  getText(): string {
    if (this.current === "VALUE_STRING" && this.stringIncomplete) {
      this.currentText = this.readStringBody();
      this.stringIncomplete = false;
    }
    return this.currentText;
  }
}

function isNumberToken(token: Token): boolean {
  return token === "VALUE_NUMBER_INT" || token === "VALUE_NUMBER_FLOAT";
}

// =============================================================================================
// The rule compiler's syntax checks, in its reading order
// =============================================================================================

/** Keywords that may not be field names inside $or (Event Ruler's reserved list). */
const RESERVED_IN_OR = new Set([
  "exactly",
  "equals-ignore-case",
  "prefix",
  "suffix",
  "anything-but",
  "exists",
  "wildcard",
  "numeric",
  "cidr",
  "=",
  "<",
  "<=",
  ">",
  ">=",
  "regex",
  "not-wildcard",
  "not-equals-ignore-case",
  "date-after",
  "date-on-or-after",
  "date-before",
  "date-on-or-before",
  "in-date-range",
  "ip-address-in-range",
  "ip-address-not-in-range",
]);

class RuleSyntaxChecker {
  constructor(private readonly p: JacksonLikeTokenizer) {}

  check(): void {
    if (this.p.nextToken() !== "START_OBJECT") this.p.barf("Filter is not an object");
    this.parseObject(false);
  }

  private parseObject(insideOr: boolean): void {
    const p = this.p;
    let fieldsPresent = false;
    while (p.nextToken() !== "END_OBJECT") {
      fieldsPresent = true;
      const name = p.currentName;
      if (name === "$or") {
        this.parseOr();
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(name)) {
        p.barf(`${name} is Ruler reserved fieldName which cannot be used inside $or.`);
      }
      const token = p.nextToken();
      if (token === "START_OBJECT") this.parseObject(insideOr);
      else if (token === "START_ARRAY") this.writeRules();
      else p.barf(`"${name}" must be an object or an array`);
    }
    if (!fieldsPresent) p.barf("Empty objects are not allowed");
  }

  private parseOr(): void {
    const p = this.p;
    if (p.nextToken() !== "START_ARRAY") p.barf("It must be an Array followed with $or.");
    let count = 0;
    let token: Token;
    while ((token = p.nextToken()) !== "END_ARRAY") {
      count++;
      if (token === "START_OBJECT") this.parseObject(true);
      else p.barf("Only JSON object is allowed in array of $or relationship.");
    }
    if (count < 2) p.barf("There must have at least 2 Objects in $or relationship.");
  }

  private writeRules(): void {
    const p = this.p;
    let count = 0;
    let token: Token;
    while ((token = p.nextToken()) !== "END_ARRAY") {
      count++;
      if (token === "START_OBJECT") this.matchExpression();
      else if (token === "VALUE_STRING") p.getText();
      else if (!(isNumberToken(token) || token === "VALUE_TRUE" || token === "VALUE_FALSE" || token === "VALUE_NULL")) {
        p.barf("Match value must be String, number, true, false, or null");
      }
    }
    if (count === 0) p.barf("Empty arrays are not allowed");
  }

  private stringOperand(what: string): string {
    const p = this.p;
    if (p.nextToken() !== "VALUE_STRING") p.barf(`${what} match pattern must be a string`);
    const text = p.getText();
    if (p.nextToken() !== "END_OBJECT") p.barf("Only one key allowed in match expression");
    return text;
  }

  private matchExpression(): void {
    const p = this.p;
    if (p.nextToken() !== "FIELD_NAME") p.barf("Match expression name not found");
    const name = p.currentName;
    switch (name) {
      case "prefix":
      case "suffix":
      case "equals-ignore-case":
        this.stringOperand(name);
        return;
      case "numeric":
        if (p.nextToken() !== "START_ARRAY") p.barf("Value of numeric must be an array.");
        this.numeric();
        if (p.nextToken() !== "END_OBJECT") p.barf("Too many elements in numeric expression");
        return;
      case "anything-but":
        this.anythingBut();
        return;
      case "exists": {
        const token = p.nextToken();
        if (token !== "VALUE_TRUE" && token !== "VALUE_FALSE") p.barf("exists match pattern must be either true or false.");
        if (p.nextToken() !== "END_OBJECT") p.barf("Only one key allowed in match expression");
        return;
      }
      case "cidr": {
        // "prefix" in this message is AWS's own copy-paste.
        if (p.nextToken() !== "VALUE_STRING") p.barf("prefix match pattern must be a string");
        parseCidr(p.getText()); // throws its own, location-less, errors
        if (p.nextToken() !== "END_OBJECT") p.barf("Only one key allowed in match expression");
        return;
      }
      default:
        p.barf(`Unrecognized match type ${name}`);
    }
  }

  private anythingBut(): void {
    const p = this.p;
    const token = p.nextToken();
    if (token === "START_OBJECT") {
      if (p.nextToken() !== "FIELD_NAME") p.barf("Anything-But expression name not found");
      const inner = p.currentName;
      if (inner !== "prefix") p.barf(`Unsupported anything-but pattern: ${inner}`);
      if (p.nextToken() !== "VALUE_STRING") p.barf("prefix match pattern must be a string");
      if (p.getText() === "") p.barf("Null prefix not allowed");
      if (p.nextToken() !== "END_OBJECT") p.barf("Only one key allowed in match expression");
      if (p.nextToken() !== "END_OBJECT") p.barf("Only one key allowed in match expression");
      return;
    }
    if (token !== "START_ARRAY" && token !== "VALUE_STRING" && !isNumberToken(token)) {
      p.barf("Value of anything-but must be an array or single string/number value.");
    }
    if (token === "START_ARRAY") {
      let hasString = false;
      let hasNumber = false;
      let t: Token;
      while ((t = p.nextToken()) !== "END_ARRAY") {
        if (t === "VALUE_STRING") {
          p.getText();
          hasString = true;
        } else if (isNumberToken(t)) {
          hasNumber = true;
          if (outOfNumericRange(Number(p.getText()))) p.barf(NUMBER_OUT_OF_RANGE);
        } else p.barf("Inside anything but list, start|null|boolean is not supported.");
      }
      if (hasString === hasNumber) {
        p.barf("Inside anything but list, either all values are number or string, mixed type is not supported");
      }
    } else if (token === "VALUE_STRING") {
      p.getText();
    } else if (outOfNumericRange(Number(p.getText()))) {
      // Event Ruler encodes a lone anything-but number outside its guard, unlike a list's.
      throw new UnlocatedRuleError(NUMBER_OUT_OF_RANGE);
    }
    // Event Ruler reports any leftover here as a numeric problem; AWS's wording, kept.
    if (p.nextToken() !== "END_OBJECT") p.barf("Too many elements in numeric expression");
  }

  private numeric(): void {
    const p = this.p;
    const first = p.nextToken();
    if (first !== "VALUE_STRING") p.barf(`Invalid member in numeric match: ${p.getText()}`);
    const operator = p.getText();
    const token = p.nextToken();
    const valueOf = (op: string) => (op === "=" ? "equals" : op);
    switch (operator) {
      case "=":
      case "<":
      case "<=": {
        if (!isNumberToken(token)) p.barf(`Value of ${valueOf(operator)} must be numeric`);
        const value = Number(p.getText());
        if (p.nextToken() !== "END_ARRAY") p.barf("Too many elements in numeric expression");
        // The operands are encoded once the array is read, so the location is after its "]".
        if (outOfNumericRange(value)) p.barf(NUMBER_OUT_OF_RANGE);
        return;
      }
      case ">":
      case ">=": {
        if (!isNumberToken(token)) p.barf(`Value of ${operator} must be numeric`);
        const bottom = Number(p.getText());
        const next = p.nextToken();
        if (next === "END_ARRAY") {
          if (outOfNumericRange(bottom)) p.barf(NUMBER_OUT_OF_RANGE);
          return;
        }
        if (next !== "VALUE_STRING") p.barf(`Bad value in numeric range: ${p.getText()}`);
        const upper = p.getText();
        if (upper !== "<" && upper !== "<=") p.barf(`Bad numeric range operator: ${upper}`);
        if (!isNumberToken(p.nextToken())) p.barf(`Value of ${upper} must be numeric`);
        const top = Number(p.getText());
        if (p.nextToken() !== "END_ARRAY") p.barf("Too many terms in numeric range expression");
        // Event Ruler's Range.between encodes both ends before comparing them.
        if (outOfNumericRange(bottom) || outOfNumericRange(top)) p.barf(NUMBER_OUT_OF_RANGE);
        if (!(bottom < top)) p.barf("Bottom must be less than top");
        return;
      }
      default:
        p.barf(`Unrecognized numeric range operator: ${operator}`);
    }
  }
}

// =============================================================================================
// IP addresses and CIDR blocks, as Event Ruler reads them
// =============================================================================================

const IPV4_RE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_RE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

class CidrError extends UnlocatedRuleError {}

function parseIpv4(text: string): number[] | undefined {
  const octets = text.split(".").map((o) => Number(o));
  return octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255) ? octets : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const groups = part.split(":");
    if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parseGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** IP literal to bytes, or undefined when the text is not one. */
export function ipToBytes(text: string): number[] | undefined {
  if (IPV4_RE.test(text)) return parseIpv4(text);
  if (IPV6_RE.test(text)) return parseIpv6(text);
  return undefined;
}

interface IpRange {
  low: number[];
  high: number[];
}

/** Java's String.split drops trailing empty strings; CIDR parsing depends on it. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/**
 * A CIDR block as Event Ruler builds it: the range starts at the address as written (the
 * host bits are not cleared) and ends with the host bits set. Masks of /32 (IPv4) and /128
 * (IPv6) are refused by AWS.
 */
export function parseCidr(cidr: string): IpRange {
  const parts = javaSplit(cidr, "/");
  if (parts.length !== 2) throw new CidrError("Malformed CIDR, one '/' required");
  const [address, maskText] = parts as [string, string];
  const mask = /^[+-]?\d+$/.test(maskText) ? Number(maskText) : NaN;
  if (!Number.isInteger(mask) || mask > 2_147_483_647 || mask < -2_147_483_648) {
    throw new CidrError("Malformed CIDR, mask bits must be an integer");
  }
  if (mask < 0) throw new CidrError("Malformed CIDR, mask bits must not be negative");
  if (!IPV4_RE.test(address) && !IPV6_RE.test(address)) throw new CidrError(`Nonstandard IP address: ${address}`);
  const bytes = ipToBytes(address);
  if (bytes === undefined) throw new CidrError(`Invalid IP address: ${address}`);
  if (bytes.length === 4 && mask > 31) throw new CidrError("IPv4 mask bits must be < 32");
  if (bytes.length === 16 && mask > 127) throw new CidrError("IPv6 mask bits must be < 128");
  let hostBits = bytes.length * 8 - mask;
  const high = [...bytes];
  for (let i = high.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    high[i] = (high[i] ?? 0) | (hostBits >= 8 ? 0xff : (1 << hostBits) - 1);
  }
  return { low: bytes, high };
}

function compareBytes(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// =============================================================================================
// Compiled policies
// =============================================================================================

type Rule =
  | { kind: "string"; value: string; ip?: number[] }
  | { kind: "number"; value: number }
  | { kind: "literal"; value: boolean | null }
  | { kind: "prefix" | "suffix" | "equals-ignore-case"; value: string }
  | { kind: "anything-but-strings"; values: Set<string> }
  | { kind: "anything-but-numbers"; values: number[] }
  | { kind: "anything-but-prefix"; value: string }
  | { kind: "numeric"; lower?: { value: number; inclusive: boolean }; upper?: { value: number; inclusive: boolean } }
  | { kind: "exists"; value: boolean }
  | { kind: "cidr"; range: IpRange };

export interface CompiledFilterPolicy {
  scope: FilterPolicyScope;
  /** Alternatives produced by $or; each maps a dotted path to the rules any of which must match. */
  branches: ReadonlyArray<ReadonlyMap<string, readonly Rule[]>>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function compileRule(value: Json): Rule {
  if (typeof value === "string") {
    const ip = ipToBytes(value);
    return ip === undefined ? { kind: "string", value } : { kind: "string", value, ip };
  }
  if (typeof value === "number") return { kind: "number", value };
  if (value === null || typeof value === "boolean") return { kind: "literal", value };
  const [operator, operand] = Object.entries(value as { [key: string]: Json })[0] as [string, Json];
  switch (operator) {
    case "prefix":
    case "suffix":
    case "equals-ignore-case":
      return { kind: operator, value: operand as string };
    case "exists":
      return { kind: "exists", value: operand as boolean };
    case "cidr":
      return { kind: "cidr", range: parseCidr(operand as string) };
    case "anything-but": {
      if (isObject(operand)) return { kind: "anything-but-prefix", value: operand.prefix as string };
      const list = Array.isArray(operand) ? operand : [operand];
      return typeof list[0] === "number"
        ? { kind: "anything-but-numbers", values: list as number[] }
        : { kind: "anything-but-strings", values: new Set(list as string[]) };
    }
    default: {
      // numeric: validated as [op, n] or [">"|">=", n, "<"|"<=", n]
      const terms = operand as Array<string | number>;
      const rule: Extract<Rule, { kind: "numeric" }> = { kind: "numeric" };
      for (let i = 0; i + 1 < terms.length; i += 2) {
        const op = terms[i] as string;
        const n = terms[i + 1] as number;
        if (op === "=") {
          rule.lower = { value: n, inclusive: true };
          rule.upper = { value: n, inclusive: true };
        } else if (op === ">" || op === ">=") rule.lower = { value: n, inclusive: op === ">=" };
        else rule.upper = { value: n, inclusive: op === "<=" };
      }
      return rule;
    }
  }
}

/** Flattens nested keys into dotted paths and forks a branch for every $or alternative. */
function flattenPolicy(policy: { [key: string]: Json }, prefix: string, branches: Array<Map<string, Rule[]>>): Array<Map<string, Rule[]>> {
  let current = branches;
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or" && Array.isArray(value)) {
      current = value.flatMap((alternative) =>
        flattenPolicy(alternative as { [key: string]: Json }, prefix, current.map((b) => new Map(b))),
      );
      continue;
    }
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (isObject(value)) current = flattenPolicy(value, path, current);
    else {
      const rules = (value as Json[]).map(compileRule);
      current = current.map((b) => new Map(b).set(path, rules));
    }
  }
  return current;
}

/**
 * AWS's complexity measure: the product of the number of values of every key (a value nested
 * n levels deep counts n times), alternatives of $or adding up. Matches the documented
 * 3 x 1 x 2 = 6 example and the nested example (4 x 3 x 3 x 2 = 72).
 */
function combinations(policy: { [key: string]: Json }, depth: number, start: number): number {
  let total = start;
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or" && Array.isArray(value)) {
      total = value.reduce<number>((sum, alternative) => sum + combinations(alternative as { [key: string]: Json }, depth, total), 0);
    } else if (isObject(value)) {
      total = combinations(value, depth + 1, total);
    } else if (Array.isArray(value)) {
      total = total * value.length * depth;
    }
  }
  return total;
}

function hasNestedKeys(policy: { [key: string]: Json }): boolean {
  return Object.entries(policy).some(([key, value]) =>
    key === "$or" && Array.isArray(value) ? value.some((v) => isObject(v) && hasNestedKeys(v)) : isObject(value),
  );
}

/**
 * The policy as SNS hands it to the rule compiler: without the whitespace between tokens, so a
 * location's source and column are those of the compact text whatever the client sent. Recorded
 * against AWS (May 2024, LocalStack's test_sns_filter_policy snapshots): policies sent as
 * Python's json.dumps output (`{"key": [["value"]]}`) are quoted `{"key":[["value"]]}`, column 10.
 */
function withoutWhitespace(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i];
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      out += ch;
      inString = true;
    } else if (ch !== " " && ch !== "\t" && ch !== "\n" && ch !== "\r") out += ch;
  }
  return out;
}

/**
 * Validates a FilterPolicy attribute value and compiles it. Throws InvalidParameter with AWS's
 * message; `operation` decides the "Attributes Reason:" wrapping.
 */
export function validateFilterPolicy(
  text: string,
  options: { scope: FilterPolicyScope; operation: FilterPolicyOperation },
): CompiledFilterPolicy {
  const prefix = errorPrefix(options.operation);
  const fail = (reason: string) => invalidParameter(`${prefix}FilterPolicy: ${reason}`);
  if (Buffer.byteLength(text, "utf8") > MAX_FILTER_POLICY_BYTES) {
    // The 256 KB limit is documented; no recording of its refusal was found.
    throw fail("Filter policy is too long");
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    // AWS appends Jackson's parser detail after this sentence; the sentence is what matters.
    throw fail("failed to parse JSON.");
  }
  // "{}" filters nothing; accepting it is how clients clear a policy without removing it.
  if (isObject(parsed) && Object.keys(parsed).length === 0) return { scope: options.scope, branches: [] };
  try {
    new RuleSyntaxChecker(new JacksonLikeTokenizer(withoutWhitespace(text))).check();
  } catch (e) {
    if (e instanceof PolicySyntaxError || e instanceof UnlocatedRuleError) throw fail(e.message);
    throw e;
  }
  const policy = parsed as { [key: string]: Json };
  if (Object.keys(policy).length > MAX_FILTER_POLICY_KEYS) throw fail("Filter policy can not have more than 5 keys");
  if (options.scope === "MessageAttributes" && hasNestedKeys(policy)) {
    throw invalidParameter(`${prefix}Filter policy scope MessageAttributes does not support nested filter policy`);
  }
  if (combinations(policy, 1, 1) > MAX_FILTER_POLICY_COMBINATIONS) throw fail("Filter policy is too complex");
  return { scope: options.scope, branches: flattenPolicy(policy, "", [new Map()]) };
}

// =============================================================================================
// Matching
// =============================================================================================

type Leaf = { type: "string"; value: string } | { type: "number"; value: number } | { type: "literal"; value: boolean | null };

function toLeaf(value: Json): Leaf | undefined {
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "number") return { type: "number", value };
  if (value === null || typeof value === "boolean") return { type: "literal", value };
  return undefined;
}

function inRange(n: number, rule: Extract<Rule, { kind: "numeric" }>): boolean {
  const { lower, upper } = rule;
  if (lower !== undefined && (lower.inclusive ? n < lower.value : n <= lower.value)) return false;
  if (upper !== undefined && (upper.inclusive ? n > upper.value : n >= upper.value)) return false;
  return true;
}

function caseFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

function leafMatches(rule: Rule, leaf: Leaf): boolean {
  switch (rule.kind) {
    case "string":
      if (leaf.type !== "string") return false;
      if (leaf.value === rule.value) return true;
      if (rule.ip !== undefined) {
        const ip = ipToBytes(leaf.value);
        return ip !== undefined && ip.length === rule.ip.length && compareBytes(ip, rule.ip) === 0;
      }
      return false;
    case "number":
      return leaf.type === "number" && leaf.value === rule.value;
    case "literal":
      return leaf.type === "literal" && leaf.value === rule.value;
    case "prefix":
      return leaf.type === "string" && leaf.value.startsWith(rule.value);
    case "suffix":
      return leaf.type === "string" && leaf.value.endsWith(rule.value);
    case "equals-ignore-case":
      return leaf.type === "string" && caseFold(leaf.value, rule.value);
    case "anything-but-strings":
      return !(leaf.type === "string" && rule.values.has(leaf.value));
    case "anything-but-numbers":
      return !(leaf.type === "number" && rule.values.includes(leaf.value));
    case "anything-but-prefix":
      return !(leaf.type === "string" && leaf.value.startsWith(rule.value));
    case "numeric":
      return leaf.type === "number" && inRange(leaf.value, rule);
    case "cidr": {
      if (leaf.type !== "string") return false;
      const ip = ipToBytes(leaf.value);
      return (
        ip !== undefined &&
        ip.length === rule.range.low.length &&
        compareBytes(ip, rule.range.low) >= 0 &&
        compareBytes(ip, rule.range.high) <= 0
      );
    }
    case "exists":
      return false;
  }
}

function rulesMatch(rules: readonly Rule[], leaves: readonly Leaf[]): boolean {
  return rules.some((rule) =>
    rule.kind === "exists" ? rule.value === leaves.length > 0 : leaves.some((leaf) => leafMatches(rule, leaf)),
  );
}

type Record_ = Map<string, Leaf[]>;

function branchMatches(branch: ReadonlyMap<string, readonly Rule[]>, record: Record_): boolean {
  for (const [path, rules] of branch) {
    if (!rulesMatch(rules, record.get(path) ?? [])) return false;
  }
  return true;
}

function evaluate(policy: CompiledFilterPolicy, records: readonly Record_[]): boolean {
  if (policy.branches.length === 0) return true;
  return policy.branches.some((branch) => records.some((record) => branchMatches(branch, record)));
}

/** A message attribute as Publish carries it. */
export interface FilterableAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

/**
 * Attribute values as the rule engine sees them: String as a string, Number as a number,
 * String.Array (and Number.Array) as its elements; Binary attributes are ignored (AWS docs:
 * "Amazon SNS ignores message attributes with the Binary data type").
 */
export function attributeLeaves(attribute: FilterableAttribute): Leaf[] {
  const type = attribute.DataType;
  const value = attribute.StringValue;
  if (value === undefined || type.startsWith("Binary")) return [];
  if (type === "String.Array" || type === "Number.Array") {
    let parsed: Json;
    try {
      parsed = JSON.parse(value) as Json;
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.map(toLeaf).filter((l): l is Leaf => l !== undefined);
  }
  if (type.startsWith("Number")) {
    const n = Number(value);
    return Number.isFinite(n) ? [{ type: "number", value: n }] : [];
  }
  return [{ type: "string", value }];
}

export function matchesMessageAttributes(
  policy: CompiledFilterPolicy,
  attributes: Readonly<Record<string, FilterableAttribute>> | undefined,
): boolean {
  const record: Record_ = new Map();
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    const leaves = attributeLeaves(attribute);
    if (leaves.length > 0) record.set(name, leaves);
  }
  return evaluate(policy, [record]);
}

/** Caps the records an array-heavy body can fork into; past it, elements share one record. */
const MAX_RECORDS = 1024;

/**
 * Flattens a JSON body into records of dotted paths. Arrays of scalars give a field several
 * values; each object inside an array gets its own record, so fields of two different array
 * elements never combine (Event Ruler's array consistency).
 */
function flattenBody(value: Json, path: string, records: Record_[]): Record_[] {
  if (isObject(value)) {
    let current = records;
    for (const [key, child] of Object.entries(value)) current = flattenBody(child, path === "" ? key : `${path}.${key}`, current);
    return current;
  }
  if (Array.isArray(value)) {
    const objects: Json[] = [];
    let current = records;
    for (const element of value) {
      if (isObject(element) || (Array.isArray(element) && element.some((e) => typeof e === "object" && e !== null))) {
        objects.push(element);
      } else current = flattenBody(element, path, current);
    }
    if (objects.length === 0) return current;
    if (current.length * objects.length > MAX_RECORDS) {
      for (const element of objects) current = flattenBody(element, path, current);
      return current;
    }
    return objects.flatMap((element) => flattenBody(element, path, current.map((r) => cloneRecord(r))));
  }
  const leaf = toLeaf(value);
  if (leaf === undefined) return records;
  for (const record of records) {
    const leaves = record.get(path);
    if (leaves === undefined) record.set(path, [leaf]);
    else leaves.push(leaf);
  }
  return records;
}

function cloneRecord(record: Record_): Record_ {
  return new Map([...record].map(([k, v]) => [k, [...v]]));
}

/** MessageBody scope: the body must be a JSON object, otherwise nothing matches. */
export function matchesMessageBody(policy: CompiledFilterPolicy, body: string): boolean {
  if (policy.branches.length === 0) return true;
  let parsed: Json;
  try {
    parsed = JSON.parse(body) as Json;
  } catch {
    return false;
  }
  if (!isObject(parsed)) return false;
  return evaluate(policy, flattenBody(parsed, "", [new Map()]));
}

/** Whether a published message passes a subscription's (already validated) policy. */
export function matchesFilterPolicy(
  policy: CompiledFilterPolicy,
  message: { body: string; attributes?: Readonly<Record<string, FilterableAttribute>> | undefined },
): boolean {
  return policy.scope === "MessageBody"
    ? matchesMessageBody(policy, message.body)
    : matchesMessageAttributes(policy, message.attributes);
}
