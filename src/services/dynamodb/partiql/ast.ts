/**
 * The syntax tree of DynamoDB's PartiQL subset, as written: placeholders (`?`) unresolved,
 * literals as text. The translator binds it against Parameters and the table.
 */

/** Where a token was written (offsets into the statement), for messages that cite a position. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type PathStep = { readonly kind: "name"; readonly name: string } | { readonly kind: "index"; readonly index: number };

export interface PathExpr {
  readonly kind: "path";
  readonly root: string;
  readonly steps: readonly PathStep[];
  readonly span: Span;
}

export type Expr =
  | PathExpr
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "null" }
  | { readonly kind: "missing" }
  | { readonly kind: "param"; readonly index: number; readonly span: Span }
  | { readonly kind: "list"; readonly items: readonly Expr[] }
  | { readonly kind: "bag"; readonly items: readonly Expr[] }
  | { readonly kind: "struct"; readonly fields: readonly { readonly key: Expr; readonly value: Expr }[] }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: "compare"; readonly op: "=" | "<>" | "<" | "<=" | ">" | ">="; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "arith"; readonly op: "+" | "-" | "*" | "/" | "%" | "||"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "negate"; readonly operand: Expr }
  | { readonly kind: "and" | "or"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "not"; readonly operand: Expr }
  | { readonly kind: "between"; readonly operand: Expr; readonly lower: Expr; readonly upper: Expr; readonly negated: boolean }
  | { readonly kind: "in"; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly kind: "is"; readonly operand: Expr; readonly test: string; readonly negated: boolean };

/** `"table"` or `"table"."index"`; components are kept as written so that empty ones can be refused. */
export interface Source {
  readonly components: readonly string[];
}

export type ReturningMapping = "ALL OLD" | "MODIFIED OLD" | "ALL NEW" | "MODIFIED NEW";

export interface OrderItem {
  readonly path: PathExpr;
  readonly descending: boolean;
}

export interface SelectStatement {
  readonly kind: "select";
  /** `*`, or the projected expressions. */
  readonly projection: "*" | readonly Expr[];
  readonly from: Source;
  readonly where: Expr | undefined;
  readonly orderBy: readonly OrderItem[] | undefined;
}

export interface InsertStatement {
  readonly kind: "insert";
  readonly into: Source;
  readonly value: Expr;
  readonly returning: ReturningMapping | undefined;
}

export type UpdateClause =
  | { readonly kind: "set"; readonly path: PathExpr; readonly value: Expr }
  | { readonly kind: "remove"; readonly path: PathExpr };

export interface UpdateStatement {
  readonly kind: "update";
  readonly target: Source;
  readonly clauses: readonly UpdateClause[];
  readonly where: Expr | undefined;
  readonly returning: ReturningMapping | undefined;
}

export interface DeleteStatement {
  readonly kind: "delete";
  readonly from: Source;
  readonly where: Expr | undefined;
  readonly returning: ReturningMapping | undefined;
}

/** `EXISTS(SELECT ...)`: a condition check, only inside ExecuteTransaction. */
export interface ExistsStatement {
  readonly kind: "exists";
  readonly select: SelectStatement;
}

export type Statement = SelectStatement | InsertStatement | UpdateStatement | DeleteStatement | ExistsStatement;

export interface ParsedStatement {
  readonly statement: Statement;
  /** Number of `?` placeholders, in the order written. */
  readonly parameterCount: number;
  /** The statement text, for messages that cite positions. */
  readonly text: string;
}
