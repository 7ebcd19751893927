import { authorize, bypassesGovernance, s3Action } from "../authorization.js";
import type { DeleteObjectInput, DeleteObjectOutput, DeleteObjectsInput, DeleteObjectsOutput } from "../../../generated/s3.js";
import { AwsError } from "../../../core/errors.js";
import { evaluateDeleteCondition } from "../domain/conditions.js";
import { noSuchVersion, s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import { emitObjectEvent } from "../notify.js";
import { markPending } from "../replication.js";
import { VERSION_ID, versionStamp } from "../domain/version-ids.js";
import { requireBucket, validateVersionId } from "../objects.js";
import { assertDeletable, checkBypassApplicable } from "../object-lock.js";
import { checkVersionDeleteMfa } from "../mfa-delete.js";
import { batchDeleteLog } from "../access-log.js";
import type { BucketRow } from "../store.js";

/** "You can delete up to 1000 objects in a single DeleteObjects request." */
export const MAX_DELETE_OBJECTS = 1000;

/**
 * Deletes one key, as the bucket's versioning says, inside the caller's transaction.
 * Without a version id: unversioned buckets remove the object, versioned buckets add a delete
 * marker (suspended ones as the "null" version). With one: that version goes for good.
 * Deleting what is not there succeeds (204), as S3 does. `ifMatch` makes the delete conditional
 * on the current version's ETag (DeleteObject's If-Match, DeleteObjects' per-object ETag).
 * `removed` is the size of the version removed for good, for the access log.
 */
function deleteOne(
  ctx: S3Context,
  bucket: BucketRow,
  key: string,
  versionId: string | undefined,
  bypassGovernance: boolean,
  ifMatch: string | undefined,
): { out: DeleteObjectOutput; removed?: number } {
  const { store } = ctx;
  if (ifMatch !== undefined) {
    const latest = store.latest(bucket.name, key);
    evaluateDeleteCondition(ifMatch, latest === undefined ? undefined : latest.delete_marker ? { deleteMarker: true } : { etag: latest.etag }, key, versionId);
  }
  if (versionId !== undefined) {
    validateVersionId(bucket, versionId);
    const row = store.version(bucket.name, key, versionId);
    if (!row) return { out: { VersionId: versionId } };
    assertDeletable(store, bucket, row, ctx.clock.now(), bypassGovernance);
    store.removeVersion(row);
    emitObjectEvent(ctx, bucket, "s3:ObjectRemoved:Delete", { key, versionId });
    return row.delete_marker ? { out: { VersionId: versionId, DeleteMarker: true } } : { out: { VersionId: versionId }, removed: row.size };
  }
  if (bucket.versioning === null) {
    const row = store.version(bucket.name, key, "null");
    if (row) store.removeVersion(row);
    // S3 announces the delete whether or not the key held an object: AWS sent an
    // ObjectRemoved:Delete for each of three keys of a DeleteObjects, two of which never
    // existed (LocalStack's AWS-validated test_delete_objects snapshot, receive_messages).
    emitObjectEvent(ctx, bucket, "s3:ObjectRemoved:Delete", { key });
    return row ? { out: {}, removed: row.size } : { out: {} };
  }
  const marker = store.putDeleteMarker(bucket, key, ctx.clock.now(), ctx.account);
  markPending(store, bucket, marker);
  emitObjectEvent(ctx, bucket, "s3:ObjectRemoved:DeleteMarkerCreated", { key, versionId: marker.version_id });
  return { out: { DeleteMarker: true, VersionId: marker.version_id } };
}

export function deleteObject(input: DeleteObjectInput, ctx: S3Context): DeleteObjectOutput {
  const target = requireBucket(ctx, input.Bucket);
  checkBypassApplicable(ctx.store, target.name, input.BypassGovernanceRetention);
  checkVersionDeleteMfa(target, input.VersionId !== undefined, input.MFA);
  return ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    return deleteOne(ctx, bucket, input.Key, input.VersionId, bypassesGovernance(ctx, bucket, input.Key, input.BypassGovernanceRetention), input.IfMatch).out;
  });
}

