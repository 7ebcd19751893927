/**
 * Turns a parsed PartiQL statement into what the DynamoDB engine already runs: conditions and
 * update actions in the expression language's bound syntax tree (so that evaluation, update
 * semantics and their runtime errors are the ones UpdateItem, Query and Scan have), keys, and
 * for SELECT a read plan: the partitions a WHERE pins (run as Query ranges) or a Scan.
 *
 * The checks follow DynamoDB's order: syntax, FROM components, the WHERE and SET values, the
 * table, then the key.
 */
import { own, setOwn } from "../../../core/own.js";
import {
  attributeValuesEqual,
  compareScalars,
  conditionAttributeNames,
  typeOf,
  type AttributeValue,
  type Comparator,
  type Condition,
  type DocumentPath,
  type Item,
  type KeyCondition,
  type KeyOperator,
  type KeySchema,
  MAX_IN_OPERANDS,
  type Operand,
  type SetValue,
  type SortKeyCondition,
  type UpdateAction,
} from "../domain/index.js";
import { errors } from "../errors.js";
import { encodeKeyValue } from "../items.js";
import type { Select } from "../reads.js";
import type { ReturnValues } from "../requests.js";
import { findIndex, indexSchema, keyAttributeNames, tableSchema, type IndexMeta, type TableMeta } from "../table.js";
import type { Expr, OrderItem, ParsedStatement, PathExpr, ReturningMapping, SelectStatement, Source, Statement } from "./ast.js";
import { invalid, KEY_SCHEMA_MISMATCH, keyAbsent, KeyProblem, keyTypeMismatch, MESSAGES } from "./errors.js";
import { overlappingBranches } from "./key-branches.js";
import { spanAt } from "./lexer.js";
import { describe, insertedItem, isValueExpr, toAttributeValue } from "./values.js";

/** Where a statement runs: alone (ExecuteStatement), in a BatchExecuteStatement, or in ExecuteTransaction. */
export type UseCase = "statement" | "batch" | "transaction";

export type TableLookup = (name: string) => TableMeta | undefined;

/** A projected path and the name its value comes back under (`m.k[1]` comes back as `k[1]`). */
export interface Projected {
  readonly path: DocumentPath;
  readonly name: string;
}

/** What a plan acts on: the table as the statement names it (its name, or its ARN: another account's table) and its description. */
interface TablePlan {
  readonly table: string;
  readonly meta: TableMeta;
}

export interface SelectPlan extends TablePlan {
  readonly kind: "select";
  readonly index: IndexMeta | undefined;
  /** Key schema of what is read: the index's when reading an index. */
  readonly schema: KeySchema;
  /** undefined for `SELECT *`. */
  readonly projection: readonly Projected[] | undefined;
  readonly filter: Condition | undefined;
  /** One Query range per partition the WHERE pins, in reading order; `[undefined]` is a Scan. */
  readonly segments: readonly (KeyCondition | undefined)[];
  readonly descending: boolean;
  readonly select: Select;
  /** The table key, when the WHERE is exactly an equality on every key attribute (batch and transaction reads). */
  readonly key: Item | undefined;
}

export interface InsertPlan extends TablePlan {
  readonly kind: "insert";
  readonly item: Item;
}

export interface UpdatePlan extends TablePlan {
  readonly kind: "update";
  readonly key: Item;
  readonly actions: readonly UpdateAction[];
  /** The WHERE beyond the key; the item must also exist. */
  readonly condition: Condition | undefined;
  readonly returnValues: ReturnValues;
}

export interface DeletePlan extends TablePlan {
  readonly kind: "delete";
  readonly key: Item;
  /** The WHERE beyond the key, checked only when the item exists. */
  readonly condition: Condition | undefined;
  readonly returnValues: "NONE" | "ALL_OLD";
}

export interface ExistsPlan extends TablePlan {
  readonly kind: "exists";
  readonly key: Item;
  readonly condition: Condition;
}

export type Plan = SelectPlan | InsertPlan | UpdatePlan | DeletePlan | ExistsPlan;

/** The table (and index) a statement names, as written: a table may be named by its ARN. */
export function sourceOf(statement: Statement): Source {
  switch (statement.kind) {
    case "select":
      return statement.from;
    case "exists":
      return statement.select.from;
    case "insert":
      return statement.into;
    case "update":
      return statement.target;
    case "delete":
      return statement.from;
  }
}

export function isRead(statement: Statement): boolean {
  return statement.kind === "select";
}

const RETURN_VALUES: Readonly<Record<ReturningMapping, ReturnValues>> = {
  "ALL OLD": "ALL_OLD",
  "ALL NEW": "ALL_NEW",
  "MODIFIED OLD": "UPDATED_OLD",
  "MODIFIED NEW": "UPDATED_NEW",
};

/** The valid type names of attribute_type, in the order DynamoDB's PartiQL lists them. */
const TYPE_NAMES = ["N", "BS", "L", "B", "NULL", "M", "S", "SS", "NS", "BOOL"];

/**
 * The PartiQL types `IS` can test beside MISSING and NULL, as DynamoDB's own PartiQL layer
 * maps them onto attribute_type (the guide: IS is "TRUE if the operand is a given, PartiQL
 * data type"). BOOL is PartiQL's alias of BOOLEAN.
 */
