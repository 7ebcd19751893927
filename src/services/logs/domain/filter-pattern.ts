/**
 * CloudWatch Logs filter and pattern syntax (FilterLogEvents, metric filters, live tail):
 *  - terms: `ERROR Exception` (all must occur), `"quoted phrase"`, `-term` (must not occur),
 *    `?ERROR ?WARN` (any of them); terms are case-sensitive substrings of the message;
 *  - `%regex%` on the whole message;
 *  - JSON: `{ $.level = "ERROR" && ($.latency > 100 || $.user.id NOT EXISTS) }`, with
 *    =, !=, <, <=, >, >=, `*` wildcards in strings, IS NULL / IS TRUE / IS FALSE,
 *    EXISTS / NOT EXISTS; a message that is not JSON never matches;
 *  - space-delimited: `[ip, user, ..., status = 4* || status = 5*, bytes > 1000]`, where a
 *    message splits on spaces, "quoted" and [bracketed] fields count as one field, and `...`
 *    stands for any number of fields.
 */

export class FilterPatternError extends Error {}

export interface FilterPattern {
  matches(message: string): boolean;
  /**
   * For a matching message, the values metric filters can extract: `$.path` selectors of a JSON
   * pattern, `$field` names of a space-delimited one. Undefined when the message does not match.
   */
  extract(message: string): Extracted | undefined;
}

export interface Extracted {
  /** Named fields of a space-delimited pattern (`$ip` -> "10.0.0.1"), as TestMetricFilter shows them. */
  readonly fields: Record<string, string>;
  /** Resolves `$.path` (JSON) or `$name` (space-delimited) to a value. */
  value(selector: string): string | undefined;
}

const NOTHING: Extracted = { fields: {}, value: () => undefined };

/** Builds a pattern whose only extraction is "it matched". */
function plain(matches: (message: string) => boolean): FilterPattern {
  return { matches, extract: (m) => (matches(m) ? NOTHING : undefined) };
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function parseFilterPattern(source: string): FilterPattern {
  const text = source.trim();
  if (text === "") return plain(() => true);
  if (text.startsWith("{")) return jsonPattern(text);
  if (text.startsWith("[")) return delimitedPattern(text);
  if (text.length >= 2 && text.startsWith("%") && text.endsWith("%")) {
    const re = regex(text.slice(1, -1));
    return plain((m) => re.test(m));
  }
  return termPattern(text);
}

function regex(body: string): RegExp {
  try {
    return new RegExp(body);
  } catch {
    throw new FilterPatternError(`invalid regular expression: ${body}`);
  }
}

function wildcard(value: string): RegExp {
  const escaped = value.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "s");
}

// ---------------------------------------------------------------- terms

interface Term {
  readonly kind: "and" | "or" | "not";
  readonly text: string;
}

function termPattern(text: string): FilterPattern {
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    let kind: Term["kind"] = "and";
    if ((c === "?" || c === "-") && i + 1 < text.length && !/\s/.test(text.charAt(i + 1))) {
      kind = c === "?" ? "or" : "not";
      i++;
    }
    let value = "";
    if (text.charAt(i) === '"') {
      ({ value, end: i } = readQuoted(text, i, "unterminated quoted term"));
    } else {
      while (i < text.length && !/\s/.test(text.charAt(i))) value += text.charAt(i++);
    }
    terms.push({ kind, text: value });
  }
  const required = terms.filter((t) => t.kind === "and");
  const excluded = terms.filter((t) => t.kind === "not");
  const optional = terms.filter((t) => t.kind === "or");
  return plain((message) => {
    if (!required.every((t) => message.includes(t.text))) return false;
    if (excluded.some((t) => message.includes(t.text))) return false;
    return optional.length === 0 || optional.some((t) => message.includes(t.text));
  });
}

// ---------------------------------------------------------------- shared comparison tokens

type Op = "=" | "!=" | "<" | "<=" | ">" | ">=";

type Literal =
  | { readonly type: "number"; readonly value: number }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "regex"; readonly value: RegExp };

