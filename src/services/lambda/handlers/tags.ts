import type { ListTagsInput, ListTagsOutput, TagResourceInput, TagResourceOutput, UntagResourceInput, UntagResourceOutput } from "../../../generated/lambda.js";
import { requireFunction } from "../domain/functions.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";

// Tags belong to the function (unqualified ARN); Lambda allows 50 per resource.
const MAX_TAGS = 50;

function functionOf(ctx: LambdaContext, resource: string): ReturnType<typeof requireFunction> {
  const arn = /^arn:aws[a-zA-Z-]*:lambda:[^:]+:\d{12}:function:[^:]+$/.exec(resource);
  if (!arn) throw errors.Validation({ message: `1 validation error detected: Value '${resource}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})` });
  return requireFunction(ctx.store, ctx, resource);
}

export function tagResource(input: TagResourceInput, ctx: LambdaContext): TagResourceOutput {
  const fn = functionOf(ctx, input.Resource);
  const tags = { ...{}, ...fn.tags, ...input.Tags };
  if (Object.keys(tags).length > MAX_TAGS) throw errors.InvalidParameterValue({ message: `Number of tags exceeds resource tag limit.` });
  ctx.store.setTags(ctx, fn.name, tags);
  return {};
}

export function untagResource(input: UntagResourceInput, ctx: LambdaContext): UntagResourceOutput {
  const fn = functionOf(ctx, input.Resource);
  const tags = { ...fn.tags };
  for (const key of input.TagKeys) delete tags[key];
  ctx.store.setTags(ctx, fn.name, tags);
  return {};
}

export function listTags(input: ListTagsInput, ctx: LambdaContext): ListTagsOutput {
  return { Tags: functionOf(ctx, input.Resource).tags };
}
