import type {
  CreateLogGroupInput,
  CreateLogGroupOutput,
  DeleteLogGroupInput,
  DeleteLogGroupOutput,
  DescribeLogGroupsInput,
  DescribeLogGroupsOutput,
} from "../../../generated/logs.js";
import { groupArn } from "../domain/arns.js";
import { decodeToken, encodeToken } from "../domain/tokens.js";
import { errors } from "../errors.js";
import type { LogsContext } from "../resolve.js";
import { check, constraints, oneOf } from "../validation.js";
import { validateTags } from "./tags.js";

const LOG_GROUP_CLASSES = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"];

export function createLogGroup(input: CreateLogGroupInput, ctx: LogsContext): CreateLogGroupOutput {
  check(...constraints.logGroupName(input.logGroupName), oneOf("logGroupClass", input.logGroupClass, LOG_GROUP_CLASSES));
  if (input.tags !== undefined) validateTags(input.tags);
  const created = ctx.store.insertGroup(ctx, {
    name: input.logGroupName,
    createdAt: ctx.clock.now(),
    retentionDays: undefined,
    kmsKeyId: input.kmsKeyId,
    logGroupClass: input.logGroupClass ?? "STANDARD",
    tags: { ...(input.tags ?? {}) },
  });
  if (!created) throw errors.GroupAlreadyExists();
  return {};
}

export function deleteLogGroup(input: DeleteLogGroupInput, ctx: LogsContext): DeleteLogGroupOutput {
  check(...constraints.logGroupName(input.logGroupName));
  if (!ctx.store.deleteGroup(ctx, input.logGroupName)) throw errors.GroupNotFound();
  return {};
}

const DEFAULT_LIMIT = 50;

function isAfterToken(v: unknown): v is { after: string } {
  return typeof v === "object" && v !== null && typeof (v as { after?: unknown }).after === "string";
}

export function describeLogGroups(input: DescribeLogGroupsInput, ctx: LogsContext): DescribeLogGroupsOutput {
  check(
    ...constraints.logGroupNamePrefix(input.logGroupNamePrefix),
    constraints.limit(input.limit, 50),
    oneOf("logGroupClass", input.logGroupClass, LOG_GROUP_CLASSES),
  );
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) throw errors.PrefixAndPattern();
  let after: string | undefined;
  if (input.nextToken !== undefined) {
    const token = decodeToken(input.nextToken, isAfterToken);
    if (token === undefined) throw errors.InvalidNextToken();
    after = token.after;
  }
  // logGroupNamePattern is a case-insensitive substring match.
  const pattern = input.logGroupNamePattern?.toLowerCase();
  const matching = ctx.store
    .listGroups(ctx, input.logGroupNamePrefix)
    .filter((g) => pattern === undefined || g.name.toLowerCase().includes(pattern))
    .filter((g) => input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass)
    .filter((g) => after === undefined || g.name > after);
  const limit = input.limit ?? DEFAULT_LIMIT;
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    logGroups: page.map((g) => {
      const arn = groupArn(ctx, g.name);
      return {
        logGroupName: g.name,
        creationTime: g.createdAt,
        ...(g.retentionDays !== undefined ? { retentionInDays: g.retentionDays } : {}),
        metricFilterCount: g.metricFilterCount,
        arn: `${arn}:*`,
        storedBytes: ctx.store.storedBytes(ctx, g.name),
        ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
        logGroupClass: g.logGroupClass,
        logGroupArn: arn,
      };
    }),
    ...(matching.length > limit && last !== undefined ? { nextToken: encodeToken({ after: last.name }) } : {}),
  };
}
