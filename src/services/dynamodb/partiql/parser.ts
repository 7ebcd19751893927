/**
 * Recursive-descent parser for DynamoDB's PartiQL subset: SELECT, INSERT ... VALUE, UPDATE
 * (and its FROM-first form), DELETE, and EXISTS(SELECT ...) for transactions. It only checks
 * syntax, with the details DynamoDB puts after "Statement wasn't well formed, can't be
 * processed: "; everything that needs the table or the Parameters happens in the translator.
 *
 * Expression precedence, loosest first: OR, AND, NOT, predicates (comparisons, IS, IN,
 * BETWEEN, LIKE), + - ||, * / %, unary minus, then terms and paths.
 */
import type { AwsError } from "../../../core/errors.js";
import type { Expr, OrderItem, ParsedStatement, PathExpr, PathStep, ReturningMapping, SelectStatement, Source, Statement, UpdateClause } from "./ast.js";
import { invalid, MESSAGES, notWellFormed, PartiqlSyntaxError } from "./errors.js";
import { INT32_MAX, spanAt, tokenize, type Token, type TokenKind } from "./lexer.js";

/**
 * PartiQL's reserved words (SQL-92's plus PartiQL's own). As on DynamoDB, one of them used
 * unquoted as an attribute name is a syntax error (`WHERE pad = 'x'` fails, `WHERE "pad" = 'x'`
 * runs). The date-time parts (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND) and TRIM's LEADING and
 * TRAILING are not among them: PartiQL treats them as keywords only inside DATE_ADD, DATE_DIFF,
 * EXTRACT and TRIM (partiql-lang-kotlin, syntax/LexerConstants.kt), so `WHERE title=? AND
 * year=?`, as in AWS's movies examples, runs on DynamoDB (aws/aws-sdk-pandas test_dynamodb.py
 * test_execute_statement runs that statement against DynamoDB). Nor is SQL-92's ONLY: DynamoDB runs
 * `SET Only = set_delete(Only, <<'only'>>)` (captured in floci-io/floci
 * DynamoDbPartiQLDocumentedSyntaxIntegrationTest, appendsToListsAndChangesSetMembers).
 */
const RESERVED: ReadonlySet<string> = new Set(
  (
    "ABSOLUTE ACTION ADD ALL ALLOCATE ALTER AND ANY ARE AS ASC ASSERTION AT AUTHORIZATION AVG BAG BEGIN BETWEEN BIT " +
    "BIT_LENGTH BLOB BOOL BOOLEAN BY CASCADE CASCADED CASE CAST CATALOG CHAR CHARACTER CHARACTER_LENGTH CHAR_LENGTH " +
    "CHECK CLOB CLOSE COALESCE COLLATE COLLATION COLUMN COMMIT CONFLICT CONNECT CONNECTION CONSTRAINT CONSTRAINTS " +
    "CONTINUE CONVERT CORRESPONDING COUNT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP " +
    "CURRENT_USER CURSOR DATE DATE_ADD DATE_DIFF DEALLOCATE DEC DECIMAL DECLARE DEFAULT DEFERRABLE DEFERRED DELETE " +
    "DESC DESCRIBE DESCRIPTOR DIAGNOSTICS DISCONNECT DISTINCT DO DOMAIN DOUBLE DROP ELSE END ESCAPE EXCEPT EXCEPTION " +
    "EXEC EXECUTE EXISTS EXTERNAL EXTRACT FALSE FETCH FIRST FLOAT FOR FOREIGN FOUND FROM FULL GET GLOBAL GO GOTO " +
    "GRANT GROUP HAVING IDENTITY IMMEDIATE IN INDEX INDICATOR INITIALLY INNER INPUT INSENSITIVE INSERT INT " +
    "INTEGER INTERSECT INTERVAL INTO IS ISOLATION JOIN KEY LANGUAGE LAST LEFT LET LEVEL LIKE LIMIT LIST " +
    "LOCAL LOWER MATCH MAX MIN MISSING MODIFIED MODULE NAMES NATIONAL NATURAL NCHAR NEW NEXT NO " +
    "NOT NOTHING NULL NULLIF NUMERIC OCTET_LENGTH OF OFFSET OLD ON OPEN OPTION OR ORDER OUTER OUTPUT OVERLAPS " +
    "PAD PARTIAL PIVOT POSITION PRECISION PREPARE PRESERVE PRIMARY PRIOR PRIVILEGES PROCEDURE PUBLIC READ REAL " +
    "REFERENCES RELATIVE REMOVE RESTRICT RETURNING REVOKE RIGHT ROLLBACK ROWS SCHEMA SCROLL SECTION SELECT " +
    "SESSION SESSION_USER SET SEXP SIZE SMALLINT SOME SPACE SQL SQLCODE SQLERROR SQLSTATE STRING STRUCT SUBSTRING " +
    "SUM SYMBOL SYSTEM_USER TABLE TEMPORARY THEN TIME TIMESTAMP TO TRANSACTION TRANSLATE TRANSLATION TRIM " +
    "TRUE TUPLE UNION UNIQUE UNKNOWN UNPIVOT UPDATE UPPER USAGE USER USING VALUE VALUES VIEW WHEN WHENEVER WHERE " +
    "WITH WORK WRITE ZONE"
  ).split(" "),
);

