import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePolicy, type RequestPrincipal } from "../../auth/policy.js";
import type { Tag } from "./store.js";
import { requestTags, tagConditionLookup, type TagSources } from "./tag-conditions.js";

const READER = "arn:aws:iam::444455556666:user/reader";
const reader: RequestPrincipal = { type: "aws", account: "444455556666", arn: READER, userId: "AIDAREADER" };
const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const tags = (pairs: Record<string, string>): Tag[] => Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));

/** Sources that count how often each is read. */
function counted(given: { object?: readonly Tag[]; request?: readonly Tag[]; bucket?: readonly Tag[] }) {
  const reads = { object: 0, request: 0, bucket: 0 };
  const sources: TagSources = {
    object: () => (reads.object++, given.object),
    request: () => (reads.request++, given.request),
    bucket: () => (reads.bucket++, given.bucket),
  };
  return { sources, reads };
}

const decide = (doc: string, action: string, resource: string, sources: TagSources) =>
  evaluatePolicy(doc, { principal: reader, action, resource, conditions: {}, lookup: tagConditionLookup(action, sources) });

describe("s3:ExistingObjectTag", () => {
  // "Tagging and access control policies", example 1: only objects tagged environment: production may be read.
  const production = policy({
    Principal: { AWS: [READER] },
    Effect: "Allow",
    Action: ["s3:GetObject", "s3:GetObjectVersion"],
    Resource: "arn:aws:s3:::b/*",
    Condition: { StringEquals: { "s3:ExistingObjectTag/environment": "production" } },
  });

  test("decides reads by the named object's tags, read once", () => {
    const prod = counted({ object: tags({ environment: "production", team: "blue" }) });
    assert.equal(decide(production, "s3:GetObject", "arn:aws:s3:::b/k", prod.sources), "Allow");
    assert.equal(decide(production, "s3:GetObjectVersion", "arn:aws:s3:::b/k", counted({ object: tags({ environment: "production" }) }).sources), "Allow");
    assert.deepEqual(prod.reads, { object: 1, request: 0, bucket: 0 });
    assert.equal(decide(production, "s3:GetObject", "arn:aws:s3:::b/k", counted({ object: tags({ environment: "dev" }) }).sources), "NotApplicable");
    // Tag keys are case-sensitive; the key's prefix is not.
    assert.equal(decide(production, "s3:GetObject", "arn:aws:s3:::b/k", counted({ object: tags({ Environment: "production" }) }).sources), "NotApplicable");
    const upper = policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "S3:EXISTINGOBJECTTAG/environment": "production" } } });
    assert.equal(decide(upper, "s3:GetObject", "arn:aws:s3:::b/k", counted({ object: tags({ environment: "production" }) }).sources), "Allow");
    // No object, no tags: the key is absent.
    assert.equal(decide(production, "s3:GetObject", "arn:aws:s3:::b/missing", counted({}).sources), "NotApplicable");
  });

  test("is present for the tagging and ACL actions, absent for PutObject and DeleteObject, which are never read for it", () => {
    const denyConfidential = policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "s3:ExistingObjectTag/class": "confidential" } } });
    for (const action of ["s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging", "s3:GetObjectAcl", "s3:PutObjectAcl", "s3:GetObjectAttributes", "s3:GetObjectVersionTagging"]) {
      assert.equal(decide(denyConfidential, action, "arn:aws:s3:::b/k", counted({ object: tags({ class: "confidential" }) }).sources), "Deny", action);
    }
    for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:ListBucket", "s3:RestoreObject"]) {
      const { sources, reads } = counted({ object: tags({ class: "confidential" }) });
      assert.equal(decide(denyConfidential, action, "arn:aws:s3:::b/k", sources), "NotApplicable", action);
      assert.equal(reads.object, 0, action);
    }
  });
});

