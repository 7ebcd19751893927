/**
 * Tokenizer for DynamoDB's PartiQL. Keywords are not decided here (a bare word is an "ident"):
 * the parser knows where a word is a keyword. Text the lexer cannot read at all (an
 * unterminated string or comment, a `#`) is refused with the bare "wasn't well formed"
 * envelope, as DynamoDB does.
 */
import { fitsBigDecimal } from "../domain/numbers.js";
import { PartiqlSyntaxError } from "./errors.js";

export type TokenKind =
  | "ident" // bare word: keyword, attribute, table or function name
  | "quoted" // "double quoted" name
  | "string" // 'single quoted' string literal
  | "number"
  | "?"
  | "("
  | ")"
  | "["
  | "]"
  | "{"
  | "}"
  | "<<"
  | ">>"
  | ","
  | "."
  | ":"
  | ";"
  | "*"
  | "="
  | "<>"
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "/"
  | "%"
  | "||"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The name or string with quotes removed and doubled quotes undone; the number as written. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export const INT32_MAX = 2147483647;

/** A literal whose exponent or scale does not fit a 32-bit integer cannot be converted at all. */
function checkNumberScale(text: string): void {
  if (!fitsBigDecimal(text)) throw new PartiqlSyntaxError("");
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const n = input.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, text = input.slice(start, end)) => tokens.push({ kind, text, start, end });
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    const next = i + 1 < n ? input.charCodeAt(i + 1) : -1;
    // Comments: `-- to end of line` and `/* block */`.
    if (c === 45 && next === 45) {
      while (i < n && input.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && next === 42) {
      const close = input.indexOf("*/", i + 2);
      if (close === -1) throw new PartiqlSyntaxError("");
      i = close + 2;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(input.charCodeAt(i))) i++;
      push("ident", start, i);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(next))) {
      while (i < n && isDigit(input.charCodeAt(i))) i++;
      if (i < n && input.charCodeAt(i) === 46) {
        i++;
        while (i < n && isDigit(input.charCodeAt(i))) i++;
      }
      const e = i < n ? input.charCodeAt(i) : -1;
      if (e === 101 || e === 69) {
        let j = i + 1;
        const sign = j < n ? input.charCodeAt(j) : -1;
        if (sign === 43 || sign === 45) j++;
        if (j < n && isDigit(input.charCodeAt(j))) {
          while (j < n && isDigit(input.charCodeAt(j))) j++;
          i = j;
        }
      }
      const text = input.slice(start, i);
      checkNumberScale(text);
      push("number", start, i, text);
      continue;
    }
    if (c === 39 || c === 34) {
      // 'string' or "name"; a doubled quote stands for one quote.
      let text = "";
      i++;
      for (;;) {
        if (i >= n) throw new PartiqlSyntaxError("");
        const d = input.charCodeAt(i);
        if (d === c) {
          if (i + 1 < n && input.charCodeAt(i + 1) === c) {
            text += input[i];
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input[i];
        i++;
      }
      push(c === 39 ? "string" : "quoted", start, i, text);
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === "<<" || two === ">>" || two === "<>" || two === "!=" || two === "<=" || two === ">=" || two === "||") {
      i += 2;
      push(two as TokenKind, start, i);
      continue;
    }
    const one = input[i] as string;
    if ("?()[]{},.:;*=<>+-/%".includes(one)) {
      i++;
      push(one as TokenKind, start, i);
      continue;
    }
    // `#`, `@`, a lone `!` or `|`...: nothing DynamoDB's lexer can read.
    throw new PartiqlSyntaxError("");
  }
  tokens.push({ kind: "eof", text: "", start: n, end: n });
  return tokens;
}

/** 1-based line and column of an offset, as DynamoDB prints positions ("at 1:24:7"). */
export function lineAndColumn(input: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < input.length; i++) {
    if (input.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Where a token or expression from `start` to `end` stands, as DynamoDB cites it: "line:column:length". */
export function spanAt(input: string, start: number, end: number): string {
  const at = lineAndColumn(input, start);
  return `${at.line}:${at.column}:${end - start}`;
}
