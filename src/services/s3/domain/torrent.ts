/**
 * The .torrent S3 generates for an object (GetObjectTorrent): BitTorrent v1 metainfo (BEP 3)
 * for one file, shaped like the torrents S3 handed out. A decoded S3 torrent (fog's test
 * fixture, key fog.png in bucket geemus) reads
 *   { announce, announce-list: [[announce]],
 *     info: { length, name, piece length: 262144, pieces, x-amz-bucket, x-amz-key } }
 * with no creation date. Nimbus adds one thing S3 did not: a web seed (BEP 19 `url-list`)
 * naming the object's URL on this Nimbus, because Nimbus runs no BitTorrent peer of its own
 * (S3 seeded the swarm itself); with it a client fetches the pieces from Nimbus over HTTP.
 */
import { createHash, type Hash } from "node:crypto";
import { encodeBencode } from "./bencode.js";

/** The piece length of S3's torrents, 256 KiB. */
export const TORRENT_PIECE_LENGTH = 262_144;

/**
 * The tracker S3's torrents announce to. The only values seen in S3-generated torrents:
 * http://tracker.amazonaws.com:6969/announce (US Standard, in torrents from 2007-2010) and
 * http://s3-tracker.<region>.amazonaws.com:6969/announce (eu-west-1, ap-southeast-1).
 */
export function torrentTracker(region: string): string {
  return region === "us-east-1" ? "http://tracker.amazonaws.com:6969/announce" : `http://s3-tracker.${region}.amazonaws.com:6969/announce`;
}

/**
 * The SHA-1 of every `pieceLength` bytes of the body, the last piece possibly shorter,
 * concatenated (BEP 3 `pieces`). Reads the body as it streams, holding one chunk at a time,
 * so a multi-GiB object costs 20 bytes per piece, never its size. An empty body has no pieces.
 */
export async function pieceHashes(body: AsyncIterable<Uint8Array> | Uint8Array, pieceLength = TORRENT_PIECE_LENGTH): Promise<Buffer> {
  const digests: Buffer[] = [];
  let piece: Hash | undefined;
  let filled = 0;
  const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = body instanceof Uint8Array ? [body] : body;
  for await (const chunk of chunks) {
    let at = 0;
    while (at < chunk.length) {
      piece ??= createHash("sha1");
      const take = Math.min(pieceLength - filled, chunk.length - at);
      piece.update(chunk.subarray(at, at + take));
      at += take;
      filled += take;
      if (filled === pieceLength) {
        digests.push(piece.digest());
        piece = undefined;
        filled = 0;
      }
    }
  }
  if (piece !== undefined) digests.push(piece.digest());
  return Buffer.concat(digests);
}

export interface TorrentObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** From pieceHashes over the object's bytes. */
  readonly pieces: Uint8Array;
  /** The tracker to announce to (torrentTracker). */
  readonly announce: string;
  /** Where a client can GET the object itself (the web seed). */
  readonly url: string;
}

/**
 * The file name a client saves the object under: the key's last path segment, since a name
 * with "/" is no file name (a key ending in "/" falls back to the segment before it).
 */
export function torrentName(key: string): string {
  return key.split("/").filter((segment) => segment !== "").pop() ?? key;
}

/** The bencoded metainfo (the response body). */
export function torrentFile(object: TorrentObject): Buffer {
  return encodeBencode({
    announce: object.announce,
    "announce-list": [[object.announce]],
    info: {
      length: object.size,
      name: torrentName(object.key),
      "piece length": TORRENT_PIECE_LENGTH,
      pieces: object.pieces,
      "x-amz-bucket": object.bucket,
      "x-amz-key": object.key,
    },
    "url-list": [object.url],
  });
}

/** RFC 7230 token characters: a file name made only of these goes into the header as it is. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The response's Content-Disposition. S3's documented sample answers
 * `attachment; filename=Nelson.torrent;` for the key Nelson; a name that is no HTTP token
 * (spaces, quotes, non-ASCII) cannot go into a header like that, so it is sent as an
 * RFC 6266 `filename*` in UTF-8 instead.
 */
export function torrentDisposition(key: string): string {
  const file = `${torrentName(key)}.torrent`;
  if (TOKEN.test(file)) return `attachment; filename=${file};`;
  const encoded = encodeURIComponent(file).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename*=UTF-8''${encoded}`;
}
