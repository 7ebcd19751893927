import type {
  ListTagsOfResourceInput,
  ListTagsOfResourceOutput,
  TagResourceInput,
  TagResourceOutput,
  UntagResourceInput,
  UntagResourceOutput,
} from "../../../generated/dynamodb.js";
import { validationException } from "../domain/index.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import type { TableMeta } from "../table.js";
import { check, length } from "../validation.js";

const MAX_TAGS = 50;

/** Tags belong to tables, named by ARN; a malformed ARN is a ValidationException, another account's table is not found. */
function tableOfArn(ctx: DynamoContext, arn: string): TableMeta {
  check(length("resourceArn", arn, 1, 1283));
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/.exec(arn);
  if (!m) throw validationException(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  const meta = m[1] === ctx.region && m[2] === ctx.account ? ctx.store.getTable(ctx, m[3] as string) : undefined;
  if (meta === undefined) throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: ResourcArn: ${arn} not found` });
  return meta;
}

export function tagResource(input: TagResourceInput, ctx: DynamoContext): TagResourceOutput {
  for (const tag of input.Tags) check(length("tags.member.key", tag.Key, 1, 128), length("tags.member.value", tag.Value, 0, 256));
  ctx.store.transaction(() => {
    const meta = tableOfArn(ctx, input.ResourceArn);
    const existing = new Set(ctx.store.tags(ctx, meta.name).map((t) => t.Key));
    for (const tag of input.Tags) existing.add(tag.Key);
    if (existing.size > MAX_TAGS) throw errors.LimitExceeded({ message: "The number of tags exceeds the limit of 50" });
    for (const tag of input.Tags) ctx.store.putTag(ctx, meta.name, tag.Key, tag.Value);
  });
  return {};
}

export function untagResource(input: UntagResourceInput, ctx: DynamoContext): UntagResourceOutput {
  ctx.store.transaction(() => {
    const meta = tableOfArn(ctx, input.ResourceArn);
    for (const key of input.TagKeys) ctx.store.deleteTag(ctx, meta.name, key);
  });
  return {};
}

export function listTagsOfResource(input: ListTagsOfResourceInput, ctx: DynamoContext): ListTagsOfResourceOutput {
  const meta = tableOfArn(ctx, input.ResourceArn);
  return { Tags: ctx.store.tags(ctx, meta.name) };
}
