import type { ListTagsInput, ListTagsOutput, TagResourceInput, TagResourceOutput, UntagResourceInput, UntagResourceOutput } from "../../../generated/lambda.js";
import { eventSourceMappingOfArn } from "../domain/arns.js";
import { requireFunction } from "../domain/functions.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";

// Tags belong to the function (unqualified ARN) or to an event source mapping; Lambda allows 50 per resource.
const MAX_TAGS = 50;

function functionOf(ctx: LambdaContext, resource: string): ReturnType<typeof requireFunction> {
  const arn = /^arn:aws[a-zA-Z-]*:lambda:[^:]+:\d{12}:function:[^:]+$/.exec(resource);
  if (!arn) throw errors.Validation({ message: `1 validation error detected: Value '${resource}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})` });
  return requireFunction(ctx.store, ctx, resource);
}

/** The tags of the resource an ARN names, and how to replace them. */
function taggedResource(ctx: LambdaContext, resource: string): { tags: Record<string, string>; save: (tags: Record<string, string>) => void } {
  const ref = eventSourceMappingOfArn(resource);
  if (ref) {
    // A mapping of another account or Region is not found here, as a function's is not.
    const mapping = ref.account === ctx.account && ref.region === ctx.region ? ctx.store.getMapping(ctx, ref.uuid) : undefined;
    if (!mapping) throw errors.MappingNotFound();
    return { tags: mapping.tags ?? {}, save: (tags) => ctx.store.putMapping(ctx, { ...{}, ...mapping, tags }) };
  }
  const fn = functionOf(ctx, resource);
  return { tags: fn.tags, save: (tags) => ctx.store.setTags(ctx, fn.name, tags) };
}

export function tagResource(input: TagResourceInput, ctx: LambdaContext): TagResourceOutput {
  const resource = taggedResource(ctx, input.Resource);
  const tags = { ...{}, ...resource.tags, ...input.Tags };
  if (Object.keys(tags).length > MAX_TAGS) throw errors.InvalidParameterValue({ message: `Number of tags exceeds resource tag limit.` });
  resource.save(tags);
  return {};
}

export function untagResource(input: UntagResourceInput, ctx: LambdaContext): UntagResourceOutput {
  const resource = taggedResource(ctx, input.Resource);
  const tags = { ...resource.tags };
  for (const key of input.TagKeys) delete tags[key];
  resource.save(tags);
  return {};
}

export function listTags(input: ListTagsInput, ctx: LambdaContext): ListTagsOutput {
  return { Tags: taggedResource(ctx, input.Resource).tags };
}
