import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { decodeBencode } from "./bencode.js";
import { pieceHashes, TORRENT_PIECE_LENGTH, torrentDisposition, torrentFile, torrentName, torrentTracker } from "./torrent.js";

const SHA1_ABC = "a9993e364706816aba3e25717850c26c9cd0d89d";
const SHA1_AB = "da23614e02469a0d7c7bd1bdab5c9c474b1904dc";

async function* chunked(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    yield bytes.subarray(at, at + size);
    at += size;
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

describe("torrent pieces", () => {
  test("each piece is the SHA-1 of its bytes, wherever the chunks happen to split", async () => {
    const body = Buffer.from("abcabcab");
    const expected = SHA1_ABC + SHA1_ABC + SHA1_AB;
    assert.equal((await pieceHashes(body, 3)).toString("hex"), expected);
    assert.equal((await pieceHashes(chunked(body, [1, 1, 1, 1, 1, 1, 1, 1]), 3)).toString("hex"), expected);
    assert.equal((await pieceHashes(chunked(body, [5, 0, 2]), 3)).toString("hex"), expected);
    assert.equal((await pieceHashes(chunked(body, [3, 3]), 3)).toString("hex"), expected);
  });

  test("a body that fills its last piece exactly has no empty piece after it; an empty body has none at all", async () => {
    assert.equal((await pieceHashes(Buffer.from("abcabc"), 3)).toString("hex"), SHA1_ABC + SHA1_ABC);
    assert.equal((await pieceHashes(Buffer.alloc(0))).length, 0);
    assert.equal((await pieceHashes(chunked(Buffer.alloc(0), []))).length, 0);
  });

  test("S3's 256 KiB pieces over a 600 KiB stream: two full pieces and an 88 KiB one", async () => {
    assert.equal(TORRENT_PIECE_LENGTH, 262_144);
    const body = randomBytes(600 * 1024);
    const pieces = await pieceHashes(Readable.from(chunked(body, [65_536, 300_000, 1])));
    const sha1 = (from: number, to: number) => createHash("sha1").update(body.subarray(from, to)).digest("hex");
    assert.equal(pieces.toString("hex"), sha1(0, 262_144) + sha1(262_144, 524_288) + sha1(524_288, 614_400));
  });
});

describe("torrent file", () => {
  test("the metainfo S3 answers, byte for byte, plus Nimbus's web seed", () => {
    const pieces = Buffer.from(SHA1_ABC, "hex");
    const file = torrentFile({ bucket: "b", key: "dir/a.txt", size: 3, pieces, announce: "http://t/announce", url: "http://h/b/dir/a.txt" });
    const expected = Buffer.concat([
      Buffer.from("d8:announce17:http://t/announce13:announce-listll17:http://t/announceee"),
      Buffer.from("4:infod6:lengthi3e4:name5:a.txt12:piece lengthi262144e6:pieces20:"),
      pieces,
      Buffer.from("12:x-amz-bucket1:b9:x-amz-key9:dir/a.txte"),
      Buffer.from("8:url-listl20:http://h/b/dir/a.txtee"),
    ]);
    assert.deepEqual(file, expected);
    assert.deepEqual(decodeBencode(file), {
      announce: Buffer.from("http://t/announce"),
      "announce-list": [[Buffer.from("http://t/announce")]],
      info: { length: 3, name: Buffer.from("a.txt"), "piece length": 262_144, pieces, "x-amz-bucket": Buffer.from("b"), "x-amz-key": Buffer.from("dir/a.txt") },
      "url-list": [Buffer.from("http://h/b/dir/a.txt")],
    });
  });

  test("the name is the key's last segment", () => {
    assert.equal(torrentName("Nelson"), "Nelson");
    assert.equal(torrentName("docs/2026/readme.txt"), "readme.txt");
    assert.equal(torrentName("photos/"), "photos");
    assert.equal(torrentName("/"), "/");
  });

  test("Content-Disposition as in S3's sample, and RFC 6266 for names that are no HTTP token", () => {
    assert.equal(torrentDisposition("quotes/Nelson"), "attachment; filename=Nelson.torrent;");
    assert.equal(torrentDisposition("it's"), "attachment; filename=it's.torrent;");
    assert.equal(torrentDisposition("docs/fïle (1).txt"), "attachment; filename*=UTF-8''f%C3%AFle%20%281%29.txt.torrent");
  });

  test("the tracker of the bucket's region", () => {
    assert.equal(torrentTracker("us-east-1"), "http://tracker.amazonaws.com:6969/announce");
    assert.equal(torrentTracker("eu-west-1"), "http://s3-tracker.eu-west-1.amazonaws.com:6969/announce");
  });
});