const IS_TYPES: Readonly<Record<string, string>> = {
  BOOL: "BOOL",
  BOOLEAN: "BOOL",
  NUMERIC: "N",
  STRING: "S",
  BLOB: "B",
  STRUCT: "M",
  TUPLE: "M",
  LIST: "L",
};

const FUNCTION_ARITY: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};

/**
 * How DynamoDB refuses a call it does not know where it stands, citing the name's position:
 * "Unrecognized function: exists at 1:58:6" (the name lower-cased), and a condition function
 * projected in a SELECT: "Unexpected path component at 1:8:16". paritysuite/dynamodb-conformance
 * tests/tier3/error-messages/partiqlFunctions.test.ts (eu-west-2, us-east-1, eu-west-1, us-west-2, October 2026).
 */
function refusedCall(text: string, e: Expr & { kind: "call" }, message: string) {
  return invalid(`${message} at ${spanAt(text, e.span.start, e.span.end)}`);
}

function operandCountError(name: string, count: number) {
  return invalid(`Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${count}`);
}

function operandTypeError(name: string, type: string) {
  return invalid(`Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`);
}

export function documentPath(p: PathExpr): DocumentPath {
  return [p.root, ...p.steps.map((s) => (s.kind === "name" ? s.name : s.index))];
}

// ---------------------------------------------------------------------------------------------
// Binding expressions

class Binder {
  constructor(
    readonly params: readonly AttributeValue[],
    readonly text: string,
  ) {}

  value(e: Expr): AttributeValue {
    return toAttributeValue(e, this.params, this.text);
  }

  operand(e: Expr): Operand {
    if (e.kind === "path") return { kind: "path", path: documentPath(e) };
    if (isValueExpr(e)) return { kind: "value", value: this.value(e) };
    if (e.kind === "call" && e.name === "size") {
      if (e.args.length !== 1) throw operandCountError("size", e.args.length);
      const inner = this.operand(e.args[0] as Expr);
      if (inner.kind === "value") {
        const t = typeOf(inner.value);
        if (t === "N" || t === "BOOL" || t === "NULL") throw operandTypeError("size", t);
      }
      return { kind: "size", operand: inner };
    }
    if (e.kind === "missing") throw invalid(MESSAGES.missingOperand);
    // A condition compares paths and values: arithmetic (`WHERE n = 5 + 5`) is refused by its operator.
    if (e.kind === "arith") throw invalid(`Unsupported operator in Condition Expression. Operator: ${e.op}`);
    if (e.kind === "call" && FUNCTION_ARITY[e.name] === undefined) throw refusedCall(this.text, e, `Unrecognized function: ${e.name}`);
    throw invalid(`Unsupported operation: ${describe(e)} is not a valid operand`);
  }

  /** Ordering comparisons and BETWEEN take only strings, numbers and binaries. */
  private ordered(name: string, ...operands: Operand[]): void {
    for (const o of operands) {
      if (o.kind !== "value") continue;
      const t = typeOf(o.value);
      if (t !== "S" && t !== "N" && t !== "B") throw operandTypeError(name, t);
    }
  }

  /** A whole WHERE: a path, a value or size() alone is no condition. */
  where(e: Expr): Condition {
    if (e.kind === "call" && e.name === "size") {
      this.operand(e);
      throw invalid(MESSAGES.whereBoolean);
    }
    const c = this.branch(e);
    if (c === undefined) throw invalid(MESSAGES.whereBoolean);
    return c;
  }

  /**
   * What AND, OR, NOT or WHERE holds: a condition, or undefined for a path or a value, which
   * are converted first (so that their own errors come before the caller's).
   */
  private branch(e: Expr): Condition | undefined {
    if (e.kind === "path" || e.kind === "missing" || isValueExpr(e)) {
      this.operand(e);
      return undefined;
    }
    return this.condition(e);
  }

