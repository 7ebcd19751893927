import type {
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  ListTagsLogGroupInput,
  ListTagsLogGroupOutput,
  TagLogGroupInput,
  TagLogGroupOutput,
  TagResourceInput,
  TagResourceOutput,
  UntagLogGroupInput,
  UntagLogGroupOutput,
  UntagResourceInput,
  UntagResourceOutput,
} from "../../../generated/logs.js";
import { parseGroupArn } from "../domain/arns.js";
import { errors } from "../errors.js";
import { requireGroup, type LogsContext } from "../resolve.js";
import type { LogGroup, Scope } from "../store.js";
import { check, constraints, length } from "../validation.js";

// A log group carries at most 50 tags; keys 1-128 characters, values up to 256.
const MAX_TAGS = 50;

export function validateTags(tags: Record<string, string>, field = "tags"): void {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) {
    check({ field, value: `{${entries.length} tags}`, failure: `Member must have length less than or equal to ${MAX_TAGS}` });
  }
  for (const [k, v] of entries) {
    check(length(`${field}.${k}`, k, 1, 128), length(`${field}.${k}`, v, 0, 256));
  }
}

function tagGroup(ctx: LogsContext, scope: Scope, group: LogGroup, tags: Record<string, string>): void {
  validateTags(tags);
  const merged = { ...{}, ...group.tags, ...tags };
  if (Object.keys(merged).length > MAX_TAGS) {
    throw errors.InvalidParameter({ message: `A log group can have at most ${MAX_TAGS} tags.` });
  }
  ctx.store.setTags(scope, group.name, merged);
}

function untagGroup(ctx: LogsContext, scope: Scope, group: LogGroup, keys: readonly string[]): void {
  const remaining = { ...group.tags };
  for (const key of keys) delete remaining[key];
  ctx.store.setTags(scope, group.name, remaining);
}

/** TagResource and friends name a log group by ARN (with or without the trailing `:*`). */
function groupByArn(ctx: LogsContext, arn: string): { scope: Scope; group: LogGroup } {
  const parsed = parseGroupArn(arn);
  if (parsed === undefined) throw errors.InvalidParameter({ message: `Invalid resource arn: ${arn}` });
  const scope = { account: parsed.account, region: parsed.region };
  const group = ctx.store.getGroup(scope, parsed.name);
  if (group === undefined) throw errors.GroupNotFound();
  return { scope, group };
}

export function tagResource(input: TagResourceInput, ctx: LogsContext): TagResourceOutput {
  const { scope, group } = groupByArn(ctx, input.resourceArn);
  tagGroup(ctx, scope, group, input.tags);
  return {};
}

export function untagResource(input: UntagResourceInput, ctx: LogsContext): UntagResourceOutput {
  const { scope, group } = groupByArn(ctx, input.resourceArn);
  untagGroup(ctx, scope, group, input.tagKeys);
  return {};
}

export function listTagsForResource(input: ListTagsForResourceInput, ctx: LogsContext): ListTagsForResourceOutput {
  return { tags: { ...groupByArn(ctx, input.resourceArn).group.tags } };
}

// The legacy, name-based tag operations (deprecated by AWS, still answered).
export function tagLogGroup(input: TagLogGroupInput, ctx: LogsContext): TagLogGroupOutput {
  check(...constraints.logGroupName(input.logGroupName));
  tagGroup(ctx, ctx, requireGroup(ctx, input.logGroupName), input.tags);
  return {};
}

export function untagLogGroup(input: UntagLogGroupInput, ctx: LogsContext): UntagLogGroupOutput {
  check(...constraints.logGroupName(input.logGroupName));
  untagGroup(ctx, ctx, requireGroup(ctx, input.logGroupName), input.tags);
  return {};
}

export function listTagsLogGroup(input: ListTagsLogGroupInput, ctx: LogsContext): ListTagsLogGroupOutput {
  check(...constraints.logGroupName(input.logGroupName));
  return { tags: { ...requireGroup(ctx, input.logGroupName).tags } };
}
