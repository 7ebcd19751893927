/**
 * DynamoDB reads a keyed PartiQL SELECT as one read per branch of its WHERE, an OR that holds a
 * key condition being split into its branches (an OR of other conditions stays a filter), and
 * refuses two branches that would read the same items of one partition: "Overlapping conditions
 * with range keys are not supported in where clause". A branch that pins no partition makes the
 * read a scan, and one that negates the sort key (NOT, <>) is not read by key either: neither is
 * refused.
 *
 * Evidence, all captured on AWS: floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest
 * (refusesOverlappingKeyConditionsAndMismatchedKeyTypes, readsSortKeyConditionsThatAQueryKeyCannotHold,
 * checksProjectionOnEachKeyedBranchOfAnIndexRead, refusesUnprojectedAttributesInsideGroupedConditionsOnAKeyedIndexRead),
 * paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlGrammar.test.ts and
 * tests/tier2/partiql/whereOverlap.test.ts.
 */
import { attributeValuesEqual, compareScalars, successor, typeOf, type AttributeValue, type Condition, type KeySchema, type Operand } from "../domain/index.js";

interface Bound {
  readonly value: AttributeValue;
  readonly inclusive: boolean;
}

/** Sort key values a branch reads; an absent bound is open. */
interface Range {
  readonly lower: Bound | undefined;
  readonly upper: Bound | undefined;
}

interface Branch {
  /** The partition the branch reads; undefined when it pins none. */
  readonly partition: AttributeValue | undefined;
  readonly range: Range;
  readonly negatesSortKey: boolean;
}

const FILTER: Branch = { partition: undefined, range: { lower: undefined, upper: undefined }, negatesSortKey: false };

/** Past this many branches the WHERE is not split further (and nothing is refused). */
const MAX_BRANCHES = 1000;

/** Whether a keyed read's branches overlap on a partition. */
export function overlappingBranches(filter: Condition, schema: KeySchema): boolean {
  const all = branchesOf(filter, schema);
  if (all === undefined || all.length < 2 || all.some((b) => b.partition === undefined || b.negatesSortKey)) return false;
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i] as Branch;
      const b = all[j] as Branch;
      if (attributeValuesEqual(a.partition as AttributeValue, b.partition as AttributeValue) && intersect(a.range, b.range) !== undefined) return true;
    }
  }
  return false;
}

/** One branch that neither pins a partition nor bounds or negates the sort key: only a filter. */
function isFilter(branches: readonly Branch[]): boolean {
  const [b] = branches;
  return branches.length === 1 && b !== undefined && b.partition === undefined && b.range.lower === undefined && b.range.upper === undefined && !b.negatesSortKey;
}

/** The branches a condition reads; undefined when there would be too many. */
function branchesOf(c: Condition, schema: KeySchema): Branch[] | undefined {
  switch (c.kind) {
    case "or": {
      const left = branchesOf(c.left, schema);
      const right = branchesOf(c.right, schema);
      if (left === undefined || right === undefined || left.length + right.length > MAX_BRANCHES) return undefined;
      return isFilter(left) && isFilter(right) ? [FILTER] : [...left, ...right];
    }
    case "and": {
      const left = branchesOf(c.left, schema);
      const right = branchesOf(c.right, schema);
      if (left === undefined || right === undefined || left.length * right.length > MAX_BRANCHES) return undefined;
      const out: Branch[] = [];
      for (const a of left) {
        for (const b of right) {
          const both = conjoin(a, b);
          if (both !== undefined) out.push(both);
        }
      }
      return out;
    }
    case "not":
      return mentions(c.operand, schema.sortKey) ? [{ partition: undefined, range: FILTER.range, negatesSortKey: true }] : [FILTER];
    default:
      return leafBranches(c, schema);
  }
}

function isKey(o: Operand | undefined, name: string | undefined): boolean {
  return name !== undefined && o?.kind === "path" && o.path.length === 1 && o.path[0] === name;
}

/** A value of the key attribute's type, the only kind that bounds a read. */
function keyValue(o: Operand | undefined, schema: KeySchema, name: string): AttributeValue | undefined {
  return o?.kind === "value" && typeOf(o.value) === schema.types[name] ? o.value : undefined;
}

function point(value: AttributeValue): Branch {
  return { partition: undefined, range: { lower: { value, inclusive: true }, upper: { value, inclusive: true } }, negatesSortKey: false };
}

