import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isPublicPolicy } from "./policy-status.js";

const policy = (...statements: Record<string, unknown>[]): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ ...{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }, ...s })) });

describe("isPublicPolicy", () => {
  test("a wildcard principal without a limiting condition is public, however it is spelled", () => {
    assert.equal(isPublicPolicy(policy({ Principal: "*" })), true);
    assert.equal(isPublicPolicy(policy({ Principal: { AWS: "*" } })), true);
    assert.equal(isPublicPolicy(policy({ Principal: { AWS: ["arn:aws:iam::111122223333:root", "*"] } })), true);
    assert.equal(isPublicPolicy(policy({ Principal: { AWS: "arn:aws:iam::*:root" } })), true);
    assert.equal(isPublicPolicy(policy({ Principal: { AWS: "arn:aws:iam::${aws:username}:root" } })), true);
    // A single statement object (not an array) is read the same way.
    assert.equal(isPublicPolicy(JSON.stringify({ Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" } })), true);
  });

  test("fixed principals, Deny statements and NotPrincipal", () => {
    assert.equal(isPublicPolicy(policy({ Principal: { AWS: "arn:aws:iam::111122223333:role/reader" } })), false);
    assert.equal(isPublicPolicy(policy({ Principal: { Service: "logging.s3.amazonaws.com" } })), false);
    assert.equal(isPublicPolicy(policy({ Principal: { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" } })), false);
    assert.equal(isPublicPolicy(policy({ Effect: "Deny", Principal: "*" })), false);
    assert.equal(isPublicPolicy(policy({ Principal: { AWS: "arn:aws:iam::111122223333:root" } }, { Principal: "*" })), true, "one public statement makes the policy public");
    assert.equal(isPublicPolicy(policy({ NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" } })), true);
  });

  test("fixed values of the limiting condition keys make a wildcard grant non-public", () => {
    const limited = (condition: Record<string, unknown>) => isPublicPolicy(policy({ Principal: "*", Condition: condition }));
    assert.equal(limited({ IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"] } }), false);
    assert.equal(limited({ StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } }), false);
    assert.equal(limited({ StringEquals: { "aws:SourceAccount": "111122223333" } }), false);
    assert.equal(limited({ ArnEquals: { "aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE" } }), false);
    assert.equal(limited({ StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } }), false);
    assert.equal(limited({ "ForAnyValue:StringEquals": { "aws:SourceVpc": ["vpc-1", "vpc-2"] } }), false);
    assert.equal(limited({ StringEquals: { "AWS:SOURCEACCOUNT": "111122223333" } }), false, "keys and operators are case-insensitive");
    assert.equal(limited({ StringLike: { "s3:DataAccessPointArn": "arn:aws:s3:us-east-1:111122223333:accesspoint/*" } }), false);
    assert.equal(limited({ StringEquals: { "aws:userid": "AIDAEXAMPLE" } }), false);
  });

  test("wildcards, variables, negations, IfExists, whole address spaces and other keys do not limit", () => {
    const limited = (condition: Record<string, unknown>) => isPublicPolicy(policy({ Principal: "*", Condition: condition }));
    assert.equal(limited({ IpAddress: { "aws:SourceIp": "0.0.0.0/0" } }), true);
    assert.equal(limited({ IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "::/0"] } }), true);
    assert.equal(limited({ NotIpAddress: { "aws:SourceIp": "192.0.2.0/24" } }), true);
    assert.equal(limited({ StringLike: { "aws:SourceVpc": "vpc-*" } }), true);
    assert.equal(limited({ StringEquals: { "aws:SourceAccount": "${aws:PrincipalAccount}" } }), true);
    assert.equal(limited({ StringNotEquals: { "aws:SourceVpc": "vpc-1" } }), true);
    assert.equal(limited({ StringEqualsIfExists: { "aws:SourceVpc": "vpc-1" } }), true);
    assert.equal(limited({ StringEquals: { "s3:prefix": "home/" } }), true);
    assert.equal(limited({ Bool: { "aws:SecureTransport": "true" } }), true);
    assert.equal(limited({ StringLike: { "s3:DataAccessPointArn": "arn:aws:s3:us-east-1:*:accesspoint/*" } }), true);
    assert.equal(limited({ StringLike: { "aws:userid": "AROAEXAMPLE:*" } }), true);
    assert.equal(limited({ StringEquals: { "aws:SourceVpc": [] } }), true);
    assert.equal(limited({ "ForAllValues:StringEquals": { "aws:SourceVpc": ["vpc-1"] } }), true);
  });
});
