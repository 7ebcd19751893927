import type {
  Comparator,
  RawCall,
  RawCondition,
  RawConditionExpression,
  RawOperand,
  RawPath,
  RawPathElement,
  RawProjectionExpression,
  RawUpdateAction,
  RawUpdateExpression,
  RawValueRef,
  UpdateClause,
} from "./ast.js";
import { ExpressionSyntaxError, syntaxError, tokenize, type Token, type TokenKind } from "./lexer.js";

/**
 * Recursive-descent parsers for the three DynamoDB expression grammars (condition/filter/key
 * condition, update, projection). They only build the raw tree and report syntax errors;
 * everything that needs ExpressionAttributeNames/Values happens when binding.
 *
 * Condition precedence (AWS "Precedence in conditions"): comparisons, IN, BETWEEN and functions
 * bind tightest, then parentheses, NOT, AND, OR.
 */

const MAX_LIST_INDEX = 4294967294;
const MAX_PATH_DEPTH = 32;

const CONDITION_KEYWORDS: ReadonlySet<string> = new Set(["AND", "OR", "NOT", "BETWEEN", "IN"]);
const UPDATE_KEYWORDS: ReadonlySet<string> = new Set(["SET", "REMOVE", "ADD", "DELETE"]);
const NO_KEYWORDS: ReadonlySet<string> = new Set();

const COMPARATORS: ReadonlySet<TokenKind> = new Set(["=", "<>", "<", "<=", ">", ">="]);
/**
 * Past this many "(", one that is never closed ends the parse at once. Well past the nesting
 * any accepted expression has (at most 300 operators); closed "(" stay within the 2048 levels
 * the 4096-byte limit allows, which the recursion handles.
 */
const MAX_OPEN_DEPTH = 256;

class Parser {
  readonly tokens: Token[];
  pos = 0;
  redundantParens = false;
  operatorCount = 0;
  maxInOperands = 0;
  /** Index of the matching ")" for each "(" (computed once, so "(" never needs backtracking). */
  private readonly matching: Int32Array;
  /** Operands that were written inside parentheses, to spot `((a))`. */
  private readonly parenthesized = new WeakSet<object>();
  /** How many "(" the parser is inside. */
  private depth = 0;

  constructor(
    readonly input: string,
    private readonly keywords: ReadonlySet<string>,
  ) {
    this.tokens = tokenize(input);
    this.matching = new Int32Array(this.tokens.length).fill(-1);
    const stack: number[] = [];
    for (let i = 0; i < this.tokens.length; i++) {
      const kind = (this.tokens[i] as Token).kind;
      if (kind === "(") stack.push(i);
      else if (kind === ")" && stack.length > 0) this.matching[stack.pop() as number] = i;
    }
  }

  get tok(): Token {
    return this.tokens[this.pos] as Token;
  }

  peek(offset = 1): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  fail(at = this.pos): never {
    throw syntaxError(this.input, this.tokens, at);
  }

  /**
   * Enters the "(" at the current token. Deep in unclosed "(" the expression can only fail, and
   * it is answered with the syntax error at its end, before the recursion overflows the stack:
   * "(" * 4096 was a 500, which DynamoDB refuses with a ValidationException naming the
   * ConditionExpression (ScyllaDB Alternator's test_deeply_nested_expression_1 in
   * test/alternator/test_limits.py, which passes on DynamoDB).
   */
  open(): void {
    if (++this.depth > MAX_OPEN_DEPTH && (this.matching[this.pos] ?? -1) < 0) this.fail(this.tokens.length - 1);
    this.pos++;
  }

  close(): void {
    this.expect(")");
    this.depth--;
  }

  expect(kind: TokenKind): Token {
    const t = this.tok;
    if (t.kind !== kind) this.fail();
    this.pos++;
    return t;
  }

  isKeyword(t: Token, word: string): boolean {
    return t.kind === "ident" && t.text.length === word.length && t.text.toUpperCase() === word;
  }

  isAnyKeyword(t: Token): boolean {
    return t.kind === "ident" && this.keywords.has(t.text.toUpperCase());
  }

  expectEnd(): void {
    if (this.tok.kind !== "eof") this.fail();
  }

  // --- paths ------------------------------------------------------------------------------

