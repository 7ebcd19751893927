import {
  attributeValuesEqual,
  briefValue,
  compareBinary,
  compareScalars,
  typeOf,
  type AttributeType,
  type AttributeValue,
  type Item,
} from "../attribute-values.js";
import type {
  Condition,
  ConditionFunction,
  DocumentPath,
  Operand,
  RawCondition,
  RawConditionExpression,
  RawOperand,
} from "./ast.js";
import { formatPath } from "./ast.js";
import { ParseCache } from "./cache.js";
import {
  bindPath,
  checkExpressionText,
  checkOperatorCount,
  ErrorSlots,
  invalidExpression,
  MAX_IN_OPERANDS,
  pathsEqual,
  UNDEFINED_VALUE_MESSAGE,
  type ExpressionAttributes,
  type ExpressionParameter,
} from "./context.js";
import { ExpressionSyntaxError } from "./lexer.js";
import { parseConditionSyntax } from "./parser.js";
import { getPath } from "./paths.js";

export type ConditionParameter = "ConditionExpression" | "FilterExpression" | "KeyConditionExpression" | "SearchConditionExpression";

const cache = new ParseCache<RawConditionExpression>();

/** Parses the syntax only (cached); exposed for the key-condition module and tests. */
export function parseConditionTree(parameter: ExpressionParameter, expression: string): RawConditionExpression {
  checkExpressionText(parameter, expression);
  try {
    return cache.get(expression, parseConditionSyntax);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) throw invalidExpression(parameter, err.message);
    throw err;
  }
}

/**
 * Parses and binds a condition or filter expression, throwing ValidationException with AWS's
 * message ("Invalid ConditionExpression: ..."). Names and values used are recorded in `attrs`.
 */
export function parseCondition(
  expression: string,
  attrs: ExpressionAttributes,
  parameter: ConditionParameter = "ConditionExpression",
): Condition {
  const raw = parseConditionTree(parameter, expression);
  if (raw.maxInOperands > MAX_IN_OPERANDS) {
    throw invalidExpression(parameter, `The IN operator is provided with too many operands; number of operands: ${raw.maxInOperands}`);
  }
  checkOperatorCount(parameter, raw.operatorCount);
  const binder = new ConditionBinder(attrs);
  const bound = binder.condition(raw.root);
  if (raw.redundantParens) binder.global.set("parens", "The expression has redundant parentheses;");
  const message = binder.global.first(["parens", "unknownFunction", "misusedFunction", "reserved", "condition"]);
  if (message !== undefined) throw invalidExpression(parameter, message);
  return bound;
}

// ---------------------------------------------------------------------------------------------
// Binding

type GlobalSlot = "parens" | "unknownFunction" | "misusedFunction" | "reserved" | "condition";
type LeafSlot = "attrNameVal" | "operand" | "distinct" | "function";
const UPDATE_FUNCTIONS: ReadonlySet<string> = new Set(["if_not_exists", "list_append"]);
const LEAF_ORDER: readonly LeafSlot[] = ["attrNameVal", "operand", "distinct", "function"];

const FUNCTION_ARITY: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};

const TYPE_NAMES: ReadonlySet<string> = new Set(["S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M"]);

/** A placeholder for operands whose binding failed; the request is refused before evaluation. */
const BROKEN: Operand = { kind: "value", value: { NULL: true } };

/**
 * Resolves placeholders and applies DynamoDB's semantic checks. Errors are filed by category;
 * DynamoDB reports redundant parentheses first, then unknown functions, misused functions,
 * reserved words, and then the first failing comparison or function (undefined placeholders,
 * operand counts, identical operands, operand types, in that order).
 */
class ConditionBinder {
  readonly global = new ErrorSlots<GlobalSlot>();
  private leaf = new ErrorSlots<LeafSlot>();

  constructor(private readonly attrs: ExpressionAttributes) {}

