import { own, setOwn } from "../../../../core/own.js";
import { compareScalars, typeOf, type AttributeValue, type Item } from "../attribute-values.js";
import { validationException } from "../errors.js";
import type { Condition, Operand } from "./ast.js";
import { beginsWith, parseCondition } from "./condition.js";
import type { ExpressionAttributes } from "./context.js";

/** The key attributes of a table or index, with their declared types (AttributeDefinitions). */
export interface KeySchema {
  /** The (first) HASH attribute. */
  readonly partitionKey: string;
  /** The (first) RANGE attribute. */
  readonly sortKey?: string | undefined;
  readonly types: Readonly<Record<string, "S" | "N" | "B">>;
  /**
   * A GSI with a multi-attribute key (more than one HASH or RANGE attribute, up to four of each):
   * all of them in key schema order. Absent for every other key, which keeps the one-attribute
   * paths as they were.
   */
  readonly multi?: MultiAttributeKey | undefined;
}

export interface MultiAttributeKey {
  readonly partition: readonly string[];
  readonly sort: readonly string[];
}

export type KeyOperator = "EQ" | "LT" | "LE" | "GT" | "GE" | "BETWEEN" | "BEGINS_WITH";

export interface SortKeyCondition {
  readonly name: string;
  readonly operator: KeyOperator;
  /** One value, or two for BETWEEN (lower, upper). */
  readonly values: readonly AttributeValue[];
}

/** A validated Query key condition: partition key equality, optionally one sort key condition. */
export interface KeyCondition {
  readonly partitionKey: { readonly name: string; readonly value: AttributeValue };
  readonly sortKey?: SortKeyCondition | undefined;
  /**
   * On a multi-attribute key: an equality for every partition attribute (the first is
   * `partitionKey`), and conditions on the sort attributes from the first on without a gap, all
   * equalities but the last (`sortKey` stays undefined).
   */
  readonly multi?: MultiKeyCondition | undefined;
}

export interface MultiKeyCondition {
  readonly partition: readonly { readonly name: string; readonly value: AttributeValue }[];
  readonly sort: readonly SortKeyCondition[];
}

/** Per-attribute conditions, the common form of KeyConditionExpression and legacy KeyConditions. */
export type KeyConditionMap = Record<string, { operator: string; values: AttributeValue[] }>;

const MIRRORED: Readonly<Record<string, KeyOperator>> = { "=": "EQ", "<": "GT", "<=": "GE", ">": "LT", ">=": "LE" };
const DIRECT: Readonly<Record<string, KeyOperator>> = { "=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE" };

function fail(message: string): never {
  throw validationException(message);
}

/**
 * Parses a KeyConditionExpression and checks it against the key schema of the table or index
 * queried. Only `=` on the partition key and one of `= < <= > >= BETWEEN begins_with` on the
 * sort key, joined by AND, are allowed.
 */
export function parseKeyCondition(expression: string, attrs: ExpressionAttributes, schema: KeySchema): KeyCondition {
  return keyConditionOf(parseCondition(expression, attrs, "KeyConditionExpression"), schema);
}

/**
 * The checks of a parsed KeyConditionExpression. Query runs them only after every expression of
 * the request is parsed and its names and values are known to be used: AWS answers
 * "(#0 = x) AND (begins_with(#1, a))" with an unused #count as unused names, not as a condition
 * on two attributes (moto's AWS-verified test_dynamodb_exceptions.py::test_query_unused_attribute_name).
 */
export function keyConditionOf(condition: Condition, schema: KeySchema): KeyCondition {
  const map: KeyConditionMap = Object.create(null) as KeyConditionMap;
  collectKeyConditions(condition, map);
  // More conditions than a one-attribute key can take: DynamoDB's wording since late 2025 (getmoto/
  // moto#9554 found it changed; paritysuite/dynamodb-conformance queryKeyConditionOperands quotes
  // it, eu-west-2, 2026-10). Legacy KeyConditions keep "Conditions can be of length 1 or 2 only".
  const count = Object.keys(map).length;
  if (schema.multi === undefined && count > 2) {
    fail(`The number of query conditions (${count}) exceeds the number of key attributes defined in the schema (${schema.sortKey === undefined ? 1 : 2})`);
  }
  return keyConditionFromMap(map, schema);
}

function operandPath(op: Operand): string | undefined | "nested" {
  if (op.kind !== "path") return undefined;
  return op.path.length > 1 ? "nested" : (op.path[0] as string);
}