type Tok =
  | { readonly t: "punct"; readonly v: "(" | ")" | "&&" | "||" | "," }
  | { readonly t: "op"; readonly v: Op }
  | { readonly t: "quoted"; readonly v: string }
  | { readonly t: "regex"; readonly v: string }
  | { readonly t: "word"; readonly v: string };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const two = text.slice(i, i + 2);
    if (/\s/.test(c)) {
      i++;
    } else if (two === "&&" || two === "||") {
      out.push({ t: "punct", v: two });
      i += 2;
    } else if (c === "(" || c === ")" || c === ",") {
      out.push({ t: "punct", v: c });
      i++;
    } else if (two === "!=" || two === "<=" || two === ">=") {
      out.push({ t: "op", v: two });
      i += 2;
    } else if (c === "=" || c === "<" || c === ">") {
      out.push({ t: "op", v: c });
      i++;
    } else if (c === '"') {
      const quoted = readQuoted(text, i, "unterminated string");
      i = quoted.end;
      out.push({ t: "quoted", v: quoted.value });
    } else if (c === "%") {
      const end = text.indexOf("%", i + 1);
      if (end < 0) throw new FilterPatternError("unterminated regular expression");
      out.push({ t: "regex", v: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      let word = "";
      while (i < text.length && !/[\s()=!<>,"&|]/.test(text.charAt(i))) word += text.charAt(i++);
      if (word === "") throw new FilterPatternError(`unexpected character ${c}`);
      out.push({ t: "word", v: word });
    }
  }
  return out;
}

/** A boolean tree over comparisons, shared by JSON and space-delimited patterns. */
type Expr<C> = { readonly k: "and" | "or"; readonly l: Expr<C>; readonly r: Expr<C> } | { readonly k: "cond"; readonly c: C };

class Parser<C> {
  private i = 0;
  constructor(
    private readonly toks: readonly Tok[],
    private readonly cond: (p: Parser<C>) => C,
  ) {}

  peek(): Tok | undefined {
    return this.toks[this.i];
  }

  next(): Tok {
    const t = this.toks[this.i++];
    if (t === undefined) throw new FilterPatternError("unexpected end of pattern");
    return t;
  }

  done(): boolean {
    return this.i >= this.toks.length;
  }

  or(): Expr<C> {
    let left = this.and();
    while (this.isPunct("||")) {
      this.i++;
      left = { k: "or", l: left, r: this.and() };
    }
    return left;
  }

  private and(): Expr<C> {
    let left = this.primary();
    while (this.isPunct("&&")) {
      this.i++;
      left = { k: "and", l: left, r: this.primary() };
    }
    return left;
  }

  private primary(): Expr<C> {
    if (this.isPunct("(")) {
      this.i++;
      const inner = this.or();
      if (!this.isPunct(")")) throw new FilterPatternError("missing )");
      this.i++;
      return inner;
    }
    return { k: "cond", c: this.cond(this) };
  }

  isPunct(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === "punct" && t.v === v;
  }

  literal(): Literal {
    const t = this.next();
    if (t.t === "quoted") return { type: "string", value: t.v };
    if (t.t === "regex") return { type: "regex", value: regex(t.v) };
    if (t.t === "word") return NUMBER.test(t.v) ? { type: "number", value: Number(t.v) } : { type: "string", value: t.v };
    throw new FilterPatternError("expected a value");
  }
}

function evaluate<C>(e: Expr<C>, test: (c: C) => boolean): boolean {
  if (e.k === "cond") return test(e.c);
  if (e.k === "and") return evaluate(e.l, test) && evaluate(e.r, test);
  return evaluate(e.l, test) || evaluate(e.r, test);
}

function compare(actual: unknown, op: Op, lit: Literal): boolean {
  if (lit.type === "number") {
    const n = typeof actual === "number" ? actual : typeof actual === "string" && NUMBER.test(actual) ? Number(actual) : undefined;
    if (n === undefined) return false;
    switch (op) {
      case "=":
        return n === lit.value;
      case "!=":
        return n !== lit.value;
      case "<":
        return n < lit.value;
      case "<=":
        return n <= lit.value;
      case ">":
        return n > lit.value;
      case ">=":
        return n >= lit.value;
    }
  }
  if (actual === undefined || actual === null || typeof actual === "object") return false;
  const s = String(actual);
  const hit = lit.type === "regex" ? lit.value.test(s) : wildcard(lit.value).test(s);
  if (op === "=") return hit;
  if (op === "!=") return !hit;
  throw new FilterPatternError(`${op} needs a numeric value`);
}

// ---------------------------------------------------------------- JSON patterns

type JsonCond =
  | { readonly kind: "cmp"; readonly path: readonly (string | number)[]; readonly op: Op; readonly lit: Literal }
  | { readonly kind: "is"; readonly path: readonly (string | number)[]; readonly what: "NULL" | "TRUE" | "FALSE" | "EXISTS" | "NOT EXISTS" };

function selector(word: string): (string | number)[] {
  if (!word.startsWith("$")) throw new FilterPatternError(`expected a selector starting with $, got ${word}`);
  const path: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/gy;
  re.lastIndex = 1;
  let m: RegExpExecArray | null;
  while (re.lastIndex < word.length && (m = re.exec(word)) !== null) {
    if (m[1] !== undefined) path.push(m[1]);
    else path.push(Number(m[2]));
  }
  if (re.lastIndex !== word.length && word.length > 1) throw new FilterPatternError(`invalid selector ${word}`);
  return path;
}

function jsonPattern(text: string): FilterPattern {
  if (!text.endsWith("}")) throw new FilterPatternError("a JSON pattern must end with }");
  const parser = new Parser<JsonCond>(tokenize(text.slice(1, -1)), (p) => {
    const sel = p.next();
    if (sel.t !== "word") throw new FilterPatternError("expected a selector");
    const path = selector(sel.v);
    const t = p.next();
    if (t.t === "op") return { kind: "cmp", path, op: t.v, lit: p.literal() };
    if (t.t === "word" && t.v.toUpperCase() === "IS") {
      const what = p.next();
      const w = what.t === "word" ? what.v.toUpperCase() : "";
      if (w !== "NULL" && w !== "TRUE" && w !== "FALSE") throw new FilterPatternError("expected NULL, TRUE or FALSE after IS");
      return { kind: "is", path, what: w };
    }
    if (t.t === "word" && t.v.toUpperCase() === "EXISTS") return { kind: "is", path, what: "EXISTS" };
    if (t.t === "word" && t.v.toUpperCase() === "NOT") {
      const e = p.next();
      if (e.t !== "word" || e.v.toUpperCase() !== "EXISTS") throw new FilterPatternError("expected EXISTS after NOT");
      return { kind: "is", path, what: "NOT EXISTS" };
    }
    throw new FilterPatternError("expected a comparison");
  });
  const expr = parser.or();
  if (!parser.done()) throw new FilterPatternError("unexpected tokens after the expression");
  const test = (doc: unknown): boolean =>
    evaluate(expr, (c) => {
      const v = resolve(doc, c.path);
      if (c.kind === "cmp") return compare(v, c.op, c.lit);
      switch (c.what) {
        case "NULL":
          return v === null;
        case "TRUE":
          return v === true;
        case "FALSE":
          return v === false;
        case "EXISTS":
          return v !== undefined;
        case "NOT EXISTS":
          return v === undefined;
      }
    });
  const extract = (message: string): Extracted | undefined => {
    const doc = parseJsonObject(message);
    if (doc === undefined || !test(doc)) return undefined;
    return {
      fields: {},
      value(sel) {
        if (!sel.startsWith("$.")) return undefined;
        const v = resolve(doc, selector(sel));
        return v === undefined || v === null || typeof v === "object" ? undefined : String(v);
      },
    };
  };
  return { matches: (m) => extract(m) !== undefined, extract };
}

function parseJsonObject(message: string): object | undefined {
  try {
    const doc: unknown = JSON.parse(message);
    return typeof doc === "object" && doc !== null ? doc : undefined;
  } catch {
    return undefined;
  }
}

function resolve(doc: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = doc;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (typeof key === "number") {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

// ---------------------------------------------------------------- space-delimited patterns

interface DelimCond {
  readonly op: Op;
  readonly lit: Literal;
}

type Field = { readonly kind: "ellipsis" } | { readonly kind: "field"; readonly name: string; readonly expr: Expr<DelimCond> | undefined };

function delimitedPattern(text: string): FilterPattern {
  if (!text.endsWith("]")) throw new FilterPatternError("a space-delimited pattern must end with ]");
  const toks = tokenize(text.slice(1, -1));
  // Split the tokens on top-level commas: one group per field.
  const groups: Tok[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.t === "punct" && t.v === "(") depth++;
    if (t.t === "punct" && t.v === ")") depth--;
    if (t.t === "punct" && t.v === "," && depth === 0) groups.push([]);
    else groups[groups.length - 1]?.push(t);
  }
  const fields: Field[] = groups.map((g) => {
    const first = g[0];
    if (first === undefined) throw new FilterPatternError("empty field");
    if (g.length === 1 && first.t === "word" && first.v === "...") return { kind: "ellipsis" };
    if (g.length === 1 && first.t === "word") return { kind: "field", name: first.v, expr: undefined };
    let name: string | undefined;
    const parser = new Parser<DelimCond>(g, (p) => {
      const n = p.next();
      if (n.t !== "word") throw new FilterPatternError("expected a field name");
      if (name !== undefined && name !== n.v) throw new FilterPatternError(`a condition on field ${name} names ${n.v}`);
      name = n.v;
      const op = p.next();
      if (op.t !== "op") throw new FilterPatternError("expected an operator");
      return { op: op.v, lit: p.literal() };
    });
    const expr = parser.or();
    if (!parser.done() || name === undefined) throw new FilterPatternError("invalid field condition");
    return { kind: "field", name, expr };
  });
  const extract = (message: string): Extracted | undefined => {
    const bound = matchFields(fields, 0, splitFields(message), 0);
    if (bound === undefined) return undefined;
    const named: Record<string, string> = {};
    for (const [name, value] of bound) named[`$${name}`] = value;
    return { fields: named, value: (sel) => named[sel] };
  };
  return { matches: (m) => extract(m) !== undefined, extract };
}

/** Matches fields to values (`...` takes any number); returns the named fields' values, or undefined. */
function matchFields(fields: readonly Field[], fi: number, values: readonly string[], vi: number): Map<string, string> | undefined {
  const field = fields[fi];
  if (field === undefined) return vi === values.length ? new Map() : undefined;
  if (field.kind === "ellipsis") {
    for (let k = vi; k <= values.length; k++) {
      const rest = matchFields(fields, fi + 1, values, k);
      if (rest !== undefined) return rest;
    }
    return undefined;
  }
  const value = values[vi];
  if (value === undefined) return undefined;
  if (field.expr !== undefined && !evaluate(field.expr, (c) => compare(value, c.op, c.lit))) return undefined;
  const rest = matchFields(fields, fi + 1, values, vi + 1);
  if (rest !== undefined) rest.set(field.name, value);
  return rest;
}

/** Splits a log line into fields: whitespace-separated, with "..." and [...] as single fields. */
export function splitFields(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < message.length) {
    const c = message.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const close = c === '"' ? '"' : c === "[" ? "]" : undefined;
    if (close !== undefined) {
      const end = message.indexOf(close, i + 1);
      if (end >= 0) {
        out.push(message.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let j = i;
    while (j < message.length && !/\s/.test(message.charAt(j))) j++;
    out.push(message.slice(i, j));
    i = j;
  }
  return out;
}

/** A double-quoted string starting at `start` (backslash escapes the next character); `end` is just past the closing quote. */
function readQuoted(text: string, start: number, unterminated: string): { value: string; end: number } {
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '"') return { value, end: i + 1 };
    if (ch === "\\" && i + 1 < text.length) value += text.charAt(++i);
    else value += ch;
  }
  throw new FilterPatternError(unterminated);
}
