import type { GetObjectTorrentInput, GetObjectTorrentOutput } from "../../../generated/s3.js";
import { pieceHashes, torrentDisposition, torrentFile, torrentTracker } from "../domain/torrent.js";
import { parseEncryption } from "../encryption.js";
import { errors } from "../errors.js";
import type { S3Context } from "../index.js";
import { bucketUrl, objectUrl, readableVersion, requireBucket } from "../objects.js";
import { assertReadable } from "../restore.js";
import type { ObjectRow } from "../store.js";

/** "You can get torrent only for objects that are less than 5 GB in size" (S3's GB are GiB, as for PutObject's 5 GB). */
export const MAX_TORRENT_OBJECT_BYTES = 5 * 1024 ** 3;

/** The two kinds of object S3 makes no torrent for. */
export function checkTorrentable(row: ObjectRow): void {
  if (parseEncryption(row.encryption).customerKeyMd5 !== undefined) throw errors.TorrentOfSseCObject();
  if (row.size >= MAX_TORRENT_OBJECT_BYTES) throw errors.TorrentTooLarge();
}

/**
 * The headers of S3's documented sample response, which the model does not carry
 * (protocol/model-patches.ts declares them on the output).
 */
type GetObjectTorrentResponse = GetObjectTorrentOutput & { readonly ContentType: string; readonly ContentDisposition: string };

/**
 * Generates the .torrent of the object's current version (the operation takes no versionId)
 * by hashing its bytes as they stream from the blob store. x-amz-request-charged is never answered: only the bucket owner's account reaches an
 * object here (requireBucket), and owners are not charged as requesters.
 */
export async function getObjectTorrent(input: GetObjectTorrentInput, ctx: S3Context): Promise<GetObjectTorrentResponse> {
  const bucket = requireBucket(ctx, input.Bucket);
  const row = readableVersion(ctx, bucket, input.Key, undefined);
  checkTorrentable(row);
  // The torrent is made from the bytes, which an archived object does not have until restored.
  assertReadable(ctx.store, row, ctx.clock.now());
  const pieces = row.blob_id === null || row.size === 0 ? Buffer.alloc(0) : await pieceHashes(ctx.store.blobs.get(row.blob_id));
  const body = torrentFile({
    bucket: bucket.name,
    key: row.key,
    size: row.size,
    pieces,
    announce: torrentTracker(bucket.region),
    url: objectUrl(bucketUrl(ctx, bucket.name), row.key),
  });
  return { Body: body, ContentType: "application/x-bittorrent", ContentDisposition: torrentDisposition(row.key) };
}
