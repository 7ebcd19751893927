import type { GetObjectAttributesInput, GetObjectAttributesOutput } from "../../../generated/s3.js";
import { normalizeETag } from "../domain/checksums.js";
import { invalidArgument } from "../errors.js";
import type { S3Context } from "../index.js";
import { checksumMembers, readableVersion, requireBucket } from "../objects.js";

const ATTRIBUTES = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];

export function getObjectAttributes(input: GetObjectAttributesInput, ctx: S3Context): GetObjectAttributesOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const wanted = new Set(input.ObjectAttributes.flatMap((a) => a.split(",")).map((a) => a.trim()).filter((a) => a !== ""));
  for (const attribute of wanted) {
    if (!ATTRIBUTES.includes(attribute)) throw invalidArgument("Invalid attribute name specified.", "x-amz-object-attributes", attribute);
  }
  if (wanted.size === 0) throw invalidArgument("Invalid attribute name specified.", "x-amz-object-attributes", "");
  const row = readableVersion(ctx, bucket, input.Key, input.VersionId);
  const checksum = checksumMembers(row.checksum_algorithm, row.checksum_value, row.checksum_type);
  return {
    LastModified: new Date(row.last_modified),
    ...(bucket.versioning !== null ? { VersionId: row.version_id } : {}),
    // Unlike every other operation, GetObjectAttributes answers the ETag without quotes.
    ...(wanted.has("ETag") ? { ETag: normalizeETag(row.etag) } : {}),
    ...(wanted.has("Checksum") && Object.keys(checksum).length ? { Checksum: checksum } : {}),
    ...(wanted.has("ObjectParts") && row.parts_count !== null ? { ObjectParts: { TotalPartsCount: row.parts_count } } : {}),
    ...(wanted.has("StorageClass") ? { StorageClass: row.storage_class } : {}),
    ...(wanted.has("ObjectSize") ? { ObjectSize: row.size } : {}),
  };
}
