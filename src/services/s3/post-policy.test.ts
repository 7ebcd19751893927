import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { AwsError } from "../../core/errors.js";
import {
  checkPostPolicy,
  contentLengthRange,
  describeCondition,
  parsePostPolicy,
  postCredential,
  postPolicySignature,
  verifyPostSignature,
  type PostPolicy,
} from "./post-policy.js";

function b64(doc: unknown): string {
  return Buffer.from(typeof doc === "string" ? doc : JSON.stringify(doc)).toString("base64");
}

function awsError(code: string, message: string, status?: number) {
  return (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    if (status !== undefined) assert.equal(err.status, status);
    return true;
  };
}

const NOW = Date.parse("2026-01-15T12:00:00Z");
const EXPIRES = "2026-01-15T13:00:00.000Z";

describe("parsePostPolicy", () => {
  test("reads expiration and the three condition forms", () => {
    const policy = parsePostPolicy(
      b64({
        expiration: EXPIRES,
        conditions: [{ bucket: "b" }, ["eq", "$Key", "k"], ["starts-with", "$Content-Type", "image/"], ["content-length-range", 1, 100], { "x-amz-meta-n": 5 }],
      }),
    );
    assert.equal(policy.expiration, Date.parse(EXPIRES));
    assert.deepEqual(policy.conditions, [
      { kind: "eq", field: "bucket", written: "bucket", value: "b" },
      { kind: "eq", field: "key", written: "Key", value: "k" },
      { kind: "starts-with", field: "content-type", written: "Content-Type", prefix: "image/" },
      { kind: "content-length-range", min: 1, max: 100 },
      { kind: "eq", field: "x-amz-meta-n", written: "x-amz-meta-n", value: "5" },
    ]);
    assert.deepEqual(contentLengthRange(policy), { min: 1, max: 100 });
  });

  test("S3's documented example with its trailing commas parses", () => {
    const text = '{ "expiration": "2007-12-01T12:00:00.000Z",\n  "conditions": [\n    {"acl": "public-read" },\n    {"bucket": "johnsmith" },\n    ["starts-with", "$key", "user/eric/"],\n  ]\n}';
    assert.equal(parsePostPolicy(b64(text)).conditions.length, 3);
  });

  const invalid: [string, string, string][] = [
    ["not JSON", b64("{nope"), "Invalid Policy: Invalid JSON."],
    ["a JSON list", b64([1]), "Invalid Policy: Invalid JSON."],
    ["no expiration", b64({ conditions: [] }), "Invalid Policy: Policy missing expiration."],
    ["a bad expiration", b64({ expiration: "tomorrow", conditions: [] }), "Invalid Policy: Invalid 'expiration' value: 'tomorrow'"],
    ["no conditions", b64({ expiration: EXPIRES }), "Invalid Policy: Policy missing conditions."],
    ["an object with two keys", b64({ expiration: EXPIRES, conditions: [{ a: "1", b: "2" }] }), "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."],
  ];
  for (const [what, policy, message] of invalid) {
    test(`InvalidPolicyDocument for ${what}`, () => {
      assert.throws(() => parsePostPolicy(policy), awsError("InvalidPolicyDocument", message, 400));
    });
  }
});