  pathElement(): RawPathElement {
    const t = this.tok;
    if (t.kind === "name") {
      this.pos++;
      return { kind: "name", ref: t.text };
    }
    if (t.kind === "ident" && !this.isAnyKeyword(t)) {
      this.pos++;
      return { kind: "attr", name: t.text };
    }
    this.fail();
  }

  path(): RawPath {
    const elements: RawPathElement[] = [this.pathElement()];
    for (;;) {
      const t = this.tok;
      if (t.kind === ".") {
        this.pos++;
        elements.push(this.pathElement());
      } else if (t.kind === "[") {
        this.pos++;
        const at = this.pos;
        const n = this.expect("number");
        // DynamoDB takes list indexes up to 4294967294 (an index past the end appends, however
        // large); one beyond is refused as it is written (floci-io/floci#3073, measured on
        // DynamoDB: SET l[4294967295] is "Invalid UpdateExpression: List index is not within the
        // allowable range; index: [4294967295]"; scylladb/scylladb#25951's test, which passes on
        // DynamoDB, gets the ProjectionExpression form for a[99999999999999]).
        if (Number(n.text) > MAX_LIST_INDEX) {
          throw new ExpressionSyntaxError(`List index is not within the allowable range; index: [${n.text}]`, at);
        }
        this.expect("]");
        elements.push({ kind: "index", index: Number(n.text) });
      } else {
        // A document path is at most 32 levels deep, as attributes are nested (developer guide,
        // Constraints): a path of 33 is "Invalid ProjectionExpression: The document path has too
        // many nesting levels; nesting levels: 33" as DynamoDB answers, 32 parse (ScyllaDB
        // Alternator's test_projection_expression_path_nesting_levels, which passes on DynamoDB).
        // Every element counts, list indexes too.
        if (elements.length > MAX_PATH_DEPTH) throw new ExpressionSyntaxError(`The document path has too many nesting levels; nesting levels: ${elements.length}`, this.pos);
        return { kind: "path", elements };
      }
    }
  }

  // --- operands ---------------------------------------------------------------------------

  valueRef(): RawValueRef {
    const t = this.expect("value");
    return { kind: "value", ref: t.text };
  }

  call(argument: () => RawOperand): RawCall {
    const name = this.tok.text;
    this.pos += 2; // name and "("
    const args: RawOperand[] = [argument()];
    while (this.tok.kind === ",") {
      this.pos++;
      args.push(argument());
    }
    this.expect(")");
    this.operatorCount++;
    return { kind: "call", name, args };
  }

  /** path | :value | function(args) | ( operand ) */
  operand(): RawOperand {
    const t = this.tok;
    if (t.kind === "(") {
      this.open();
      const inner = this.operand();
      this.close();
      this.markParens(inner);
      return inner;
    }
    if (t.kind === "value") return this.valueRef();
    if (t.kind === "ident" && this.peek().kind === "(" && !this.isAnyKeyword(t)) return this.call(() => this.operand());
    if (t.kind === "ident" || t.kind === "name") return this.path();
    this.fail();
  }

  markParens(node: object): void {
    if (this.parenthesized.has(node)) this.redundantParens = true;
    this.parenthesized.add(node);
  }

  // --- conditions -------------------------------------------------------------------------

  or(): RawCondition {
    let left = this.and();
    while (this.isKeyword(this.tok, "OR")) {
      this.pos++;
      const right = this.and();
      this.operatorCount++;
      left = { kind: "or", left, right };
    }
    return left;
  }

  and(): RawCondition {
    let left = this.not();
    while (this.isKeyword(this.tok, "AND")) {
      this.pos++;
      const right = this.not();
      this.operatorCount++;
      left = { kind: "and", left, right };
    }
    return left;
  }

  not(): RawCondition {
    if (this.isKeyword(this.tok, "NOT")) {
      this.pos++;
      const operand = this.not();
      this.operatorCount++;
      return { kind: "not", operand };
    }
    return this.primary();
  }

  /**
   * "(" opens either a nested condition or a parenthesized operand, as in `(size(a)) > :v`.
   * What follows the matching ")" decides: a comparator, BETWEEN or IN means an operand.
   */
  private opensOperand(): boolean {
    const close = this.matching[this.pos] ?? -1;
    if (close < 0) return false;
    const after = this.tokens[close + 1] as Token;
    return COMPARATORS.has(after.kind) || this.isKeyword(after, "BETWEEN") || this.isKeyword(after, "IN");
  }