  condition(raw: RawCondition): Condition {
    switch (raw.kind) {
      case "and":
      case "or": {
        const left = this.condition(raw.left);
        const right = this.condition(raw.right);
        return { kind: raw.kind, left, right };
      }
      case "not":
        return { kind: "not", operand: this.condition(raw.operand) };
      default:
        return this.leafCondition(raw);
    }
  }

  private leafCondition(raw: RawCondition): Condition {
    this.leaf = new ErrorSlots<LeafSlot>();
    let result: Condition;
    switch (raw.kind) {
      case "compare": {
        const left = this.operand(raw.left);
        const right = this.operand(raw.right);
        this.checkMisused([raw.left, raw.right]);
        this.checkDistinct(raw.op, left, right);
        if (raw.op !== "=" && raw.op !== "<>") this.checkOrderable(raw.op, [left, right]);
        result = { kind: "compare", op: raw.op, left, right };
        break;
      }
      case "between": {
        const operand = this.operand(raw.operand);
        const lower = this.operand(raw.lower);
        const upper = this.operand(raw.upper);
        this.checkMisused([raw.operand, raw.lower, raw.upper]);
        this.checkOrderable("BETWEEN", [operand, lower, upper]);
        this.checkBetweenBounds(lower, upper);
        result = { kind: "between", operand, lower, upper };
        break;
      }
      case "in": {
        const operand = this.operand(raw.operand);
        const list = raw.list.map((o) => this.operand(o));
        this.checkMisused([raw.operand, ...raw.list]);
        result = { kind: "in", operand, list };
        break;
      }
      case "call": {
        const name = raw.call.name;
        const args = raw.call.args.map((a) => this.operand(a));
        this.checkMisused(raw.call.args);
        if (name === "size") {
          this.global.set("misusedFunction", `The function is not allowed to be used this way in an expression; function: size`);
        }
        this.checkFunction(name, args);
        result = FUNCTION_ARITY[name] !== undefined && name !== "size"
          ? { kind: "function", name: name as ConditionFunction, args }
          : { kind: "compare", op: "=", left: BROKEN, right: BROKEN };
        break;
      }
      default:
        throw new Error("unreachable");
    }
    const message = this.leaf.first(LEAF_ORDER);
    if (message !== undefined) this.global.set("condition", message);
    return result;
  }

  /** A function other than size() may not be an operand of a comparison or of another function. */
  private checkMisused(args: readonly RawOperand[]): void {
    for (const a of args) {
      if (a.kind === "call" && a.name !== "size" && FUNCTION_ARITY[a.name] !== undefined) {
        this.global.set("misusedFunction", `The function is not allowed to be used this way in an expression; function: ${a.name}`);
      }
    }
  }

  private checkDistinct(operator: string, left: Operand, right: Operand): void {
    if (left.kind === "path" && right.kind === "path" && pathsEqual(left.path, right.path)) {
      this.leaf.set(
        "distinct",
        `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${formatPath(left.path)}`,
      );
    }
  }

  /**
   * Ordering (<, <=, >, >=, BETWEEN) a value from ExpressionAttributeValues that is not a string,
   * number or binary is refused, though an item attribute of such a type only makes the condition
   * false (ScyllaDB Alternator's test_update_condition_lt/le/gt/ge/between, which pass on AWS).
   * The message takes the form AWS gives `SET a = :s + :n` (quoted in Alternator's tests).
   */
  private checkOrderable(operator: string, operands: readonly Operand[]): void {
    for (const o of operands) {
      if (o.kind !== "value" || o === BROKEN) continue;
      const type = typeOf(o.value);
      if (type !== "S" && type !== "N" && type !== "B") {
        this.leaf.set("function", `Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`);
        return;
      }
    }
  }

