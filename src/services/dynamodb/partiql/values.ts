/**
 * PartiQL value literals as DynamoDB AttributeValues: 'string' → S, numbers → N, TRUE/FALSE →
 * BOOL, NULL → NULL, [...] → L, {'k': v} → M, <<...>> → SS or NS, `?` → the Parameter at its
 * position. A number DynamoDB cannot store is refused with the ordinary number message and
 * the place inside the value appended ("... under root.m[1]").
 */
import { setOwn } from "../../../core/own.js";
import { MAX_NESTING_DEPTH, normalizeNumber, numberProblem, validateAttributeValue, type AttributeValue } from "../domain/index.js";
import type { Expr } from "./ast.js";
import { invalid, MESSAGES } from "./errors.js";
import { spanAt } from "./lexer.js";

/** Whether an expression is a value (a literal, a parameter, or a collection of them). */
export function isValueExpr(e: Expr): boolean {
  switch (e.kind) {
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "param":
    case "list":
    case "bag":
    case "struct":
      return true;
    default:
      return false;
  }
}

export function parameterValue(params: readonly AttributeValue[], index: number): AttributeValue {
  const v = params[index];
  if (v === undefined) throw invalid(MESSAGES.parameterCount);
  return v;
}

function number(text: string, where: string): AttributeValue {
  const problem = numberProblem(text);
  if (problem !== undefined) throw invalid(`${problem} under ${where}`);
  return { N: normalizeNumber(text) };
}

/**
 * The AttributeValue of a value expression (see isValueExpr); `where` names its place for
 * messages, and `depth` its nesting level (a value alone is level 1). `text` is the statement.
 */
export function toAttributeValue(e: Expr, params: readonly AttributeValue[], text: string, where = "root", depth = 1): AttributeValue {
  // Literals nest at most 32 levels, as items do; DynamoDB names the first place too deep
  // (captured in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest, refusesALiteralNested32LevelsDeep).
  if (depth > MAX_NESTING_DEPTH) throw invalid(`Nesting Levels have exceeded supported limits under ${where}`);
  switch (e.kind) {
    case "string":
      return { S: e.value };
    case "number":
      return number(e.text, where);
    case "boolean":
      return { BOOL: e.value };
    case "null":
      return { NULL: true };
    case "param": {
      // A Parameter stands only for a whole value, never inside a list, tuple or bag literal
      // (captured in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest, refusesAParameterInsideACollectionLiteral).
      if (depth > 1) {
        throw invalid(`Unsupported data type: Parameter under key ${where} at ${spanAt(text, e.span.start, e.span.end)}`);
      }
      return parameterValue(params, e.index);
    }
    case "list":
      return { L: e.items.map((item, i) => toAttributeValue(item, params, text, `${where}[${i}]`, depth + 1)) };
    case "struct": {
      const m: Record<string, AttributeValue> = {};
      for (const f of e.fields) {
        const key = structKey(f.key, params, where);
        if (Object.prototype.hasOwnProperty.call(m, key)) throw invalid(`Duplicate keys in tuple. Key: ${key} under ${where}`);
        m[key] = toAttributeValue(f.value, params, text, `${where}.${key}`, depth + 1);
      }
      return { M: m };
    }
    case "bag":
      return bag(e.items, where);
    case "call":
      // A function as a value: 'Unsupported data type: set_add under key root at 1:68:7'
      // (paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlFunctions.test.ts).
      throw invalid(`Unsupported data type: ${e.name} under key ${where} at ${spanAt(text, e.span.start, e.span.end)}`);
    default:
      break;
  }
  throw invalid(`Unsupported data type: ${describe(e)} under ${where}`);
}

/**
 * The item of `INSERT ... VALUE {...}`: each attribute's value is a value of its own, at "root"
 * and level 1 (DynamoDB cites `{'m': {'k': ?}}` as "root.k", and takes 31 tuples under an
 * attribute, as captured in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest).
 */
export function insertedItem(e: Expr & { kind: "struct" }, params: readonly AttributeValue[], text: string): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const f of e.fields) {
    const key = structKey(f.key, params, "root");
    if (Object.prototype.hasOwnProperty.call(item, key)) throw invalid(`Duplicate keys in tuple. Key: ${key} under root`);
    setOwn(item, key, toAttributeValue(f.value, params, text));
  }
  return item;
}

function structKey(key: Expr, params: readonly AttributeValue[], where: string): string {
  if (key.kind === "string") return key.value;
  if (key.kind === "param") {
    const v = parameterValue(params, key.index);
    if (v.S !== undefined) return v.S;
  }
  throw invalid(`Unsupported data type: ${describe(key)} under ${where}`);
}

/** DynamoDB keeps a bag only as a string set or a number set (binary sets come only as Parameters). */
function bag(items: readonly Expr[], where: string): AttributeValue {
  if (items.length === 0) throw invalid(MESSAGES.emptyBag);
  if (items.every((i) => i.kind === "string")) {
    return validateAttributeValue({ SS: items.map((i) => (i as { value: string }).value) });
  }
  const written: string[] = [];
  const numbers = items.map((item, i) => {
    if (item.kind !== "number") throw invalid(MESSAGES.bagType);
    written.push(item.text);
    return number(item.text, `${where}[${i}]`).N as string;
  });
  // Equal numbers however written (2 and 2.0), listed as written: DynamoDB's wording, captured in
  // floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest (refusesDuplicateMembersInABag).
  if (new Set(numbers).size < numbers.length) {
    throw invalid(`One or more parameter values were invalid: Input collection [${written.join(", ")}] contains duplicates! under ${where}`);
  }
  return validateAttributeValue({ NS: numbers });
}

/** How a non-value expression is named in "Unsupported data type" messages. */
export function describe(e: Expr): string {
  switch (e.kind) {
    case "path":
      return [e.root, ...e.steps.map((s) => (s.kind === "name" ? `.${s.name}` : `[${s.index}]`))].join("");
    case "call":
      return `${e.name}()`;
    case "missing":
      return "MISSING";
    default:
      return e.kind;
  }
}
