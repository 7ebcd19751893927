import { own, setOwn } from "../../../../core/own.js";
import { attributeValuesEqual, compareBinary, typeOf, type AttributeValue, type Item } from "../attribute-values.js";
import { validationException } from "../errors.js";
import { addNumbers, subtractNumbers } from "../numbers.js";
import type { DocumentPath, RawOperand, RawUpdateExpression, SetValue, UpdateAction } from "./ast.js";
import { ParseCache } from "./cache.js";
import {
  bindPath,
  checkExpressionText,
  checkPathClashes,
  checkOperatorCount,
  ErrorSlots,
  invalidExpression,
  UNDEFINED_VALUE_MESSAGE,
  type ExpressionAttributes,
} from "./context.js";
import { ExpressionSyntaxError } from "./lexer.js";
import { parseUpdateSyntax } from "./parser.js";
import { getPath, project } from "./paths.js";

const cache = new ParseCache<RawUpdateExpression>();

type Slot = "reserved" | "unknownFunction" | "section" | "attrName" | "attrVal" | "pathOverlap" | "pathConflict" | "operand" | "function";
const ORDER: readonly Slot[] = ["reserved", "unknownFunction", "section", "attrName", "attrVal", "pathOverlap", "pathConflict", "operand", "function"];

/** How ADD/DELETE operand types are named in AWS's messages. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  S: "STRING",
  N: "NUMBER",
  B: "BINARY",
  NULL: "NULL",
  BOOL: "BOOLEAN",
  L: "LIST",
  M: "MAP",
};

const BROKEN: SetValue = { kind: "value", value: { NULL: true } };

/**
 * Parses and binds an UpdateExpression (SET, REMOVE, ADD, DELETE; each clause at most once; no
 * two paths that overlap or conflict). Errors are ValidationException
 * "Invalid UpdateExpression: ...", in DynamoDB's order of checks.
 */
export function parseUpdate(expression: string, attrs: ExpressionAttributes): UpdateAction[] {
  checkExpressionText("UpdateExpression", expression);
  let raw: RawUpdateExpression;
  try {
    raw = cache.get(expression, parseUpdateSyntax);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) throw invalidExpression("UpdateExpression", err.message);
    throw err;
  }
  checkOperatorCount("UpdateExpression", raw.operatorCount);
  const slots = new ErrorSlots<Slot>();
  if (raw.repeatedClause) slots.set("section", `The "${raw.repeatedClause}" section can only be used once in an update expression;`);
  const binder = new UpdateBinder(attrs, slots);
  const actions: UpdateAction[] = [];
  const paths: DocumentPath[] = [];
  for (const a of raw.actions) {
    const path = binder.path(a.path);
    checkPathClashes(paths, path, slots);
    paths.push(path);
    if (a.kind === "SET") {
      actions.push({ kind: "SET", path, value: binder.setValue(a.value) });
    } else if (a.kind === "REMOVE") {
      actions.push({ kind: "REMOVE", path });
    } else {
      const value = attrs.value(a.value.ref);
      if (value === undefined) {
        slots.set("attrVal", UNDEFINED_VALUE_MESSAGE(a.value.ref));
        continue;
      }
      const type = typeOf(value);
      // ADD takes a number or a set, DELETE only a set. DynamoDB names ADD's type set for both
      // (captured from DynamoDB in floci's DynamoDbAddDeleteOperandIntegrationTest, eu-west-2,
      // 2026-09; scylladb/scylladb#10278 quotes the ADD form from AWS in 2022).
      const word = TYPE_WORDS[type];
      if (word !== undefined && !(a.kind === "ADD" && type === "N")) {
        slots.set("operand", `Incorrect operand type for operator or function; operator: ${a.kind}, operand type: ${word}, typeSet: ALLOWED_FOR_ADD_OPERAND`);
      }
      actions.push({ kind: a.kind, path, value });
    }
  }
  const message = slots.first(ORDER);
  if (message !== undefined) throw invalidExpression("UpdateExpression", message);
  return actions;
}

class UpdateBinder {
  constructor(
    private readonly attrs: ExpressionAttributes,
    private readonly slots: ErrorSlots<Slot>,
  ) {}

  path(raw: RawOperand & { kind: "path" }): DocumentPath {
    return bindPath(
      raw,
      this.attrs,
      (m) => this.slots.set("reserved", m),
      (m) => this.slots.set("attrName", m),
    );
  }

  /** The literal type of a value operand, when it is one. */
  private literalType(v: SetValue): string | undefined {
    return v.kind === "value" && v !== BROKEN ? typeOf(v.value) : undefined;
  }

  private functionError(name: string, type: string): void {
    this.slots.set("function", `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`);
  }

