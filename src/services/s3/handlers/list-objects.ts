import type {
  ListObjectsInput,
  ListObjectsOutput,
  ListObjectsV2Input,
  ListObjectsV2Output,
  ListObjectVersionsInput,
  ListObjectVersionsOutput,
} from "../../../generated/s3.js";
import { listObjectsV1, listObjectsV2 as listV2, listObjectVersions as listVersions, type ListedEntry } from "../domain/listing.js";
import { ELEMENT_ORDER, type ElementOrdered } from "../../../protocol/xml.js";
import { accountOwner, objectOwners } from "../access.js";
import type { S3Context } from "../index.js";
import { requireBucket } from "../objects.js";
import { mayHaveRestore, restoreStatus } from "../restore.js";
import type { BucketRow, CurrentEntry, ObjectEntry, ObjectRow } from "../store.js";

type Content = NonNullable<ListObjectsV2Output["Contents"]>[number];

/** A listed version's checksum: its algorithm (a list, in the model) and type. */
function checksumOfListed(entry: CurrentEntry): { ChecksumAlgorithm?: string[]; ChecksumType?: string } {
  if (entry.checksum_algorithm === null) return {};
  return { ChecksumAlgorithm: [entry.checksum_algorithm], ...(entry.checksum_type !== null ? { ChecksumType: entry.checksum_type } : {}) };
}

type RestoreStatusOf = (entry: CurrentEntry | ObjectEntry) => { RestoreStatus?: NonNullable<Content["RestoreStatus"]> };

/**
 * RestoreStatus, when the request asks for it (OptionalObjectAttributes, the
 * x-amz-optional-object-attributes header): the version's row is read only for the classes a
 * restore applies to, so a listing of other objects costs nothing more.
 */
function restoreStatuses(ctx: S3Context, bucket: BucketRow, attributes: readonly string[] | undefined): RestoreStatusOf {
  if (!attributes?.includes("RestoreStatus")) return () => ({});
  const now = ctx.clock.now();
  return (entry) => {
    if (!mayHaveRestore(entry.storage_class)) return {};
    const row: ObjectRow | undefined = "version_id" in entry ? ctx.store.version(bucket.name, entry.key, entry.version_id) : ctx.store.latest(bucket.name, entry.key);
    const status = row ? restoreStatus(row, now) : undefined;
    return status ? { RestoreStatus: status } : {};
  };
}

/**
 * `ownerOf` is the bucket's objectOwners, or undefined when the listing shows no owner. With
 * BucketOwnerEnforced every object is the bucket owner's, whoever uploaded it ("Controlling
 * ownership of objects", S3 User Guide), and listings say so.
 */
function content({ entry, key }: ListedEntry<CurrentEntry>, ownerOf: ((row: CurrentEntry) => string) | undefined, restoreOf: RestoreStatusOf): Content {
  return {
    Key: key,
    LastModified: new Date(entry.last_modified),
    ETag: entry.etag,
    ...checksumOfListed(entry),
    Size: entry.size,
    StorageClass: entry.storage_class,
    ...(ownerOf !== undefined ? { Owner: accountOwner(ownerOf(entry)) } : {}),
    ...restoreOf(entry),
  };
}

export function listObjectsV2(input: ListObjectsV2Input, ctx: S3Context): ListObjectsV2Output {
  const bucket = requireBucket(ctx, input.Bucket);
  const page = listV2(ctx.store.currentScan(bucket.name), {
    prefix: input.Prefix,
    delimiter: input.Delimiter,
    maxKeys: input.MaxKeys,
    startAfter: input.StartAfter,
    continuationToken: input.ContinuationToken,
    encodingType: input.EncodingType,
  });
  const owners = input.FetchOwner === true ? objectOwners(ctx, bucket) : undefined;
  const restores = restoreStatuses(ctx, bucket, input.OptionalObjectAttributes);
  return {
    IsTruncated: page.isTruncated,
    ...(page.contents.length ? { Contents: page.contents.map((c) => content(c, owners, restores)) } : {}),
    Name: bucket.name,
    Prefix: page.prefix,
    ...(page.delimiter !== undefined ? { Delimiter: page.delimiter } : {}),
    MaxKeys: page.maxKeys,
    ...(page.commonPrefixes.length ? { CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: p })) } : {}),
    ...(page.encodingType ? { EncodingType: page.encodingType } : {}),
    KeyCount: page.keyCount,
    ...(page.continuationToken !== undefined ? { ContinuationToken: page.continuationToken } : {}),
    ...(page.nextContinuationToken !== undefined ? { NextContinuationToken: page.nextContinuationToken } : {}),
    ...(page.startAfter !== undefined ? { StartAfter: page.startAfter } : {}),
  };
}

