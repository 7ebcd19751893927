import type {
  DeleteObjectTaggingInput,
  DeleteObjectTaggingOutput,
  GetObjectTaggingInput,
  GetObjectTaggingOutput,
  PutObjectTaggingInput,
  PutObjectTaggingOutput,
} from "../../../generated/s3.js";
import type { S3Context } from "../index.js";
import { emitTieringEvents, settleVersion } from "../intelligent-tiering.js";
import { emitObjectEvent } from "../notify.js";
import { noSuchKey } from "../errors.js";
import { MAX_OBJECT_TAGS, readableVersion, readVersionId, requireBucket, validateTags } from "../objects.js";
import type { Tag } from "../store.js";

export function putObjectTagging(input: PutObjectTaggingInput, ctx: S3Context): PutObjectTaggingOutput {
  const tags: Tag[] = (input.Tagging.TagSet ?? []).map((t) => ({ Key: t.Key, Value: t.Value }));
  validateTags(tags, MAX_OBJECT_TAGS);
  return ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "PUT");
    // A tag filter may have moved it to an archive tier, where it stays whatever its tags become.
    emitTieringEvents(ctx, bucket, settleVersion(ctx.store, row, ctx.clock.now()));
    ctx.store.setObjectTags(row.seq, JSON.stringify(tags));
    // AWS's ObjectTagging events name the object by key, eTag and version, without its size.
    emitObjectEvent(ctx, bucket, "s3:ObjectTagging:Put", { key: row.key, eTag: row.etag, versionId: row.version_id });
    return readVersionId(bucket, row);
  });
}

export function getObjectTagging(input: GetObjectTaggingInput, ctx: S3Context): GetObjectTaggingOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  // A key with no version at all is named bucket/key in this NoSuchKey, unlike in Put- and
  // DeleteObjectTagging's (LocalStack's AWS-validated test_object_tagging_exc: get-no-key-tags).
  if (input.VersionId === undefined && !ctx.store.latest(bucket.name, input.Key)) throw noSuchKey(`${bucket.name}/${input.Key}`);
  const row = readableVersion(ctx, bucket, input.Key, input.VersionId);
  return { ...{}, ...readVersionId(bucket, row), TagSet: JSON.parse(row.tags) as Tag[] };
}

export function deleteObjectTagging(input: DeleteObjectTaggingInput, ctx: S3Context): DeleteObjectTaggingOutput {
  return ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "DELETE");
    emitTieringEvents(ctx, bucket, settleVersion(ctx.store, row, ctx.clock.now()));
    ctx.store.setObjectTags(row.seq, "[]");
    emitObjectEvent(ctx, bucket, "s3:ObjectTagging:Delete", { key: row.key, eTag: row.etag, versionId: row.version_id });
    return readVersionId(bucket, row);
  });
}