function collectKeyConditions(c: Condition, map: KeyConditionMap): void {
  switch (c.kind) {
    case "and":
      collectKeyConditions(c.left, map);
      collectKeyConditions(c.right, map);
      return;
    case "or":
    case "not":
    case "in":
      fail(`Invalid operator used in KeyConditionExpression: ${c.kind.toUpperCase()}`);
      break;
    case "function":
      if (c.name !== "begins_with") fail(`Invalid operator used in KeyConditionExpression: ${c.name}`);
      break;
    case "compare":
      if (c.op === "<>") fail("Invalid operator used in KeyConditionExpression: <>");
      break;
    case "between":
      break;
  }
  const operands: Operand[] =
    c.kind === "compare" ? [c.left, c.right] : c.kind === "between" ? [c.operand, c.lower, c.upper] : c.kind === "function" ? [...c.args] : [];
  if (operands.some((o) => o.kind === "size")) fail("KeyConditionExpressions cannot contain nested operations");
  if ((c.kind === "between" || c.kind === "function") && operands[0]?.kind !== "path") {
    const name = c.kind === "between" ? "BETWEEN" : "begins_with";
    fail(`Invalid condition in KeyConditionExpression: ${name} operator must have the key attribute as its first operand`);
  }
  let attribute: string | undefined;
  let attributeIndex = -1;
  operands.forEach((o, i) => {
    const p = operandPath(o);
    if (p === undefined) return;
    if (attribute !== undefined) fail("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
    if (p === "nested") fail("KeyConditionExpressions cannot have conditions on nested attributes");
    attribute = p;
    attributeIndex = i;
  });
  if (attribute === undefined) fail("Invalid condition in KeyConditionExpression: No key attribute specified");
  // Prefixed since DynamoDB's 2025/26 wording change: aws-amplify/amplify-category-api#3531 (a
  // runtime error, 2026-09) and paritysuite/dynamodb-conformance's queryKeyConditionOperands
  // (eu-west-2, 2026-10) quote it so; dynalite's older captures have the bare sentence.
  if (own(map, attribute) !== undefined) fail("Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key");
  const values = operands.filter((_, i) => i !== attributeIndex).map((o) => (o as { value: AttributeValue }).value);
  let operator: KeyOperator;
  if (c.kind === "compare") operator = (attributeIndex === 0 ? DIRECT : MIRRORED)[c.op] as KeyOperator;
  else operator = c.kind === "between" ? "BETWEEN" : "BEGINS_WITH";
  setOwn(map, attribute, { operator, values });
}

const NOT_INDEXABLE: ReadonlySet<string> = new Set(["NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN"]);

/** Checks per-attribute key conditions against the key schema, in AWS's order. */
export function keyConditionFromMap(map: KeyConditionMap, schema: KeySchema): KeyCondition {
  if (schema.multi !== undefined) return multiKeyCondition(map, schema, schema.multi);
  const count = Object.keys(map).length;
  if (count !== 1 && count !== 2) fail("Conditions can be of length 1 or 2 only");
  const keys = schema.sortKey === undefined ? [schema.partitionKey] : [schema.partitionKey, schema.sortKey];
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i] as string;
    const isPartition = i === 0;
    if (isPartition && keys.length === 1 && count > 1) fail("Query key condition not supported");
    const cond = own(map, name);
    if (cond === undefined) {
      if (isPartition || count > 1) fail(`Query condition missed key schema element: ${name}`);
      continue;
    }
    checkKeyAttributeCondition(name, cond, schema);
    if (isPartition && cond.operator !== "EQ") fail("Query key condition not supported");
  }
  const partition = own(map, schema.partitionKey) as KeyConditionMap[string];
  const sort = schema.sortKey !== undefined ? own(map, schema.sortKey) : undefined;
  return {
    partitionKey: { name: schema.partitionKey, value: partition.values[0] as AttributeValue },
    sortKey:
      sort === undefined || schema.sortKey === undefined
        ? undefined
        : { name: schema.sortKey, operator: sort.operator as KeyOperator, values: sort.values },
  };
}

