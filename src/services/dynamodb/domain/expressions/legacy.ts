import { own, setOwn } from "../../../../core/own.js";
import {
  compareScalars,
  normalizeAttributeValue,
  typeOf,
  wordedProblem,
  AttributeValueProblem,
  type AttributeType,
  type AttributeValue,
  type Item,
  type ValueWording,
} from "../attribute-values.js";
import { validationException } from "../errors.js";
import { addNumbers } from "../numbers.js";
import type { Condition, DocumentPath, Operand } from "./ast.js";
import type { KeyConditionMap } from "./key-condition.js";
import type { UpdateResult } from "./update.js";

/**
 * The pre-2014 parameters (Expected, QueryFilter/ScanFilter, KeyConditions, AttributeUpdates,
 * AttributesToGet), translated into the same trees the expression evaluators run, so that
 * both request styles share one implementation of DynamoDB's semantics.
 */

export interface ExpectedAttributeValue {
  Value?: AttributeValue | undefined;
  Exists?: boolean | undefined;
  ComparisonOperator?: string | undefined;
  AttributeValueList?: AttributeValue[] | undefined;
}

export interface LegacyCondition {
  ComparisonOperator?: string | undefined;
  AttributeValueList?: AttributeValue[] | undefined;
}

export interface AttributeValueUpdate {
  Value?: AttributeValue | undefined;
  Action?: string | undefined;
}

const INVALID = "One or more parameter values were invalid: ";

function fail(message: string): never {
  throw validationException(message);
}

const OPERAND_COUNTS: Readonly<Record<string, number | "some">> = {
  EQ: 1,
  NE: 1,
  LE: 1,
  LT: 1,
  GE: 1,
  GT: 1,
  NOT_NULL: 0,
  NULL: 0,
  CONTAINS: 1,
  NOT_CONTAINS: 1,
  BEGINS_WITH: 1,
  IN: "some",
  BETWEEN: 2,
};

const SCALARS: readonly AttributeType[] = ["S", "N", "B"];
const ALLOWED_TYPES: Readonly<Record<string, readonly AttributeType[] | undefined>> = {
  LE: SCALARS,
  LT: SCALARS,
  GE: SCALARS,
  GT: SCALARS,
  CONTAINS: SCALARS,
  NOT_CONTAINS: SCALARS,
  BEGINS_WITH: ["S", "B"],
  IN: SCALARS,
  BETWEEN: SCALARS,
};

function validValue(v: unknown, wording: ValueWording = "older"): AttributeValue {
  try {
    return normalizeAttributeValue(v);
  } catch (err) {
    if (err instanceof AttributeValueProblem) fail(wordedProblem(err, wording));
    throw err;
  }
}