function leafBranches(c: Condition, schema: KeySchema): Branch[] {
  const { partitionKey: pk, sortKey: sk } = schema;
  switch (c.kind) {
    case "compare": {
      for (const [path, other, op] of [
        [c.left, c.right, c.op],
        [c.right, c.left, MIRRORED[c.op] ?? c.op],
      ] as const) {
        if (c.op === "=" && isKey(path, pk)) {
          const value = keyValue(other, schema, pk);
          if (value !== undefined) return [{ partition: value, range: FILTER.range, negatesSortKey: false }];
        }
        if (!isKey(path, sk) || sk === undefined) continue;
        if (op === "<>") return [{ partition: undefined, range: FILTER.range, negatesSortKey: true }];
        const value = keyValue(other, schema, sk);
        if (value === undefined) continue;
        const bound = { value, inclusive: op === "=" || op === "<=" || op === ">=" };
        if (op === "=") return [point(value)];
        const range = op === "<" || op === "<=" ? { lower: undefined, upper: bound } : { lower: bound, upper: undefined };
        return [{ partition: undefined, range, negatesSortKey: false }];
      }
      return [FILTER];
    }
    case "between": {
      if (sk === undefined || !isKey(c.operand, sk)) return [FILTER];
      const lower = keyValue(c.lower, schema, sk);
      const upper = keyValue(c.upper, schema, sk);
      if (lower === undefined || upper === undefined) return [FILTER];
      return [{ partition: undefined, range: { lower: { value: lower, inclusive: true }, upper: { value: upper, inclusive: true } }, negatesSortKey: false }];
    }
    case "in": {
      const name = isKey(c.operand, pk) ? pk : isKey(c.operand, sk) ? sk : undefined;
      if (name === undefined) return [FILTER];
      const values = c.list.map((o) => keyValue(o, schema, name));
      if (!values.every((v) => v !== undefined)) return [FILTER];
      if (name === pk) return values.map((partition) => ({ partition, range: FILTER.range, negatesSortKey: false }));
      // A value the list repeats is read once (no capture says otherwise for the sort key).
      return values.filter((v, i) => values.findIndex((w) => attributeValuesEqual(v, w)) === i).map(point);
    }
    case "function": {
      if (c.name !== "begins_with" || sk === undefined || !isKey(c.args[0], sk)) return [FILTER];
      const prefix = keyValue(c.args[1], schema, sk);
      if (prefix === undefined) return [FILTER];
      const after = successor(prefix);
      return [{ partition: undefined, range: { lower: { value: prefix, inclusive: true }, upper: after && { value: after, inclusive: false } }, negatesSortKey: false }];
    }
    default:
      return [FILTER];
  }
}

const MIRRORED: Readonly<Record<string, string>> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

function mentions(c: Condition, name: string | undefined): boolean {
  if (name === undefined) return false;
  const operand = (o: Operand): boolean => (o.kind === "size" ? operand(o.operand) : isKey(o, name));
  switch (c.kind) {
    case "and":
    case "or":
      return mentions(c.left, name) || mentions(c.right, name);
    case "not":
      return mentions(c.operand, name);
    case "compare":
      return operand(c.left) || operand(c.right);
    case "between":
      return [c.operand, c.lower, c.upper].some(operand);
    case "in":
      return [c.operand, ...c.list].some(operand);
    case "function":
      return c.args.some(operand);
  }
}

/** Both branches at once; undefined when no item can satisfy both. */
function conjoin(a: Branch, b: Branch): Branch | undefined {
  if (a.partition !== undefined && b.partition !== undefined && !attributeValuesEqual(a.partition, b.partition)) return undefined;
  const range = intersect(a.range, b.range);
  if (range === undefined) return undefined;
  return { partition: a.partition ?? b.partition, range, negatesSortKey: a.negatesSortKey || b.negatesSortKey };
}

function compare(a: Bound, b: Bound): number {
  return compareScalars(a.value, b.value) ?? 0;
}

/** The values both ranges hold; undefined when there are none. */
function intersect(a: Range, b: Range): Range | undefined {
  const lower = tighter(a.lower, b.lower, 1);
  const upper = tighter(a.upper, b.upper, -1);
  if (lower !== undefined && upper !== undefined) {
    const order = compare(lower, upper);
    if (order > 0 || (order === 0 && !(lower.inclusive && upper.inclusive))) return undefined;
  }
  return { lower, upper };
}

/** The tighter of two lower (sign 1) or upper (sign -1) bounds. */
function tighter(a: Bound | undefined, b: Bound | undefined, sign: number): Bound | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const order = compare(a, b) * sign;
  if (order !== 0) return order > 0 ? a : b;
  return { value: a.value, inclusive: a.inclusive && b.inclusive };
}