/**
 * DeleteObjects reports a version id that names no version of the key as a NoSuchVersion entry
 * (AWS, as recorded in LocalStack's test_delete_objects and test_delete_objects_versioned
 * snapshots), where DeleteObject answers 204. "null" always names one. A malformed id is missing
 * too, not DeleteObject's InvalidArgument: S3 answered <VersionId>abc</VersionId> with a
 * NoSuchVersion entry (raw DeleteResult in versity/versitygw#2119) and an empty <VersionId/>, which
 * minio-js's removeObjects sends for an entry without versionId, with "The specified version
 * does not exist." (brendanhay/amazonka#160). An id S3 issued, though for another key, names no
 * version of this one and is reported deleted, as DeleteObject answers 204 (AWS's answer recorded
 * in dyus/meeseeks-s3, tests/delete_objects/golden/TestDeleteObjectsEnabledWithVid.test_c2_delete_nonexistent_vid):
 * what S3 tells apart is an id it could have issued, which Nimbus's stamped ids are (version-ids.ts).
 */
function missingVersion(ctx: S3Context, bucket: BucketRow, key: string, versionId: string | undefined): boolean {
  if (versionId === undefined || versionId === "null") return false;
  if (!VERSION_ID.test(versionId)) return true;
  if (bucket.versioning !== null && versionStamp(versionId) !== undefined) return false;
  return ctx.store.version(bucket.name, key, versionId) === undefined;
}

export function deleteObjects(input: DeleteObjectsInput, ctx: S3Context): DeleteObjectsOutput {
  const target = requireBucket(ctx, input.Bucket);
  checkBypassApplicable(ctx.store, target.name, input.BypassGovernanceRetention);
  const objects = input.Delete.Objects ?? [];
  if (objects.length === 0 || objects.length > MAX_DELETE_OBJECTS) throw s3DomainErrors.MalformedXML();
  checkVersionDeleteMfa(target, objects.some((o) => o.VersionId !== undefined), input.MFA);
  const deleted: NonNullable<DeleteObjectsOutput["Deleted"]> = [];
  const failed: NonNullable<DeleteObjectsOutput["Errors"]> = [];
  const logged = batchDeleteLog(ctx, input.Bucket);
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    // An entry repeated (the same key, with the same version id or none) is deleted and reported
    // once: two bare entries make one delete marker (AWS's answers recorded in dyus/meeseeks-s3,
    // tests/delete_objects/golden: TestDeleteObjectsDedup, test_b3_same_key_twice_dedup_one_dm).
    const seen = new Set<string>();
    for (const object of objects) {
      const entry = JSON.stringify([object.Key, object.VersionId ?? null]);
      if (seen.has(entry)) continue;
      seen.add(entry);
      try {
        // Each key is authorized on its own: a refused one is an AccessDenied entry among the results.
        authorize(ctx, bucket, s3Action("DeleteObject", object), object.Key, object);
        if (missingVersion(ctx, bucket, object.Key, object.VersionId)) throw noSuchVersion(object.Key, object.VersionId as string);
        const { out, removed } = ctx.store.transaction(() => deleteOne(ctx, bucket, object.Key, object.VersionId, bypassesGovernance(ctx, bucket, object.Key, input.BypassGovernanceRetention), object.ETag));
        logged?.push({ key: object.Key, versionId: object.VersionId, objectSize: removed });
        deleted.push({
          Key: object.Key,
          ...(object.VersionId !== undefined ? { VersionId: object.VersionId } : {}),
          ...(out.DeleteMarker ? { DeleteMarker: true } : {}),
          ...(out.DeleteMarker && object.VersionId === undefined && out.VersionId !== undefined ? { DeleteMarkerVersionId: out.VersionId } : {}),
          ...(out.DeleteMarker && object.VersionId !== undefined ? { DeleteMarkerVersionId: object.VersionId } : {}),
        });
      } catch (err) {
        if (!(err instanceof AwsError)) throw err;
        failed.push({ Key: object.Key, ...(object.VersionId !== undefined ? { VersionId: object.VersionId } : {}), Code: err.code, Message: err.message });
      }
    }
  });
  if (logged !== undefined && logged.length > 0) ctx.store.noteBatchDeletes(ctx.requestId, logged);
  // Quiet mode reports only the failures.
  return { ...{}, ...(input.Delete.Quiet ? {} : { Deleted: deleted }), ...(failed.length ? { Errors: failed } : {}) };
}