/** Count, type and range rules shared by Expected, QueryFilter, ScanFilter and KeyConditions. */
function checkOperator(operator: string, values: AttributeValue[]): void {
  const expected = OPERAND_COUNTS[operator];
  if (expected === undefined) {
    fail(
      `1 validation error detected: Value '${operator}' at 'comparisonOperator' failed to satisfy constraint: ` +
        "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]",
    );
  }
  if (expected === "some" ? values.length === 0 : values.length !== expected) {
    fail(`${INVALID}Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  }
  if (values.length === 0) return;
  const type = typeOf(values[0] as AttributeValue);
  if (values.some((v) => typeOf(v) !== type)) fail(`${INVALID}AttributeValues inside AttributeValueList must be of same type`);
  const allowed = ALLOWED_TYPES[operator];
  if (allowed !== undefined && !allowed.includes(type)) {
    fail(`${INVALID}ComparisonOperator ${operator} is not valid for ${type} AttributeValue type`);
  }
  if (operator === "BETWEEN" && (compareScalars(values[0] as AttributeValue, values[1] as AttributeValue) ?? 0) > 0) {
    fail("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
  }
}

function conditionFor(name: string, operator: string, values: AttributeValue[]): Condition {
  const path: Operand = { kind: "path", path: [name] };
  const value = (i: number): Operand => ({ kind: "value", value: values[i] as AttributeValue });
  switch (operator) {
    case "EQ":
      return { kind: "compare", op: "=", left: path, right: value(0) };
    case "NE":
      return { kind: "compare", op: "<>", left: path, right: value(0) };
    case "LE":
      return { kind: "compare", op: "<=", left: path, right: value(0) };
    case "LT":
      return { kind: "compare", op: "<", left: path, right: value(0) };
    case "GE":
      return { kind: "compare", op: ">=", left: path, right: value(0) };
    case "GT":
      return { kind: "compare", op: ">", left: path, right: value(0) };
    case "NOT_NULL":
      return { kind: "function", name: "attribute_exists", args: [path] };
    case "NULL":
      return { kind: "function", name: "attribute_not_exists", args: [path] };
    case "CONTAINS":
      return { kind: "function", name: "contains", args: [path, value(0)] };
    case "NOT_CONTAINS":
      // A missing attribute fails NOT_CONTAINS as it fails CONTAINS (unlike NE, which it passes):
      // ScyllaDB Alternator's test_expected.py::test_update_expected_1_not_contains, which passes on AWS.
      return {
        kind: "and",
        left: { kind: "function", name: "attribute_exists", args: [path] },
        right: { kind: "not", operand: { kind: "function", name: "contains", args: [path, value(0)] } },
      };
    case "BEGINS_WITH":
      return { kind: "function", name: "begins_with", args: [path, value(0)] };
    case "IN":
      return { kind: "in", operand: path, list: values.map((_, i) => value(i)) };
    default:
      return { kind: "between", operand: path, lower: value(0), upper: value(1) };
  }
}

function combine(conditions: Condition[], conditionalOperator: string | undefined): Condition | undefined {
  let result: Condition | undefined;
  const kind = conditionalOperator === "OR" ? "or" : "and";
  for (const c of conditions) result = result === undefined ? c : { kind, left: result, right: c };
  return result;
}

/**
 * ConditionalOperator joins two or more conditions: without any (an empty or absent Expected,
 * ScanFilter or QueryFilter) or with one, AWS refuses it (ExtendDB's conformance tests run against
 * DynamoDB, test_conditional_operator; ScyllaDB Alternator's test_expected.py::test_update_expected_empty).
 */
function checkConditionalOperator(conditionalOperator: string | undefined, conditions: number): void {
  if (conditionalOperator === undefined) return;
  if (conditionalOperator !== "AND" && conditionalOperator !== "OR") {
    fail(
      `1 validation error detected: Value '${conditionalOperator}' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]`,
    );
  }
  if (conditions === 0) fail("ConditionalOperator cannot be used without Filter or Expected");
  if (conditions === 1) fail("ConditionalOperator can only be used when Filter or Expected has two or more elements");
}

/**
 * Query refuses a ConditionalOperator outside its enum bare, in the newer framework's words, which
 * print the enum as "[ALL, OR]" (sic), and alone: an unknown Select is not reported with it.
 * paritysuite/dynamodb-conformance tests/tier3/validation-ordering/query.test.ts "reports XOR with
 * two QueryFilter conditions before an unknown Select" (eu-west-2, us-east-1, 2026-10-09).
 */
export function checkQueryConditionalOperator(conditionalOperator: string | undefined): void {
  if (conditionalOperator !== undefined && conditionalOperator !== "AND" && conditionalOperator !== "OR") {
    fail("Failed to satisfy constraint: Member must satisfy enum value set: [ALL, OR]");
  }
}

/**
 * `Expected` (PutItem, UpdateItem, DeleteItem) as a condition; undefined when empty. Covers both
 * forms: Exists/Value and ComparisonOperator/AttributeValueList.
 */
export function conditionFromExpected(
  expected: Readonly<Record<string, ExpectedAttributeValue>> | undefined,
  conditionalOperator?: string,
  wording: ValueWording = "older",
): Condition | undefined {
  const names = expected ? Object.keys(expected) : [];
  checkConditionalOperator(conditionalOperator, names.length);
  const conditions: Condition[] = [];
  for (const name of names) {
    const c = (expected as Record<string, ExpectedAttributeValue>)[name] as ExpectedAttributeValue;
    const hasList = c.AttributeValueList !== undefined;
    const hasValue = c.Value !== undefined;
    if (hasList && hasValue) fail(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${name}`);
    if (c.ComparisonOperator !== undefined) {
      const op = c.ComparisonOperator;
      if (c.Exists !== undefined) fail(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
      if (op !== "NULL" && op !== "NOT_NULL" && !hasList && !hasValue) {
        fail(`${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${op} for Attribute: ${name}`);
      }
      const values = (hasList ? (c.AttributeValueList as unknown[]) : hasValue ? [c.Value] : []).map((v) => validValue(v, wording));
      checkOperator(op, values);
      conditions.push(conditionFor(name, op, values));
    } else if (hasList) {
      fail(`${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
    } else {
      const exists = c.Exists === undefined || c.Exists;
      if (exists && !hasValue) {
        fail(`${INVALID}Value must be provided when Exists is ${c.Exists === undefined ? "null" : "true"} for Attribute: ${name}`);
      }
      if (!exists && hasValue) fail(`${INVALID}Value cannot be used when Exists is false for Attribute: ${name}`);
      conditions.push(
        exists
          ? conditionFor(name, "EQ", [validValue(c.Value, wording)])
          : { kind: "function", name: "attribute_not_exists", args: [{ kind: "path", path: [name] }] },
      );
    }
  }
  return combine(conditions, conditionalOperator);
}

/** `QueryFilter` / `ScanFilter` as a condition; undefined when empty. */
export function conditionFromFilter(
  filter: Readonly<Record<string, LegacyCondition>> | undefined,
  conditionalOperator?: string,
  wording: ValueWording = "older",
): Condition | undefined {
  const names = filter ? Object.keys(filter) : [];
  checkConditionalOperator(conditionalOperator, names.length);
  const conditions: Condition[] = [];
  for (const name of names) {
    const c = (filter as Record<string, LegacyCondition>)[name] as LegacyCondition;
    const values = (c.AttributeValueList ?? []).map((v) => validValue(v, wording));
    const op = c.ComparisonOperator ?? "";
    checkOperator(op, values);
    conditions.push(conditionFor(name, op, values));
  }
  return combine(conditions, conditionalOperator);
}

/**
 * Legacy `KeyConditions` of a Query: their operators and values, which need no key schema. Query
 * checks them before it looks up the table (dynalite's query tests, run against AWS, on table
 * 'abc'), then fits them to the schema with keyConditionFromMap, as an expression's are.
 */
export function keyConditionsMap(keyConditions: Readonly<Record<string, LegacyCondition>>, wording: ValueWording = "older"): KeyConditionMap {
  const map: KeyConditionMap = Object.create(null) as KeyConditionMap;
  for (const name of Object.keys(keyConditions)) {
    const c = keyConditions[name] as LegacyCondition;
    const values = (c.AttributeValueList ?? []).map((v) => validValue(v, wording));
    const op = c.ComparisonOperator ?? "";
    checkOperator(op, values);
    map[name] = { operator: op, values };
  }
  return map;
}

/** `AttributesToGet` as projection paths; duplicates are refused. */
export function pathsFromAttributesToGet(names: readonly string[]): DocumentPath[] {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) fail(`${INVALID}Duplicate value in attribute name: ${n}`);
    seen.add(n);
  }
  return names.map((n) => [n]);
}

// ---------------------------------------------------------------------------------------------
// AttributeUpdates

const SET_TYPES: readonly AttributeType[] = ["SS", "NS", "BS"];

/** Checks `AttributeUpdates` before the item is read; returns them with values normalized. */
export function validateAttributeUpdates(
  updates: Readonly<Record<string, AttributeValueUpdate>>,
  wording: ValueWording = "older",
): Record<string, { Action: "PUT" | "ADD" | "DELETE"; Value: AttributeValue | undefined }> {
  const out: Record<string, { Action: "PUT" | "ADD" | "DELETE"; Value: AttributeValue | undefined }> = {};
  for (const name of Object.keys(updates)) {
    const u = updates[name] as AttributeValueUpdate;
    const action = u.Action ?? "PUT";
    if (action !== "PUT" && action !== "ADD" && action !== "DELETE") {
      fail(`1 validation error detected: Value '${action}' at 'attributeUpdates.${name}.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]`);
    }
    const value = u.Value === undefined ? undefined : validValue(u.Value, wording);
    if (value === undefined && action !== "DELETE") fail(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
    if (value !== undefined) {
      const type = typeOf(value);
      if (action === "ADD" && type !== "N" && type !== "L" && !SET_TYPES.includes(type)) {
        fail(`${INVALID}ADD action is not supported for the type ${type}`);
      }
      if (action === "DELETE" && !SET_TYPES.includes(type)) {
        fail(`${INVALID}DELETE action with value is not supported for the type ${type}`);
      }
    }
    setOwn(out, name, { Action: action, Value: value });
  }
  return out;
}

const TYPE_MISMATCH = "Type mismatch for attribute to update";

function union(existing: AttributeValue, added: AttributeValue): AttributeValue | undefined {
  for (const t of SET_TYPES) {
    const a = existing[t] as (string | Uint8Array)[] | undefined;
    const b = added[t] as (string | Uint8Array)[] | undefined;
    if (a === undefined || b === undefined) continue;
    const key = (x: string | Uint8Array) => (typeof x === "string" ? (t === "NS" ? validValue({ N: x }).N : x) : Buffer.from(x).toString("base64"));
    const have = new Set(a.map(key));
    return { [t]: [...a, ...b.filter((x) => !have.has(key(x)))] } as AttributeValue;
  }
  if (existing.L !== undefined && added.L !== undefined) return { L: [...existing.L, ...added.L] };
  return undefined;
}

function difference(existing: AttributeValue, removed: AttributeValue): AttributeValue | undefined {
  for (const t of SET_TYPES) {
    const a = existing[t] as (string | Uint8Array)[] | undefined;
    const b = removed[t] as (string | Uint8Array)[] | undefined;
    if (a === undefined || b === undefined) continue;
    const key = (x: string | Uint8Array) => (typeof x === "string" ? (t === "NS" ? validValue({ N: x }).N : x) : Buffer.from(x).toString("base64"));
    const drop = new Set(b.map(key));
    return { [t]: a.filter((x) => !drop.has(key(x))) } as AttributeValue;
  }
  return undefined;
}

/**
 * Applies legacy `AttributeUpdates` (already validated) to an item, immutably. ADD adds numbers,
 * unions sets and appends lists; DELETE with a value removes set members (an emptied set
 * disappears), without one it removes the attribute.
 */
export function applyAttributeUpdates(
  updates: ReturnType<typeof validateAttributeUpdates>,
  item: Item | undefined,
): UpdateResult {
  const next: Item = { ...(item ?? {}) };
  const names = Object.keys(updates);
  for (const name of names) {
    const { Action: action, Value: value } = updates[name] as ReturnType<typeof validateAttributeUpdates>[string];
    const existing = own(next, name);
    if (action === "PUT") {
      setOwn(next, name, value as AttributeValue);
    } else if (action === "DELETE") {
      if (value === undefined) {
        delete next[name];
      } else if (existing !== undefined) {
        const rest = difference(existing, value);
        if (rest === undefined) fail(TYPE_MISMATCH);
        const remaining = (rest.SS ?? rest.NS ?? rest.BS ?? []).length;
        if (remaining === 0) delete next[name];
        else setOwn(next, name, rest);
      }
    } else {
      const added = value as AttributeValue;
      if (existing === undefined) {
        setOwn(next, name, added);
      } else if (added.N !== undefined) {
        if (existing.N === undefined) fail(TYPE_MISMATCH);
        setOwn(next, name, { N: addNumbers(existing.N, added.N) });
      } else {
        const merged = union(existing, added);
        if (merged === undefined) fail(TYPE_MISMATCH);
        setOwn(next, name, merged);
      }
    }
  }
  return { item: next, updatedPaths: names.map((n) => [n]), updatedAttributes: names };
}