  private checkBetweenBounds(lower: Operand, upper: Operand): void {
    if (lower.kind !== "value" || upper.kind !== "value" || lower === BROKEN || upper === BROKEN) return;
    const lt = typeOf(lower.value);
    const ut = typeOf(upper.value);
    const bounds = `lower bound operand: AttributeValue: ${briefValue(lower.value)}, upper bound operand: AttributeValue: ${briefValue(upper.value)}`;
    if (lt !== ut) {
      this.leaf.set("function", `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`);
      return;
    }
    const order = compareScalars(lower.value, upper.value);
    if (order !== undefined && order > 0) {
      this.leaf.set("function", `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`);
    }
  }

  operand(raw: RawOperand): Operand {
    switch (raw.kind) {
      case "path":
        return {
          kind: "path",
          path: bindPath(
            raw,
            this.attrs,
            (m) => this.global.set("reserved", m),
            (m) => this.leaf.set("attrNameVal", m),
          ),
        };
      case "value": {
        const value = this.attrs.value(raw.ref);
        if (value === undefined) {
          this.leaf.set("attrNameVal", UNDEFINED_VALUE_MESSAGE(raw.ref));
          return BROKEN;
        }
        return { kind: "value", value };
      }
      case "call": {
        const args = raw.args.map((a) => this.operand(a));
        this.checkMisused(raw.args);
        this.checkFunction(raw.name, args);
        if (raw.name === "size" && args.length === 1) return { kind: "size", operand: args[0] as Operand };
        // size(a, a) = :v is refused for its operand count (ScyllaDB Alternator's
        // test_update_condition_size matches 'ValidationException.*2' on AWS), not as misused.
        if (FUNCTION_ARITY[raw.name] !== undefined && raw.name !== "size") {
          this.global.set("misusedFunction", `The function is not allowed to be used this way in an expression; function: ${raw.name}`);
        }
        return BROKEN;
      }
      case "arith":
        // The condition grammar has no arithmetic; the parser never builds this node here.
        return BROKEN;
    }
  }

  /** The static type of an operand when known: a literal value's type, or N for size(). */
  private staticType(op: Operand): string | undefined {
    if (op === BROKEN) return undefined;
    if (op.kind === "value") return typeOf(op.value);
    if (op.kind === "size") return "N";
    return undefined;
  }

