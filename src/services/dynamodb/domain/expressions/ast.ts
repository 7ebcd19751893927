import type { AttributeValue } from "../attribute-values.js";

/**
 * Two layers of syntax tree. The raw tree is what the text says, placeholders unresolved: it
 * depends only on the expression string, so it can be cached and shared between requests.
 * Binding resolves `#name`/`:value` against the request and runs DynamoDB's semantic checks,
 * giving the bound tree that the evaluators run.
 */

// ---------------------------------------------------------------------------------------------
// Raw tree (immutable once parsed)

export type RawPathElement =
  | { readonly kind: "attr"; readonly name: string }
  | { readonly kind: "name"; readonly ref: string }
  | { readonly kind: "index"; readonly index: number };

export interface RawPath {
  readonly kind: "path";
  readonly elements: readonly RawPathElement[];
}

export interface RawValueRef {
  readonly kind: "value";
  readonly ref: string;
}

export interface RawCall {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly RawOperand[];
}

export interface RawArithmetic {
  readonly kind: "arith";
  readonly op: "+" | "-";
  readonly left: RawOperand;
  readonly right: RawOperand;
}

export type RawOperand = RawPath | RawValueRef | RawCall | RawArithmetic;

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type RawCondition =
  | { readonly kind: "compare"; readonly op: Comparator; readonly left: RawOperand; readonly right: RawOperand }
  | { readonly kind: "between"; readonly operand: RawOperand; readonly lower: RawOperand; readonly upper: RawOperand }
  | { readonly kind: "in"; readonly operand: RawOperand; readonly list: readonly RawOperand[] }
  | { readonly kind: "and" | "or"; readonly left: RawCondition; readonly right: RawCondition }
  | { readonly kind: "not"; readonly operand: RawCondition }
  | { readonly kind: "call"; readonly call: RawCall };

export interface RawConditionExpression {
  readonly root: RawCondition;
  /** `((x))` somewhere: DynamoDB refuses it after syntax errors, before anything else. */
  readonly redundantParens: boolean;
  readonly operatorCount: number;
  /** Largest `IN (...)` list, checked against the limit of 100. */
  readonly maxInOperands: number;
}

export type UpdateClause = "SET" | "REMOVE" | "ADD" | "DELETE";

export type RawUpdateAction =
  | { readonly kind: "SET"; readonly path: RawPath; readonly value: RawOperand }
  | { readonly kind: "REMOVE"; readonly path: RawPath }
  | { readonly kind: "ADD" | "DELETE"; readonly path: RawPath; readonly value: RawValueRef };

export interface RawUpdateExpression {
  readonly actions: readonly RawUpdateAction[];
  /** First clause keyword that appeared twice ("The "SET" section can only be used once"). */
  readonly repeatedClause: UpdateClause | undefined;
  readonly operatorCount: number;
}

export interface RawProjectionExpression {
  readonly paths: readonly RawPath[];
}

// ---------------------------------------------------------------------------------------------
// Bound tree

/** A document path: attribute names (strings) and list indexes (numbers). */
export type DocumentPath = readonly (string | number)[];

export type Operand =
  | { readonly kind: "path"; readonly path: DocumentPath }
  | { readonly kind: "value"; readonly value: AttributeValue }
  | { readonly kind: "size"; readonly operand: Operand };

export type ConditionFunction = "attribute_exists" | "attribute_not_exists" | "attribute_type" | "begins_with" | "contains";

export type Condition =
  | { readonly kind: "compare"; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: "between"; readonly operand: Operand; readonly lower: Operand; readonly upper: Operand }
  | { readonly kind: "in"; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly kind: "and" | "or"; readonly left: Condition; readonly right: Condition }
  | { readonly kind: "not"; readonly operand: Condition }
  | { readonly kind: "function"; readonly name: ConditionFunction; readonly args: readonly Operand[] };

export type SetValue =
  | { readonly kind: "path"; readonly path: DocumentPath }
  | { readonly kind: "value"; readonly value: AttributeValue }
  | { readonly kind: "arith"; readonly op: "+" | "-"; readonly left: SetValue; readonly right: SetValue }
  | { readonly kind: "if_not_exists"; readonly path: DocumentPath; readonly fallback: SetValue }
  | { readonly kind: "list_append"; readonly left: SetValue; readonly right: SetValue };

export type UpdateAction =
  | { readonly kind: "SET"; readonly path: DocumentPath; readonly value: SetValue }
  | { readonly kind: "REMOVE"; readonly path: DocumentPath }
  | { readonly kind: "ADD" | "DELETE"; readonly path: DocumentPath; readonly value: AttributeValue };

/** "[a, b, [2]]" as DynamoDB prints document paths in messages. */
export function formatPath(path: DocumentPath): string {
  return `[${path.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(", ")}]`;
}