  condition(e: Expr): Condition {
    switch (e.kind) {
      case "and":
      case "or": {
        const left = this.branch(e.left);
        const right = this.branch(e.right);
        if (left === undefined || right === undefined) throw invalid(MESSAGES.andOrOperand);
        return { kind: e.kind, left, right };
      }
      case "not": {
        const operand = this.branch(e.operand);
        if (operand === undefined) throw invalid(MESSAGES.notOperand);
        return { kind: "not", operand };
      }
      case "compare": {
        if (isConditionExpr(e.left) || isConditionExpr(e.right)) {
          const [left, right] = [this.truthOrOperand(e.left), this.truthOrOperand(e.right)];
          if (e.op !== "=" && e.op !== "<>") throw operandTypeError(e.op, "BOOL");
          const equal = truthEquality(left, right);
          return e.op === "=" ? equal : not(equal);
        }
        const left = this.operand(e.left);
        const right = this.operand(e.right);
        if (e.op !== "=" && e.op !== "<>") this.ordered(e.op, left, right);
        return { kind: "compare", op: e.op as Comparator, left, right };
      }
      case "between": {
        const operand = this.operand(e.operand);
        const lower = this.operand(e.lower);
        const upper = this.operand(e.upper);
        this.ordered("BETWEEN", operand, lower, upper);
        const c: Condition = { kind: "between", operand, lower, upper };
        return e.negated ? { kind: "not", operand: c } : c;
      }
      case "in": {
        if (e.list.length > 0 && (isConditionExpr(e.operand) || e.list.some(isConditionExpr))) {
          // A condition among IN's operands: IN is then the equalities it stands for, each as = above.
          const operand = this.truthOrOperand(e.operand);
          const list = e.list.map((x) => this.truthOrOperand(x));
          if (list.length > MAX_IN_OPERANDS) throw invalid(`The IN operator is provided with too many operands; number of operands: ${list.length}`);
          const any = list.map((x) => truthEquality(operand, x)).reduce((a, b) => ({ kind: "or", left: a, right: b }));
          return e.negated ? not(any) : any;
        }
        const operand = this.operand(e.operand);
        // `IN ?` is one candidate, whatever the Parameter: a list Parameter is not spread into
        // candidates (on AWS it "generated no error and just evaluated to false", boto/boto3#3467).
        const list = e.list.map((x) => this.operand(x));
        // The guide: IN takes "at max 100 non-key attribute values"; the message is the expression engine's, bare.
        if (list.length > MAX_IN_OPERANDS) throw invalid(`The IN operator is provided with too many operands; number of operands: ${list.length}`);
        const c: Condition = { kind: "in", operand, list };
        return e.negated ? { kind: "not", operand: c } : c;
      }
      case "is": {
        if (e.operand.kind !== "path") throw invalid(`Operator or function requires a document path; operator or function: IS ${e.test}`);
        const path: Operand = { kind: "path", path: documentPath(e.operand) };
        if (e.test === "MISSING") return { kind: "function", name: e.negated ? "attribute_exists" : "attribute_not_exists", args: [path] };
        // NULL is a stored value of type NULL (a missing attribute is not NULL); the other types
        // IS tests are the DynamoDB types they stand for.
        const type = e.test === "NULL" ? "NULL" : IS_TYPES[e.test];
        if (type === undefined) throw invalid("Unsupported operation: IsType");
        const c: Condition = { kind: "function", name: "attribute_type", args: [path, { kind: "value", value: { S: type } }] };
        return e.negated ? { kind: "not", operand: c } : c;
      }
      case "call":
        return this.functionCondition(e);
      default:
        throw invalid(`Unsupported operation: ${describe(e)} is not a condition`);
    }
  }

  private truthOrOperand(e: Expr): Truth | Operand {
    return isConditionExpr(e) ? { kind: "truth", condition: this.condition(e) } : this.operand(e);
  }

  private functionCondition(e: Expr & { kind: "call" }): Condition {
    const name = e.name;
    if (name === "like") throw invalid("Unsupported operation: Like");
    const arity = FUNCTION_ARITY[name];
    if (arity === undefined) throw refusedCall(this.text, e, `Unrecognized function: ${name}`);
    if (name === "size") throw invalid("The function is not allowed to be used this way in an expression; function: size");
    if (e.args.length !== arity) throw operandCountError(name, e.args.length);
    const args = e.args.map((a) => this.operand(a));
    const [first, second] = args as [Operand, Operand | undefined];
    switch (name) {
      case "attribute_exists":
      case "attribute_not_exists":
      case "attribute_type":
        if (first.kind !== "path") throw invalid(`Operator or function requires a document path; operator or function: ${name}`);
        if (name === "attribute_type") {
          const t = second?.kind === "value" ? second.value : undefined;
          if (t === undefined || t.S === undefined) throw operandTypeError(name, t === undefined ? "PATH" : typeOf(t));
          if (!TYPE_NAMES.includes(t.S)) throw invalid(`Invalid attribute type name found; type: ${t.S}, valid types: {${TYPE_NAMES.join(",")}}`);
        }
        break;
      case "begins_with":
        for (const a of args) {
          if (a.kind === "value" && a.value.S === undefined && a.value.B === undefined) throw operandTypeError(name, typeOf(a.value));
        }
        break;
    }
    return { kind: "function", name: name as "attribute_exists", args };
  }

  /** One SET assignment: an ordinary SET, or ADD/DELETE for `set_add` / `set_delete`. */
  setAction(target: PathExpr, e: Expr): UpdateAction {
    const path = documentPath(target);
    if (e.kind === "call" && (e.name === "set_add" || e.name === "set_delete")) {
      if (e.args.length !== 2) throw refusedCall(this.text, e, `${e.name.toUpperCase()} must have exactly two arguments`);
      const [first, second] = e.args as [Expr, Expr];
      if (first.kind !== "path" || !samePath(documentPath(first), path)) {
        throw invalid(`The first argument to ${e.name.toUpperCase()} must equal the assignment value at ${spanAt(this.text, e.span.start, e.span.end)}`);
      }
      if (!isValueExpr(second)) throw invalid(`Unsupported operation: ${describe(second)} is not a valid operand`);
      const value = this.value(second);
      const t = typeOf(value);
      if (t !== "SS" && t !== "NS" && t !== "BS") {
        // A literal is refused citing the first argument, as DynamoDB does (captured in floci-io/floci
        // DynamoDbPartiQLEdgeCaseIntegrationTest); no capture shows a Parameter's answer.
        if (second.kind === "param") throw operandTypeError(e.name, t);
        throw invalid(`The second argument to ${e.name.toUpperCase()} must be a value with type SET at ${spanAt(this.text, first.span.start, first.span.end)}`);
      }
      return { kind: e.name === "set_add" ? "ADD" : "DELETE", path, value };
    }
    return { kind: "SET", path, value: this.setValue(e, true) };
  }