  private checkFunction(name: string, args: readonly Operand[]): void {
    const arity = FUNCTION_ARITY[name];
    if (arity === undefined) {
      // The update functions are known but refused here, as AWS answers them ("The function is not
      // allowed in a condition expression", ScyllaDB Alternator's test_update_condition_other_funcs).
      this.global.set(
        "unknownFunction",
        UPDATE_FUNCTIONS.has(name)
          ? `The function is not allowed in a condition expression; function: ${name}`
          : `Invalid function name; function: ${name}`,
      );
      return;
    }
    if (args.length !== arity) {
      this.leaf.set(
        "operand",
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
      return;
    }
    if (arity === 2) this.checkDistinct(name, args[0] as Operand, args[1] as Operand);
    const typeError = (type: string) =>
      this.leaf.set("function", `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`);
    switch (name) {
      case "attribute_exists":
      case "attribute_not_exists":
      case "attribute_type":
        // attribute_type takes any value as its first operand (attribute_type(:v, :t) works on
        // AWS: ScyllaDB Alternator's test_update_condition_attribute_type); the other two need a path.
        if (name !== "attribute_type" && (args[0] as Operand).kind !== "path") {
          this.leaf.set("function", `Operator or function requires a document path; operator or function: ${name}`);
          return;
        }
        if (name === "attribute_type") {
          const typeArg = args[1] as Operand;
          const t = this.staticType(typeArg) ?? (typeArg === BROKEN ? undefined : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
          if (t === undefined) return;
          if (t !== "S") return typeError(t);
          const typeName = (typeArg as { value: AttributeValue }).value.S as string;
          if (!TYPE_NAMES.has(typeName)) {
            this.leaf.set("function", `Invalid attribute type name found; type: ${typeName}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`);
          }
        }
        return;
      case "begins_with":
        for (const a of args) {
          const t = this.staticType(a);
          if (t !== undefined && t !== "S" && t !== "B") return typeError(t);
        }
        return;
      case "size": {
        const t = this.staticType(args[0] as Operand);
        if (t === "N" || t === "BOOL" || t === "NULL") typeError(t);
        return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** The value of an operand for this item; undefined when the path does not exist. */
export function resolveOperand(op: Operand, item: Item | undefined): AttributeValue | undefined {
  switch (op.kind) {
    case "path":
      return getPath(item, op.path);
    case "value":
      return op.value;
    case "size": {
      const v = resolveOperand(op.operand, item);
      const n = v === undefined ? undefined : sizeOf(v);
      return n === undefined ? undefined : { N: String(n) };
    }
  }
}

/**
 * size(): string length in UTF-16 code units (what AWS counts: "é𝄞" has size 3), bytes of a
 * binary, members of a set, elements of a list or map. Numbers, booleans and nulls have none.
 */
function sizeOf(v: AttributeValue): number | undefined {
  if (v.S !== undefined) return v.S.length;
  if (v.B !== undefined) return v.B.byteLength;
  if (v.SS !== undefined) return v.SS.length;
  if (v.NS !== undefined) return v.NS.length;
  if (v.BS !== undefined) return v.BS.length;
  if (v.L !== undefined) return v.L.length;
  if (v.M !== undefined) return Object.keys(v.M).length;
  return undefined;
}

function bytesStartWith(haystack: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.byteLength > haystack.byteLength) return false;
  return compareBinary(haystack.subarray(0, prefix.byteLength), prefix) === 0;
}

function bytesContain(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle) !== -1;
}

export function beginsWith(v: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (v === undefined || prefix === undefined) return false;
  if (v.S !== undefined && prefix.S !== undefined) return v.S.startsWith(prefix.S);
  if (v.B !== undefined && prefix.B !== undefined) return bytesStartWith(v.B, prefix.B);
  return false;
}

/**
 * contains(): a substring of a string, a byte subsequence of a binary, a member of a set of the
 * matching type, or an element of a list (any type).
 */
export function containsValue(v: AttributeValue | undefined, needle: AttributeValue | undefined): boolean {
  if (v === undefined || needle === undefined) return false;
  if (v.S !== undefined) return needle.S !== undefined && v.S.includes(needle.S);
  if (v.B !== undefined) return needle.B !== undefined && bytesContain(v.B, needle.B);
  if (v.SS !== undefined) return needle.S !== undefined && v.SS.includes(needle.S);
  if (v.NS !== undefined) {
    if (needle.N === undefined) return false;
    const n: AttributeValue = { N: needle.N };
    return v.NS.some((x) => attributeValuesEqual({ N: x }, n));
  }
  if (v.BS !== undefined) {
    const b = needle.B;
    return b !== undefined && v.BS.some((x) => compareBinary(x, b) === 0);
  }
  if (v.L !== undefined) return v.L.some((x) => attributeValuesEqual(x, needle));
  return false;
}

function isOrdered(t: AttributeType): boolean {
  return t === "S" || t === "N" || t === "B";
}

/**
 * Comparisons follow DynamoDB: a missing attribute or a type mismatch makes `=`, `<`, `<=`,
 * `>`, `>=` false and `<>` true; only S, N and B are ordered.
 */
export function compareOperands(op: Condition & { kind: "compare" }, l: AttributeValue | undefined, r: AttributeValue | undefined): boolean {
  if (op.op === "=") return l !== undefined && r !== undefined && attributeValuesEqual(l, r);
  if (op.op === "<>") return !(l !== undefined && r !== undefined && attributeValuesEqual(l, r));
  if (l === undefined || r === undefined) return false;
  const order = compareScalars(l, r);
  if (order === undefined) return false;
  switch (op.op) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    default:
      return order >= 0;
  }
}

export function evaluateCondition(cond: Condition, item: Item | undefined): boolean {
  switch (cond.kind) {
    case "and":
      return evaluateCondition(cond.left, item) && evaluateCondition(cond.right, item);
    case "or":
      return evaluateCondition(cond.left, item) || evaluateCondition(cond.right, item);
    case "not":
      return !evaluateCondition(cond.operand, item);
    case "compare":
      return compareOperands(cond, resolveOperand(cond.left, item), resolveOperand(cond.right, item));
    case "between": {
      const v = resolveOperand(cond.operand, item);
      const lo = resolveOperand(cond.lower, item);
      const hi = resolveOperand(cond.upper, item);
      if (v === undefined || lo === undefined || hi === undefined) return false;
      const t = typeOf(v);
      if (!isOrdered(t) || typeOf(lo) !== t || typeOf(hi) !== t) return false;
      return (compareScalars(lo, v) as number) <= 0 && (compareScalars(v, hi) as number) <= 0;
    }
    case "in": {
      const v = resolveOperand(cond.operand, item);
      if (v === undefined) return false;
      for (const candidate of cond.list) {
        const c = resolveOperand(candidate, item);
        if (c !== undefined && attributeValuesEqual(v, c)) return true;
      }
      return false;
    }
    case "function": {
      const [first, second] = cond.args;
      switch (cond.name) {
        case "attribute_exists":
          return resolveOperand(first as Operand, item) !== undefined;
        case "attribute_not_exists":
          return resolveOperand(first as Operand, item) === undefined;
        case "attribute_type": {
          const v = resolveOperand(first as Operand, item);
          const t = resolveOperand(second as Operand, item);
          return v !== undefined && t?.S !== undefined && typeOf(v) === t.S;
        }
        case "begins_with":
          return beginsWith(resolveOperand(first as Operand, item), resolveOperand(second as Operand, item));
        case "contains":
          return containsValue(resolveOperand(first as Operand, item), resolveOperand(second as Operand, item));
      }
    }
  }
}

/** Top-level attribute names a condition reads (Query refuses key attributes in a filter). */
export function conditionAttributeNames(cond: Condition): Set<string> {
  const names = new Set<string>();
  const fromOperand = (op: Operand) => {
    if (op.kind === "path") names.add(op.path[0] as string);
    else if (op.kind === "size") fromOperand(op.operand);
  };
  const walk = (c: Condition) => {
    switch (c.kind) {
      case "and":
      case "or":
        walk(c.left);
        walk(c.right);
        return;
      case "not":
        walk(c.operand);
        return;
      case "compare":
        fromOperand(c.left);
        fromOperand(c.right);
        return;
      case "between":
        fromOperand(c.operand);
        fromOperand(c.lower);
        fromOperand(c.upper);
        return;
      case "in":
        fromOperand(c.operand);
        c.list.forEach(fromOperand);
        return;
      case "function":
        c.args.forEach(fromOperand);
    }
  };
  walk(cond);
  return names;
}

/** Document paths a condition reads; exposed for handlers that check nested key access. */
export function conditionPaths(cond: Condition): DocumentPath[] {
  const out: DocumentPath[] = [];
  const fromOperand = (op: Operand) => {
    if (op.kind === "path") out.push(op.path);
    else if (op.kind === "size") fromOperand(op.operand);
  };
  const walk = (c: Condition): void => {
    if (c.kind === "and" || c.kind === "or") {
      walk(c.left);
      walk(c.right);
    } else if (c.kind === "not") walk(c.operand);
    else if (c.kind === "compare") [c.left, c.right].forEach(fromOperand);
    else if (c.kind === "between") [c.operand, c.lower, c.upper].forEach(fromOperand);
    else if (c.kind === "in") [c.operand, ...c.list].forEach(fromOperand);
    else if (c.kind === "function") c.args.forEach(fromOperand);
  };
  walk(cond);
  return out;
}
