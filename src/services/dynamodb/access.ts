/**
 * Which account's table a request reaches, and whether it may. A table named by its ARN is the
 * table in the ARN's account (and the request's region), as DynamoDB's cross-account access
 * does; a plain name is the caller's. With policies enforced (`--enforce-policies`,
 * auth/access.ts) the table's resource policy decides: its own account may do what the policy
 * does not explicitly deny, other accounts need its Allow (for a Query or Scan of an index, on
 * the index's ARN).
 *
 * Single-table operations run wholly in the account their TableName names (tableScopedHandlers).
 * Batch, transaction and PartiQL requests name their tables inside: they reach each one through
 * tableContext, with the action AWS checks there (BatchGetItem/BatchWriteItem for a batch, each
 * entry's item action in a transaction, PartiQLSelect/Insert/Update/Delete for a statement).
 */
import { enforcesPolicies, resourcePolicyRefusal } from "../../auth/access.js";
import type { Scope } from "../../core/service.js";
import { wrapHandlers } from "../../core/service.js";
import type { DynamoContext } from "./context.js";
import { errors } from "./errors.js";
import { parseTableArn, tableArn } from "./table.js";

interface TableRequest {
  readonly TableName?: unknown;
  readonly IndexName?: unknown;
}

/** The name of a table named by its name or its ARN. */
export function bareTableName(table: string): string {
  return parseTableArn(table)?.name ?? table;
}

/** The context a request reaches a table in: the ARN's account for a table ARN, else the caller's. No policy is checked. */
export function tableScope(ctx: DynamoContext, table: string): DynamoContext {
  const account = parseTableArn(table)?.account ?? ctx.account;
  return account === ctx.account ? ctx : { ...{}, ...ctx, account };
}

/** tableScope, once the table's resource policy allows `dynamodb:<action>` (on the index, if one is named) when policies are enforced. */
export function tableContext(ctx: DynamoContext, table: string, action: string, index?: string): DynamoContext {
  const scoped = tableScope(ctx, table);
  if (enforcesPolicies(ctx.config)) authorizeTable(ctx, scoped, bareTableName(table), action, index);
  return scoped;
}

/** How a handler reaches the tables its request names inside: tableContext, or tableScope for a caller that checked its own action (PartiQL). */
export type TableReach = (ctx: DynamoContext, table: string, action: string) => DynamoContext;

function authorizeTable(ctx: DynamoContext, scope: Scope, name: string, action: string, index: string | undefined): void {
  const table = tableArn(scope, name);
  // A table that does not exist is the handler's ResourceNotFoundException.
  const meta = ctx.store.readTable(scope, name);
  if (meta === undefined) return;
  const resource = index === undefined ? table : `${table}/index/${index}`;
  const refusal = resourcePolicyRefusal(ctx, { arn: resource, account: scope.account, policy: meta.resourcePolicies?.[table]?.document }, `dynamodb:${action}`);
  if (refusal !== undefined) throw errors.AccessDenied({ message: refusal });
}

/** The context a table operation runs in: the one its TableName (and IndexName) names. */
function requestContext(operation: string, input: TableRequest, ctx: DynamoContext): DynamoContext {
  if (typeof input.TableName !== "string") return ctx;
  // A table ARN reaches across accounts, never across Regions: one of another Region is refused
  // before the table is looked up (AWS's answer to DescribeContinuousBackups and
  // UpdateContinuousBackups sent to a replica's Region with the main table's ARN, as Terraform
  // does: hashicorp/terraform-provider-aws#42792, terraform-aws-modules/terraform-aws-dynamodb-table#85).
  const region = parseTableArn(input.TableName)?.region;
  if (region !== undefined && region !== ctx.region) throw errors.ArnInOtherRegion({ arn: input.TableName });
  return tableContext(ctx, input.TableName, operation, typeof input.IndexName === "string" ? input.IndexName : undefined);
}

/** Every handler of the map, run in the account its TableName names, once the table's policy allows it. */
export function tableScopedHandlers<T extends Record<string, ((input: never, ctx: DynamoContext) => unknown) | undefined>>(handlers: T): T {
  return wrapHandlers<DynamoContext, T>(handlers, (operation, handler) => (input, ctx) => handler(input, requestContext(operation, input as TableRequest, ctx)));
}