  private setValue(e: Expr, top: boolean): SetValue {
    if (e.kind === "path") return { kind: "path", path: documentPath(e) };
    if (e.kind === "missing") throw invalid(MESSAGES.missingOperand);
    // PartiQL reads `a IS NOT t` as NOT (a IS t): the NOT is met first.
    if (e.kind === "not" || (e.kind === "is" && e.negated)) throw invalid("Unsupported operator in Update Expression. Operator: not");
    if (e.kind === "is") throw invalid(MESSAGES.isInUpdate);
    if (isValueExpr(e)) return { kind: "value", value: this.value(e) };
    if (e.kind === "arith") {
      // An update value has only DynamoDB's + and -.
      if (e.op !== "+" && e.op !== "-") throw invalid(`Unsupported operator in Update Expression. Operator: ${e.op}`);
      // The update engine takes one + or - per assignment (`SET a = b + 1`), as UpdateExpression does.
      if (!top || e.left.kind === "arith" || e.right.kind === "arith") throw invalid("Unsupported operation: more than one arithmetic operator in a SET value");
      const left = this.setValue(e.left, false);
      const right = this.setValue(e.right, false);
      for (const side of [left, right]) {
        if (side.kind === "value" && side.value.N === undefined) throw operandTypeError(e.op, typeOf(side.value));
      }
      return { kind: "arith", op: e.op, left, right };
    }
    if (e.kind === "call") {
      if (e.name !== "list_append" && e.name !== "if_not_exists") throw invalid(`Invalid function name; function: ${e.name}`);
      if (e.args.length !== 2) throw operandCountError(e.name, e.args.length);
      const [a, b] = e.args as [Expr, Expr];
      if (e.name === "if_not_exists") {
        if (a.kind !== "path") throw invalid("Operator or function requires a document path; operator or function: if_not_exists");
        return { kind: "if_not_exists", path: documentPath(a), fallback: this.setValue(b, false) };
      }
      const left = this.setValue(a, false);
      const right = this.setValue(b, false);
      for (const side of [left, right]) {
        if (side.kind === "value" && side.value.L === undefined) throw operandTypeError("list_append", typeOf(side.value));
      }
      return { kind: "list_append", left, right };
    }
    throw invalid(`Unsupported operation: ${describe(e)} is not a valid value`);
  }
}

/**
 * DynamoDB's PartiQL takes a condition as an operand of =, <> and IN, where it is the BOOL of its
 * truth: `attribute_exists(x) = false` holds for an item without x, `attribute_exists(x) = 1`
 * for none, `attribute_exists(x) > false` is refused for its BOOL operand (captured from DynamoDB,
 * eu-west-2, in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest, comparesAConditionWithABoolean).
 * Such comparisons are written as the conditions they amount to, which the expression engine runs.
 */
interface Truth {
  readonly kind: "truth";
  readonly condition: Condition;
}

const CONDITION_FUNCTIONS = new Set(["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"]);

function isConditionExpr(e: Expr): boolean {
  switch (e.kind) {
    case "compare":
    case "between":
    case "in":
    case "is":
    case "and":
    case "or":
    case "not":
      return true;
    case "call":
      return CONDITION_FUNCTIONS.has(e.name);
    default:
      return false;
  }
}

function not(c: Condition): Condition {
  return { kind: "not", operand: c };
}

/** Whether two operands, one of them at least a condition's truth, are equal. */
function truthEquality(a: Truth | Operand, b: Truth | Operand): Condition {
  if (a.kind !== "truth") return truthEquality(b, a);
  const t = a.condition;
  if (b.kind === "truth") {
    return { kind: "or", left: { kind: "and", left: t, right: b.condition }, right: { kind: "and", left: not(t), right: not(b.condition) } };
  }
  if (b.kind === "value" && b.value.BOOL !== undefined) return b.value.BOOL ? t : not(t);
  if (b.kind === "path") {
    const is = (value: boolean): Condition => ({ kind: "compare", op: "=", left: b, right: { kind: "value", value: { BOOL: value } } });
    return { kind: "or", left: { kind: "and", left: t, right: is(true) }, right: { kind: "and", left: not(t), right: is(false) } };
  }
  // Anything else (a number, a string, size()...) is never a BOOL: a condition no item satisfies.
  return { kind: "and", left: t, right: not(t) };
}

function samePath(a: DocumentPath, b: DocumentPath): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------------------------------
// Keys

function conjuncts(c: Condition | undefined): Condition[] {
  if (c === undefined) return [];
  if (c.kind === "and") return [...conjuncts(c.left), ...conjuncts(c.right)];
  return [c];
}

function conjoin(parts: readonly Condition[]): Condition | undefined {
  let out: Condition | undefined;
  for (const p of parts) out = out === undefined ? p : { kind: "and", left: out, right: p };
  return out;
}

/** `key = value` (either way round) on a top-level attribute named in `names`. */
function keyEquality(c: Condition, names: readonly string[]): { name: string; value: AttributeValue } | undefined {
  if (c.kind !== "compare" || c.op !== "=") return undefined;
  for (const [a, b] of [
    [c.left, c.right],
    [c.right, c.left],
  ] as const) {
    if (a.kind === "path" && a.path.length === 1 && b.kind === "value" && names.includes(a.path[0] as string)) {
      return { name: a.path[0] as string, value: b.value };
    }
  }
  return undefined;
}