/** Reserved words that are also function names: `size(a)` is a call, `size` alone is not a name. */
const KEYWORD_FUNCTIONS: ReadonlySet<string> = new Set([
  "SIZE",
  "EXISTS",
  "COUNT",
  "LOWER",
  "UPPER",
  "CAST",
  "COALESCE",
  "NULLIF",
  "SUBSTRING",
  "TRIM",
  "EXTRACT",
  "AVG",
  "MIN",
  "MAX",
  "SUM",
  "DATE_ADD",
  "DATE_DIFF",
  "CHAR_LENGTH",
  "CHARACTER_LENGTH",
  "OCTET_LENGTH",
  "BIT_LENGTH",
]);

/** Words that are operators where a term should start ("Unexpected operator" rather than "keyword"). */
const OPERATOR_WORDS: ReadonlySet<string> = new Set(["AND", "OR", "IS", "IN", "LIKE", "BETWEEN"]);
const OPERATOR_TOKENS: ReadonlySet<TokenKind> = new Set(["=", "<>", "!=", "<", "<=", ">", ">=", "*", "/", "%", "||"]);
const END_OF_TERM: ReadonlySet<TokenKind> = new Set(["eof", ";", ")", "]", "}", ",", ":", ">>"]);

/** Type names `IS` accepts (a two-word name is written with a space). */
const TYPE_NAMES: ReadonlySet<string> = new Set([
  "MISSING",
  "NULL",
  "BOOL",
  "BOOLEAN",
  "SMALLINT",
  "INT2",
  "INTEGER2",
  "INT",
  "INTEGER",
  "INT4",
  "INTEGER4",
  "INT8",
  "INTEGER8",
  "BIGINT",
  "FLOAT",
  "REAL",
  "DECIMAL",
  "DEC",
  "NUMERIC",
  "TIMESTAMP",
  "CHAR",
  "VARCHAR",
  "STRING",
  "SYMBOL",
  "BLOB",
  "CLOB",
  "STRUCT",
  "TUPLE",
  "LIST",
  "SEXP",
  "BAG",
  "DATE",
  "TIME",
]);

