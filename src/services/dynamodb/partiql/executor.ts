/**
 * Runs translated PartiQL statements. SELECT reads through the Query/Scan reader (one Query
 * range per partition the WHERE pins, else a Scan); writes and transactions go through the
 * PutItem, UpdateItem, DeleteItem, TransactWriteItems and TransactGetItems handlers with the
 * conditions and updates written back as expressions, so PartiQL shares their semantics.
 *
 * A statement may name its table by ARN (`"arn:aws:dynamodb:...:table/T"`): it runs in the ARN's
 * account, once the table's policy allows its PartiQL action (access.ts); the item handlers it
 * runs through then reach that table unchecked, as AWS checks only the PartiQL action.
 */
import { own, setOwn } from "../../../core/own.js";
import { createHash } from "node:crypto";
import { AwsError } from "../../../core/errors.js";
import type {
  BatchExecuteStatementInput,
  BatchExecuteStatementOutput,
  ExecuteStatementInput,
  ExecuteStatementOutput,
  ExecuteTransactionInput,
  ExecuteTransactionOutput,
  TransactWriteItemsInput,
} from "../../../generated/dynamodb.js";
import { getPath, itemSize, validateParameterValue, type AttributeValue, type Item } from "../domain/index.js";
import { bareTableName, tableContext, tableScope } from "../access.js";
import type { DynamoContext } from "../context.js";
import { errors } from "../errors.js";
import { deleteItem } from "../handlers/delete-item.js";
import { putItem } from "../handlers/put-item.js";
import { transactGetItems } from "../handlers/transact-get-items.js";
import { transactWriteItems } from "../handlers/transact-write-items.js";
import { updateItem } from "../handlers/update-item.js";
import { baseRowKey, capacityMode, Consumption, jsonItem, parseItem, readItem, readUnits, writeUnits, type ConsumedCapacityOut } from "../items.js";
import { checkStartKey, runRead, startRowKey, type ReadTarget } from "../reads.js";
import { checkReturnValuesOnFailure } from "../requests.js";
import { keyAttributeNames, tableSchema } from "../table.js";
import { check, length, oneOf, range } from "../validation.js";
import type { ParsedStatement, Statement } from "./ast.js";
import { invalid, KeyProblem, MESSAGES, partiqlErrors } from "./errors.js";
import { ExpressionWriter } from "./expressions.js";
import { parseStatement } from "./parser.js";
import { isRead, sourceOf, translate, type DeletePlan, type InsertPlan, type Plan, type Projected, type SelectPlan, type TableLookup, type UpdatePlan } from "./translator.js";

const MAX_STATEMENT_LENGTH = 8192;
const MAX_BATCH = 25;
const MAX_TRANSACTION = 100;

/** Tables as statements name them: a table ARN is looked up in the ARN's account. */
function lookupIn(ctx: DynamoContext): TableLookup {
  return (name) => ctx.store.getTable(tableScope(ctx, name), bareTableName(name));
}

/** What a statement is checked for on its table (or the index it reads); EXISTS reads. */
const ACTIONS: Readonly<Record<Statement["kind"], string>> = {
  select: "PartiQLSelect",
  exists: "PartiQLSelect",
  insert: "PartiQLInsert",
  update: "PartiQLUpdate",
  delete: "PartiQLDelete",
};

/** The context a statement runs in: its table's account, once the table's policy allows the statement. */
function statementContext(ctx: DynamoContext, parsed: ParsedStatement): DynamoContext {
  const { components } = sourceOf(parsed.statement);
  const index = parsed.statement.kind === "select" && components.length === 2 ? components[1] : undefined;
  return tableContext(ctx, components[0] as string, ACTIONS[parsed.statement.kind], index);
}

function statementCheck(field: string, statement: string) {
  return length(field, statement, 1, MAX_STATEMENT_LENGTH);
}

