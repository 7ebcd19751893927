// The ceiling: a bare node:http server answering every request with a fixed 200 and a small
// XML body, the fastest any request/response operation can go through Node on this machine.
// Run as its own process: node ceiling-server.js <port> <body bytes>. No imports beyond
// node:http, so nothing but HTTP itself is measured. It reads the request body before
// answering, as any real server must.
import { createServer } from "node:http";

const port = Number(process.argv[2]);
const size = Number(process.argv[3] ?? "391");
const head = '<?xml version="1.0" encoding="UTF-8"?><CeilingResponse>';
const tail = "</CeilingResponse>";
const body = Buffer.from(head + "x".repeat(Math.max(0, size - head.length - tail.length)) + tail);
// Same header set as an AWS query answer: type, request id, length (Node adds Date and Keep-Alive).
const headers = { "content-type": "text/xml", "x-amzn-requestid": "00000000-0000-4000-8000-000000000000", "content-length": String(body.length) };
createServer((req, res) => req.resume().on("end", () => res.writeHead(200, headers).end(body))).listen(port, "127.0.0.1");
