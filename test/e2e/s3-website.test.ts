/**
 * S3 static website hosting on the website endpoint: the bucket is configured and filled with
 * the v3 SDK; pages are fetched as a browser would, with plain HTTP to
 * `<bucket>.s3-website.<region>.localhost.localstack.cloud:<port>` (and the dashed spelling).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  S3Client,
  type WebsiteConfiguration,
} from "@aws-sdk/client-s3";
import { uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

describe("S3 static website endpoint", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  function host(bucket: string, dashed = false): string {
    return dashed ? `${bucket}.s3-website-us-east-1.localhost.localstack.cloud:${nimbus.port}` : `${bucket}.s3-website.us-east-1.localhost.localstack.cloud:${nimbus.port}`;
  }

  function get(bucket: string, path: string, options: { method?: string; headers?: Record<string, string>; dashed?: boolean } = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port: nimbus.port, method: options.method ?? "GET", path, headers: { host: host(bucket, options.dashed), ...options.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  async function site(config: WebsiteConfiguration | undefined, objects: Record<string, string | { body: string; type?: string; redirect?: string }> = {}): Promise<string> {
    const bucket = uniqueName("site");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [key, value] of Object.entries(objects)) {
      const o = typeof value === "string" ? { body: value, type: "text/html" } : value;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: o.body, ContentType: o.type ?? "text/html", ...(o.redirect ? { WebsiteRedirectLocation: o.redirect } : {}) }));
    }
    if (config) await s3.send(new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: config }));
    return bucket;
  }

  function errorItems(body: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [, name, value] of body.matchAll(/<li>([^:<]+): ([^<]*)<\/li>/g)) if (name && value !== undefined && !(name in out)) out[name] = value;
    return out;
  }

  test("index documents for / and dir/, objects by key, HEAD without a body, both host spellings", async () => {
    const bucket = await site({ IndexDocument: { Suffix: "index.html" } }, {
      "index.html": "<h1>home</h1>",
      "docs/index.html": "<h1>docs</h1>",
      "style.css": { body: "body{}", type: "text/css" },
    });
    const home = await get(bucket, "/");
    assert.equal(home.status, 200);
    assert.equal(home.body, "<h1>home</h1>");
    assert.equal(home.headers["content-type"], "text/html");
    assert.match(String(home.headers["etag"]), /^"[0-9a-f]{32}"$/);
    assert.equal((await get(bucket, "/docs/")).body, "<h1>docs</h1>");
    const css = await get(bucket, "/style.css", { dashed: true });
    assert.equal(css.status, 200);
    assert.equal(css.headers["content-type"], "text/css");
    assert.equal(css.body, "body{}");
    const head = await get(bucket, "/style.css", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], "6");
    assert.equal(head.body, "");
    // A folder asked for without its slash: S3 sends the browser to the folder.
    const folder = await get(bucket, "/docs");
    assert.equal(folder.status, 302);
    assert.equal(folder.headers["location"], "/docs/");
    // Conditional and ranged reads, as on the REST endpoint.
    assert.equal((await get(bucket, "/style.css", { headers: { "if-none-match": String(css.headers["etag"]) } })).status, 304);
    const ranged = await get(bucket, "/style.css", { headers: { range: "bytes=0-3" } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.body, "body");
  });

  test("a raw + in the path is a space, as on the REST endpoint; %2B is a plus", async () => {
    // A site's `+layout.css` asked for by a browser as `/+layout.css` is not found on S3 (sveltejs/kit#6451).
    const bucket = await site({ IndexDocument: { Suffix: "index.html" } }, { "+layout.css": "plus", " layout.css": "space" });
    assert.equal((await get(bucket, "/+layout.css")).body, "space");
    assert.equal((await get(bucket, "/%2Blayout.css")).body, "plus");
  });

  test("a missing key answers S3's 404 page, or the bucket's error document with status 404", async () => {
    const plain = await site({ IndexDocument: { Suffix: "index.html" } }, { "index.html": "home" });
    const missing = await get(plain, "/nope.html");
    assert.equal(missing.status, 404);
    assert.equal(missing.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(missing.headers["x-amz-error-code"], "NoSuchKey");
    assert.equal(missing.headers["x-amz-error-message"], "The specified key does not exist.");
    assert.equal(missing.headers["x-amz-error-detail-key"], "nope.html");
    assert.match(missing.body, /^<html>\n<head><title>404 Not Found<\/title><\/head>\n<body>\n<h1>404 Not Found<\/h1>\n<ul>\n/);
    assert.deepEqual({ ...errorItems(missing.body), RequestId: undefined, HostId: undefined }, { Code: "NoSuchKey", Message: "The specified key does not exist.", Key: "nope.html", RequestId: undefined, HostId: undefined });

    const custom = await site({ IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "404.html" } }, { "index.html": "home", "404.html": "<p>lost</p>" });
    const page = await get(custom, "/where/is/it");
    assert.equal(page.status, 404);
    assert.equal(page.body, "<p>lost</p>");
    assert.equal(page.headers["content-type"], "text/html");

    const broken = await site({ IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "missing-error.html" } }, { "index.html": "home" });
    const fallback = await get(broken, "/x");
    assert.equal(fallback.status, 404);
    assert.match(fallback.body, /<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document<\/h3>\n<ul>\n<li>Code: NoSuchKey<\/li>\n<li>Message: The specified key does not exist.<\/li>\n<li>Key: missing-error.html<\/li>\n<\/ul>/);
  });

  // scality/cloudserver's websiteHead.js, run against AWS: "should return regular error headers
  // regardless of whether custom error document".
  test("a HEAD that fails answers the error's own headers, with or without an error document", async () => {
    const bucket = await site({ IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "404.html" } }, { "index.html": "home", "404.html": "<p>lost</p>" });
    const head = await get(bucket, "/madeup", { method: "HEAD" });
    assert.equal(head.status, 404);
    assert.equal(head.body, "");
    assert.equal(head.headers["x-amz-error-code"], "NoSuchKey");
    assert.equal(head.headers["x-amz-error-message"], "The specified key does not exist.");
  });

  test("the error document answers every 4XX error with that error's status", async () => {
    const bucket = await site({ IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "error.html" } }, { "index.html": "home", "error.html": "<p>oops</p>", "style.css": { body: "body{}", type: "text/css" } });
    const precondition = await get(bucket, "/style.css", { headers: { "if-match": '"not-the-etag"' } });
    assert.deepEqual([precondition.status, precondition.body], [412, "<p>oops</p>"]);
    const range = await get(bucket, "/style.css", { headers: { range: "bytes=100-200" } });
    assert.deepEqual([range.status, range.body], [416, "<p>oops</p>"]);
    // Without an error document, S3's own page for the same error.
    const plain = await site({ IndexDocument: { Suffix: "index.html" } }, { "style.css": { body: "body{}", type: "text/css" } });
    const page = await get(plain, "/style.css", { headers: { range: "bytes=100-200" } });
    assert.equal(page.status, 416);
    assert.equal(errorItems(page.body)["Code"], "InvalidRange");
  });

  test("PutBucketWebsite refuses what S3 refuses", async () => {
    const bucket = await site(undefined);
    const refused = async (config: WebsiteConfiguration): Promise<Record<string, unknown>> => {
      try {
        await s3.send(new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: config }));
      } catch (err) {
        const e = err as Record<string, unknown> & { $metadata?: { httpStatusCode?: number } };
        return { ...e, status: e.$metadata?.httpStatusCode };
      }
      assert.fail("expected PutBucketWebsite to fail");
    };
    const both = await refused({ RedirectAllRequestsTo: { HostName: "example.com" }, IndexDocument: { Suffix: "index.html" } });
    assert.deepEqual(
      [both["name"], both["message"], both["ArgumentName"], both["ArgumentValue"], both["status"]],
      ["InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.", "RedirectAllRequestsTo", "not null", 400],
    );
    const index = { Suffix: "index.html" };
    const twoKeys = await refused({ IndexDocument: index, RoutingRules: [{ Redirect: { ReplaceKeyWith: "a.html", ReplaceKeyPrefixWith: "b/" } }] });
    assert.deepEqual([twoKeys["name"], twoKeys["message"]], ["InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both."]);
    const emptyCondition = await refused({ IndexDocument: index, RoutingRules: [{ Condition: {}, Redirect: { HostName: "example.com" } }] });
    assert.deepEqual(
      [emptyCondition["name"], emptyCondition["message"]],
      ["InvalidRequest", "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present."],
    );
    const protocol = await refused({ IndexDocument: index, RoutingRules: [{ Redirect: { Protocol: "ftp" as "http" } }] });
    assert.deepEqual(
      [protocol["name"], protocol["message"]],
      ["InvalidRequest", "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically."],
    );
    // A code that is not a number fails the schema (aws/aws-cdk#22541: HttpRedirectCode "https");
    // a redirect answers 301-305, 307 or 308 (ceph s3-tests' VALID_AMZ_REDIRECT), a condition
    // names a 4XX or 5XX error (scality/cloudserver putWebsite.js).
    const codes = async (redirect: string | undefined, error?: string): Promise<unknown[]> => {
      const e = await refused({ IndexDocument: index, RoutingRules: [{ ...(error !== undefined ? { Condition: { HttpErrorCodeReturnedEquals: error } } : {}), Redirect: { HostName: "example.com", ...(redirect !== undefined ? { HttpRedirectCode: redirect } : {}) } }] });
      return [e["name"], e["status"], e["message"]];
    };
    const malformed = ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"];
    assert.deepEqual(await codes("https"), malformed);
    assert.deepEqual(await codes(undefined, "notvalidcode"), malformed);
    assert.deepEqual(await codes("400"), ["InvalidRequest", 400, "The provided HTTP redirect code (400) is not valid. Valid codes are 3XX except 300."]);
    assert.deepEqual(await codes("300"), ["InvalidRequest", 400, "The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300."]);
    assert.deepEqual(await codes("314"), ["InvalidRequest", 400, "The provided HTTP redirect code (314) is not valid. Valid codes are 3XX except 300."]);
    assert.deepEqual(await codes(undefined, "300"), ["InvalidRequest", 400, "The provided HTTP error code (300) is not valid. Valid codes are 4XX or 5XX."]);
    await s3.send(new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: { IndexDocument: index, RoutingRules: [{ Condition: { HttpErrorCodeReturnedEquals: "503" }, Redirect: { HostName: "example.com", HttpRedirectCode: "308" } }] } }));
    // A HostName goes into a redirect's Location as it is: one no header can carry is refused
    // (S3's answer is not on record), where it made every redirect fail.
    for (const config of [
      { IndexDocument: index, RoutingRules: [{ Redirect: { HostName: "example.com\r\nSet-Cookie: a=b" } }] },
      { RedirectAllRequestsTo: { HostName: "example.com\n" } },
    ]) {
      const host = await refused(config);
      assert.deepEqual(
        [host["name"], host["status"], host["message"], host["ArgumentName"]],
        ["InvalidArgument", 400, "Header value contains a control character and cannot be sent.", "HostName"],
      );
    }
  });

  test("buckets without a website configuration, missing buckets, and methods other than GET/HEAD", async () => {
    const bare = await site(undefined, { "index.html": "home" });
    const none = await get(bare, "/");
    assert.equal(none.status, 404);
    assert.deepEqual({ ...errorItems(none.body), RequestId: undefined, HostId: undefined }, {
      Code: "NoSuchWebsiteConfiguration",
      Message: "The specified bucket does not have a website configuration",
      BucketName: bare,
      RequestId: undefined,
      HostId: undefined,
    });
    const ghost = await get(`ghost-${bare}`, "/");
    assert.equal(ghost.status, 404);
    assert.equal(errorItems(ghost.body)["Code"], "NoSuchBucket");
    const bucket = await site({ IndexDocument: { Suffix: "index.html" } }, { "index.html": "home" });
    const put = await get(bucket, "/index.html", { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(errorItems(put.body)["Code"], "MethodNotAllowed");
  });

  test("RedirectAllRequestsTo sends every path to the other host", async () => {
    const bucket = await site({ RedirectAllRequestsTo: { HostName: "www.example.com", Protocol: "https" } });
    const reply = await get(bucket, "/a/b.html");
    assert.equal(reply.status, 301);
    assert.equal(reply.headers["location"], "https://www.example.com/a/b.html");
  });

  test("routing rules: by key prefix before the lookup, by error code after it", async () => {
    const bucket = await site(
      {
        IndexDocument: { Suffix: "index.html" },
        RoutingRules: [
          { Condition: { KeyPrefixEquals: "docs/" }, Redirect: { ReplaceKeyPrefixWith: "documents/" } },
          { Condition: { KeyPrefixEquals: "old.html" }, Redirect: { ReplaceKeyWith: "new.html", HttpRedirectCode: "302", HostName: "example.org", Protocol: "https" } },
          { Condition: { HttpErrorCodeReturnedEquals: "404" }, Redirect: { HostName: "fallback.example.com", ReplaceKeyPrefixWith: "report-404/" } },
        ],
      },
      { "index.html": "home", "docs/kept.html": "never served: the prefix rule wins" },
    );
    const moved = await get(bucket, "/docs/kept.html");
    assert.equal(moved.status, 301);
    assert.equal(moved.headers["location"], `http://${host(bucket)}/documents/kept.html`);
    const replaced = await get(bucket, "/old.html");
    assert.equal(replaced.status, 302);
    assert.equal(replaced.headers["location"], "https://example.org/new.html");
    const lost = await get(bucket, "/missing/page.html");
    assert.equal(lost.status, 301);
    assert.equal(lost.headers["location"], "http://fallback.example.com/report-404/missing/page.html");
    assert.equal((await get(bucket, "/")).body, "home");
  });

  test("an object's x-amz-website-redirect-location answers 301", async () => {
    const bucket = await site({ IndexDocument: { Suffix: "index.html" } }, { "go.html": { body: "", redirect: "/index.html" }, "away.html": { body: "", redirect: "https://aws.amazon.com/" } });
    const local = await get(bucket, "/go.html");
    assert.equal(local.status, 301);
    assert.equal(local.headers["location"], "/index.html");
    assert.equal((await get(bucket, "/away.html")).headers["location"], "https://aws.amazon.com/");
  });

  // The value the aws CLI's test_website_redirect_ignore_paramfile sets, and one S3 refuses: S3 answered
  // PutObject 400 InvalidRedirectLocation in aws/aws-cli#1130 (S3 API Reference, "List of error codes").
  test("x-amz-website-redirect-location must start with /, http:// or https://: PutObject, CreateMultipartUpload and CopyObject refuse others", async () => {
    const bucket = await site(undefined, { "src.txt": "body" });
    const refused = async (write: () => Promise<unknown>): Promise<unknown[]> => {
      try {
        await write();
      } catch (err) {
        const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        return [e.name, e.message, e.$metadata?.httpStatusCode];
      }
      return assert.fail("expected the write to be refused");
    };
    const expected = ["InvalidRedirectLocation", "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.", 400];
    assert.deepEqual(await refused(() => s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a.html", Body: "x", WebsiteRedirectLocation: "someserver/page.html" }))), expected);
    assert.deepEqual(await refused(() => s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "b.html", WebsiteRedirectLocation: "ftp://example.com/" }))), expected);
    assert.deepEqual(await refused(() => s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "c.html", CopySource: `${bucket}/src.txt`, WebsiteRedirectLocation: "index.html" }))), expected);
    assert.deepEqual(
      await refused(() => s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "d.html", CopySource: `${bucket}/src.txt`, MetadataDirective: "REPLACE", WebsiteRedirectLocation: "index.html" }))),
      expected,
    );
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "a.html" })), { name: "NotFound" });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "e.html", Body: "x", WebsiteRedirectLocation: "http://someserver" }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "e.html" }))).WebsiteRedirectLocation, "http://someserver");
  });

  // CopyObject API reference: the redirect "is unique to each object and is not copied when using
  // the x-amz-metadata-directive header"; S3 dropped it from a plain copy in aws/aws-sdk-go#1671.
  test("CopyObject does not copy x-amz-website-redirect-location: the copy has the one its request names, or none", async () => {
    const bucket = await site(undefined, {});
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "old.html", Body: "x", WebsiteRedirectLocation: "/new.html" }));
    const redirectOf = async (key: string) => (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).WebsiteRedirectLocation;
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "plain.html", CopySource: `${bucket}/old.html` }));
    assert.equal(await redirectOf("plain.html"), undefined);
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "copy.html", CopySource: `${bucket}/old.html`, MetadataDirective: "COPY" }));
    assert.equal(await redirectOf("copy.html"), undefined);
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "named.html", CopySource: `${bucket}/old.html`, WebsiteRedirectLocation: "https://example.com/" }));
    assert.equal(await redirectOf("named.html"), "https://example.com/");
    assert.equal(await redirectOf("old.html"), "/new.html");
  });
});