/** The model's constraints on one member of Statements / TransactStatements. */
function memberChecks(prefix: string, s: { Statement: string; ReturnValuesOnConditionCheckFailure?: string | undefined }) {
  return [
    statementCheck(`${prefix}.statement`, s.Statement),
    oneOf(`${prefix}.returnValuesOnConditionCheckFailure`, s.ReturnValuesOnConditionCheckFailure, ["ALL_OLD", "NONE"]),
  ];
}

/** Parameters are AttributeValues; an empty list is refused like any list member of min length 1. */
function parametersOf(raw: readonly unknown[] | undefined, field: string): AttributeValue[] {
  if (raw === undefined) return [];
  check({ field, value: "[]", failure: raw.length === 0 ? "Member must have length greater than or equal to 1" : undefined });
  return raw.map((v) => validateParameterValue(v));
}

function project(item: Item, projection: readonly Projected[] | undefined): Item {
  if (projection === undefined) return item;
  const out: Item = {};
  for (const p of projection) {
    const v = getPath(item, p.path);
    if (v !== undefined) out[p.name] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SELECT

/** NextToken binds a page to its statement and Parameters: the resume point is a reading position. */
function tokenBinding(statement: string, params: readonly AttributeValue[]): string {
  return createHash("sha256").update(statement).update("\u0000").update(JSON.stringify(params.map((p) => jsonItem({ p })))).digest("base64url").slice(0, 22);
}

interface TokenBody {
  readonly h: string;
  readonly s: number;
  readonly k: unknown;
}

function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

function decodeToken(token: string): TokenBody {
  try {
    const body = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<TokenBody>;
    if (typeof body.h === "string" && typeof body.s === "number" && Number.isInteger(body.s) && typeof body.k === "object" && body.k !== null) {
      return body as TokenBody;
    }
  } catch {
    // fall through
  }
  throw invalid(MESSAGES.invalidNextToken);
}

interface SelectOptions {
  readonly statement: string;
  readonly params: readonly AttributeValue[];
  readonly limit: number | undefined;
  readonly nextToken: string | undefined;
  readonly consistent: boolean;
  readonly mode: ReturnType<typeof capacityMode>;
}

export function runSelect(ctx: DynamoContext, plan: SelectPlan, opts: SelectOptions): ExecuteStatementOutput {
  const target: ReadTarget = { meta: plan.meta, index: plan.index, schema: plan.schema };
  const binding = tokenBinding(opts.statement, opts.params);
  let first = 0;
  let start: ReturnType<typeof startRowKey>;
  if (opts.nextToken !== undefined) {
    const token = decodeToken(opts.nextToken);
    if (token.h !== binding) throw invalid(MESSAGES.tokenMismatch);
    if (token.s < 0 || token.s >= plan.segments.length) throw invalid(MESSAGES.startKey);
    try {
      start = startRowKey(target, checkStartKey(target, parseItem(JSON.stringify(token.k)), "Query"));
    } catch {
      throw invalid(MESSAGES.startKey);
    }
    first = token.s;
  }
  const consumed = new Consumption(plan.meta.name, "read");
  const items: Item[] = [];
  let scanned = 0;
  let next: { segment: number; key: Item } | undefined;
  for (let i = first; i < plan.segments.length; i++) {
    const result = runRead(ctx, {
      target,
      keyCondition: plan.segments[i],
      filter: plan.filter,
      select: plan.select,
      limit: opts.limit === undefined ? undefined : opts.limit - scanned,
      descending: plan.descending,
      start: i === first ? start : undefined,
      consistent: opts.consistent,
    });
    consumed.merge(result.consumed);
    scanned += result.scannedCount;
    for (const item of result.items ?? []) items.push(project(item, plan.projection));
    if (result.lastEvaluatedKey !== undefined) {
      next = { segment: i, key: result.lastEvaluatedKey };
      break;
    }
  }
  const capacity = consumed.describe(opts.mode);
  return {
    Items: items,
    ...(next ? { NextToken: encodeToken({ h: binding, s: next.segment, k: jsonItem(next.key) }), LastEvaluatedKey: next.key } : {}),
    ...(capacity ? { ConsumedCapacity: capacity } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Writes

interface WriteOptions {
  readonly returnConsumedCapacity: string | undefined;
  readonly returnValuesOnConditionCheckFailure: string | undefined;
}

interface WriteResult {
  readonly item: Item | undefined;
  readonly capacity: ConsumedCapacityOut | undefined;
}

function partitionKeyName(plan: { meta: Plan["meta"] }): string {
  return tableSchema(plan.meta).partitionKey;
}

/** INSERT is a PutItem that must not find the key; finding it is DuplicateItemException. */
function runInsert(ctx: DynamoContext, plan: InsertPlan, opts: WriteOptions): WriteResult {
  const w = new ExpressionWriter();
  const condition = `attribute_not_exists(${w.name(partitionKeyName(plan))})`;
  try {
    const out = putItem(
      { TableName: plan.table, Item: plan.item, ConditionExpression: condition, ...w.attributes(), ReturnConsumedCapacity: opts.returnConsumedCapacity },
      ctx,
    );
    return { item: undefined, capacity: out.ConsumedCapacity as ConsumedCapacityOut | undefined };
  } catch (err) {
    if (err instanceof AwsError && err.code === "ConditionalCheckFailedException") throw partiqlErrors.DuplicateItem();
    throw err;
  }
}

/** UPDATE changes an item that exists and satisfies the rest of the WHERE. */
function updateRequest(plan: UpdatePlan) {
  const w = new ExpressionWriter();
  const exists = `attribute_exists(${w.name(partitionKeyName(plan))})`;
  const UpdateExpression = w.update(plan.actions);
  const ConditionExpression = plan.condition ? `${exists} AND (${w.condition(plan.condition)})` : exists;
  return { TableName: plan.table, Key: plan.key, UpdateExpression, ConditionExpression, ...w.attributes() };
}

function runUpdate(ctx: DynamoContext, plan: UpdatePlan, opts: WriteOptions): WriteResult {
  const out = updateItem(
    {
      ...{}, ...updateRequest(plan),
      ReturnValues: plan.returnValues,
      ReturnConsumedCapacity: opts.returnConsumedCapacity,
      ReturnValuesOnConditionCheckFailure: opts.returnValuesOnConditionCheckFailure,
    },
    ctx,
  );
  return { item: out.Attributes as Item | undefined, capacity: out.ConsumedCapacity as ConsumedCapacityOut | undefined };
}

/**
 * DELETE of a key with no item succeeds, whatever else the WHERE says; an item that exists
 * must satisfy the rest of the WHERE.
 */
function deleteRequest(plan: DeletePlan) {
  if (plan.condition === undefined) return { TableName: plan.table, Key: plan.key };
  const w = new ExpressionWriter();
  const ConditionExpression = `attribute_not_exists(${w.name(partitionKeyName(plan))}) OR (${w.condition(plan.condition)})`;
  return { TableName: plan.table, Key: plan.key, ConditionExpression, ...w.attributes() };
}

function runDelete(ctx: DynamoContext, plan: DeletePlan, opts: WriteOptions): WriteResult {
  const out = deleteItem(
    {
      ...{}, ...deleteRequest(plan),
      ReturnValues: plan.returnValues,
      ReturnConsumedCapacity: opts.returnConsumedCapacity,
      ReturnValuesOnConditionCheckFailure: opts.returnValuesOnConditionCheckFailure,
    },
    ctx,
  );
  return { item: out.Attributes as Item | undefined, capacity: out.ConsumedCapacity as ConsumedCapacityOut | undefined };
}

function runWrite(ctx: DynamoContext, plan: InsertPlan | UpdatePlan | DeletePlan, opts: WriteOptions): WriteResult {
  switch (plan.kind) {
    case "insert":
      return runInsert(ctx, plan, opts);
    case "update":
      return runUpdate(ctx, plan, opts);
    case "delete":
      return runDelete(ctx, plan, opts);
  }
}

// ---------------------------------------------------------------------------------------------
// ExecuteStatement

export function executeStatement(input: ExecuteStatementInput, ctx: DynamoContext): ExecuteStatementOutput {
  check(
    statementCheck("statement", input.Statement),
    range("limit", input.Limit, 1),
    length("nextToken", input.NextToken, 1, 32768),
  );
  checkReturnValuesOnFailure(input.ReturnValuesOnConditionCheckFailure);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  // Parameters are refused before the statement is read (floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest,
  // refusesAnInvalidParameterBeforeReadingTheStatement, captured from DynamoDB).
  const params = parametersOf(input.Parameters, "parameters");
  const parsed = parseStatement(input.Statement);
  const scope = statementContext(ctx, parsed);
  const plan = translate(parsed, params, lookupIn(ctx), { useCase: "statement", consistentRead: input.ConsistentRead });
  if (plan.kind === "select") {
    return runSelect(scope, plan, {
      statement: input.Statement,
      params,
      limit: input.Limit,
      nextToken: input.NextToken,
      consistent: input.ConsistentRead === true,
      mode,
    });
  }
  if (plan.kind === "exists") throw invalid(MESSAGES.existsOutside);
  const result = runWrite(scope, plan, {
    returnConsumedCapacity: input.ReturnConsumedCapacity,
    returnValuesOnConditionCheckFailure: input.ReturnValuesOnConditionCheckFailure,
  });
  // Writes answer no rows, unless RETURNING asked for the item (an empty MODIFIED projection is no row).
  return {
    Items: result.item !== undefined && Object.keys(result.item).length > 0 ? [result.item] : [],
    ...(result.capacity ? { ConsumedCapacity: result.capacity } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// BatchExecuteStatement

/** The short codes of BatchStatementError ("ValidationError", "ConditionalCheckFailed"...). */
export function batchErrorCode(code: string): string {
  switch (code) {
    case "ValidationException":
      return "ValidationError";
    case "ConditionalCheckFailedException":
      return "ConditionalCheckFailed";
    case "ResourceNotFoundException":
      return "ResourceNotFound";
    case "DuplicateItemException":
      return "DuplicateItem";
    case "ThrottlingException":
      return "ThrottlingError";
    case "InternalServerError":
      return "InternalServerError";
    default:
      return code.replace(/Exception$/, "");
  }
}

function addUnits(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (typeof v === "number") into[k] = ((into[k] as number | undefined) ?? 0) + v;
    else if (v !== null && typeof v === "object") addUnits((into[k] ??= {}) as Record<string, unknown>, v as Record<string, unknown>);
  }
}

/** One ConsumedCapacity per table, summing what each statement consumed there. */
export function mergeCapacity(entries: readonly ConsumedCapacityOut[]): ConsumedCapacityOut[] {
  const byTable = new Map<string, ConsumedCapacityOut>();
  for (const e of entries) {
    const existing = byTable.get(e.TableName);
    if (existing === undefined) byTable.set(e.TableName, structuredClone(e));
    else addUnits(existing as unknown as Record<string, unknown>, e as unknown as Record<string, unknown>);
  }
  return [...byTable.values()];
}

type BatchEntry = { readonly plan: Plan; readonly consistent: boolean; readonly scope: DynamoContext } | { readonly error: AwsError };

function keyId(plan: { meta: Plan["meta"] }, key: Item): string {
  const row = baseRowKey(tableSchema(plan.meta), key);
  return `${plan.meta.arn}\u0000${row.pk}\u0000${row.sk}`;
}

/** The item a batch member acts on; an INSERT's key is in its item. */
function targetKey(plan: Plan): Item | undefined {
  if (plan.kind !== "insert") return plan.key;
  const key: Item = {};
  for (const name of keyAttributeNames(tableSchema(plan.meta))) {
    const v = own(plan.item, name);
    if (v !== undefined) setOwn(key, name, v);
  }
  return key;
}

export function batchExecuteStatement(input: BatchExecuteStatementInput, ctx: DynamoContext): BatchExecuteStatementOutput {
  const count = input.Statements.length;
  check({
    field: "statements",
    value: count === 0 ? "[]" : `[${count} items]`,
    failure: count === 0 ? "Member must have length greater than or equal to 1" : count > MAX_BATCH ? `Member must have length less than or equal to ${MAX_BATCH}` : undefined,
  });
  check(...input.Statements.flatMap((s, i) => memberChecks(`statements.${i + 1}.member`, s)));
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const lookup = lookupIn(ctx);

  // Each statement stands alone: one that cannot be parsed or bound is that statement's Error.
  const parsed: (ParsedStatement | AwsError)[] = input.Statements.map((s) => attempt(() => parseStatement(s.Statement)));
  const kinds = parsed.filter((p): p is ParsedStatement => !(p instanceof AwsError)).map((p) => isRead(p.statement));
  if (kinds.includes(true) && kinds.includes(false)) throw invalid(MESSAGES.batchMixed);
  const entries: BatchEntry[] = input.Statements.map((s, i) => {
    const p = parsed[i] as ParsedStatement | AwsError;
    if (p instanceof AwsError) return { error: p };
    // Outside attempt: a table whose policy refuses its statement refuses the whole batch.
    const scope = statementContext(ctx, p);
    const result = attempt(() => {
      const params = parametersOf(s.Parameters, `statements.${i + 1}.member.parameters`);
      return translate(p, params, lookup, { useCase: "batch", consistentRead: s.ConsistentRead });
    });
    return result instanceof AwsError ? { error: result } : { plan: result, consistent: s.ConsistentRead === true, scope };
  });

  // Two statements on one item, reads or writes, refuse the whole batch before any runs, as
  // BatchGetItem and BatchWriteItem refuse duplicate keys (DynamoDB Local's BatchWriteProcessor
  // throws DUPLICATE_ITEM_KEY for a second write to a key).
  const seen = new Set<string>();
  for (const e of entries) {
    if (!("plan" in e)) continue;
    const key = targetKey(e.plan);
    if (key === undefined) continue;
    const id = keyId(e.plan, key);
    if (seen.has(id)) throw invalid(MESSAGES.duplicateKeys);
    seen.add(id);
  }

  const capacities: ConsumedCapacityOut[] = [];
  // What each table's writes that ran and failed their condition cost, by table name.
  const failedUnits = new Map<string, number>();
  const responses = entries.map((e, i) => {
    if ("error" in e) return { Error: { Code: batchErrorCode(e.error.code), Message: e.error.message } };
    const plan = e.plan;
    const TableName = plan.table;
    try {
      if (plan.kind === "select") {
        const item = readItem(ctx.store, e.scope, plan.meta, plan.key as Item);
        const consumed = new Consumption(TableName, "read");
        consumed.table = readUnits(item ? itemSize(item) : 0, e.consistent);
        const c = consumed.describe(mode);
        if (c) capacities.push(c);
        return { TableName, ...(item ? { Item: project(item, plan.projection) } : {}) };
      }
      if (plan.kind === "exists") throw invalid(MESSAGES.existsOutside);
      const result = runWrite(e.scope, plan, {
        returnConsumedCapacity: input.ReturnConsumedCapacity,
        returnValuesOnConditionCheckFailure: input.Statements[i]?.ReturnValuesOnConditionCheckFailure,
      });
      // The item handlers name the table by its name; the batch answers under the name it was given.
      if (result.capacity) capacities.push({ ...{}, ...result.capacity, TableName });
      return { TableName, ...(result.item !== undefined && Object.keys(result.item).length > 0 ? { Item: result.item } : {}) };
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      if (mode !== "NONE" && plan.kind !== "select" && plan.kind !== "exists" && (err.code === "ConditionalCheckFailedException" || err.code === "DuplicateItemException")) {
        failedUnits.set(TableName, (failedUnits.get(TableName) ?? 0) + attemptedWriteUnits(e.scope, plan));
      }
      // With ALL_OLD, a failed condition puts the item it failed on on the member's Error (BatchStatementError.Item).
      const old = err.fields["Item"];
      return { TableName, Error: { Code: batchErrorCode(err.code), Message: err.message, ...(old !== undefined ? { Item: parseItem(JSON.stringify(old)) } : {}) } };
    }
  });
  const consumed = mergeCapacity(capacities);
  // A failed write counts in its table's CapacityUnits and in no Table or index arm; a table none of
  // whose statements succeeded is left out, and so is ConsumedCapacity when none succeeded at all
  // (nubo-db/dynoxide CHANGELOG and tests/partiql_index_consumed_capacity.rs, captures M1, M4, U2 in
  // eu-west-2: a duplicate INSERT beside one that succeeds is total 3 against Table 1 and GSI 1).
  for (const c of consumed) c.CapacityUnits += failedUnits.get(c.TableName) ?? 0;
  return { Responses: responses, ...(mode !== "NONE" && consumed.length > 0 ? { ConsumedCapacity: consumed } : {}) };
}

/** The units a write that failed its condition is charged: the larger of the stored item and the one an INSERT carried, at 1 KB. */
function attemptedWriteUnits(ctx: DynamoContext, plan: InsertPlan | UpdatePlan | DeletePlan): number {
  const key = targetKey(plan) as Item;
  const stored = readItem(ctx.store, ctx, plan.meta, key);
  return writeUnits(Math.max(stored ? itemSize(stored) : 0, plan.kind === "insert" ? itemSize(plan.item) : 0));
}

function attempt<T>(fn: () => T): T | AwsError {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// ExecuteTransaction

interface Reason {
  Code: string;
  Message?: string;
  Item?: unknown;
}

function cancelled(reasons: Reason[]): AwsError {
  return errors.TransactionCanceled({ reasons: reasons.map((r) => r.Code).join(", ") }, { fields: { CancellationReasons: reasons } });
}

/**
 * What cancels a transaction at one statement before anything runs, rather than refusing the
 * request: a table that does not exist, or a key that names no item of it. DynamoDB checks
 * every statement before it answers these (captured from DynamoDB, eu-west-2, in floci-io/floci
 * DynamoDbPartiQLEdgeCaseIntegrationTest: cancelsATransactionThatNamesAMissingTable,
 * cancelsATransactionWhoseWriteDoesNotNameOneItem).
 */
function cancellationReason(err: unknown): Reason | undefined {
  if (err instanceof KeyProblem) return { Code: "ValidationError", Message: err.inTransaction };
  if (err instanceof AwsError && err.code === "ResourceNotFoundException") return { Code: "ResourceNotFound", Message: err.message };
  return undefined;
}

export function executeTransaction(input: ExecuteTransactionInput, ctx: DynamoContext): ExecuteTransactionOutput {
  const count = input.TransactStatements.length;
  check({
    field: "transactStatements",
    value: count === 0 ? "[]" : `[${count} items]`,
    failure:
      count === 0 ? "Member must have length greater than or equal to 1" : count > MAX_TRANSACTION ? `Member must have length less than or equal to ${MAX_TRANSACTION}` : undefined,
  });
  check(
    ...input.TransactStatements.flatMap((s, i) => memberChecks(`transactStatements.${i + 1}.member`, s)),
    length("clientRequestToken", input.ClientRequestToken, 1, 36),
  );
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const wrap = (i: number, err: unknown): never => {
    if (!(err instanceof AwsError) || err.code !== "ValidationException") throw err;
    throw invalid(`Validation failed in TransactStatements[${i}]: ${err.message}`);
  };
  // Every statement's Parameters are refused before any statement is read, without naming the statement.
  const params = input.TransactStatements.map((s, i) => parametersOf(s.Parameters, `transactStatements.${i + 1}.member.parameters`));
  const parsed = input.TransactStatements.map((s, i) => {
    try {
      return parseStatement(s.Statement);
    } catch (err) {
      return wrap(i, err);
    }
  });
  const reads = parsed.map((p) => isRead(p.statement));
  if (reads.includes(true) && reads.includes(false)) throw invalid(MESSAGES.transactionMixed);
  // Each table's policy must allow its statement; the transaction then reaches the tables unchecked.
  for (const p of parsed) statementContext(ctx, p);
  const lookup = lookupIn(ctx);
  const reasons: Reason[] = [];
  const plans = input.TransactStatements.map((_, i) => {
    try {
      const plan = translate(parsed[i] as ParsedStatement, params[i] as AttributeValue[], lookup, { useCase: "transaction" });
      if ((plan.kind === "update" || plan.kind === "delete") && plan.returnValues !== "NONE") throw invalid(MESSAGES.transactionReturning);
      reasons.push({ Code: "None" });
      return plan;
    } catch (err) {
      const reason = cancellationReason(err);
      if (reason === undefined) return wrap(i, err);
      reasons.push(reason);
      return undefined;
    }
  });
  if (!plans.every((p) => p !== undefined)) throw cancelled(reasons);

  if (plans.every((p) => p.kind === "select")) return readTransaction(ctx, plans as SelectPlan[], input.ReturnConsumedCapacity, mode);

  const items: TransactWriteItemsInput["TransactItems"] = plans.map((plan, i) => {
    const returnOld = input.TransactStatements[i]?.ReturnValuesOnConditionCheckFailure;
    const onFailure = returnOld !== undefined ? { ReturnValuesOnConditionCheckFailure: returnOld } : {};
    switch (plan.kind) {
      case "insert": {
        const w = new ExpressionWriter();
        return { Put: { TableName: plan.table, Item: plan.item, ConditionExpression: `attribute_not_exists(${w.name(partitionKeyName(plan))})`, ...w.attributes() } };
      }
      case "update":
        return { Update: { ...{}, ...updateRequest(plan), ...onFailure } };
      case "delete":
        return { Delete: { ...{}, ...deleteRequest(plan), ...onFailure } };
      case "exists": {
        // EXISTS holds when the item is there and satisfies the rest of the WHERE.
        const w = new ExpressionWriter();
        const ConditionExpression = `attribute_exists(${w.name(partitionKeyName(plan))}) AND (${w.condition(plan.condition)})`;
        return { ConditionCheck: { TableName: plan.table, Key: plan.key, ConditionExpression, ...w.attributes(), ...onFailure } };
      }
      case "select":
        // Unreachable: a transaction of reads and writes was refused above.
        throw invalid(MESSAGES.transactionMixed);
    }
  });
  try {
    const out = transactWriteItems(
      { TransactItems: items, ReturnConsumedCapacity: input.ReturnConsumedCapacity, ...(input.ClientRequestToken !== undefined ? { ClientRequestToken: input.ClientRequestToken } : {}) },
      ctx,
      tableScope,
    );
    // A transaction of writes answers an empty Responses list (LocalStack's AWS-validated
    // test_dynamodb_execute_transaction, snapshot key ExecutedTransaction).
    return { Responses: [], ...(out.ConsumedCapacity ? { ConsumedCapacity: out.ConsumedCapacity } : {}) };
  } catch (err) {
    if (!(err instanceof AwsError) || err.code !== "TransactionCanceledException") throw err;
    // An INSERT stopped by its own "key must be new" condition is a duplicate item, not a failed condition.
    const reasons = (err.fields["CancellationReasons"] as Reason[]).map((r, i) =>
      plans[i]?.kind === "insert" && r.Code === "ConditionalCheckFailed" ? { Code: "ValidationError", Message: partiqlErrors.DuplicateItem().message } : r,
    );
    throw cancelled(reasons);
  }
}

function readTransaction(ctx: DynamoContext, plans: SelectPlan[], returnConsumedCapacity: string | undefined, mode: ReturnType<typeof capacityMode>): ExecuteTransactionOutput {
  const out = transactGetItems(
    { TransactItems: plans.map((p) => ({ Get: { TableName: p.table, Key: p.key as Item } })), ReturnConsumedCapacity: returnConsumedCapacity },
    ctx,
    tableScope,
  );
  const responses = (out.Responses ?? []).map((r, i) => (r.Item ? { Item: project(r.Item as Item, plans[i]?.projection) } : {}));
  return { Responses: responses, ...(mode !== "NONE" && out.ConsumedCapacity ? { ConsumedCapacity: out.ConsumedCapacity } : {}) };
}