/**
 * Splits a WHERE into the table key (an equality on every key attribute, joined by AND) and
 * the rest, as UPDATE, DELETE and single-item reads need it. A second, different value for a
 * key attribute is refused, except in EXISTS, which reads the item of the first and keeps the
 * other as part of its condition (so it fails: ConditionalCheckFailed, as captured from DynamoDB
 * in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest, refusesTwoValuesForOneKeyOnAWriteAndReadsTheFirstInExists).
 */
function extractKey(where: Condition | undefined, meta: TableMeta, another: "refuse" | "condition" = "refuse"): { key: Item; rest: Condition | undefined } {
  if (where === undefined) throw new KeyProblem(MESSAGES.whereKey, KEY_SCHEMA_MISMATCH);
  const names = keyAttributeNames(tableSchema(meta));
  const key: Item = {};
  const rest: Condition[] = [];
  for (const c of conjuncts(where)) {
    const eq = keyEquality(c, names);
    if (eq === undefined) {
      rest.push(c);
      continue;
    }
    const seen = own(key, eq.name);
    if (seen !== undefined && !attributeValuesEqual(seen, eq.value)) {
      if (another === "condition") {
        rest.push(c);
        continue;
      }
      const message = `Multiple conditions on same key ${eq.name}. Only single item Update/Insert/Delete are supported`;
      throw new KeyProblem(message, message);
    }
    setOwn(key, eq.name, eq.value);
  }
  if (!names.every((n) => own(key, n) !== undefined)) throw new KeyProblem(MESSAGES.whereKey, KEY_SCHEMA_MISMATCH);
  return { key, rest: conjoin(rest) };
}

/**
 * A transaction or batch read takes `k IN [v]` as `k = v` (EXISTS and writes do not), as captured
 * from DynamoDB in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest
 * (readsByAOneValueInAndRefusesAnythingBesideTheKeyInTransactionAndBatchReads).
 */
function oneValueInAsEquality(where: Condition | undefined): Condition | undefined {
  return conjoin(
    conjuncts(where).map((c): Condition => {
      const [value] = c.kind === "in" && c.list.length === 1 ? c.list : [];
      return c.kind === "in" && value !== undefined ? { kind: "compare", op: "=", left: c.operand, right: value } : c;
    }),
  );
}