const MAX_DEPTH = 200;

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private params = 0;
  /** Clauses DynamoDB refuses once the whole statement has parsed (LIMIT, GROUP BY...). */
  private unsupported: AwsError | undefined;
  /** Expression nesting, bounded so that `((((...` cannot exhaust the stack. */
  private depth = 0;

  constructor(readonly text: string) {
    this.tokens = tokenize(text);
  }

  private get tok(): Token {
    return this.tokens[this.pos] as Token;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private advance(): Token {
    const t = this.tok;
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  private word(t: Token = this.tok): string | undefined {
    return t.kind === "ident" ? t.text.toUpperCase() : undefined;
  }

  private isWord(w: string, t: Token = this.tok): boolean {
    return this.word(t) === w;
  }

  private acceptWord(w: string): boolean {
    if (!this.isWord(w)) return false;
    this.advance();
    return true;
  }

  private accept(kind: TokenKind): boolean {
    if (this.tok.kind !== kind) return false;
    this.advance();
    return true;
  }

  private fail(detail: string): never {
    throw notWellFormed(detail);
  }

  private expect(kind: TokenKind): void {
    if (!this.accept(kind)) this.fail(this.tok.kind === "eof" ? MESSAGES.unexpectedTerm : MESSAGES.leftover);
  }

  private expectWord(w: string): void {
    if (!this.acceptWord(w)) this.fail(this.tok.kind === "eof" ? MESSAGES.unexpectedTerm : MESSAGES.leftover);
  }

  parse(): ParsedStatement {
    const statement = this.statement();
    this.accept(";");
    if (this.tok.kind !== "eof") this.fail(MESSAGES.leftover);
    if (this.unsupported) throw this.unsupported;
    return { statement, parameterCount: this.params, text: this.text };
  }

  private statement(): Statement {
    const w = this.word();
    switch (w) {
      case "SELECT":
        return this.select();
      case "INSERT":
        return this.insert();
      case "UPDATE":
        return this.update();
      case "DELETE":
        return this.delete();
      case "FROM":
        return this.fromFirstUpdate();
      case "EXISTS": {
        this.advance();
        this.expect("(");
        if (!this.isWord("SELECT")) this.fail(MESSAGES.unexpectedTerm);
        const select = this.select();
        this.expect(")");
        return { kind: "exists", select };
      }
      default:
        if (this.tok.kind === "eof" || this.tok.kind === ";") this.fail(MESSAGES.unexpectedTerm);
        return this.fail(MESSAGES.expectedDml);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private select(): SelectStatement {
    this.expectWord("SELECT");
    if (this.isWord("DISTINCT")) {
      this.advance();
      this.unsupported ??= invalid("Unsupported token in expression: DISTINCT");
    } else this.acceptWord("ALL");
    let projection: "*" | Expr[];
    if (this.accept("*")) projection = "*";
    else {
      projection = [this.expr()];
      while (this.accept(",")) projection.push(this.expr());
    }
    if (!this.isWord("FROM")) this.fail(this.tok.kind === "eof" || this.tok.kind === ";" ? MESSAGES.unexpectedTerm : MESSAGES.leftover);
    this.advance();
    const from = this.source(MESSAGES.unexpectedTerm);
    this.checkAlias();
    const where = this.acceptWord("WHERE") ? this.expr() : undefined;
    if (this.isWord("GROUP") && this.isWord("BY", this.peek())) {
      this.pos += 2;
      this.expr();
      while (this.accept(",")) this.expr();
      this.unsupported ??= invalid("Unsupported clause: GROUP BY");
    }
    if (this.acceptWord("HAVING")) {
      this.expr();
      this.unsupported ??= invalid("Unsupported clause: HAVING");
    }
    let orderBy: OrderItem[] | undefined;
    if (this.isWord("ORDER") && this.isWord("BY", this.peek())) {
      this.pos += 2;
      orderBy = [this.orderItem()];
      while (this.accept(",")) orderBy.push(this.orderItem());
    }
    if (this.acceptWord("LIMIT")) {
      this.expr();
      this.unsupported ??= invalid("Unsupported clause: LIMIT");
    }
    if (this.acceptWord("OFFSET")) {
      this.expr();
      this.unsupported ??= invalid("Unsupported clause: OFFSET");
    }
    return { kind: "select", projection, from, where, orderBy };
  }

  private orderItem(): OrderItem {
    const path = this.pathOnly(MESSAGES.unexpectedTerm);
    let descending = false;
    if (this.acceptWord("DESC")) descending = true;
    else this.acceptWord("ASC");
    return { path, descending };
  }

  private insert(): Statement {
    this.expectWord("INSERT");
    this.expectWord("INTO");
    const into = this.source(MESSAGES.expectedPath);
    // `INSERT INTO t (a, b) VALUES (...)`, an alias, or several rows: none of them is DynamoDB's form.
    if (!this.isWord("VALUE")) this.fail(this.tok.kind === "eof" ? MESSAGES.unexpectedTerm : MESSAGES.leftover);
    this.advance();
    const value = this.expr();
    if (this.isWord("ON") && this.isWord("CONFLICT", this.peek())) {
      this.pos += 2;
      while (this.tok.kind === "ident" && !this.isWord("RETURNING")) this.advance();
      this.unsupported ??= invalid("Unsupported clause: ON CONFLICT");
    }
    const returning = this.returning();
    return { kind: "insert", into, value, returning };
  }

  private update(): Statement {
    this.expectWord("UPDATE");
    const target = this.source(MESSAGES.expectedPath);
    this.checkAlias();
    const clauses = this.updateClauses();
    const where = this.acceptWord("WHERE") ? this.expr() : undefined;
    const returning = this.returning();
    return { kind: "update", target, clauses, where, returning };
  }

  /** `FROM t [WHERE ...] SET ... | REMOVE ...`: PartiQL's other spelling of UPDATE. */
  private fromFirstUpdate(): Statement {
    this.expectWord("FROM");
    const target = this.source(MESSAGES.expectedPath);
    this.checkAlias();
    const where = this.acceptWord("WHERE") ? this.expr() : undefined;
    const clauses = this.updateClauses();
    const returning = this.returning();
    return { kind: "update", target, clauses, where, returning };
  }

  private updateClauses(): UpdateClause[] {
    const clauses: UpdateClause[] = [];
    for (;;) {
      if (this.acceptWord("SET")) {
        do {
          const path = this.pathOnly(MESSAGES.unexpectedTerm);
          this.expect("=");
          clauses.push({ kind: "set", path, value: this.expr() });
        } while (this.accept(","));
      } else if (this.acceptWord("REMOVE")) {
        do clauses.push({ kind: "remove", path: this.pathOnly(MESSAGES.unexpectedTerm) });
        while (this.accept(","));
      } else break;
    }
    if (clauses.length === 0) this.fail(MESSAGES.expectedDml);
    return clauses;
  }

  private delete(): Statement {
    this.expectWord("DELETE");
    if (!this.acceptWord("FROM")) this.fail(MESSAGES.expectedPath);
    const from = this.source(MESSAGES.expectedPath);
    this.checkAlias();
    const where = this.acceptWord("WHERE") ? this.expr() : undefined;
    const returning = this.returning();
    return { kind: "delete", from, where, returning };
  }

  private returning(): ReturningMapping | undefined {
    if (!this.acceptWord("RETURNING")) return undefined;
    const mapping = this.returningElement();
    if (this.tok.kind === ",") {
      while (this.accept(",")) this.returningElement();
      this.unsupported ??= invalid("Invalid syntax with multiple returning elements in RETURNING clause");
    }
    return mapping;
  }

  private returningElement(): ReturningMapping {
    const first = this.word();
    if (first !== "ALL" && first !== "MODIFIED") this.fail(this.tok.kind === "eof" ? MESSAGES.unexpectedTerm : MESSAGES.unexpectedKeyword);
    this.advance();
    const second = this.word();
    if (second !== "OLD" && second !== "NEW") this.fail(this.tok.kind === "eof" ? MESSAGES.unexpectedTerm : MESSAGES.unexpectedKeyword);
    this.advance();
    if (!this.accept("*")) {
      this.expr();
      this.unsupported ??= invalid("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    }
    return `${first} ${second}` as ReturningMapping;
  }

  /** `"table"` or `table`, optionally `."index"`; more components are refused later. */
  private source(missing: string): Source {
    const components = [this.component(missing)];
    while (this.tok.kind === "." && (this.peek().kind === "ident" || this.peek().kind === "quoted")) {
      this.advance();
      components.push(this.component(missing));
    }
    return { components };
  }

  private component(missing: string): string {
    const t = this.tok;
    if (t.kind === "quoted") {
      this.advance();
      return t.text;
    }
    if (t.kind === "ident" && !RESERVED.has(t.text.toUpperCase())) {
      this.advance();
      return t.text;
    }
    return this.fail(missing);
  }

  /** DynamoDB has no aliases: `FROM "t" t` and `FROM "t" AS t` are refused. */
  private checkAlias(): void {
    const t = this.tok;
    if (this.isWord("AS") || (t.kind === "ident" && !RESERVED.has(t.text.toUpperCase())) || t.kind === "quoted") {
      throw invalid(MESSAGES.aliasing);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  expr(): Expr {
    return this.nested(() => this.or());
  }

  private nested<T>(parse: () => T): T {
    // Not a limit AWS documents: 8192 characters could otherwise nest deeper than the stack.
    if (++this.depth > MAX_DEPTH) throw invalid(`Statement nesting exceeds the supported depth of ${MAX_DEPTH}`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private rightOperand(parse: () => Expr): Expr {
    if (END_OF_TERM.has(this.tok.kind)) this.fail(MESSAGES.missingRight);
    return parse();
  }

  private or(): Expr {
    let left = this.and();
    while (this.acceptWord("OR")) left = { kind: "or", left, right: this.rightOperand(() => this.and()) };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.acceptWord("AND")) left = { kind: "and", left, right: this.rightOperand(() => this.not()) };
    return left;
  }

  private not(): Expr {
    if (this.acceptWord("NOT")) return this.nested(() => ({ kind: "not", operand: this.not() }));
    return this.predicate();
  }

  private predicate(): Expr {
    let left = this.additive();
    for (;;) {
      const t = this.tok;
      if (t.kind === "=" || t.kind === "<>" || t.kind === "!=" || t.kind === "<" || t.kind === "<=" || t.kind === ">" || t.kind === ">=") {
        this.advance();
        const right = this.rightOperand(() => this.additive());
        left = { kind: "compare", op: t.kind === "!=" ? "<>" : t.kind, left, right };
        continue;
      }
      if (this.isWord("IS")) {
        this.advance();
        const negated = this.acceptWord("NOT");
        left = { kind: "is", operand: left, test: this.typeName(), negated };
        continue;
      }
      const negated = this.isWord("NOT") && ["BETWEEN", "IN", "LIKE"].includes(this.word(this.peek()) ?? "");
      if (negated) this.advance();
      if (this.acceptWord("BETWEEN")) {
        const lower = this.rightOperand(() => this.additive());
        this.expectWord("AND");
        const upper = this.rightOperand(() => this.additive());
        left = { kind: "between", operand: left, lower, upper, negated };
        continue;
      }
      if (this.acceptWord("IN")) {
        left = { kind: "in", operand: left, list: this.inList(), negated };
        continue;
      }
      if (this.acceptWord("LIKE")) {
        const pattern = this.rightOperand(() => this.additive());
        if (this.acceptWord("ESCAPE")) this.additive();
        left = { kind: "call", name: "like", args: [left, pattern], span: { start: t.start, end: t.end } };
        if (negated) left = { kind: "not", operand: left };
        continue;
      }
      return left;
    }
  }

  /** `IN [a, b]`, `IN (a, b)` or `IN ?` (a list parameter). */
  private inList(): Expr[] {
    if (this.tok.kind === "[" || this.tok.kind === "(") {
      const close: TokenKind = this.tok.kind === "[" ? "]" : ")";
      this.advance();
      const items: Expr[] = [];
      if (!this.accept(close)) {
        do items.push(this.expr());
        while (this.accept(","));
        this.expect(close);
      }
      return items;
    }
    return [this.rightOperand(() => this.additive())];
  }

  private typeName(): string {
    const w = this.word();
    if (w === "DOUBLE" && this.isWord("PRECISION", this.peek())) {
      this.pos += 2;
      return "DOUBLE PRECISION";
    }
    if (w === "CHARACTER" && this.isWord("VARYING", this.peek())) {
      this.pos += 2;
      return "CHARACTER VARYING";
    }
    if (w === undefined || !TYPE_NAMES.has(w)) this.fail(MESSAGES.expectedTypeName);
    this.advance();
    return w;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const k = this.tok.kind;
      if (k !== "+" && k !== "-" && k !== "||") return left;
      this.advance();
      left = { kind: "arith", op: k, left, right: this.rightOperand(() => this.multiplicative()) };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const k = this.tok.kind;
      if (k !== "*" && k !== "/" && k !== "%") return left;
      this.advance();
      left = { kind: "arith", op: k, left, right: this.rightOperand(() => this.unary()) };
    }
  }

  private unary(): Expr {
    // Signs before a number literal are part of it (`- - 1` is 1, `[- 1]` holds -1), as DynamoDB
    // reads them (captured in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest); before
    // anything else a minus stays a negation, which no operand accepts.
    let next = this.pos;
    let negative = false;
    for (let t = this.tok; t.kind === "-" || t.kind === "+"; t = this.tokens[next] as Token) {
      if (t.kind === "-") negative = !negative;
      next++;
    }
    const literal = this.tokens[next] as Token;
    if (literal.kind === "number") {
      this.pos = next + 1;
      return { kind: "number", text: negative ? `-${literal.text}` : literal.text };
    }
    if (this.accept("-")) return this.nested(() => ({ kind: "negate", operand: this.unary() }));
    if (this.accept("+")) return this.nested(() => this.unary());
    return this.term();
  }

  private term(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case "number":
        this.advance();
        return { kind: "number", text: t.text };
      case "string":
        this.advance();
        return { kind: "string", value: t.text };
      case "?":
        this.advance();
        return { kind: "param", index: this.params++, span: { start: t.start, end: t.end } };
      case "quoted":
        return this.path();
      case "(": {
        this.advance();
        if (END_OF_TERM.has(this.tok.kind)) this.fail(MESSAGES.unexpectedTerm);
        const inner = this.expr();
        this.expect(")");
        return inner;
      }
      case "[": {
        this.advance();
        const items: Expr[] = [];
        if (!this.accept("]")) {
          do items.push(this.expr());
          while (this.accept(","));
          this.expect("]");
        }
        return { kind: "list", items };
      }
      case "<<": {
        this.advance();
        const items: Expr[] = [];
        if (!this.accept(">>")) {
          do items.push(this.expr());
          while (this.accept(","));
          this.expect(">>");
        }
        return { kind: "bag", items };
      }
      case "{": {
        this.advance();
        const fields: { key: Expr; value: Expr }[] = [];
        if (!this.accept("}")) {
          do {
            const key = this.expr();
            this.expect(":");
            fields.push({ key, value: this.expr() });
          } while (this.accept(","));
          this.expect("}");
        }
        return { kind: "struct", fields };
      }
      case "ident":
        return this.wordTerm(t);
      default:
        if (OPERATOR_TOKENS.has(t.kind)) this.fail(MESSAGES.unexpectedOperator);
        return this.fail(MESSAGES.unexpectedTerm);
    }
  }

  private wordTerm(t: Token): Expr {
    const upper = t.text.toUpperCase();
    switch (upper) {
      case "TRUE":
      case "FALSE":
        this.advance();
        return { kind: "boolean", value: upper === "TRUE" };
      case "NULL":
        this.advance();
        return { kind: "null" };
      case "MISSING":
        this.advance();
        return { kind: "missing" };
    }
    if (this.peek().kind === "(" && (!RESERVED.has(upper) || KEYWORD_FUNCTIONS.has(upper))) return this.call();
    if (OPERATOR_WORDS.has(upper)) this.fail(MESSAGES.unexpectedOperator);
    if (RESERVED.has(upper)) this.fail(MESSAGES.unexpectedKeyword);
    return this.path();
  }

  private call(): Expr {
    const nameToken = this.advance();
    this.expect("(");
    const args: Expr[] = [];
    if (!this.accept(")")) {
      do {
        // COUNT(*) parses, to be refused as unsupported.
        if (this.tok.kind === "*") {
          this.advance();
          args.push({ kind: "missing" });
        } else args.push(this.expr());
      } while (this.accept(","));
      this.expect(")");
    }
    return { kind: "call", name: nameToken.text.toLowerCase(), args, span: { start: nameToken.start, end: nameToken.end } };
  }

  /** A path where only a path may stand (SET and REMOVE targets, ORDER BY). */
  private pathOnly(missing: string): PathExpr {
    const t = this.tok;
    if (t.kind === "quoted" || (t.kind === "ident" && !RESERVED.has(t.text.toUpperCase()))) return this.path();
    if (t.kind === "ident") this.fail(MESSAGES.unexpectedKeyword);
    return this.fail(missing);
  }

  /**
   * An index must be an int32 of at least 0 (`l[-0]` is `l[0]`). DynamoDB cites the digits, without
   * their sign, as line:column:length (captured from DynamoDB in floci-io/floci
   * DynamoDbPartiQLEdgeCaseIntegrationTest).
   */
  private listIndex(digits: Token, minus: boolean): number {
    const value = Number(digits.text);
    if ((minus && value !== 0) || value > INT32_MAX) {
      throw invalid(`List index is not within the allowable range; index: [${minus ? "-" : ""}${digits.text}] at ${spanAt(this.text, digits.start, digits.end)}`);
    }
    return value;
  }

  private path(): PathExpr {
    const first = this.advance();
    const steps: PathStep[] = [];
    let end = first.end;
    for (;;) {
      if (this.tok.kind === "." && (this.peek().kind === "ident" || this.peek().kind === "quoted")) {
        this.advance();
        const name = this.advance();
        // A reserved word is no name after a dot either, unless quoted (`m.inner` fails, `m."inner"` reads).
        if (name.kind === "ident" && RESERVED.has(name.text.toUpperCase())) this.fail(MESSAGES.pathDotComponent);
        steps.push({ kind: "name", name: name.text });
        end = name.end;
        continue;
      }
      if (this.tok.kind === "[") {
        this.advance();
        const inner = this.tok;
        const minus = inner.kind === "-" && this.peek().kind === "number";
        const digits = minus ? this.peek() : inner;
        if (digits.kind === "number" && /^\d+$/.test(digits.text)) {
          this.pos += minus ? 2 : 1;
          steps.push({ kind: "index", index: this.listIndex(digits, minus) });
        } else if (inner.kind === "string") {
          this.advance();
          steps.push({ kind: "name", name: inner.text });
        } else {
          this.fail(inner.kind === "eof" ? MESSAGES.unexpectedTerm : MESSAGES.leftover);
        }
        end = this.tok.end;
        this.expect("]");
        continue;
      }
      return { kind: "path", root: first.text, steps, span: { start: first.start, end } };
    }
  }
}

/** Parses one statement; throws ValidationException with DynamoDB's wording on a syntax error. */
export function parseStatement(text: string): ParsedStatement {
  try {
    return new Parser(text).parse();
  } catch (err) {
    if (err instanceof PartiqlSyntaxError) throw notWellFormed(err.detail);
    throw err;
  }
}