export function listObjects(input: ListObjectsInput, ctx: S3Context): ListObjectsOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const page = listObjectsV1(ctx.store.currentScan(bucket.name), {
    prefix: input.Prefix,
    delimiter: input.Delimiter,
    maxKeys: input.MaxKeys,
    marker: input.Marker,
    encodingType: input.EncodingType,
  });
  const owners = objectOwners(ctx, bucket);
  const restores = restoreStatuses(ctx, bucket, input.OptionalObjectAttributes);
  return {
    IsTruncated: page.isTruncated,
    Marker: page.marker,
    ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
    // ListObjects (V1) always includes the owner.
    ...(page.contents.length ? { Contents: page.contents.map((c) => content(c, owners, restores)) } : {}),
    Name: bucket.name,
    Prefix: page.prefix,
    ...(page.delimiter !== undefined ? { Delimiter: page.delimiter } : {}),
    MaxKeys: page.maxKeys,
    ...(page.commonPrefixes.length ? { CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: p })) } : {}),
    ...(page.encodingType ? { EncodingType: page.encodingType } : {}),
  };
}

export function listObjectVersions(input: ListObjectVersionsInput, ctx: S3Context): ListObjectVersionsOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  // Only for a marker version that is gone: a "null" version's place is its LastModified second, so
  // one written after a stamped marker in that second would pass for older and be listed again.
  const { KeyMarker: keyMarker, VersionIdMarker: versionIdMarker } = input;
  const gone = keyMarker && versionIdMarker && !ctx.store.version(bucket.name, keyMarker, versionIdMarker);
  const marker = gone ? ctx.store.versionsOlderThan(bucket.name, keyMarker, versionIdMarker) : undefined;
  const page = listVersions(ctx.store.versionScan(bucket.name), {
    prefix: input.Prefix,
    delimiter: input.Delimiter,
    maxKeys: input.MaxKeys,
    keyMarker: input.KeyMarker,
    versionIdMarker: input.VersionIdMarker,
    encodingType: input.EncodingType,
    ...(marker !== undefined ? { olderThanMarker: marker } : {}),
  });
  const versions: NonNullable<ListObjectVersionsOutput["Versions"]> = [];
  const markers: NonNullable<ListObjectVersionsOutput["DeleteMarkers"]> = [];
  // S3 writes Version and DeleteMarker elements mixed, in listing order (the API reference's
  // sample: my-image.jpg's Version, then my-second-image.jpg's DeleteMarker, then its older
  // Version); minio-go reads them in document order and takes the first as the newest.
  const order: string[] = [];
  const owners = objectOwners(ctx, bucket);
  const restores = restoreStatuses(ctx, bucket, input.OptionalObjectAttributes);
  for (const { entry, key } of page.versions) {
    // A delete marker too: under BucketOwnerEnforced it is the bucket owner's like every version.
    const owner = accountOwner(owners(entry));
    const common = { Key: key, VersionId: entry.version_id, IsLatest: entry.is_latest === 1, LastModified: new Date(entry.last_modified), Owner: owner };
    order.push(entry.delete_marker ? "DeleteMarkers" : "Versions");
    if (entry.delete_marker) markers.push(common);
    else
      versions.push({
        ...{}, ...common,
        ETag: entry.etag,
        Size: entry.size,
        StorageClass: entry.storage_class,
        ...checksumOfListed(entry),
        ...restores(entry),
      });
  }
  const output: ListObjectVersionsOutput & ElementOrdered = {
    IsTruncated: page.isTruncated,
    KeyMarker: page.keyMarker,
    VersionIdMarker: page.versionIdMarker,
    ...(page.nextKeyMarker !== undefined ? { NextKeyMarker: page.nextKeyMarker } : {}),
    ...(page.nextVersionIdMarker !== undefined ? { NextVersionIdMarker: page.nextVersionIdMarker } : {}),
    ...(versions.length ? { Versions: versions } : {}),
    ...(markers.length ? { DeleteMarkers: markers } : {}),
    Name: bucket.name,
    Prefix: page.prefix,
    ...(page.delimiter !== undefined ? { Delimiter: page.delimiter } : {}),
    MaxKeys: page.maxKeys,
    ...(page.commonPrefixes.length ? { CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: p })) } : {}),
    ...(page.encodingType ? { EncodingType: page.encodingType } : {}),
    [ELEMENT_ORDER]: order,
  };
  return output;
}
