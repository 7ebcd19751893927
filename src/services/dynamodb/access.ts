/**
 * Which account's table a request reaches, and whether it may. A TableName that is a table ARN
 * names the table in the ARN's account, as DynamoDB's cross-account access does; the handler
 * then runs in that account. With policies enforced (`--enforce-policies`, auth/access.ts) the
 * table's resource policy decides: its own account may do what the policy does not explicitly
 * deny, other accounts need its Allow (for a Query or Scan of an index, on the index's ARN).
 *
 * Batch, transaction and PartiQL requests, which name their tables inside, stay in the caller's
 * account.
 */
import { enforcesPolicies, resourcePolicyRefusal } from "../../auth/access.js";
import { wrapHandlers } from "../../core/service.js";
import type { DynamoContext } from "./context.js";
import { errors } from "./errors.js";
import { tableArn } from "./table.js";

const TABLE_ARN = /^arn:aws[\w-]*:dynamodb:[^:]*:(\d{12}):table\/([^/]+)$/;

interface TableRequest {
  readonly TableName?: unknown;
  readonly IndexName?: unknown;
}

/** The context a table operation runs in: the ARN's account, checked against the table's policy when policies are enforced. */
function tableContext(operation: string, input: TableRequest, ctx: DynamoContext): DynamoContext {
  if (typeof input.TableName !== "string") return ctx;
  const arn = TABLE_ARN.exec(input.TableName);
  const account = arn?.[1] ?? ctx.account;
  const scope = { account, region: ctx.region };
  if (enforcesPolicies(ctx.config)) authorizeTable(ctx, scope, arn?.[2] ?? input.TableName, operation, typeof input.IndexName === "string" ? input.IndexName : undefined);
  return account === ctx.account ? ctx : { ...{}, ...ctx, account };
}

function authorizeTable(ctx: DynamoContext, scope: { account: string; region: string }, name: string, operation: string, index: string | undefined): void {
  const table = tableArn(scope, name);
  // A table that does not exist is the handler's ResourceNotFoundException.
  const meta = ctx.store.readTable(scope, name);
  if (meta === undefined) return;
  const resource = index === undefined ? table : `${table}/index/${index}`;
  const action = `dynamodb:${operation}`;
  const refusal = resourcePolicyRefusal(ctx, { arn: resource, account: scope.account, policy: meta.resourcePolicies?.[table]?.document }, action);
  if (refusal !== undefined) throw errors.AccessDenied({ message: refusal });
}

/** Every handler of the map, run in the account its TableName names, once the table's policy allows it. */
export function tableScopedHandlers<T extends Record<string, ((input: never, ctx: DynamoContext) => unknown) | undefined>>(handlers: T): T {
  return wrapHandlers<DynamoContext, T>(handlers, (operation, handler) => (input, ctx) => handler(input, tableContext(operation, input as TableRequest, ctx)));
}