/** What every key attribute's condition must be, whether partition or sort attribute. */
function checkKeyAttributeCondition(name: string, cond: KeyConditionMap[string], schema: KeySchema): void {
  if (NOT_INDEXABLE.has(cond.operator)) fail("Attempted conditional constraint is not an indexable operation");
  const type = schema.types[name];
  if (type !== undefined && cond.values.some((v) => v[type] === undefined)) {
    fail("One or more parameter values were invalid: Condition parameter type does not match schema type");
  }
}

/**
 * A multi-attribute key: "you must specify all partition key attributes using equality
 * conditions"; sort key attributes are queried "left-to-right in the order they're defined in the
 * key schema", without skipping one, and only the last one named may have a range condition
 * (developer guide, "Multi-attribute key schema"). The clauses may come in any order.
 */
function multiKeyCondition(map: KeyConditionMap, schema: KeySchema, multi: MultiAttributeKey): KeyCondition {
  const partition: { name: string; value: AttributeValue }[] = [];
  const notEqual: string[] = [];
  for (const name of multi.partition) {
    const cond = own(map, name);
    if (cond !== undefined) checkKeyAttributeCondition(name, cond, schema);
    if (cond?.operator === "EQ") partition.push({ name, value: cond.values[0] as AttributeValue });
    else if (multi.partition.length > 1) notEqual.push(name);
    else fail(cond === undefined ? `Query condition missed key schema element: ${name}` : "Query key condition not supported");
  }
  // Two or more HASH attributes: one left out or compared otherwise than with = is refused
  // naming HASH and equality (ScyllaDB Alternator's test_gsi_composite_keys.py, which passes on
  // DynamoDB, matches "HASH.*equality" for both), worded as AWS words the RANGE refusal below.
  if (notEqual.length > 0) fail(`HASH key attributes ${notEqual.join(", ")} must have equality conditions specified in the query`);
  let last = -1;
  multi.sort.forEach((name, i) => {
    const cond = own(map, name);
    if (cond === undefined) return;
    checkKeyAttributeCondition(name, cond, schema);
    last = i;
  });
  const keyed = Object.keys(map).filter((name) => multi.partition.includes(name) || multi.sort.includes(name)).length;
  if (keyed !== Object.keys(map).length) fail("Query key condition not supported");
  // AWS's words for a gap and for a range condition before the last attribute named alike.
  const unequal = multi.sort.slice(0, Math.max(last, 0)).filter((name) => own(map, name)?.operator !== "EQ");
  if (unequal.length > 0) {
    fail(`RANGE key attributes ${unequal.join(", ")} must have equality conditions specified in the query because a condition is present on key attribute ${multi.sort[last] as string}`);
  }
  const sort = multi.sort.slice(0, last + 1).map((name) => {
    const cond = own(map, name) as KeyConditionMap[string];
    return { name, operator: cond.operator as KeyOperator, values: cond.values };
  });
  return { partitionKey: partition[0] as { name: string; value: AttributeValue }, multi: { partition, sort } };
}

/** Whether a sort key value satisfies the sort key condition (S/N/B ordering). */
export function matchesSortKey(cond: SortKeyCondition, value: AttributeValue | undefined): boolean {
  if (value === undefined) return false;
  const [a, b] = cond.values as [AttributeValue, AttributeValue | undefined];
  if (cond.operator === "BEGINS_WITH") return beginsWith(value, a);
  const order = compareScalars(value, a);
  if (order === undefined) return false;
  switch (cond.operator) {
    case "EQ":
      return order === 0;
    case "LT":
      return order < 0;
    case "LE":
      return order <= 0;
    case "GT":
      return order > 0;
    case "GE":
      return order >= 0;
    case "BETWEEN": {
      const upper = b === undefined ? undefined : compareScalars(value, b);
      return order >= 0 && upper !== undefined && upper <= 0;
    }
  }
}

/** Whether an item belongs to the result of a key condition. */
export function matchesKeyCondition(cond: KeyCondition, item: Item): boolean {
  if (cond.multi !== undefined) return cond.multi.partition.every((p) => equalKey(own(item, p.name), p.value)) && cond.multi.sort.every((s) => matchesSortKey(s, own(item, s.name)));
  if (!equalKey(own(item, cond.partitionKey.name), cond.partitionKey.value)) return false;
  return cond.sortKey === undefined || matchesSortKey(cond.sortKey, own(item, cond.sortKey.name));
}

function equalKey(v: AttributeValue | undefined, expected: AttributeValue): boolean {
  return v !== undefined && typeOf(v) === typeOf(expected) && compareScalars(v, expected) === 0;
}
