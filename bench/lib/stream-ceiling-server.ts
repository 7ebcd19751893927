// The ceiling for large objects: a bare node:http server that does what any S3 must do with a
// body and nothing else. PUT streams the body through MD5 (the ETag) into a file; GET streams
// that file back (1 MiB reads, as Nimbus's blob store reads). Run as its own process:
// node stream-ceiling-server.js <port> <directory>. No imports beyond node's own modules.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";

const port = Number(process.argv[2]);
const dir = process.argv[3] ?? ".";
const file = (url: string | undefined): string => join(dir, encodeURIComponent(url ?? "/"));

createServer((req, res) => {
  const path = file(req.url);
  if (req.method === "PUT") {
    const md5 = createHash("md5");
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        callback(null, chunk);
      },
    });
    pipeline(req, hashing, createWriteStream(path, { highWaterMark: 8 * 1024 * 1024 })).then(
      () => res.writeHead(200, { etag: `"${md5.digest("hex")}"`, "content-length": "0" }).end(),
      () => res.writeHead(500).end(),
    );
    return;
  }
  req.resume();
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    res.writeHead(404, { "content-length": "0" }).end();
    return;
  }
  res.writeHead(200, { "content-length": String(size) });
  if (req.method === "HEAD") return void res.end();
  createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(res);
}).listen(port, "127.0.0.1");
