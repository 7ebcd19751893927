/**
 * Tokenizer shared by every DynamoDB expression grammar. One pass over char codes, no regular
 * expressions: expressions are parsed on every request.
 */

export type TokenKind =
  | "ident" // attribute names, keywords, function names
  | "name" // #placeholder
  | "value" // :placeholder
  | "number" // list indexes
  | "("
  | ")"
  | "["
  | "]"
  | ","
  | "."
  | "="
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "invalid"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A syntax error in DynamoDB's form; the caller adds "Invalid <Parameter>: ". */
export class ExpressionSyntaxError extends Error {
  override readonly name = "ExpressionSyntaxError";
  constructor(
    message: string,
    /** Token index, so that alternatives can report the furthest failure. */
    readonly at: number,
  ) {
    super(message);
  }
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const n = input.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number) => {
    tokens.push({ kind, text: input.slice(start, end), start, end });
  };
  while (i < n) {
    const c = input.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      while (i < n && isDigit(input.charCodeAt(i))) i++;
      push("number", start, i);
      continue;
    }
    // A name starts with a letter: `SET _a = :v` is "Syntax error; token: "_", near: "SET _a""
    // on DynamoDB (ScyllaDB Alternator's test_update_expression_name_token, which passes on AWS).
    // After # or : any word character may follow (`#_`, `:123`).
    if (isLetter(c)) {
      while (i < n && isWordChar(input.charCodeAt(i))) i++;
      push("ident", start, i);
      continue;
    }
    if (c === 35 /* # */ || c === 58 /* : */) {
      i++;
      while (i < n && isWordChar(input.charCodeAt(i))) i++;
      push(i - start > 1 ? (c === 35 ? "name" : "value") : "invalid", start, i);
      continue;
    }
    const next = i + 1 < n ? input.charCodeAt(i + 1) : -1;
    switch (c) {
      case 40:
        push("(", start, ++i);
        break;
      case 41:
        push(")", start, ++i);
        break;
      case 91:
        push("[", start, ++i);
        break;
      case 93:
        push("]", start, ++i);
        break;
      case 44:
        push(",", start, ++i);
        break;
      case 46:
        push(".", start, ++i);
        break;
      case 61:
        push("=", start, ++i);
        break;
      case 43:
        push("+", start, ++i);
        break;
      case 45:
        push("-", start, ++i);
        break;
      case 60 /* < */:
        if (next === 62) {
          i += 2;
          push("<>", start, i);
        } else if (next === 61) {
          i += 2;
          push("<=", start, i);
        } else {
          push("<", start, ++i);
        }
        break;
      case 62 /* > */:
        if (next === 61) {
          i += 2;
          push(">=", start, i);
        } else {
          push(">", start, ++i);
        }
        break;
      default: {
        // One unknown character (a whole surrogate pair for astral characters).
        const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
        i += width;
        push("invalid", start, i);
      }
    }
  }
  tokens.push({ kind: "eof", text: "", start: n, end: n });
  return tokens;
}

/**
 * DynamoDB reports the offending token and the source text around it, from the start of the
 * token before it to the end of the token after it: `SET` alone gives token "<EOF>", near "SET";
 * `attribute_type()` gives token ")", near "()".
 */
export function syntaxError(input: string, tokens: readonly Token[], index: number): ExpressionSyntaxError {
  const tok = tokens[index] as Token;
  const prev = index > 0 ? tokens[index - 1] : undefined;
  const next = tokens[index + 1] ?? tok;
  const near = input.slice(prev ? prev.start : tok.start, next.end);
  const text = tok.kind === "eof" ? "<EOF>" : tok.text;
  return new ExpressionSyntaxError(`Syntax error; token: "${text}", near: "${near}"`, index);
}
