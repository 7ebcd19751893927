import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsError } from "../core/errors.js";
import {
  EMPTY_SHA256,
  MAX_CLOCK_SKEW_MS,
  type ParsedAuthorization,
  type RequestHeaders,
  type SignableRequest,
  SigV4ParseError,
  UNSIGNED_PAYLOAD,
  canonicalQueryString,
  canonicalUri,
  chunkSigningContext,
  chunkStringToSign,
  computeChunkSignature,
  computeSignature,
  computeTrailerSignature,
  deriveSigningKey,
  hoistedPresignHeaders,
  isStreamingPayload,
  parseAuthorization,
  resolvePayloadHash,
  sha256Hex,
  verifySignature,
} from "./sigv4.js";
import {
  SUITE_ACCESS_KEY_ID,
  SUITE_AMZ_DATE,
  SUITE_CASES,
  SUITE_NOW_MS,
  SUITE_REGION,
  SUITE_SECRET_ACCESS_KEY,
  SUITE_SERVICE,
  SUITE_SESSION_TOKEN,
  type SuiteCase,
} from "./sigv4-test-suite.fixture.js";

// ---------------------------------------------------------------------------------------------
// helpers

interface RawRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[]>;
  body: string;
}

function addHeader(headers: Record<string, string | string[]>, name: string, value: string): void {
  const key = name.toLowerCase();
  const existing = headers[key];
  if (existing === undefined) headers[key] = value;
  else if (typeof existing === "string") headers[key] = [existing, value];
  else existing.push(value);
}

/** Reads a `.req` file of the suite: request line, headers (with continuation lines), blank line, body. */
function parseReq(text: string): RawRequest {
  const lines = text.split("\n");
  const requestLine = lines[0] ?? "";
  const method = requestLine.slice(0, requestLine.indexOf(" "));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(" HTTP/"));
  const q = target.indexOf("?");
  const headerLines: Array<[string, string]> = [];
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.length === 0) break;
    const last = headerLines[headerLines.length - 1];
    if ((line.startsWith(" ") || line.startsWith("\t")) && last !== undefined) {
      last[1] += "\n" + line;
      continue;
    }
    const colon = line.indexOf(":");
    headerLines.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of headerLines) addHeader(headers, name, value);
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? "" : target.slice(q + 1),
    headers,
    body: lines.slice(i + 1).join("\n"),
  };
}

function signatureOf(authz: string): string {
  return authz.slice(authz.indexOf("Signature=") + "Signature=".length);
}

function expectParseError(fn: () => unknown, code: string, status: number, message: string): SigV4ParseError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SigV4ParseError, `expected SigV4ParseError, got ${String(error)}`);
    assert.ok(error instanceof AwsError);
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.equal(error.message, message);
    return error;
  }
  assert.fail("expected a SigV4ParseError");
}

function expectFailure(result: ReturnType<typeof verifySignature>, code: string, status: number, message?: string): AwsError {
  assert.equal(result.ok, false, "expected verification to fail");
  if (result.ok) throw new Error("unreachable");
  assert.equal(result.error.code, code);
  assert.equal(result.error.status, status);
  if (message !== undefined) assert.equal(result.error.message, message);
  return result.error;
}

const NON_S3_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

// ---------------------------------------------------------------------------------------------
// AWS's published test suite

function suiteRequest(testCase: SuiteCase): { raw: RawRequest; signable: SignableRequest; parsed: ParsedAuthorization } {
  const raw = parseReq(testCase.req);
  const headers: Record<string, string | string[]> = { ...raw.headers, authorization: testCase.authz };
  const parsed = parseAuthorization(headers, raw.query);
  assert.ok(parsed, "the signed request parses");
  const payloadHash = resolvePayloadHash(parsed, headers, raw.query, () => sha256Hex(raw.body));
  return { raw, parsed, signable: { method: raw.method, path: raw.path, query: raw.query, headers, payloadHash } };
}