describe("checkPostPolicy", () => {
  const policy: PostPolicy = parsePostPolicy(
    b64({
      expiration: EXPIRES,
      conditions: [
        { bucket: "photos" },
        ["starts-with", "$key", "user/"],
        { acl: "public-read" },
        ["starts-with", "$Content-Type", "image/"],
        ["starts-with", "$x-amz-meta-tag", ""],
        ["content-length-range", 0, 10],
      ],
    }),
  );
  const fields = (extra: Record<string, string> = {}) =>
    new Map(Object.entries({ key: "user/a.png", acl: "public-read", "content-type": "image/png", policy: "p", "x-amz-signature": "s", ...extra }));

  test("a form that meets every condition passes; exempt and x-ignore- fields need no condition", () => {
    checkPostPolicy(policy, fields({ "x-ignore-me": "1", "x-amz-meta-tag": "t" }), "photos", NOW);
  });

  test("an expired policy is AccessDenied", () => {
    assert.throws(() => checkPostPolicy(policy, fields(), "photos", Date.parse(EXPIRES) + 1), awsError("AccessDenied", "Invalid according to Policy: Policy expired.", 403));
  });

  test("failed conditions are quoted as S3 quotes them", () => {
    assert.throws(() => checkPostPolicy(policy, fields(), "other", NOW), awsError("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "photos"]'));
    assert.throws(() => checkPostPolicy(policy, fields({ key: "admin/a" }), "photos", NOW), awsError("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]'));
    assert.throws(() => checkPostPolicy(policy, fields({ acl: "private" }), "photos", NOW), awsError("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "public-read"]'));
    // The field name as the policy wrote it, though fields match it whatever their case.
    assert.throws(() => checkPostPolicy(policy, fields({ "content-type": "text/plain" }), "photos", NOW), awsError("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]'));
  });

  test("a field named without $ is no field: the policy parses, and its condition fails as written", () => {
    // LocalStack's AWS-validated test_post_object_policy_conditions_validation_eq ("missing $ prefix") records a 403.
    const bare = parsePostPolicy(b64({ expiration: EXPIRES, conditions: [["eq", "Key", "user/a.png"], ["starts-with", "content-type", ""]] }));
    assert.deepEqual(bare.conditions[0], { kind: "eq", field: "key", written: "Key", bare: true, value: "user/a.png" });
    const form = new Map([["key", "user/a.png"], ["content-type", "image/png"]]);
    assert.throws(() => checkPostPolicy(bare, form, "photos", NOW), awsError("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "Key", "user/a.png"]', 403));
    const startsWith = parsePostPolicy(b64({ expiration: EXPIRES, conditions: [["starts-with", "content-type", ""]] }));
    assert.throws(() => checkPostPolicy(startsWith, form, "photos", NOW), awsError("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["starts-with", "content-type", ""]', 403));
  });

  test("Content-Type lists must meet a starts-with condition value by value", () => {
    checkPostPolicy(policy, fields({ "content-type": "image/png, image/jpeg" }), "photos", NOW);
    assert.throws(() => checkPostPolicy(policy, fields({ "content-type": "image/png, text/plain" }), "photos", NOW), /Policy Condition failed/);
  });

  test("fields the policy does not mention are refused", () => {
    assert.throws(
      () => checkPostPolicy(policy, fields({ "x-amz-meta-other": "1", success_action_status: "201" }), "photos", NOW),
      awsError("AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-other, success_action_status"),
    );
  });

  test("describeCondition", () => {
    assert.equal(describeCondition({ kind: "content-length-range", min: 1, max: 2 }), '["content-length-range", 1, 2]');
  });
});

describe("signatures", () => {
  test("V4: hex HMAC-SHA256 of the base64 policy under the SigV4 signing key", () => {
    // AWS's documented signing-key example: this secret, 20120215/us-east-1/iam gives the key
    // f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d.
    const credential = { accessKeyId: "AK", version: 4 as const, signature: "", date: "20120215", region: "us-east-1", service: "iam" };
    const key = Buffer.from("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", "hex");
    const policy = Buffer.from("alpha").toString("base64");
    assert.equal(postPolicySignature(credential, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", policy), createHmac("sha256", key).update(policy).digest("hex"));
  });

  test("V2: base64 HMAC-SHA1 of the base64 policy under the secret", () => {
    const policy =
      "eyAiZXhwaXJhdGlvbiI6ICIyMDA3LTEyLTAxVDEyOjAwOjAwLjAwMFoiLAogICJjb25kaXRpb25zIjogWwogICAgeyJidWNrZXQiOiAiam9obnNtaXRoIiB9LAogICAgWyJzdGFydHMtd2l0aCIsICIka2V5IiwgInVzZXIvZXJpYy8iXSwKICAgIHsiYWNsIjogInB1YmxpYy1yZWFkIiB9LAogICAgeyJyZWRpcmVjdCI6ICJodHRwOi8vam9obnNtaXRoLnMzLmFtYXpvbmF3cy5jb20vc3VjY2Vzc2Z1bF91cGxvYWQuaHRtbCIgfSwKICAgIFsic3RhcnRzLXdpdGgiLCAiJENvbnRlbnQtVHlwZSIsICJpbWFnZS8iXSwKICAgIHsieC1hbXotbWV0YS11dWlkIjogIjE0MzY1MTIzNjUxMjc0In0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiR4LWFtei1tZXRhLXRhZyIsICIiXSwKICBdCn0K";
    const credential = postCredential(new Map([["awsaccesskeyid", "AK"], ["signature", "2qCp0odXe7A9IYyUVqn0w2adtCA="]]));
    verifyPostSignature(credential, "uV3F3YluFJax1cknvbcGwgjvx4QpvB+leU8dUj2o", policy);
  });

  const v4Fields = (extra: Record<string, string> = {}) =>
    new Map(Object.entries({ "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": "AKID/20260115/us-east-1/s3/aws4_request", "x-amz-date": "20260115T120000Z", "x-amz-signature": "00", ...extra }));

  test("postCredential reads the V4 scope", () => {
    assert.deepEqual(postCredential(v4Fields()), { accessKeyId: "AKID", version: 4, signature: "00", date: "20260115", region: "us-east-1", service: "s3" });
  });

  test("missing and malformed V4 fields", () => {
    const without = v4Fields();
    without.delete("x-amz-signature");
    assert.throws(
      () => postCredential(without),
      awsError("InvalidArgument", "Bucket POST must contain a field named 'x-amz-signature'.  If it is specified, please check the order of the fields."),
    );
    assert.throws(() => postCredential(v4Fields({ "x-amz-credential": "AKID/20260115/us-east-1/s3" })), /Credential is mal-formed/);
    assert.throws(() => postCredential(v4Fields({ "x-amz-date": "20260116T000000Z" })), /Credential is mal-formed/);
    assert.throws(() => postCredential(v4Fields({ "x-amz-algorithm": "AWS4-HMAC-SHA1" })), awsError("InvalidArgument", "Unsupported value for x-amz-algorithm."));
  });

  test("a wrong signature is SignatureDoesNotMatch with the policy as StringToSign", () => {
    const credential = postCredential(v4Fields());
    assert.throws(
      () => verifyPostSignature(credential, "secret", "cG9saWN5"),
      (err: unknown) => {
        assert.ok(err instanceof AwsError);
        assert.equal(err.code, "SignatureDoesNotMatch");
        assert.equal(err.status, 403);
        assert.equal(err.message, "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
        assert.equal(err.fields["StringToSign"], "cG9saWN5");
        assert.equal(err.fields["AWSAccessKeyId"], "AKID");
        return true;
      },
    );
    const good = postPolicySignature(credential, "secret", "cG9saWN5");
    verifyPostSignature({ ...credential, signature: good }, "secret", "cG9saWN5");
  });
});
