import type { ListTablesInput, ListTablesOutput } from "../../../generated/dynamodb.js";
import type { DynamoContext } from "../context.js";
import { check, length, namePattern, range } from "../validation.js";

export function listTables(input: ListTablesInput, ctx: DynamoContext): ListTablesOutput {
  // Coral lists these in this order: the limit, then the start name's pattern before its length.
  const start = input.ExclusiveStartTableName;
  check(range("limit", input.Limit, 1, 100), namePattern(start, "exclusiveStartTableName"), length("exclusiveStartTableName", start, 3, 255));
  const limit = input.Limit ?? 100;
  // One more than asked tells whether another page exists.
  const names = ctx.store.listTables(ctx, input.ExclusiveStartTableName, limit + 1);
  const page = names.slice(0, limit);
  return {
    TableNames: page,
    ...(names.length > limit ? { LastEvaluatedTableName: page[page.length - 1] } : {}),
  };
}