describe("AWS SigV4 test suite", () => {
  test("covers at least the required cases", () => {
    const names = SUITE_CASES.map((c) => c.name);
    assert.ok(names.length >= 15);
    for (const required of [
      "get-vanilla",
      "get-vanilla-query-order-key-case",
      "get-header-value-trim",
      "post-x-www-form-urlencoded",
      "normalize-path/get-slash-dot-slash",
      "get-utf8",
      "normalize-path/get-space",
      "post-sts-token/post-sts-header-before",
      "post-sts-token/post-sts-header-after",
    ]) {
      assert.ok(names.includes(required), required);
    }
  });

  for (const testCase of SUITE_CASES) {
    test(testCase.name, () => {
      const { raw, parsed, signable } = suiteRequest(testCase);
      assert.equal(parsed.accessKeyId, SUITE_ACCESS_KEY_ID);
      assert.equal(parsed.date, "20150830");
      assert.equal(parsed.region, SUITE_REGION);
      assert.equal(parsed.service, SUITE_SERVICE);
      assert.equal(parsed.amzDate, SUITE_AMZ_DATE);
      assert.equal(parsed.presigned, false);
      assert.equal(parsed.signature, signatureOf(testCase.authz));

      const computed = computeSignature(signable, SUITE_SECRET_ACCESS_KEY, parsed);
      assert.equal(computed.canonicalRequest, testCase.creq);
      assert.equal(computed.stringToSign, testCase.sts);
      assert.equal(computed.signature, signatureOf(testCase.authz));
      // Without explicit parameters the request's own Authorization header is read.
      assert.equal(computeSignature(signable, SUITE_SECRET_ACCESS_KEY).signature, computed.signature);

      const verified = verifySignature(signable, SUITE_SECRET_ACCESS_KEY, parsed, SUITE_NOW_MS);
      assert.deepEqual(verified, { ok: true, canonicalRequest: testCase.creq, stringToSign: testCase.sts });

      // The same request with its query handed over already parsed.
      if (raw.query.length > 0) {
        const viaParams = { ...signable, query: new URLSearchParams(raw.query) };
        assert.equal(computeSignature(viaParams, SUITE_SECRET_ACCESS_KEY, parsed).canonicalRequest, testCase.creq);
      }

      // A wrong secret is caught.
      expectFailure(
        verifySignature(signable, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEX", parsed, SUITE_NOW_MS),
        "InvalidSignatureException",
        400,
        NON_S3_MISMATCH,
      );

      if (testCase.headersAddedAfterSigning) {
        const sent: Record<string, string | string[]> = { ...(signable.headers as Record<string, string | string[]>) };
        for (const [name, value] of Object.entries(testCase.headersAddedAfterSigning)) addHeader(sent, name, value);
        const reparsed = parseAuthorization(sent, raw.query);
        assert.ok(reparsed);
        assert.equal(reparsed.securityToken, SUITE_SESSION_TOKEN);
        assert.equal(verifySignature({ ...signable, headers: sent }, SUITE_SECRET_ACCESS_KEY, reparsed, SUITE_NOW_MS).ok, true);
      }
    });
  }

  test("post-sts-header-before carries the signed session token", () => {
    const testCase = SUITE_CASES.find((c) => c.name === "post-sts-token/post-sts-header-before");
    assert.ok(testCase);
    const { parsed } = suiteRequest(testCase);
    assert.equal(parsed.securityToken, SUITE_SESSION_TOKEN);
    assert.deepEqual(parsed.signedHeaders, ["host", "x-amz-date", "x-amz-security-token"]);
  });

  test("the form body is hashed into the canonical request", () => {
    const testCase = SUITE_CASES.find((c) => c.name === "post-x-www-form-urlencoded");
    assert.ok(testCase);
    const { signable } = suiteRequest(testCase);
    assert.equal(signable.payloadHash, sha256Hex("Param1=value1"));
  });
});

// ---------------------------------------------------------------------------------------------
// S3's published examples (S3 API reference, "Signature Calculations for the Authorization
// Header" and "Authenticating Requests: Using Query Parameters"), which exercise the S3 rules.

const S3_EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE";
const S3_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const S3_EXAMPLE_NOW = Date.UTC(2013, 4, 24, 0, 0, 0);
const S3_SCOPE = "20130524/us-east-1/s3/aws4_request";

function s3HeaderRequest(
  method: string,
  path: string,
  query: string,
  headers: Record<string, string>,
  signedHeaders: string,
  signature: string,
): { signable: SignableRequest; parsed: ParsedAuthorization } {
  const all: Record<string, string> = {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${S3_EXAMPLE_KEY}/${S3_SCOPE},SignedHeaders=${signedHeaders},Signature=${signature}`,
  };
  const parsed = parseAuthorization(all, query);
  assert.ok(parsed);
  const payloadHash = resolvePayloadHash(parsed, all, query, () => assert.fail("S3 reads the header"));
  return { parsed, signable: { method, path, query, headers: all, payloadHash } };
}

describe("S3 documentation examples", () => {
  test("GET object with a Range header", () => {
    const { signable, parsed } = s3HeaderRequest(
      "GET",
      "/test.txt",
      "",
      {
        host: "examplebucket.s3.amazonaws.com",
        range: "bytes=0-9",
        "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20130524T000000Z",
      },
      "host;range;x-amz-content-sha256;x-amz-date",
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    const computed = computeSignature(signable, S3_EXAMPLE_SECRET, parsed);
    assert.equal(
      computed.canonicalRequest,
      `GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:${EMPTY_SHA256}\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n${EMPTY_SHA256}`,
    );
    assert.equal(
      computed.stringToSign,
      `AWS4-HMAC-SHA256\n20130524T000000Z\n${S3_SCOPE}\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972`,
    );
    assert.equal(verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW).ok, true);
  });

  test("PUT object: the key's escaped $ is signed as sent, not double-encoded", () => {
    const bodyHash = sha256Hex("Welcome to Amazon S3.");
    const { signable, parsed } = s3HeaderRequest(
      "PUT",
      "/test%24file.text",
      "",
      {
        host: "examplebucket.s3.amazonaws.com",
        date: "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-date": "20130524T000000Z",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": bodyHash,
      },
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
      "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
    );
    assert.equal(bodyHash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    const computed = computeSignature(signable, S3_EXAMPLE_SECRET, parsed);
    assert.equal(computed.canonicalRequest.split("\n")[1], "/test%24file.text");
    assert.equal(verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW).ok, true);
  });

  test("GET bucket lifecycle: a parameter without a value", () => {
    const { signable, parsed } = s3HeaderRequest(
      "GET",
      "/",
      "lifecycle",
      { host: "examplebucket.s3.amazonaws.com", "x-amz-date": "20130524T000000Z", "x-amz-content-sha256": EMPTY_SHA256 },
      "host;x-amz-content-sha256;x-amz-date",
      "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
    );
    assert.equal(computeSignature(signable, S3_EXAMPLE_SECRET, parsed).canonicalRequest.split("\n")[2], "lifecycle=");
    assert.equal(verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW).ok, true);
  });

  test("GET bucket (list objects): parameters sorted", () => {
    const { signable, parsed } = s3HeaderRequest(
      "GET",
      "/",
      "max-keys=2&prefix=J",
      { host: "examplebucket.s3.amazonaws.com", "x-amz-date": "20130524T000000Z", "x-amz-content-sha256": EMPTY_SHA256 },
      "host;x-amz-content-sha256;x-amz-date",
      "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
    );
    assert.equal(verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW).ok, true);
  });

  test("presigned GET object URL", () => {
    const query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
    const headers = { host: "examplebucket.s3.amazonaws.com" };
    const parsed = parseAuthorization(headers, query);
    assert.deepEqual(parsed, {
      accessKeyId: S3_EXAMPLE_KEY,
      date: "20130524",
      region: "us-east-1",
      service: "s3",
      signedHeaders: ["host"],
      signature: "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
      amzDate: "20130524T000000Z",
      presigned: true,
      expiresSeconds: 86400,
    });
    const payloadHash = resolvePayloadHash(parsed, headers, query, () => assert.fail("not read"));
    assert.equal(payloadHash, UNSIGNED_PAYLOAD);
    const signable: SignableRequest = { method: "GET", path: "/test.txt", query, headers, payloadHash };
    const computed = computeSignature(signable, S3_EXAMPLE_SECRET, parsed);
    assert.equal(
      computed.canonicalRequest,
      "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD",
    );
    assert.equal(
      computed.stringToSign,
      `AWS4-HMAC-SHA256\n20130524T000000Z\n${S3_SCOPE}\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04`,
    );
    // Valid for the whole day it was signed for...
    assert.equal(verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW + 86_400_000).ok, true);
    // ...and not a second longer.
    const error = expectFailure(
      verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW + 86_401_000),
      "AccessDenied",
      403,
      "Request has expired",
    );
    assert.deepEqual(error.fields, {
      "X-Amz-Expires": "86400",
      Expires: "2013-05-25T00:00:00Z",
      ServerTime: "2013-05-25T00:00:01Z",
    });
  });

  test("chunked upload: seed signature and the chain of chunk signatures", () => {
    const { signable, parsed } = s3HeaderRequest(
      "PUT",
      "/examplebucket/chunkObject.txt",
      "",
      {
        host: "s3.amazonaws.com",
        "x-amz-date": "20130524T000000Z",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": "66560",
        "content-length": "66824",
      },
      "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    );
    assert.equal(signable.payloadHash, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    assert.equal(isStreamingPayload(signable.payloadHash), true);
    assert.equal(verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW).ok, true);

    const context = chunkSigningContext(parsed, S3_EXAMPLE_SECRET);
    const first = sha256Hex(Buffer.alloc(65536, "a"));
    assert.equal(
      chunkStringToSign(context, parsed.signature, first),
      `AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n${S3_SCOPE}\n4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n${EMPTY_SHA256}\nbf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a`,
    );
    const sig1 = computeChunkSignature(context, parsed.signature, first);
    assert.equal(sig1, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
    const sig2 = computeChunkSignature(context, sig1, sha256Hex(Buffer.alloc(1024, "a")));
    assert.equal(sig2, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
    const sig3 = computeChunkSignature(context, sig2, EMPTY_SHA256);
    assert.equal(sig3, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
    // Out of order, the chain breaks.
    assert.notEqual(computeChunkSignature(context, parsed.signature, sha256Hex(Buffer.alloc(1024, "a"))), sig2);
  });

  test("trailer signature chains from the final chunk's", () => {
    const context = chunkSigningContext(
      { date: "20130524", region: "us-east-1", service: "s3", amzDate: "20130524T000000Z" },
      S3_EXAMPLE_SECRET,
    );
    const trailerHash = sha256Hex("x-amz-checksum-crc32c:sOO8/Q==\n");
    const expected = createHmac("sha256", deriveSigningKey(S3_EXAMPLE_SECRET, "20130524", "us-east-1", "s3"))
      .update(`AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n${S3_SCOPE}\nb6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\n${trailerHash}`)
      .digest("hex");
    assert.equal(
      computeTrailerSignature(context, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9", trailerHash),
      expected,
    );
  });

  test("an unescaped reserved character in the path still verifies against its escaped signature", () => {
    // Signed by a client that escaped "!" but sent it raw.
    const headers = { host: "b.s3.amazonaws.com", "x-amz-date": "20130524T000000Z", "x-amz-content-sha256": EMPTY_SHA256 };
    const params = {
      date: "20130524",
      region: "us-east-1",
      service: "s3",
      signedHeaders: ["host", "x-amz-content-sha256", "x-amz-date"],
      amzDate: "20130524T000000Z",
      presigned: false,
    };
    const signed = computeSignature(
      { method: "GET", path: "/b/wow%21", query: "", headers, payloadHash: EMPTY_SHA256 },
      S3_EXAMPLE_SECRET,
      params,
    );
    const parsed: ParsedAuthorization = { ...params, accessKeyId: S3_EXAMPLE_KEY, signature: signed.signature };
    const sent: SignableRequest = { method: "GET", path: "/b/wow!", query: "", headers, payloadHash: EMPTY_SHA256 };
    assert.equal(verifySignature(sent, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW).ok, true);
    const other: SignableRequest = { ...sent, path: "/b/wow?" };
    expectFailure(verifySignature(other, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW), "SignatureDoesNotMatch", 403);
  });
});

// ---------------------------------------------------------------------------------------------
// Canonicalization rules

describe("canonicalization", () => {
  test("S3 paths are neither normalized nor encoded again; other services do both", () => {
    assert.equal(canonicalUri("/bucket/a%2Fb/./../c%20d", "s3"), "/bucket/a%2Fb/./../c%20d");
    assert.equal(canonicalUri("/a/./b/../c%3Ad", "lambda"), "/a/c%253Ad");
    assert.equal(canonicalUri("", "sqs"), "/");
    assert.equal(canonicalUri("", "s3"), "/");
  });

  test("query strings: strict RFC 3986 encoding, sorted by name then value, bare names get '='", () => {
    assert.equal(canonicalQueryString("b=2&a=%7e&c&a=%2a&d=x+y%2B", false), "a=%2A&a=~&b=2&c=&d=x%20y%2B");
    assert.equal(canonicalQueryString(new URLSearchParams({ "a b": "!'()*", z: "ሴ" }), false), "a%20b=%21%27%28%29%2A&z=%E1%88%B4");
    assert.equal(canonicalQueryString("X-Amz-Signature=abc&X-Amz-Date=1", true), "X-Amz-Date=1");
    assert.equal(canonicalQueryString("X-Amz-Signature=abc&X-Amz-Date=1", false), "X-Amz-Date=1&X-Amz-Signature=abc");
    assert.equal(canonicalQueryString("", false), "");
    assert.equal(canonicalQueryString("?", false), "");
    // A stray % cannot be decoded; it is kept as a literal percent sign.
    assert.equal(canonicalQueryString("a=100%", false), "a=100%25");
  });
});

// ---------------------------------------------------------------------------------------------
// Parsing: what is unsigned, what is malformed

const AUTH_DATE = "20150830T123600Z";

function authHeaders(authorization: string, extra: Record<string, string> = {}): RequestHeaders {
  return { host: "localhost:4566", "x-amz-date": AUTH_DATE, authorization, ...extra };
}

describe("parseAuthorization", () => {
  test("unsigned requests and other schemes are not SigV4", () => {
    assert.equal(parseAuthorization({ host: "localhost" }, ""), undefined);
    assert.equal(parseAuthorization({ host: "localhost" }, "Action=ListQueues&X-Amz-Target=1"), undefined);
    assert.equal(parseAuthorization({ host: "localhost" }, new URLSearchParams("a=1")), undefined);
    assert.equal(parseAuthorization({ authorization: "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=" }), undefined);
    assert.equal(parseAuthorization({ authorization: "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9" }), undefined);
    assert.equal(parseAuthorization({ authorization: "" }), undefined);
  });

  test("an Authorization header", () => {
    const parsed = parseAuthorization(
      authHeaders(
        "AWS4-HMAC-SHA256 Credential=123456789012/20150830/eu-west-1/sqs/aws4_request,SignedHeaders=Host;X-Amz-Date,Signature=abcd",
        { "x-amz-security-token": "token" },
      ),
    );
    // The parameters as the interface names them (SignedHeaders is split when first asked for).
    const { accessKeyId, date, region, service, signedHeaders, signature, amzDate, presigned, securityToken } = parsed ?? ({} as ParsedAuthorization);
    assert.deepEqual({ accessKeyId, date, region, service, signedHeaders, signature, amzDate, presigned, securityToken }, {
      accessKeyId: "123456789012",
      date: "20150830",
      region: "eu-west-1",
      service: "sqs",
      signedHeaders: ["host", "x-amz-date"],
      signature: "abcd",
      amzDate: AUTH_DATE,
      presigned: false,
      securityToken: "token",
    });
  });

  test("a Date header stands in for X-Amz-Date", () => {
    const parsed = parseAuthorization({
      host: "h",
      date: "Sun, 30 Aug 2015 12:36:00 GMT",
      authorization: "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/iam/aws4_request, SignedHeaders=date;host, Signature=ab",
    });
    assert.equal(parsed?.amzDate, AUTH_DATE);
  });

  test("a Date header in ISO 8601 basic format stands in for X-Amz-Date too", () => {
    const parsed = parseAuthorization({
      host: "h",
      date: AUTH_DATE,
      authorization: "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;date;host;x-amz-target, Signature=ab",
    });
    assert.equal(parsed?.amzDate, AUTH_DATE);
  });

  test("presigned query parameters, raw or parsed", () => {
    const raw =
      "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=a%2Bb%3D&X-Amz-Signature=ff";
    const expected = {
      accessKeyId: "AKID",
      date: "20150830",
      region: "us-east-1",
      service: "sts",
      signedHeaders: ["host", "x-k8s-aws-id"],
      signature: "ff",
      amzDate: AUTH_DATE,
      presigned: true,
      expiresSeconds: 60,
      securityToken: "a+b=",
    };
    assert.deepEqual(parseAuthorization({ host: "h" }, raw), expected);
    assert.deepEqual(parseAuthorization({ host: "h" }, new URLSearchParams(raw)), expected);
  });

  describe("malformed, in a query-protocol service's words (STS)", () => {
    const sts = (rest: string, extra?: Record<string, string>) =>
      () => parseAuthorization(authHeaders(`AWS4-HMAC-SHA256 ${rest}`, extra));

    test("missing parameters are listed together", () => {
      expectParseError(
        () => parseAuthorization({ host: "h", authorization: "AWS4-HMAC-SHA256 Foo=Bar, Baz=Burp" }, "", { service: "sts" }),
        "IncompleteSignature",
        400,
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
      );
      expectParseError(
        sts("Credential=AKID/20150830/us-east-1/sts/aws4_request, Signature=ab"),
        "IncompleteSignature",
        400,
        "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
      );
    });

    test("a pair without an equal sign", () => {
      const header = "AWS4-HMAC-SHA256 Credential= AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab";
      expectParseError(
        () => parseAuthorization(authHeaders(header), "", { service: "sts" }),
        "IncompleteSignature",
        400,
        `'AKID/20150830/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
      );
    });

    test("an unsupported algorithm", () => {
      expectParseError(
        () => parseAuthorization({ authorization: "AWS4-HMAC-SHA512 Credential=x" }, "", { service: "iam" }),
        "IncompleteSignature",
        400,
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.",
      );
    });

    test("host must be signed", () => {
      for (const names of ["x-amz-date", "hostx;x-amz-date", "x-amz-date;my-host", "authority"]) {
        expectParseError(
          sts(`Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=${names}, Signature=ab`),
          "SignatureDoesNotMatch",
          403,
          "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        );
      }
      for (const names of ["X-Amz-Date;HOST", ":authority;x-amz-date", "a;host;b"]) {
        const parsed = sts(`Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=${names}, Signature=ab`)();
        assert.deepEqual(parsed?.signedHeaders, names.toLowerCase().split(";"));
      }
    });

    test("a date that is not ISO-8601 basic format", () => {
      expectParseError(
        sts("Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab", {
          "x-amz-date": "2015/08/30T12/36/00Z",
        }),
        "IncompleteSignature",
        400,
        "Date must be in ISO-8601 'basic format'. Got '2015/08/30T12/36/00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
      );
    });

    test("a credential without five elements", () => {
      expectParseError(
        () =>
          parseAuthorization(
            authHeaders("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host;x-amz-date, Signature=ab"),
            "",
            { service: "sts" },
          ),
        "IncompleteSignature",
        400,
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE'",
      );
    });

    test("a wrong terminator and scope date are reported together", () => {
      expectParseError(
        sts("Credential=AKID/20150831/us-east-1/sts/aws5_request, SignedHeaders=host;x-amz-date, Signature=ab"),
        "SignatureDoesNotMatch",
        403,
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.",
      );
    });

    test("presigned parameters missing", () => {
      expectParseError(
        () => parseAuthorization({ host: "h" }, "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request"),
        "IncompleteSignature",
        400,
        "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
      );
    });
  });

  describe("malformed, in a JSON service's words (DynamoDB)", () => {
    test("same sentences, JSON codes", () => {
      expectParseError(
        () =>
          parseAuthorization(
            authHeaders("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/dynamodb/aws4_request, Signature=ab"),
          ),
        "IncompleteSignatureException",
        400,
        "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
      );
      const error = expectParseError(
        () =>
          parseAuthorization(
            authHeaders("AWS4-HMAC-SHA256 Credential=AKID/20150829/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab"),
          ),
        "InvalidSignatureException",
        400,
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', from '20150830T123600Z'.",
      );
      assert.equal(error.queryCode, "SignatureDoesNotMatch");
    });
  });

  describe("malformed, in S3's words", () => {
    const s3 = (authorization: string, extra?: Record<string, string>) => () =>
      parseAuthorization({ host: "b.s3.amazonaws.com", "x-amz-date": AUTH_DATE, authorization, ...extra });

    test("missing components", () => {
      expectParseError(
        s3("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, Signature=ab"),
        "AuthorizationHeaderMalformed",
        400,
        "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.",
      );
    });

    test("a malformed credential", () => {
      expectParseError(
        () =>
          parseAuthorization(
            { host: "b", "x-amz-date": AUTH_DATE, authorization: "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab" },
            "",
            { service: "s3" },
          ),
        "AuthorizationHeaderMalformed",
        400,
        'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      );
      // Without the routing's word for it: four elements ending with the terminator still name S3.
      for (const credential of ["AKID/us-east-1/s3/aws4_request", "AKID/20150830/s3/aws4_request"]) {
        expectParseError(
          s3(`AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=ab`),
          "AuthorizationHeaderMalformed",
          400,
          'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        );
      }
      expectParseError(
        s3("AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab"),
        "AuthorizationHeaderMalformed",
        400,
        "The authorization header is malformed; a non-empty Access Key (AKID) must be provided in the credential.",
      );
      expectParseError(
        s3("AWS4-HMAC-SHA256 Credential=AKID/20150829/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab"),
        "AuthorizationHeaderMalformed",
        400,
        "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.",
      );
    });

    test("no usable date", () => {
      expectParseError(
        () =>
          parseAuthorization({
            host: "b",
            authorization: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab",
          }),
        "AccessDenied",
        403,
        "AWS authentication requires a valid Date or x-amz-date header",
      );
    });

    test("an unsupported algorithm", () => {
      expectParseError(
        () => parseAuthorization({ authorization: "AWS4-ECDSA-P256-SHA256 Credential=x" }, "", { service: "s3" }),
        "InvalidArgument",
        400,
        "Unsupported Authorization Type",
      );
    });

    test("header and query signatures together", () => {
      assert.equal(
        s3("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab")()?.service,
        "s3",
      );
      expectParseError(
        () =>
          parseAuthorization(
            {
              host: "b",
              "x-amz-date": AUTH_DATE,
              "x-amz-content-sha256": EMPTY_SHA256,
              authorization: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab",
            },
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
          ),
        "InvalidArgument",
        400,
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
      );
    });

    const presign = (overrides: Record<string, string | undefined>) => {
      const params: Record<string, string | undefined> = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKID/20150830/us-east-1/s3/aws4_request",
        "X-Amz-Date": AUTH_DATE,
        "X-Amz-Expires": "3600",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "ab",
        ...overrides,
      };
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v);
      return () => parseAuthorization({ host: "b.s3.amazonaws.com" }, query);
    };

    test("presigned URL parameters", () => {
      const qp = "AuthorizationQueryParametersError";
      expectParseError(
        presign({ "X-Amz-Expires": undefined }),
        qp,
        400,
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
      expectParseError(presign({ "X-Amz-Algorithm": "AWS4-HMAC-SHA1" }), qp, 400, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
      expectParseError(presign({ "X-Amz-Date": "20150830" }), qp, 400, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
      expectParseError(presign({ "X-Amz-Expires": "soon" }), qp, 400, "X-Amz-Expires should be a number");
      expectParseError(presign({ "X-Amz-Expires": "-5" }), qp, 400, "X-Amz-Expires must be non-negative");
      expectParseError(
        presign({ "X-Amz-Expires": "604801" }),
        qp,
        400,
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds",
      );
      assert.equal(presign({ "X-Amz-Expires": "604800" })()?.expiresSeconds, 604800);
      // URL-encoded twice: still S3's answer (LocalStack's AWS-recorded test_presigned_double_encoded_credentials).
      expectParseError(
        presign({ "X-Amz-Credential": "AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request" }),
        qp,
        400,
        'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      );
      expectParseError(
        presign({ "X-Amz-Credential": "AKID/20150830/us-east-1/s3" }),
        qp,
        400,
        'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      );
      expectParseError(
        presign({ "X-Amz-Credential": "AKID/20150830/us-east-1/s3/aws5_request" }),
        qp,
        400,
        'Error parsing the X-Amz-Credential parameter; incorrect terminal "aws5_request". This endpoint uses "aws4_request".',
      );
      expectParseError(
        presign({ "X-Amz-Credential": "AKID/20150829/us-east-1/s3/aws4_request" }),
        qp,
        400,
        'Invalid credential date "20150829". This date is not the same as X-Amz-Date: "20150830".',
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Time checks

describe("verifySignature time checks", () => {
  const testCase = SUITE_CASES.find((c) => c.name === "get-vanilla");
  assert.ok(testCase);

  test("non-S3: 15 minutes either way, then AWS's 'Signature expired' / 'not yet current'", () => {
    const { signable, parsed } = suiteRequest(testCase);
    assert.equal(verifySignature(signable, SUITE_SECRET_ACCESS_KEY, parsed, SUITE_NOW_MS + MAX_CLOCK_SKEW_MS).ok, true);
    assert.equal(verifySignature(signable, SUITE_SECRET_ACCESS_KEY, parsed, SUITE_NOW_MS - MAX_CLOCK_SKEW_MS).ok, true);
    expectFailure(
      verifySignature(signable, SUITE_SECRET_ACCESS_KEY, parsed, SUITE_NOW_MS + MAX_CLOCK_SKEW_MS + 1000),
      "InvalidSignatureException",
      400,
      "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)",
    );
    expectFailure(
      verifySignature(signable, SUITE_SECRET_ACCESS_KEY, parsed, SUITE_NOW_MS - MAX_CLOCK_SKEW_MS - 1000, { errorStyle: "query" }),
      "SignatureDoesNotMatch",
      403,
      "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)",
    );
  });

  test("S3 header signatures: RequestTimeTooSkewed", () => {
    const { signable, parsed } = s3HeaderRequest(
      "GET",
      "/test.txt",
      "",
      {
        host: "examplebucket.s3.amazonaws.com",
        range: "bytes=0-9",
        "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20130524T000000Z",
      },
      "host;range;x-amz-content-sha256;x-amz-date",
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    const error = expectFailure(
      verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW + 3_600_000),
      "RequestTimeTooSkewed",
      403,
      "The difference between the request time and the current time is too large.",
    );
    assert.deepEqual(error.fields, {
      RequestTime: "20130524T000000Z",
      ServerTime: "2013-05-24T01:00:00Z",
      MaxAllowedSkewMilliseconds: "900000",
    });
  });

  test("S3 presigned URLs dated in the future are not yet valid", () => {
    const query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
    const headers = { host: "examplebucket.s3.amazonaws.com" };
    const parsed = parseAuthorization(headers, query);
    assert.ok(parsed);
    const signable: SignableRequest = { method: "GET", path: "/test.txt", query, headers, payloadHash: UNSIGNED_PAYLOAD };
    expectFailure(
      verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW - 3_600_000),
      "AccessDenied",
      403,
      "Request is not yet valid",
    );
  });

  test("S3 presigned URLs refuse x-amz-* headers they did not sign, naming them", () => {
    const query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
    const headers = { host: "examplebucket.s3.amazonaws.com", "x-amz-meta-b": "1", "x-amz-acl": "public-read", "x-amz-content-sha256": UNSIGNED_PAYLOAD };
    const parsed = parseAuthorization(headers, query);
    assert.ok(parsed);
    const signable: SignableRequest = { method: "GET", path: "/test.txt", query, headers, payloadHash: UNSIGNED_PAYLOAD };
    const error = expectFailure(verifySignature(signable, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW), "AccessDenied", 403, "There were headers present in the request which were not signed");
    assert.deepEqual(error.fields, { HeadersNotSigned: "x-amz-acl, x-amz-meta-b" });
    // x-amz-content-sha256 may come unsigned: without the others the URL is AWS's valid example.
    assert.equal(verifySignature({ ...signable, headers: { host: headers.host, "x-amz-content-sha256": UNSIGNED_PAYLOAD } }, S3_EXAMPLE_SECRET, parsed, S3_EXAMPLE_NOW).ok, true);
  });
});

describe("hoistedPresignHeaders", () => {
  test("x-amz-* parameters other than SigV4's own and the checksums become headers; a sent header wins", () => {
    const query = new URLSearchParams(
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=AK%2F20260115%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260115T120000Z&X-Amz-Expires=60&X-Amz-Security-Token=t&X-Amz-Signature=00&X-Amz-SignedHeaders=host" +
        "&x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32&x-amz-meta-Owner=me&x-amz-tagging=a%3D1%26b%3D2&x-amz-acl=private&x-amz-storage-class=STANDARD_IA&x-id=PutObject&response-content-type=text%2Fplain",
    );
    assert.deepEqual(hoistedPresignHeaders(query, { host: "h", "x-amz-acl": "public-read" }), {
      "x-amz-meta-owner": "me",
      "x-amz-tagging": "a=1&b=2",
      "x-amz-storage-class": "STANDARD_IA",
    });
    assert.equal(hoistedPresignHeaders(new URLSearchParams("X-Amz-Signature=00&x-amz-checksum-crc32=AAAAAA%3D%3D"), {}), undefined);
    // The checksum mode of a GET is no checksum: it applies, unless the request sends its own.
    const get = new URLSearchParams("X-Amz-Signature=00&X-Amz-SignedHeaders=host&x-amz-checksum-mode=ENABLED&x-amz-checksum-crc32=AAAAAA%3D%3D&x-id=GetObject");
    assert.deepEqual(hoistedPresignHeaders(get, { host: "h" }), { "x-amz-checksum-mode": "ENABLED" });
    assert.equal(hoistedPresignHeaders(get, { host: "h", "x-amz-checksum-mode": "ENABLED" }), undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// Against the SDK's own signer

/** The SDK signer's hash constructor, over node:crypto. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {}
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** How the SDK's HTTP handler writes a query string: strict RFC 3986 escaping. */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function wireQuery(query: Record<string, string | string[] | null>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === null) parts.push(escapeUri(name));
    else if (Array.isArray(value)) for (const v of value) parts.push(`${escapeUri(name)}=${escapeUri(v)}`);
    else parts.push(`${escapeUri(name)}=${escapeUri(value)}`);
  }
  return parts.join("&");
}

interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string;
}

/** What the server sees of a signed SDK request. */
function onTheWire(request: SdkRequest): { headers: Record<string, string>; query: string; body: string; path: string } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value.trim();
  return { headers, query: wireQuery(request.query), body: request.body ?? "", path: request.path };
}

const SECRET = "nimbus/Secret+Key";
const SIGNED_AT = new Date(Date.UTC(2024, 1, 29, 23, 59, 30));
const SIGNED_AT_MS = SIGNED_AT.getTime();

interface Scenario {
  name: string;
  service: string;
  uriEscapePath?: boolean;
  applyChecksum?: boolean;
  request: SdkRequest;
  presign?: { expiresIn: number };
  sessionToken?: string;
  expectedCode: string;
  tamper: (wire: ReturnType<typeof onTheWire>) => ReturnType<typeof onTheWire>;
}

function base(overrides: Partial<SdkRequest>): SdkRequest {
  return {
    method: "GET",
    protocol: "http:",
    hostname: "localhost",
    port: 4566,
    path: "/",
    query: {},
    headers: { host: "localhost:4566" },
    ...overrides,
  };
}

const SCENARIOS: Scenario[] = [
  {
    name: "query protocol (STS) POST with a session token",
    service: "sts",
    request: base({
      method: "POST",
      headers: { host: "localhost:4566", "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    }),
    sessionToken: "FwoGZXIvYXdzE+token/with=chars",
    expectedCode: "SignatureDoesNotMatch",
    tamper: (w) => ({ ...w, body: w.body.replace("GetCallerIdentity", "GetSessionToken") }),
  },
  {
    name: "rest-json (Lambda) path with escaped label characters",
    service: "lambda",
    request: base({
      method: "POST",
      path: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/invocations",
      query: { Qualifier: "$LATEST" },
      headers: { host: "localhost:4566", "x-amz-invocation-type": "Event", "content-type": "application/json" },
      body: '{"hello":"world"}',
    }),
    expectedCode: "InvalidSignatureException",
    tamper: (w) => ({ ...w, path: w.path.replace("my-fn", "my-fm") }),
  },
  {
    name: "query parameters with special characters and repeated names",
    service: "execute-api",
    request: base({
      path: "/prod/items/a%20b",
      query: { "a b": "c+d", emoji: "😀", sym: "!*'()~", multi: ["2", "1", "10"], empty: "", "x/y": "p&q=r" },
      headers: { host: "localhost:4566", "x-custom": "  spaced   out  value ", accept: "application/json" },
    }),
    expectedCode: "InvalidSignatureException",
    tamper: (w) => ({ ...w, query: w.query.replace("multi=10", "multi=11") }),
  },
  {
    name: "JSON protocol (DynamoDB) with a target header",
    service: "dynamodb",
    request: base({
      method: "POST",
      headers: {
        host: "localhost:4566",
        "x-amz-target": "DynamoDB_20120810.PutItem",
        "content-type": "application/x-amz-json-1.0",
      },
      body: '{"TableName":"t","Item":{"pk":{"S":"ሴ"}}}',
    }),
    expectedCode: "InvalidSignatureException",
    tamper: (w) => ({ ...w, headers: { ...w.headers, "x-amz-target": "DynamoDB_20120810.DeleteItem" } }),
  },
  {
    name: "S3 PUT object with an escaped key, metadata and a body checksum",
    service: "s3",
    uriEscapePath: false,
    applyChecksum: true,
    request: base({
      method: "PUT",
      path: "/bucket/my%20folder/a%2Bb%20%281%29%21.txt",
      headers: {
        host: "localhost:4566",
        "content-type": "text/plain",
        "x-amz-meta-note": "two  spaces",
        "x-amz-storage-class": "STANDARD_IA",
      },
      body: "hello, object",
    }),
    expectedCode: "SignatureDoesNotMatch",
    tamper: (w) => ({ ...w, headers: { ...w.headers, "x-amz-meta-note": "two spaces!" } }),
  },
  {
    name: "S3 streaming upload seed signature",
    service: "s3",
    uriEscapePath: false,
    applyChecksum: false,
    request: base({
      method: "PUT",
      path: "/bucket/big.bin",
      headers: {
        host: "localhost:4566",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": "66560",
      },
    }),
    expectedCode: "SignatureDoesNotMatch",
    tamper: (w) => ({ ...w, headers: { ...w.headers, "x-amz-decoded-content-length": "66561" } }),
  },
  {
    name: "S3 presigned GET with an unsigned payload",
    service: "s3",
    uriEscapePath: false,
    applyChecksum: false,
    request: base({
      path: "/bucket/photos/2024/cat%20%26%20dog.jpg",
      query: { "response-content-disposition": 'attachment; filename="cat.jpg"', "x-id": "GetObject" },
      headers: { host: "localhost:4566", "x-amz-content-sha256": UNSIGNED_PAYLOAD },
    }),
    presign: { expiresIn: 3600 },
    sessionToken: "session/token+1",
    expectedCode: "SignatureDoesNotMatch",
    tamper: (w) => ({ ...w, query: w.query.replace("x-id=GetObject", "x-id=PutObject") }),
  },
  {
    name: "non-S3 presigned request (STS GetCallerIdentity, as an EKS token)",
    service: "sts",
    request: base({
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host: "localhost:4566", "x-k8s-aws-id": "my-cluster" },
    }),
    presign: { expiresIn: 60 },
    sessionToken: "IQoJb3JpZ2luX2Vj+EKS/token==",
    expectedCode: "SignatureDoesNotMatch",
    tamper: (w) => ({ ...w, headers: { ...w.headers, "x-k8s-aws-id": "other-cluster" } }),
  },
];

async function signWithSdk(scenario: Scenario): Promise<ReturnType<typeof onTheWire>> {
  const signer = new SignatureV4({
    service: scenario.service,
    region: "eu-central-1",
    credentials: {
      accessKeyId: "123456789012",
      secretAccessKey: SECRET,
      ...(scenario.sessionToken === undefined ? {} : { sessionToken: scenario.sessionToken }),
    },
    sha256: NodeSha256,
    uriEscapePath: scenario.uriEscapePath ?? true,
    applyChecksum: scenario.applyChecksum ?? false,
  });
  const signed = scenario.presign
    ? await signer.presign(scenario.request, { signingDate: SIGNED_AT, expiresIn: scenario.presign.expiresIn })
    : await signer.sign(scenario.request, { signingDate: SIGNED_AT });
  return onTheWire(signed as SdkRequest);
}

function verifyWire(wire: ReturnType<typeof onTheWire>, method: string, now: number) {
  const parsed = parseAuthorization(wire.headers, wire.query);
  assert.ok(parsed, "the SDK's request parses as signed");
  const payloadHash = resolvePayloadHash(parsed, wire.headers, wire.query, () => sha256Hex(wire.body));
  const request: SignableRequest = { method, path: wire.path, query: wire.query, headers: wire.headers, payloadHash };
  return { parsed, request, result: verifySignature(request, SECRET, parsed, now) };
}

describe("requests signed by @smithy/signature-v4", () => {
  for (const scenario of SCENARIOS) {
    test(scenario.name, async () => {
      const wire = await signWithSdk(scenario);
      const { parsed, request, result } = verifyWire(wire, scenario.request.method, SIGNED_AT_MS + 5_000);
      assert.equal(result.ok, true, result.ok ? "" : result.error.message);
      assert.equal(parsed.accessKeyId, "123456789012");
      assert.equal(parsed.region, "eu-central-1");
      assert.equal(parsed.service, scenario.service);
      assert.equal(parsed.presigned, scenario.presign !== undefined);
      assert.equal(parsed.securityToken, scenario.sessionToken);
      if (scenario.presign) assert.equal(parsed.expiresSeconds, scenario.presign.expiresIn);

      // The query handed over parsed instead of raw verifies too.
      const viaParams = verifySignature({ ...request, query: new URLSearchParams(wire.query) }, SECRET, parsed, SIGNED_AT_MS);
      assert.equal(viaParams.ok, true);

      const tampered = scenario.tamper(wire);
      assert.notDeepEqual(tampered, wire, "the tamper changes the request");
      // DynamoDB and the other JSON services answer 400, query services and S3 answer 403.
      const status = scenario.expectedCode === "InvalidSignatureException" ? 400 : 403;
      const { result: rejected } = verifyWire(tampered, scenario.request.method, SIGNED_AT_MS + 5_000);
      expectFailure(rejected, scenario.expectedCode, status);

      const wrongSecret = verifySignature(request, SECRET + "x", parsed, SIGNED_AT_MS);
      expectFailure(wrongSecret, scenario.expectedCode, status);
    });
  }

  test("STS explains the canonical request it expected", async () => {
    const scenario = SCENARIOS[0];
    assert.ok(scenario);
    const wire = await signWithSdk(scenario);
    const { result, request, parsed } = verifyWire(scenario.tamper(wire), "POST", SIGNED_AT_MS);
    const error = expectFailure(result, "SignatureDoesNotMatch", 403);
    const expected = computeSignature(request, SECRET, parsed);
    assert.equal(
      error.message,
      `${NON_S3_MISMATCH}\n\nThe Canonical String for this request should have been\n'${expected.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${expected.stringToSign}'\n`,
    );
    assert.equal(error.type, "Sender");
  });

  test("S3 explains the string to sign it expected", async () => {
    const scenario = SCENARIOS.find((s) => s.name.startsWith("S3 PUT"));
    assert.ok(scenario);
    const wire = await signWithSdk(scenario);
    const { result, request, parsed } = verifyWire(scenario.tamper(wire), "PUT", SIGNED_AT_MS);
    const error = expectFailure(
      result,
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
    const expected = computeSignature(request, SECRET, parsed);
    assert.equal(error.fields.AWSAccessKeyId, "123456789012");
    assert.equal(error.fields.SignatureProvided, parsed.signature);
    assert.equal(error.fields.StringToSign, expected.stringToSign);
    assert.equal(error.fields.CanonicalRequest, expected.canonicalRequest);
    assert.equal(String(error.fields.StringToSignBytes).slice(0, 11), "41 57 53 34");
  });

  test("a non-S3 presigned request lives 15 minutes whatever X-Amz-Expires says", async () => {
    const scenario = SCENARIOS.find((s) => s.name.startsWith("non-S3 presigned"));
    assert.ok(scenario);
    const wire = await signWithSdk(scenario);
    assert.equal(verifyWire(wire, "GET", SIGNED_AT_MS + 10 * 60_000).result.ok, true);
    expectFailure(
      verifyWire(wire, "GET", SIGNED_AT_MS + 16 * 60_000).result,
      "SignatureDoesNotMatch",
      403,
      "Signature expired: 20240229T235930Z is now earlier than 20240301T000030Z (20240301T001530Z - 15 min.)",
    );
  });

  test("an S3 presigned URL expires after X-Amz-Expires", async () => {
    const scenario = SCENARIOS.find((s) => s.name.startsWith("S3 presigned"));
    assert.ok(scenario);
    const wire = await signWithSdk(scenario);
    assert.equal(verifyWire(wire, "GET", SIGNED_AT_MS + 3600_000).result.ok, true);
    const error = expectFailure(verifyWire(wire, "GET", SIGNED_AT_MS + 3601_000).result, "AccessDenied", 403, "Request has expired");
    assert.deepEqual(error.fields, { "X-Amz-Expires": "3600", Expires: "2024-03-01T00:59:30Z", ServerTime: "2024-03-01T00:59:31Z" });
  });

  test("S3 requires x-amz-content-sha256 on header-signed requests", async () => {
    const scenario = SCENARIOS.find((s) => s.name.startsWith("S3 PUT"));
    assert.ok(scenario);
    const wire = await signWithSdk(scenario);
    const headers = { ...wire.headers };
    delete headers["x-amz-content-sha256"];
    const parsed = parseAuthorization(headers, wire.query);
    assert.ok(parsed);
    assert.throws(
      () => resolvePayloadHash(parsed, headers, wire.query, () => sha256Hex(wire.body)),
      (error: unknown) =>
        error instanceof AwsError &&
        error.code === "InvalidRequest" &&
        error.status === 400 &&
        error.message === "Missing required header for this request: x-amz-content-sha256",
    );
  });
});
