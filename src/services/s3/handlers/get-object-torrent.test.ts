import { test } from "node:test";
import assert from "node:assert/strict";
import type { ObjectRow } from "../store.js";
import { checkTorrentable, MAX_TORRENT_OBJECT_BYTES } from "./get-object-torrent.js";

// Only the members checkTorrentable reads; a 5 GiB object is too big to upload in a test.
const row = (size: number, encryption: string | null) => ({ size, encryption }) as ObjectRow;

test("torrents only for objects under 5 GiB and not encrypted with a customer key", () => {
  assert.equal(MAX_TORRENT_OBJECT_BYTES, 5_368_709_120);
  assert.doesNotThrow(() => checkTorrentable(row(MAX_TORRENT_OBJECT_BYTES - 1, null)));
  assert.doesNotThrow(() => checkTorrentable(row(0, JSON.stringify({ sse: "aws:kms", kmsKeyId: "alias/aws/s3" }))));
  assert.throws(() => checkTorrentable(row(MAX_TORRENT_OBJECT_BYTES, null)), {
    name: "AwsError",
    code: "InvalidRequest",
    status: 400,
    message: "You can get torrent only for objects that are less than 5 GB in size.",
  });
  assert.throws(() => checkTorrentable(row(10, JSON.stringify({ customerKeyMd5: "bWQ1" }))), {
    name: "AwsError",
    code: "InvalidRequest",
    status: 400,
    message: "Torrents are not supported for objects encrypted using SSE-C.",
  });
});
