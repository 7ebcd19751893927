import type {
  ListTagsOfResourceInput,
  ListTagsOfResourceOutput,
  TagResourceInput,
  TagResourceOutput,
  UntagResourceInput,
  UntagResourceOutput,
} from "../../../generated/dynamodb.js";
import type { AwsError } from "../../../core/errors.js";
import type { Violation } from "../../../protocol/validate.js";
import { validationException } from "../domain/index.js";
import { parseDynamoArn, refuseIndexArn } from "./resource-policies.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import type { TableMeta } from "../table.js";
import { restoring } from "../table-status.js";

const MAX_TAGS = 50;

/**
 * What a tag may hold, as DynamoDB refuses it (recorded against AWS in ack-api-quirks, DDB-TABLE-107
 * and 372): keys of 1-128 and values of up to 256 Unicode characters ("Tagging restrictions in
 * DynamoDB"), letters and digits of any script, white space and _ . : / = + - @; anything else,
 * a comma or an emoji, is refused naming the key or value, not in Coral's words.
 */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_KEY_CHARACTERS = 128;
const MAX_VALUE_CHARACTERS = 256;

function tagKeyLengthValid(key: string): boolean {
  const characters = [...key].length;
  return characters >= 1 && characters <= MAX_KEY_CHARACTERS;
}

function invalidKey(key: string): AwsError {
  return validationException(`The Tag Key provided is invalid, Key: ${key}`);
}

/** Which part of a Tag (CreateTable's or TagResource's) a missing member is, if it is one. */
function tagPart(v: Violation): string | undefined {
  return /^tags\.\d+\.member\.(key|value)$/.exec(v.path)?.[1];
}

/**
 * A Tag without its Key or Value is refused with DynamoDB's own sentence, not Coral's "must not
 * be null"; a missing Key is named before a missing Value. Other missing members keep Coral's.
 */
export function missingTagMember(_member: string, missing: readonly Violation[]): AwsError | undefined {
  if (missing.length === 0 || !missing.every((v) => tagPart(v) !== undefined)) return undefined;
  if (missing.some((v) => tagPart(v) === "key")) return validationException("The Tag Key provided is invalid, Key: null");
  return validationException("The Tag Value provided is invalid, Value: null");
}

/**
 * A table ARN's account and table name. What is no ARN, not DynamoDB's or an index's is refused
 * as policies refuse it; any other ARN that is not a table of this region is an invalid TableArn.
 */
function parseTableArn(ctx: DynamoContext, arn: string): { account: string; name: string } {
  refuseIndexArn(arn, parseDynamoArn(arn).resource);
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/.exec(arn);
  if (!m || m[1] !== ctx.region) throw validationException(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  return { account: m[2] as string, name: m[3] as string };
}

/**
 * Tags belong to tables, named by ARN; another account's table is not found. TagResource and
 * ListTagsOfResource name the ARN when it is not found, UntagResource does not (`notFound`).
 */
function tableOfArn(ctx: DynamoContext, arn: string, notFound = () => errors.ResourceNotFoundMessage({ message: `Requested resource not found: ResourcArn: ${arn} not found` })): TableMeta {
  const { account, name } = parseTableArn(ctx, arn);
  const meta = account === ctx.account ? ctx.store.getTable(ctx, name) : undefined;
  if (meta === undefined) throw notFound();
  // A restore still making the table: its tags are not found yet, in the words of a missing table (DDB-TABLE-217).
  if (restoring(meta)) throw errors.TableNotFound({ name });
  return meta;
}

/**
 * The tags CreateTable or TagResource is given, as DynamoDB checks them: each key and value, then
 * keys that AWS reserves ("aws:") or that the request repeats.
 */
export function checkTags(tags: readonly { Key: string; Value: string }[]): void {
  for (const { Key: key, Value: value } of tags) {
    if (!tagKeyLengthValid(key) || !TAG_CHARACTERS.test(key)) throw invalidKey(key);
    if ([...value].length > MAX_VALUE_CHARACTERS || !TAG_CHARACTERS.test(value)) throw validationException(`The Tag Value provided is invalid, Value: ${value}`);
  }
  const seen = new Set<string>();
  for (const { Key: key } of tags) {
    if (key.startsWith("aws:")) throw validationException(`Tag Key cannot be prefixed with aws:, Key: ${key}`);
    if (seen.has(key)) throw validationException(`Duplicate Tag Keys provided as input: Duplicate Tag Key found ${key}`);
    seen.add(key);
  }
}

/** A table holds at most 50 tags; more is a ValidationException, not a LimitExceededException. */
export function checkTagCount(count: number): void {
  if (count > MAX_TAGS) throw validationException("Number of Tags exceed the current limit for the provided ResourceArn");
}

export function tagResource(input: TagResourceInput, ctx: DynamoContext): TagResourceOutput {
  checkTags(input.Tags);
  // An empty list is refused after the ARN's form is checked and before the table is looked up.
  parseTableArn(ctx, input.ResourceArn);
  if (input.Tags.length === 0) throw validationException("Atleast one Tag needs to be provided as Input.");
  ctx.store.transaction(() => {
    const meta = tableOfArn(ctx, input.ResourceArn);
    const existing = new Set(ctx.store.tags(ctx, meta.name).map((t) => t.Key));
    for (const tag of input.Tags) existing.add(tag.Key);
    checkTagCount(existing.size);
    for (const tag of input.Tags) ctx.store.putTag(ctx, meta.name, tag.Key, tag.Value);
  });
  return {};
}

export function untagResource(input: UntagResourceInput, ctx: DynamoContext): UntagResourceOutput {
  parseTableArn(ctx, input.ResourceArn);
  if (input.TagKeys.length === 0) throw validationException("Atleast one Tag Key needs to be provided as Input.");
  // A key's length is checked as TagResource checks it (an empty one too), and more keys than a
  // table can hold are refused though they only remove (DDB-TABLE-107). Its characters are not:
  // what AWS answers to a key TagResource could not have set is not recorded.
  const badKey = input.TagKeys.find((key) => !tagKeyLengthValid(key));
  if (badKey !== undefined) throw invalidKey(badKey);
  checkTagCount(input.TagKeys.length);
  ctx.store.transaction(() => {
    const meta = tableOfArn(ctx, input.ResourceArn, () => errors.ResourceNotFound());
    for (const key of input.TagKeys) ctx.store.deleteTag(ctx, meta.name, key);
  });
  return {};
}

export function listTagsOfResource(input: ListTagsOfResourceInput, ctx: DynamoContext): ListTagsOfResourceOutput {
  const meta = tableOfArn(ctx, input.ResourceArn);
  return { Tags: ctx.store.tags(ctx, meta.name) };
}