describe("s3:RequestObjectTag and s3:RequestObjectTagKeys", () => {
  const onlyOwnerAndDate = policy({
    Effect: "Allow",
    Principal: "*",
    Action: ["s3:PutObject", "s3:PutObjectTagging"],
    Resource: "arn:aws:s3:::b/*",
    Condition: { "ForAllValues:StringEquals": { "s3:RequestObjectTagKeys": ["Owner", "CreationDate"] }, Null: { "s3:RequestObjectTagKeys": "false" } },
  });

  test("the keys the request sets, as a set: all must be allowed, and some must be set", () => {
    const put = (tagging: string | undefined) => decide(onlyOwnerAndDate, "s3:PutObject", "arn:aws:s3:::b/k", counted({ request: requestTags(tagging) }).sources);
    assert.equal(put("Owner=alice"), "Allow");
    assert.equal(put("Owner=alice&CreationDate=2026-01-01"), "Allow");
    assert.equal(put("Owner=alice&Project=x"), "NotApplicable");
    assert.equal(put(undefined), "NotApplicable");
    assert.equal(put(""), "NotApplicable");
    const tagging = (TagSet: Tag[]) => decide(onlyOwnerAndDate, "s3:PutObjectTagging", "arn:aws:s3:::b/k", counted({ request: requestTags({ TagSet }) }).sources);
    assert.equal(tagging(tags({ Owner: "alice" })), "Allow");
    assert.equal(tagging(tags({ Secret: "1" })), "NotApplicable");
  });

  test("a tag's value; absent for actions that set no tags, which never read them", () => {
    const publicOnly = policy({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringLike: { "s3:RequestObjectTag/access": "public*" } } });
    assert.equal(decide(publicOnly, "s3:PutObject", "arn:aws:s3:::b/k", counted({ request: requestTags("access=public-read&x=%20y") }).sources), "Allow");
    assert.equal(decide(publicOnly, "s3:PutObjectVersionTagging", "arn:aws:s3:::b/k", counted({ request: tags({ access: "public" }) }).sources), "Allow");
    assert.equal(decide(publicOnly, "s3:PutObject", "arn:aws:s3:::b/k", counted({ request: requestTags("access=private") }).sources), "NotApplicable");
    const { sources, reads } = counted({ request: tags({ access: "public" }) });
    assert.equal(decide(publicOnly, "s3:GetObject", "arn:aws:s3:::b/k", sources), "NotApplicable");
    assert.equal(reads.request, 0);
  });

  test("x-amz-tagging is read as URL-encoded pairs, unchecked", () => {
    assert.deepEqual(requestTags("a=1&b=x%20y&c"), tags({ a: "1", b: "x y", c: "" }));
    assert.deepEqual(requestTags({}), []);
    assert.equal(requestTags(undefined), undefined);
  });
});

describe("aws:ResourceTag and s3:BucketTag", () => {
  test("the bucket's tags, for the bucket and its objects, only while ABAC gives them", () => {
    const blueTeam = policy({ Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/team": "blue" } } });
    const frozen = policy({ Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "*", Condition: { StringEquals: { "s3:BucketTag/state": "frozen" } } });
    const abacOn = counted({ bucket: tags({ team: "blue", state: "frozen" }) });
    assert.equal(decide(blueTeam, "s3:GetObject", "arn:aws:s3:::b/k", abacOn.sources), "Allow");
    assert.equal(decide(blueTeam, "s3:ListBucket", "arn:aws:s3:::b", counted({ bucket: tags({ team: "blue" }) }).sources), "Allow");
    assert.equal(decide(frozen, "s3:PutObject", "arn:aws:s3:::b/k", counted({ bucket: tags({ state: "frozen" }) }).sources), "Deny");
    assert.deepEqual(abacOn.reads, { object: 0, request: 0, bucket: 1 });
    // ABAC off: the same tags are no condition keys.
    assert.equal(decide(blueTeam, "s3:GetObject", "arn:aws:s3:::b/k", counted({}).sources), "NotApplicable");
    assert.equal(decide(frozen, "s3:PutObject", "arn:aws:s3:::b/k", counted({}).sources), "NotApplicable");
    assert.equal(decide(blueTeam, "s3:GetObject", "arn:aws:s3:::b/k", counted({ bucket: tags({ team: "red" }) }).sources), "NotApplicable");
  });
});
