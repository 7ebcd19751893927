import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../core/errors.js";
import { parseSigV2, presignedV2Expired, sigV2Signature, sigV2StringToSign, verifySigV2, type SigV2Request } from "./sigv2.js";

// The example key pair of S3's SigV2 documentation.
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const request = (over: Partial<SigV2Request> = {}): SigV2Request => ({ method: "GET", resourcePath: "/awsexamplebucket1/photos/puppy.jpg", query: new URLSearchParams(), headers: {}, ...over });
const thrown = (fn: () => void): AwsError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  assert.fail("expected an AwsError");
};

describe("SigV2", () => {
  test("the documentation's object GET: string to sign and signature", () => {
    const auth = parseSigV2({ authorization: "AWS AKIAIOSFODNN7EXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=" }, new URLSearchParams());
    assert.deepEqual(auth, { accessKeyId: "AKIAIOSFODNN7EXAMPLE", signature: "qgk2+6Sv9/oM7G3qLEjTH1a1l1g=", presigned: false });
    const req = request({ headers: { date: "Tue, 27 Mar 2007 19:36:42 +0000" } });
    const toSign = sigV2StringToSign(req, auth!);
    assert.equal(toSign, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg");
    assert.equal(sigV2Signature(SECRET, toSign), "qgk2+6Sv9/oM7G3qLEjTH1a1l1g=");
    assert.doesNotThrow(() => verifySigV2(req, auth!, SECRET, Date.parse("2007-03-27T19:40:00Z")));
  });

  test("x-amz-* headers sorted and trimmed, x-amz-date empties the Date line, sub-resources sorted, other parameters left out", () => {
    const auth = { accessKeyId: "AKID", signature: "", presigned: false };
    const req = request({
      method: "PUT",
      query: new URLSearchParams("versionId=v1&prefix=ignored&acl"),
      headers: { date: "ignored", "x-amz-date": "Tue, 27 Mar 2007 21:20:26 +0000", "x-amz-meta-b": " two ", "x-amz-acl": "private", "content-type": "text/plain", "content-md5": "abc==" },
    });
    assert.equal(sigV2StringToSign(req, auth), "PUT\nabc==\ntext/plain\n\nx-amz-acl:private\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\nx-amz-meta-b:two\n/awsexamplebucket1/photos/puppy.jpg?acl&versionId=v1");
  });

  test("a presigned URL signs its Expires and carries x-amz-* headers and the content type as parameters", () => {
    const query = new URLSearchParams("AWSAccessKeyId=AKID&Signature=c2ln&Expires=1175139620&x-amz-security-token=tok&content-type=image%2Fjpeg&response-content-type=text%2Fplain");
    const auth = parseSigV2({}, query);
    assert.deepEqual(auth, { accessKeyId: "AKID", signature: "c2ln", presigned: true, expires: "1175139620" });
    assert.equal(sigV2StringToSign(request({ query }), auth!), "GET\n\nimage/jpeg\n1175139620\nx-amz-security-token:tok\n/awsexamplebucket1/photos/puppy.jpg?response-content-type=text/plain");
  });

  test("presigned expiry: S3's AccessDenied with Expires and ServerTime, to the second", () => {
    const auth = { accessKeyId: "AKID", signature: "c2ln", presigned: true, expires: "1800000000" };
    assert.equal(presignedV2Expired(auth, 1_800_000_000_999), undefined, "the expiry second itself is still valid");
    const err = presignedV2Expired(auth, 1_800_000_001_000);
    assert.equal(err?.code, "AccessDenied");
    assert.equal(err?.message, "Request has expired");
    assert.deepEqual(err?.fields, { Expires: "2027-01-15T08:00:00Z", ServerTime: "2027-01-15T08:00:01Z" });
    assert.equal(presignedV2Expired({ accessKeyId: "AKID", signature: "", presigned: false }, 1_800_000_001_000), undefined);
  });

  test("refusals: incomplete query, no date, skew, wrong signature with what S3 lists", () => {
    const incomplete = thrown(() => verifySigV2(request(), { accessKeyId: "AKID", signature: "", presigned: true, expires: "1" }, SECRET, 0));
    assert.deepEqual([incomplete.code, incomplete.status, incomplete.message], ["AccessDenied", 403, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"]);
    const header = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", signature: "qgk2+6Sv9/oM7G3qLEjTH1a1l1g=", presigned: false };
    const undated = thrown(() => verifySigV2(request(), header, SECRET, 0));
    assert.deepEqual([undated.code, undated.message], ["AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"]);
    const beforeEpoch = thrown(() => verifySigV2(request({ headers: { "x-amz-date": "Tue, 07 Jul 1950 21:53:04 GMT" } }), header, SECRET, 0));
    assert.deepEqual([beforeEpoch.code, beforeEpoch.status, beforeEpoch.message], ["AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header"]);
    const afterEnd = thrown(() => verifySigV2(request({ headers: { "x-amz-date": "Tue, 07 Jul 9999 21:53:04 GMT" } }), header, SECRET, 0));
    assert.deepEqual([afterEnd.code, afterEnd.status], ["RequestTimeTooSkewed", 403]);
    const dated = request({ headers: { date: "Tue, 27 Mar 2007 19:36:42 +0000" } });
    const skewed = thrown(() => verifySigV2(dated, header, SECRET, Date.parse("2007-03-27T19:52:43Z")));
    assert.equal(skewed.code, "RequestTimeTooSkewed");
    assert.deepEqual(skewed.fields, { RequestTime: "Tue, 27 Mar 2007 19:36:42 +0000", ServerTime: "2007-03-27T19:52:43Z", MaxAllowedSkewMilliseconds: "900000" });
    const mismatch = thrown(() => verifySigV2(dated, header, "another secret", Date.parse("2007-03-27T19:40:00Z")));
    assert.deepEqual([mismatch.code, mismatch.status], ["SignatureDoesNotMatch", 403]);
    assert.deepEqual(Object.keys(mismatch.fields ?? {}), ["AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes"]);
    assert.equal(mismatch.fields?.StringToSign, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg");
  });
});