  setValue(raw: RawOperand): SetValue {
    switch (raw.kind) {
      case "path":
        return { kind: "path", path: this.path(raw) };
      case "value": {
        const value = this.attrs.value(raw.ref);
        if (value === undefined) {
          this.slots.set("attrVal", UNDEFINED_VALUE_MESSAGE(raw.ref));
          return BROKEN;
        }
        return { kind: "value", value };
      }
      case "arith": {
        const left = this.setValue(raw.left);
        const right = this.setValue(raw.right);
        for (const side of [left, right]) {
          const t = this.literalType(side);
          if (t !== undefined && t !== "N") {
            this.functionError(raw.op, t);
            break;
          }
        }
        return { kind: "arith", op: raw.op, left, right };
      }
      case "call": {
        const args = raw.args.map((a) => this.setValue(a));
        if (raw.name !== "if_not_exists" && raw.name !== "list_append") {
          this.slots.set("unknownFunction", `Invalid function name; function: ${raw.name}`);
          return BROKEN;
        }
        if (args.length !== 2) {
          this.slots.set(
            "function",
            `Incorrect number of operands for operator or function; operator or function: ${raw.name}, number of operands: ${args.length}`,
          );
          return BROKEN;
        }
        const [first, second] = args as [SetValue, SetValue];
        if (raw.name === "if_not_exists") {
          if (first.kind !== "path") {
            this.slots.set("function", "Operator or function requires a document path; operator or function: if_not_exists");
            return BROKEN;
          }
          return { kind: "if_not_exists", path: first.path, fallback: second };
        }
        // list_append(list_append(:a, :b), :c) parses but is refused, though list_append(if_not_exists(a, :v), :w)
        // is fine (ScyllaDB Alternator's test_update_expression_function_nesting, which passes on AWS).
        if (raw.args.some((a) => a.kind === "call" && a.name === "list_append")) {
          this.slots.set("function", "The function is not allowed to be used this way in an expression; function: list_append");
          return BROKEN;
        }
        for (const side of args) {
          const t = this.literalType(side);
          if (t !== undefined && t !== "L") {
            this.functionError("list_append", t);
            break;
          }
        }
        return { kind: "list_append", left: first, right: second };
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Application

export const UPDATE_MESSAGES = {
  missingAttribute: "The provided expression refers to an attribute that does not exist in the item",
  wrongType: "An operand in the update expression has an incorrect data type",
  invalidPath: "The document path provided in the update expression is invalid for update",
} as const;

export interface UpdateResult {
  /** The new item; the input item is left untouched. */
  readonly item: Item;
  /** Paths the update wrote or removed, in expression order (for UPDATED_OLD/UPDATED_NEW). */
  readonly updatedPaths: readonly DocumentPath[];
  /** Top-level attributes touched, in expression order without repeats. */
  readonly updatedAttributes: readonly string[];
}

/** A removed list element, dropped when lists are compacted after all actions ran. */
const REMOVED: AttributeValue = Object.freeze({}) as AttributeValue;

function cloneValue(v: AttributeValue): AttributeValue {
  if (v.M !== undefined) {
    const m: Record<string, AttributeValue> = {};
    for (const k in v.M) setOwn(m, k, cloneValue(v.M[k] as AttributeValue));
    return { M: m };
  }
  if (v.L !== undefined) return { L: v.L.map(cloneValue) };
  if (v.SS !== undefined) return { SS: [...v.SS] };
  if (v.NS !== undefined) return { NS: [...v.NS] };
  if (v.BS !== undefined) return { BS: [...v.BS] };
  return v; // scalars are never mutated in place
}

function resolveSetValue(v: SetValue, item: Item | undefined): AttributeValue {
  switch (v.kind) {
    case "value":
      return v.value;
    case "path": {
      const found = getPath(item, v.path);
      if (found === undefined) throw validationException(UPDATE_MESSAGES.missingAttribute);
      return found;
    }
    case "if_not_exists":
      return getPath(item, v.path) ?? resolveSetValue(v.fallback, item);
    case "arith": {
      const l = resolveSetValue(v.left, item);
      if (l.N === undefined) throw validationException(UPDATE_MESSAGES.wrongType);
      const r = resolveSetValue(v.right, item);
      if (r.N === undefined) throw validationException(UPDATE_MESSAGES.wrongType);
      return { N: v.op === "+" ? addNumbers(l.N, r.N) : subtractNumbers(l.N, r.N) };
    }
    case "list_append": {
      const l = resolveSetValue(v.left, item);
      if (l.L === undefined) throw validationException(UPDATE_MESSAGES.wrongType);
      const r = resolveSetValue(v.right, item);
      if (r.L === undefined) throw validationException(UPDATE_MESSAGES.wrongType);
      return { L: [...l.L, ...r.L] };
    }
  }
}

function setUnion(existing: AttributeValue, added: AttributeValue): AttributeValue | undefined {
  if (existing.SS !== undefined && added.SS !== undefined) {
    const have = new Set(existing.SS);
    return { SS: [...existing.SS, ...added.SS.filter((s) => !have.has(s))] };
  }
  if (existing.NS !== undefined && added.NS !== undefined) {
    const have = existing.NS;
    return { NS: [...have, ...added.NS.filter((n) => !have.some((h) => attributeValuesEqual({ N: h }, { N: n })))] };
  }
  if (existing.BS !== undefined && added.BS !== undefined) {
    const have = existing.BS;
    return { BS: [...have, ...added.BS.filter((b) => !have.some((h) => compareBinary(h, b) === 0))] };
  }
  return undefined;
}

function setDifference(existing: AttributeValue, removed: AttributeValue): AttributeValue | undefined {
  if (existing.SS !== undefined && removed.SS !== undefined) {
    const drop = new Set(removed.SS);
    return { SS: existing.SS.filter((s) => !drop.has(s)) };
  }
  if (existing.NS !== undefined && removed.NS !== undefined) {
    const drop = removed.NS;
    return { NS: existing.NS.filter((n) => !drop.some((d) => attributeValuesEqual({ N: d }, { N: n }))) };
  }
  if (existing.BS !== undefined && removed.BS !== undefined) {
    const drop = removed.BS;
    return { BS: existing.BS.filter((b) => !drop.some((d) => compareBinary(d, b) === 0)) };
  }
  return undefined;
}

function setSize(v: AttributeValue): number {
  return (v.SS ?? v.NS ?? v.BS ?? []).length;
}

/**
 * Applies bound update actions to an item. An item that does not exist yet starts as its key
 * (the handler passes it): DynamoDB creates the item with its key attributes, and the update's
 * operands can read them (dynalite's tests, run against AWS). Undefined starts from nothing.
 * DynamoDB evaluates every SET operand against the item as it was before the update, and list
 * indexes in REMOVE refer to the original positions; a SET past the end of a list appends.
 * On an item that does not exist (`missing`, though `item` holds its key), REMOVE through an
 * attribute that is not there (REMOVE x.y, REMOVE x[0]) is ignored, where on an existing item it
 * is an invalid path (ScyllaDB Alternator's test_nested_attribute_remove_from_missing_item and
 * test_nested_attribute_update_bad_path_dot, which pass on AWS).
 */
export function applyUpdate(actions: readonly UpdateAction[], item: Item | undefined, missing = false): UpdateResult {
  const original = item ?? {};
  const setValues = actions.map((a) => (a.kind === "SET" ? resolveSetValue(a.value, original) : undefined));
  const next: Item = { ...original };
  const cloned = new Set<string>();
  const lists = new Set<AttributeValue[]>();
  // Elements SET past the end of a list, by the index each named: appended after the others, in
  // index order. Kept apart rather than written at that index: SET l[2000000000] appends at once
  // on DynamoDB (floci-io/floci#3073, measured on AWS), where a sparse array that long would
  // take minutes to compact.
  const appends = new Map<AttributeValue[], Map<number, AttributeValue>>();
  const updatedAttributes: string[] = [];
  // A SET past the end of a list appends, but keeps the index it named (SET l[100]): UPDATED_NEW
  // finds nothing there and returns nothing for it (ScyllaDB Alternator's
  // test_update_item_returnvalues_nested, which passes on DynamoDB).
  const updatedPaths: readonly DocumentPath[] = actions.map((a) => a.path);

  for (let i = 0; i < actions.length; i++) {
    const action = actions[i] as UpdateAction;
    const path = action.path;
    const head = path[0] as string;
    if (!updatedAttributes.includes(head)) updatedAttributes.push(head);

    // Find the container of the last step, copying the top-level attribute on first write.
    let container: AttributeValue | undefined;
    if (path.length > 1) {
      const top = own(next, head);
      if (!cloned.has(head) && top !== undefined) {
        setOwn(next, head, cloneValue(top));
        cloned.add(head);
      }
      container = getPath(next, path.slice(0, -1));
      const last = path[path.length - 1];
      const fits = container !== undefined && container !== REMOVED && (typeof last === "number" ? container.L !== undefined : container.M !== undefined);
      if (!fits) {
        if (missing && action.kind === "REMOVE") continue;
        throw validationException(UPDATE_MESSAGES.invalidPath);
      }
    }
    const last = path[path.length - 1] as string | number;
    const read = (): AttributeValue | undefined => {
      if (container === undefined) return own(next, last as string);
      const v = typeof last === "number" ? container.L?.[last] : own(container.M, last);
      return v === REMOVED ? undefined : v;
    };
    const write = (v: AttributeValue | undefined): void => {
      if (container === undefined) {
        if (v === undefined) delete next[last as string];
        else setOwn(next, last as string, v);
        cloned.add(last as string);
      } else if (typeof last === "number") {
        const list = container.L as AttributeValue[];
        if (v === undefined) {
          if (last < list.length) {
            list[last] = REMOVED;
            lists.add(list);
          }
        } else if (last >= list.length) {
          const pending = appends.get(list) ?? new Map<number, AttributeValue>();
          pending.set(last, v);
          appends.set(list, pending);
        } else {
          list[last] = v;
        }
      } else {
        const map = container.M as Record<string, AttributeValue>;
        if (v === undefined) delete map[last];
        else setOwn(map, last, v);
      }
    };

    switch (action.kind) {
      case "SET":
        write(setValues[i]);
        break;
      case "REMOVE":
        write(undefined);
        break;
      case "ADD": {
        const existing = read();
        const value = action.value;
        if (existing === undefined) {
          write(cloneValue(value));
        } else if (value.N !== undefined) {
          if (existing.N === undefined) throw validationException(UPDATE_MESSAGES.wrongType);
          write({ N: addNumbers(existing.N, value.N) });
        } else {
          const union = setUnion(existing, value);
          if (union === undefined) throw validationException(UPDATE_MESSAGES.wrongType);
          write(union);
        }
        break;
      }
      case "DELETE": {
        const existing = read();
        if (existing === undefined) break;
        const rest = setDifference(existing, action.value);
        if (rest === undefined) throw validationException(UPDATE_MESSAGES.wrongType);
        // An emptied set disappears: DynamoDB never stores empty sets.
        write(setSize(rest) === 0 ? undefined : rest);
        break;
      }
    }
  }

  for (const list of lists) {
    let w = 0;
    for (let r = 0; r < list.length; r++) {
      if (list[r] !== REMOVED) list[w++] = list[r] as AttributeValue;
    }
    list.length = w;
  }
  for (const [list, pending] of appends) {
    for (const index of [...pending.keys()].sort((a, b) => a - b)) list.push(pending.get(index) as AttributeValue);
  }

  return { item: next, updatedPaths, updatedAttributes };
}

/**
 * The attributes an update touched, projected from `item` (the old item for UPDATED_OLD, the
 * new one for UPDATED_NEW). Nested updates return only the nested part that was updated.
 */
export function updatedValues(result: UpdateResult, item: Item | undefined): Item {
  return project(result.updatedPaths, item);
}

/** Every document path an update names: the paths it writes and the paths its SET values read. */
export function updatePaths(actions: readonly UpdateAction[]): DocumentPath[] {
  const out: DocumentPath[] = [];
  const read = (v: SetValue): void => {
    if (v.kind === "path") out.push(v.path);
    else if (v.kind === "if_not_exists") {
      out.push(v.path);
      read(v.fallback);
    } else if (v.kind === "arith" || v.kind === "list_append") {
      read(v.left);
      read(v.right);
    }
  };
  for (const a of actions) {
    out.push(a.path);
    if (a.kind === "SET") read(a.value);
  }
  return out;
}

/**
 * The top-level attributes an update writes whose type the expression alone tells: a value it
 * carries (SET, ADD, DELETE), arithmetic (a number), list_append (a list). Values read from the
 * item are left out. Arithmetic and list_append stand as placeholder values of their type.
 */
export function typedWrites(actions: readonly UpdateAction[]): Item {
  const out: Item = {};
  for (const a of actions) {
    if (a.path.length !== 1 || a.kind === "REMOVE") continue;
    const name = a.path[0] as string;
    if (a.kind !== "SET") setOwn(out, name, a.value);
    else if (a.value.kind === "value") setOwn(out, name, a.value.value);
    else if (a.value.kind === "arith") setOwn(out, name, { N: "0" });
    else if (a.value.kind === "list_append") setOwn(out, name, { L: [] });
  }
  return out;
}

/** "Cannot update attribute pk. This attribute is part of the key" for any action on a key. */
export function assertKeyNotUpdated(actions: readonly UpdateAction[], keyAttributes: readonly string[]): void {
  for (const a of actions) {
    const head = a.path[0] as string;
    if (keyAttributes.includes(head)) {
      throw validationException(`One or more parameter values were invalid: Cannot update attribute ${head}. This attribute is part of the key`);
    }
  }
}
