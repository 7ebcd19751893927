import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { actionTargets, actionWithoutResource, isValidPrincipal } from "./policy-grammar.js";

describe("actionTargets", () => {
  test("object and bucket actions, wildcards over both, unknown actions unchecked", () => {
    assert.deepEqual(actionTargets("s3:GetObject"), new Set(["object"]));
    assert.deepEqual(actionTargets("s3:getobjectversionacl"), new Set(["object"]));
    assert.deepEqual(actionTargets("s3:ListBucket"), new Set(["bucket"]));
    assert.deepEqual(actionTargets("s3:*"), new Set(["object", "bucket"]));
    assert.deepEqual(actionTargets("*"), new Set(["object", "bucket"]));
    assert.deepEqual(actionTargets("s3:GetObject*"), new Set(["object"]));
    assert.deepEqual(actionTargets("s3:ListBucket?ersions"), new Set(["bucket"]));
    assert.equal(actionTargets("s3:Frobnicate"), undefined);
    assert.equal(actionTargets("s3:ListAllMyBuckets"), undefined);
  });
});

describe("actionWithoutResource", () => {
  test("names the first action that applies to none of the resources", () => {
    assert.equal(actionWithoutResource(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::b/*"], "b"), "s3:ListBucket");
    assert.equal(actionWithoutResource(["s3:GetObject"], ["arn:aws:s3:::b"], "b"), "s3:GetObject");
    assert.equal(actionWithoutResource(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "b"), undefined);
    assert.equal(actionWithoutResource(["s3:ListBucket"], ["*"], "b"), undefined);
    // A bucket named like another's prefix: "b-logs" is not "b".
    assert.equal(actionWithoutResource(["s3:ListBucket"], ["arn:aws:s3:::b/x"], "b"), "s3:ListBucket");
  });
});

describe("isValidPrincipal", () => {
  test("the forms S3 accepts", () => {
    for (const p of ["*", { AWS: "*" }, { AWS: "111122223333" }, { AWS: ["arn:aws:iam::111122223333:root", "arn:aws-cn:iam::111122223333:role/a/b"] }, { Service: ["s3.amazonaws.com", "logging.s3.amazonaws.com"] }, { CanonicalUser: "a".repeat(64) }, { Federated: "cognito-identity.amazonaws.com" }, { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL" }]) {
      assert.equal(isValidPrincipal(p), true, JSON.stringify(p));
    }
  });
  test("and the ones it refuses", () => {
    for (const p of ["111122223333", "", { AWS: "alice" }, { AWS: "arn:aws:iam::1111:root" }, { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity REPLACE_ME" }, { AWS: [] }, { AWS: 111122223333 }, {}, [], null, { constructor: "x" }, { CanonicalUser: "A".repeat(64) }, { Service: "not a service" }]) {
      assert.equal(isValidPrincipal(p), false, JSON.stringify(p));
    }
  });
});