  primary(): RawCondition {
    if (this.tok.kind === "(" && !this.opensOperand()) {
      this.open();
      const inner = this.or();
      this.close();
      this.markParens(inner);
      return inner;
    }
    const left = this.operand();
    const t = this.tok;
    if (COMPARATORS.has(t.kind)) {
      this.pos++;
      const right = this.operand();
      this.operatorCount++;
      return { kind: "compare", op: t.kind as Comparator, left, right };
    }
    if (this.isKeyword(t, "BETWEEN")) {
      this.pos++;
      const lower = this.operand();
      if (!this.isKeyword(this.tok, "AND")) this.fail();
      this.pos++;
      const upper = this.operand();
      this.operatorCount++;
      return { kind: "between", operand: left, lower, upper };
    }
    if (this.isKeyword(t, "IN")) {
      this.pos++;
      this.expect("(");
      const list: RawOperand[] = [this.operand()];
      while (this.tok.kind === ",") {
        this.pos++;
        list.push(this.operand());
      }
      this.expect(")");
      this.operatorCount++;
      if (list.length > this.maxInOperands) this.maxInOperands = list.length;
      return { kind: "in", operand: left, list };
    }
    if (left.kind === "call") return { kind: "call", call: left };
    this.fail();
  }

  // --- update -----------------------------------------------------------------------------

  /** operand, or `a + b` / `a - b`, optionally parenthesized. */
  setValue(): RawOperand {
    const left = this.setOperand();
    const t = this.tok;
    if (t.kind === "+" || t.kind === "-") {
      this.pos++;
      const right = this.setOperand();
      this.operatorCount++;
      return { kind: "arith", op: t.kind, left, right };
    }
    return left;
  }

  setOperand(): RawOperand {
    const t = this.tok;
    if (t.kind === "(") {
      this.pos++;
      const inner = this.setValue();
      this.expect(")");
      return inner;
    }
    if (t.kind === "value") return this.valueRef();
    if (t.kind === "ident" && this.peek().kind === "(" && !this.isAnyKeyword(t)) return this.call(() => this.setOperand());
    if (t.kind === "ident" || t.kind === "name") return this.path();
    this.fail();
  }

  update(): RawUpdateExpression {
    const actions: RawUpdateAction[] = [];
    const seen = new Set<UpdateClause>();
    let repeatedClause: UpdateClause | undefined;
    do {
      const t = this.tok;
      const clause = t.kind === "ident" ? t.text.toUpperCase() : "";
      if (!UPDATE_KEYWORDS.has(clause)) this.fail();
      const c = clause as UpdateClause;
      if (seen.has(c)) repeatedClause ??= c;
      seen.add(c);
      this.pos++;
      for (;;) {
        const path = this.path();
        if (c === "SET") {
          this.expect("=");
          actions.push({ kind: "SET", path, value: this.setValue() });
        } else if (c === "REMOVE") {
          actions.push({ kind: "REMOVE", path });
        } else {
          actions.push({ kind: c, path, value: this.valueRef() });
        }
        if (this.tok.kind !== ",") break;
        this.pos++;
      }
    } while (this.tok.kind !== "eof");
    return { actions, repeatedClause, operatorCount: this.operatorCount };
  }
}

export function parseConditionSyntax(input: string): RawConditionExpression {
  const p = new Parser(input, CONDITION_KEYWORDS);
  const root = p.or();
  p.expectEnd();
  return { root, redundantParens: p.redundantParens, operatorCount: p.operatorCount, maxInOperands: p.maxInOperands };
}

export function parseUpdateSyntax(input: string): RawUpdateExpression {
  const p = new Parser(input, UPDATE_KEYWORDS);
  return p.update();
}

export function parseProjectionSyntax(input: string): RawProjectionExpression {
  const p = new Parser(input, NO_KEYWORDS);
  const paths: RawPath[] = [p.path()];
  while (p.tok.kind === ",") {
    p.pos++;
    paths.push(p.path());
  }
  p.expectEnd();
  return { paths };
}