/** Key values from a WHERE must be scalars of the declared types; an INSERT's item only the latter. */
function checkKeyTypes(key: Item, meta: TableMeta, fromWhere = true): void {
  const schema = tableSchema(meta);
  for (const name of keyAttributeNames(schema)) {
    const v = own(key, name);
    if (v === undefined) throw keyAbsent(name);
    const t = typeOf(v);
    if (fromWhere && t !== "S" && t !== "N" && t !== "B") throw invalid(`Key value must be of type S, N, or B. Key name: ${name}, Key type: ${t}`);
    if (t !== schema.types[name]) {
      const message = keyTypeMismatch(name).message;
      throw new KeyProblem(message, fromWhere ? KEY_SCHEMA_MISMATCH : message);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Statements

function checkComponents(source: Source): void {
  if (source.components.some((c) => c.length === 0)) throw invalid(MESSAGES.emptyComponent);
}

/**
 * SELECT, UPDATE, DELETE and EXISTS check each FROM component (table and index) against the
 * naming rules before looking anything up; INSERT INTO does not. A table named by its ARN is
 * left to the lookup.
 */
function checkSourceNames(source: Source): void {
  if (source.components.length > 2) return;
  source.components.forEach((c, i) => {
    if (i === 0 && c.startsWith("arn:")) return;
    if (c.length < 3 || c.length > 255 || !/^[a-zA-Z0-9_.-]+$/.test(c)) throw invalid(MESSAGES.tableName);
  });
}

function requireTable(lookup: TableLookup, name: string): TableMeta {
  const meta = lookup(name);
  if (meta === undefined) throw errors.ResourceNotFound();
  return meta;
}

export interface TranslateOptions {
  readonly useCase: UseCase;
  readonly consistentRead?: boolean | undefined;
}

/** Binds a parsed statement to its Parameters and table; throws DynamoDB's validation errors. */
export function translate(parsed: ParsedStatement, params: readonly AttributeValue[], lookup: TableLookup, options: TranslateOptions): Plan {
  if (parsed.parameterCount > params.length) throw invalid(MESSAGES.parameterCount);
  const binder = new Binder(params, parsed.text);
  const s = parsed.statement;
  const table = sourceOf(s).components[0] as string;
  switch (s.kind) {
    case "select":
      return translateSelect(s, binder, lookup, options);
    case "exists": {
      if (options.useCase !== "transaction") throw invalid(MESSAGES.existsOutside);
      checkComponents(s.select.from);
      if (s.select.from.components.length > 2) throw invalid(MESSAGES.tooManyComponents);
      checkSourceNames(s.select.from);
      const where = s.select.where === undefined ? undefined : binder.where(s.select.where);
      const meta = requireTable(lookup, table);
      if (s.select.from.components.length === 2) throw invalid(MESSAGES.transactionIndex);
      let extracted: { key: Item; rest: Condition | undefined };
      try {
        extracted = extractKey(where, meta, "condition");
      } catch {
        throw invalid(MESSAGES.existsCondition);
      }
      if (extracted.rest === undefined) throw invalid(MESSAGES.existsCondition);
      checkKeyTypes(extracted.key, meta);
      return { kind: "exists", table, meta, key: extracted.key, condition: extracted.rest };
    }
    case "insert": {
      checkComponents(s.into);
      if (s.into.components.length > 1) throw invalid(MESSAGES.insertOnIndex);
      if (s.value.kind !== "struct") throw invalid(MESSAGES.insertFormat);
      const item = insertedItem(s.value, params, parsed.text);
      const meta = requireTable(lookup, table);
      checkKeyTypes(item, meta, false);
      if (s.returning !== undefined) throw invalid(MESSAGES.insertReturning);
      return { kind: "insert", table, meta, item };
    }
    case "update": {
      checkComponents(s.target);
      checkSourceNames(s.target);
      if (s.target.components.length > 1) throw invalid(MESSAGES.writeOnIndex);
      const where = s.where === undefined ? undefined : binder.where(s.where);
      const actions = s.clauses.map((c) => (c.kind === "set" ? binder.setAction(c.path, c.value) : { kind: "REMOVE" as const, path: documentPath(c.path) }));
      if (where === undefined) throw invalid(MESSAGES.whereKey);
      const meta = requireTable(lookup, table);
      const { key, rest } = extractKey(where, meta);
      checkKeyTypes(key, meta);
      const returnValues = s.returning === undefined ? "NONE" : RETURN_VALUES[s.returning];
      return { kind: "update", table, meta, key, actions, condition: rest, returnValues };
    }
    case "delete": {
      checkComponents(s.from);
      checkSourceNames(s.from);
      if (s.from.components.length > 1) throw invalid(MESSAGES.writeOnIndex);
      const where = s.where === undefined ? undefined : binder.where(s.where);
      if (where === undefined) throw invalid(MESSAGES.whereKey);
      const meta = requireTable(lookup, table);
      const { key, rest } = extractKey(where, meta);
      checkKeyTypes(key, meta);
      if (s.returning !== undefined && s.returning !== "ALL OLD") {
        throw invalid(`Invalid returning clause: RETURNING ${s.returning} *. Only RETURNING ALL OLD * is allowed in DELETE statements.`);
      }
      return { kind: "delete", table, meta, key, condition: rest, returnValues: s.returning === undefined ? "NONE" : "ALL_OLD" };
    }
  }
}

/** The name a projected path comes back under: its last name, with the indexes after it. */
function projectedName(p: PathExpr): string {
  let name = p.root;
  let suffix = "";
  for (const step of p.steps) {
    if (step.kind === "name") {
      name = step.name;
      suffix = "";
    } else suffix += `[${step.index}]`;
  }
  return name + suffix;
}

function projectionOf(s: SelectStatement, text: string): Projected[] | undefined {
  if (s.projection === "*") return undefined;
  const out: Projected[] = [];
  const names = new Set<string>();
  for (const e of s.projection) {
    if (e.kind === "call" && FUNCTION_ARITY[e.name] !== undefined) throw refusedCall(text, e, "Unexpected path component");
    if (e.kind !== "path") throw invalid(`Unsupported operation: ${describe(e)} in the select clause`);
    const name = projectedName(e);
    if (names.has(name)) throw invalid(`Duplicate identifiers in select clause: ${name}`);
    names.add(name);
    out.push({ path: documentPath(e), name });
  }
  return out;
}

/**
 * A read of a GSI keyed by more than one HASH or more than one RANGE attribute is refused, once the
 * statement is read and its values converted, ahead of the key types, the WHERE requirements, COUNT(*)
 * and, in a batch, the rule that a SELECT names the primary key (paritysuite/dynamodb-conformance
 * tests/tier3/error-messages/partiqlMultiAttributeIndex.test.ts, eu-west-2 and us-east-1, October 2026).
 */
function refuseMultiAttributeIndex(from: Source, lookup: TableLookup): void {
  if (from.components.length !== 2) return;
  const meta = lookup(from.components[0] as string);
  const index = meta && findIndex(meta, from.components[1] as string);
  if (meta !== undefined && index !== undefined && indexSchema(meta, index).multi !== undefined) throw invalid(MESSAGES.multiAttributeIndex);
}

function translateSelect(s: SelectStatement, binder: Binder, lookup: TableLookup, options: TranslateOptions): SelectPlan {
  const single = options.useCase !== "statement";
  checkComponents(s.from);
  if (s.from.components.length > 2) throw invalid(MESSAGES.tooManyComponents);
  checkSourceNames(s.from);
  // What a transaction answers is not on record: it refuses any read of an index (transactionIndex).
  if (options.useCase !== "transaction") refuseMultiAttributeIndex(s.from, lookup);
  const projection = projectionOf(s, binder.text);
  const filter = s.where === undefined ? undefined : binder.where(s.where);
  const table = s.from.components[0] as string;
  // A transaction looks its tables up before it refuses a read on an index: an index of a table
  // that does not exist cancels the transaction (floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest,
  // cancelsATransactionThatNamesAMissingTable, captured from DynamoDB).
  const meta = requireTable(lookup, table);
  if (options.useCase === "transaction" && s.from.components.length === 2) throw invalid(MESSAGES.transactionIndex);

  if (single) {
    const message = options.useCase === "transaction" ? MESSAGES.transactionSelectKey : MESSAGES.batchSelectKey;
    if (s.from.components.length === 2) throw invalid(message);
    // Too many partitions is refused before the key is looked for (a capture in floci-io/floci
    // DynamoDbPartiQLEdgeCaseIntegrationTest, refusesTooManyInOperandsAndTooManyDecomposedReads, batch).
    const pinned = filter && pinnedPartitions(filter, tableSchema(meta).partitionKey);
    if (pinned && pinned.length > MAX_PARTITION_READS) throw invalid(MESSAGES.decomposedReads);
    if (filter && overlappingBranches(filter, tableSchema(meta))) throw invalid(MESSAGES.overlapping);
    let extracted: { key: Item; rest: Condition | undefined };
    try {
      extracted = extractKey(oneValueInAsEquality(filter), meta);
    } catch {
      throw invalid(message);
    }
    if (extracted.rest !== undefined) throw invalid(message);
    checkKeyTypes(extracted.key, meta);
    return {
      kind: "select",
      table,
      meta,
      index: undefined,
      schema: tableSchema(meta),
      projection,
      filter: undefined,
      segments: [],
      descending: false,
      select: "ALL_ATTRIBUTES",
      key: extracted.key,
    };
  }

  let index: IndexMeta | undefined;
  if (s.from.components.length === 2) {
    index = findIndex(meta, s.from.components[1] as string);
    if (index === undefined) throw invalid(MESSAGES.noIndex);
  }
  const schema = index ? indexSchema(meta, index) : tableSchema(meta);
  const plan = readPlan(filter, schema);
  const descending = orderOf(s.orderBy, filter, plan, schema);
  let select: Select = index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
  if (index && index.projection.ProjectionType !== "ALL") {
    const projected = new Set([...keyAttributeNames(tableSchema(meta)), ...keyAttributeNames(schema), ...(index.projection.NonKeyAttributes ?? [])]);
    // Only a read keyed on the index's partition key refuses a filter on what the index does not
    // hold; unkeyed, it scans the index and such a filter matches no row (see keyedRead).
    const missingFilter = filter && keyedRead(filter, schema.partitionKey) ? [...conditionAttributeNames(filter)].filter((n) => !projected.has(n)) : [];
    if (missingFilter.length > 0) {
      throw invalid(`One or more parameter values were invalid: Secondary index ${index.name} does not project one or more filter attributes: [${missingFilter.join(", ")}]`);
    }
    const missing = [...new Set((projection ?? []).map((p) => p.path[0] as string))].filter((n) => !projected.has(n));
    if (missing.length > 0) {
      if (index.kind === "GSI") {
        throw invalid(`One or more parameter values were invalid: Global secondary index ${index.name} does not project [${missing.join(", ")}]`);
      }
      // A local index fetches what it does not hold from the table, as Query does.
      select = "ALL_ATTRIBUTES";
    }
  }
  if (index?.kind === "GSI" && options.consistentRead === true) throw invalid(MESSAGES.consistentGsi);
  const order = s.orderBy?.find((o) => o.path.root === schema.partitionKey && o.path.steps.length === 0);
  const partitions = plan.partitions === undefined ? undefined : order?.descending ? [...plan.partitions].reverse() : plan.partitions;
  const segments: (KeyCondition | undefined)[] =
    partitions === undefined
      ? [undefined]
      : partitions.map((value) => ({ partitionKey: { name: schema.partitionKey, value }, sortKey: plan.sortKey }));
  return { kind: "select", table, meta, index, schema, projection, filter, segments, descending, select, key: undefined };
}

interface ReadPlan {
  /** Distinct partition key values in key order; undefined when the WHERE pins none (a Scan). */
  readonly partitions: AttributeValue[] | undefined;
  readonly sortKey: SortKeyCondition | undefined;
}

const MAX_PARTITION_READS = 50;

const MIRRORED: Readonly<Record<string, KeyOperator>> = { "=": "EQ", "<": "GT", "<=": "GE", ">": "LT", ">=": "LE" };
const DIRECT: Readonly<Record<string, KeyOperator>> = { "=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE" };

function isKeyPath(o: Operand, name: string): boolean {
  return o.kind === "path" && o.path.length === 1 && o.path[0] === name;
}

/**
 * Whether a WHERE reads by key: a top-level AND term that is `pk = v` or `pk IN [...]`. An OR, even
 * one whose every branch pins the key, does not count. DynamoDB refuses a filter on an attribute
 * the index does not project only then (nubo-db/dynamodb-conformance,
 * tests/tier2/partiql/indexQualifier.test.ts, captured on AWS: keyed GSI, LSI, IN and BETWEEN
 * reads are refused; unkeyed reads and an OR branch run, matching no index row).
 */
function keyedRead(filter: Condition, pk: string): boolean {
  return conjuncts(filter).some((c) => keyEquality(c, [pk]) !== undefined || (c.kind === "in" && isKeyPath(c.operand, pk)));
}

/** Partition key values one condition pins: `pk = v`, `pk IN [...]`, or an OR whose every branch pins some. */
function pinnedPartitions(c: Condition, pk: string): AttributeValue[] | undefined {
  if (c.kind === "or") {
    const left = pinnedPartitions(c.left, pk);
    const right = pinnedPartitions(c.right, pk);
    return left && right ? [...left, ...right] : undefined;
  }
  for (const part of conjuncts(c)) {
    const eq = keyEquality(part, [pk]);
    if (eq) return [eq.value];
    if (part.kind === "in" && isKeyPath(part.operand, pk) && part.list.every((o) => o.kind === "value")) {
      return part.list.map((o) => (o as { value: AttributeValue }).value);
    }
    if (part.kind === "or") {
      const inner = pinnedPartitions(part, pk);
      if (inner) return inner;
    }
  }
  return undefined;
}

function sortCondition(parts: readonly Condition[], sk: string): SortKeyCondition | undefined {
  for (const c of parts) {
    if (c.kind === "compare" && c.op !== "<>") {
      if (isKeyPath(c.left, sk) && c.right.kind === "value") return { name: sk, operator: DIRECT[c.op] as KeyOperator, values: [c.right.value] };
      if (isKeyPath(c.right, sk) && c.left.kind === "value") return { name: sk, operator: MIRRORED[c.op] as KeyOperator, values: [c.left.value] };
    }
    if (c.kind === "between" && isKeyPath(c.operand, sk) && c.lower.kind === "value" && c.upper.kind === "value") {
      return { name: sk, operator: "BETWEEN", values: [c.lower.value, c.upper.value] };
    }
    if (c.kind === "function" && c.name === "begins_with" && isKeyPath(c.args[0] as Operand, sk) && c.args[1]?.kind === "value") {
      return { name: sk, operator: "BEGINS_WITH", values: [c.args[1].value] };
    }
  }
  return undefined;
}

/**
 * A SELECT whose WHERE pins the partition key with `=` or IN (or an OR of such) reads only
 * those partitions, narrowed by a sort key condition joined with AND; anything else scans.
 * The whole WHERE is still checked on every item read.
 */
function readPlan(filter: Condition | undefined, schema: KeySchema): ReadPlan {
  // No read reaches a multi-attribute GSI key here: refuseMultiAttributeIndex refused it.
  if (filter === undefined) return { partitions: undefined, sortKey: undefined };
  const pinned = pinnedPartitions(filter, schema.partitionKey);
  if (pinned === undefined) return { partitions: undefined, sortKey: undefined };
  // One Query per partition value: the guide allows "at max 50 hash attribute values".
  if (pinned.length > MAX_PARTITION_READS) throw invalid(MESSAGES.decomposedReads);
  const pkType = schema.types[schema.partitionKey];
  const byKey = new Map<string, AttributeValue>();
  for (const v of pinned) {
    if (typeOf(v) !== pkType) throw keyTypeMismatch(schema.partitionKey);
    byKey.set(encodeKeyValue(v), v);
  }
  // In key order: strings by their UTF-8 bytes, which the encoded key's UTF-16 order is not.
  const partitions = [...byKey.values()].sort((a, b) => compareScalars(a, b) ?? 0);
  let sortKey: SortKeyCondition | undefined;
  // A sort key range only narrows when the partitions come from the top-level AND.
  if (schema.sortKey !== undefined && filter.kind !== "or") {
    const sk = schema.sortKey;
    sortKey = sortCondition(conjuncts(filter), sk);
    const skType = schema.types[sk];
    if (sortKey && sortKey.values.some((v) => typeOf(v) !== skType)) throw keyTypeMismatch(sk);
    // `sk IN [...]` is one read per value in each partition, as DynamoDB counts and types them
    // (captured in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest, refusesOverlappingKeyConditionsAndMismatchedKeyTypes
    // and refusesTooManyInOperandsAndTooManyDecomposedReads); the IN itself stays in the filter.
    const values = conjuncts(filter).find((c) => c.kind === "in" && isKeyPath(c.operand, sk) && c.list.every((o) => o.kind === "value"));
    if (values?.kind === "in") {
      if (values.list.some((o) => o.kind === "value" && typeOf(o.value) !== skType)) throw keyTypeMismatch(sk);
      if (pinned.length * values.list.length > MAX_PARTITION_READS) throw invalid(MESSAGES.decomposedReads);
    }
  }
  if (overlappingBranches(filter, schema)) throw invalid(MESSAGES.overlapping);
  return { partitions, sortKey };
}

/**
 * ORDER BY needs a WHERE that pins the partition key, and may name only key attributes.
 * Returns whether each partition is read in descending sort key order. As DynamoDB answers,
 * an ORDER BY that does not name the sort key reads partitions in descending sort key order.
 */
function orderOf(orderBy: readonly OrderItem[] | undefined, filter: Condition | undefined, plan: ReadPlan, schema: KeySchema): boolean {
  if (orderBy === undefined) return false;
  if (filter === undefined) throw invalid(MESSAGES.orderByWhere);
  if (plan.partitions === undefined) throw invalid(MESSAGES.orderByHash);
  const keys = keyAttributeNames(schema);
  for (const o of orderBy) {
    const name = projectedName(o.path);
    if (o.path.steps.length > 0 || !keys.includes(name)) throw invalid(`Attribute ${name} in ORDER BY clause must be part of the primary key`);
  }
  const byHash = orderBy.some((o) => o.path.root === schema.partitionKey);
  if (plan.partitions.length > 1 && !byHash) throw invalid(MESSAGES.orderByMultiHash);
  const bySort = orderBy.find((o) => o.path.root === schema.sortKey);
  return bySort ? bySort.descending : true;
}
