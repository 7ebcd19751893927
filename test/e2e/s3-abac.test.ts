/**
 * Tag-based access to S3 with the real v3 client: bucket policies on object tags
 * (s3:ExistingObjectTag, s3:RequestObjectTag, s3:RequestObjectTagKeys) with `--enforce-policies`,
 * and a bucket's attribute-based access control (PutBucketAbac, GetBucketAbac): its tags as
 * aws:ResourceTag and s3:BucketTag while it is enabled, and no PutBucketTagging or
 * DeleteBucketTagging then. Account 111111111111 owns the buckets; 222222222222 is another account.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type BucketAbacStatus,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand,
  GetBucketAbacCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  PutBucketAbacCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { acrossRestart, accountsSuite, ENFORCE_POLICIES, failure, uniqueName } from "./harness.js";

const OWNER = "111111111111";
const OTHER = "222222222222";

const policy = (bucket: string, statements: object[]) => new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
/** A status as sent, invalid ones included (the client's type admits only Enabled and Disabled). */
const abac = (Bucket: string, Status: string) => new PutBucketAbacCommand({ Bucket, AbacStatus: { Status: Status as BucketAbacStatus } });

async function expectError(call: Promise<unknown>, name: string, status: number, message: string): Promise<void> {
  const err = await failure(call);
  assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message], [name, status, message]);
}
const denied = (call: Promise<unknown>) => expectError(call, "AccessDenied", 403, "Access Denied");

describe("S3 bucket ABAC status", () => {
  const suite = accountsSuite({});
  const owner = (): S3Client => suite.client((config) => new S3Client({ ...config, forcePathStyle: true }), OWNER);
  const newBucket = async (): Promise<string> => {
    const bucket = uniqueName("abac");
    await owner().send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  };

  test("GetBucketAbac answers Disabled for a bucket never configured; PutBucketAbac turns it on and off", async () => {
    const bucket = await newBucket();
    assert.deepEqual((await owner().send(new GetBucketAbacCommand({ Bucket: bucket }))).AbacStatus, { Status: "Disabled" });
    const put = await owner().send(abac(bucket, "Enabled"));
    assert.equal(put.$metadata.httpStatusCode, 200);
    assert.deepEqual((await owner().send(new GetBucketAbacCommand({ Bucket: bucket }))).AbacStatus, { Status: "Enabled" });
    await owner().send(abac(bucket, "Disabled"));
    assert.deepEqual((await owner().send(new GetBucketAbacCommand({ Bucket: bucket }))).AbacStatus, { Status: "Disabled" });
  });

  test("refusals: a status other than Enabled or Disabled, a bucket that does not exist", async () => {
    const bucket = await newBucket();
    const malformed = "The XML you provided was not well-formed or did not validate against our published schema";
    await expectError(owner().send(abac(bucket, "Paused")), "MalformedXML", 400, malformed);
    await expectError(owner().send(abac(bucket, "enabled")), "MalformedXML", 400, malformed);
    await expectError(owner().send(new PutBucketAbacCommand({ Bucket: bucket, AbacStatus: {} })), "MalformedXML", 400, malformed);
    assert.deepEqual((await owner().send(new GetBucketAbacCommand({ Bucket: bucket }))).AbacStatus, { Status: "Disabled" });
    const missing = uniqueName("abac-missing");
    await expectError(owner().send(new GetBucketAbacCommand({ Bucket: missing })), "NoSuchBucket", 404, "The specified bucket does not exist");
    await expectError(owner().send(abac(missing, "Enabled")), "NoSuchBucket", 404, "The specified bucket does not exist");
  });

  test("while ABAC is enabled PutBucketTagging and DeleteBucketTagging are refused; GetBucketTagging still answers", async () => {
    const bucket = await newBucket();
    const teamBlue = { TagSet: [{ Key: "team", Value: "blue" }] };
    await owner().send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: teamBlue }));
    await owner().send(abac(bucket, "Enabled"));
    await expectError(
      owner().send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: "team", Value: "red" }] } })),
      "BadRequest",
      400,
      "This S3 general purpose bucket has attribute-based access control (ABAC) enabled. To add tags to this bucket, initiate a TagResource request. To delete tags from this bucket, initiate an UntagResource request.",
    );
    await expectError(
      owner().send(new DeleteBucketTaggingCommand({ Bucket: bucket })),
      "BadRequest",
      400,
      "This S3 general purpose bucket has attribute-based access control (ABAC) enabled. To delete tags from this bucket, initiate an UntagResource request.",
    );
    assert.deepEqual((await owner().send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet, teamBlue.TagSet);

    await owner().send(abac(bucket, "Disabled"));
    await owner().send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: "team", Value: "red" }] } }));
    assert.deepEqual((await owner().send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet, [{ Key: "team", Value: "red" }]);
    await owner().send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
  });

  test("the ABAC status survives a restart", async () => {
    await acrossRestart(
      (nimbus) => new S3Client({ ...nimbus.clientConfig({ accessKeyId: OWNER }), forcePathStyle: true, maxAttempts: 1 }),
      (client) => client.destroy(),
      async (client) => {
        const bucket = uniqueName("abac-kept");
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        await client.send(abac(bucket, "Enabled"));
        return bucket;
      },
      async (client, bucket) => {
        assert.deepEqual((await client.send(new GetBucketAbacCommand({ Bucket: bucket }))).AbacStatus, { Status: "Enabled" });
      },
    );
  });
});

describe("S3 tag condition keys with enforced policies", () => {
  const suite = accountsSuite({ auth: ENFORCE_POLICIES });
  const client = (account: string): S3Client => suite.client((config) => new S3Client({ ...config, forcePathStyle: true }), account);
  const owner = (): S3Client => client(OWNER);
  const other = (): S3Client => client(OTHER);
  const bucketWith = async (objects: Record<string, string>): Promise<string> => {
    const bucket = uniqueName("tag-policies");
    await owner().send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [Key, Tagging] of Object.entries(objects)) await owner().send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key, Tagging }));
    return bucket;
  };
  const read = async (account: S3Client, Bucket: string, Key: string): Promise<string | undefined> =>
    (await account.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString();

  test("s3:ExistingObjectTag: another account reads only the objects tagged as the policy says", async () => {
    const bucket = await bucketWith({ "prod.txt": "environment=production", "dev.txt": "environment=dev", "untagged.txt": "" });
    // "Tagging and access control policies" (S3 User Guide), example 1, for another account.
    await owner().send(
      policy(bucket, [
        {
          Effect: "Allow",
          Principal: { AWS: OTHER },
          Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:PutObject", "s3:DeleteObjectTagging"],
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { StringEquals: { "s3:ExistingObjectTag/environment": "production" } },
        },
      ]),
    );
    assert.equal(await read(other(), bucket, "prod.txt"), "prod.txt");
    assert.deepEqual((await other().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "prod.txt" }))).TagSet, [{ Key: "environment", Value: "production" }]);
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "dev.txt" })));
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "untagged.txt" })));
    await denied(other().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "dev.txt" })));
    // PutObject has no s3:ExistingObjectTag: the key is absent, so the Allow never holds, not even over a production object.
    await denied(other().send(new PutObjectCommand({ Bucket: bucket, Key: "prod.txt", Body: "overwritten" })));
    // Once the tag is gone, so is the access it gave.
    await other().send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: "prod.txt" }));
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "prod.txt" })));
    assert.equal(await read(owner(), bucket, "prod.txt"), "prod.txt");
  });

  test("s3:ExistingObjectTag in a Deny binds the owner account too", async () => {
    const bucket = await bucketWith({ "secret.txt": "class=confidential", "open.txt": "class=public" });
    await owner().send(policy(bucket, [{ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { "s3:ExistingObjectTag/class": "confidential" } } }]));
    await denied(owner().send(new GetObjectCommand({ Bucket: bucket, Key: "secret.txt" })));
    assert.equal(await read(owner(), bucket, "open.txt"), "open.txt");
  });

  test("s3:RequestObjectTagKeys and s3:RequestObjectTag: only the allowed tags may be set, by PutObject, CopyObject and PutObjectTagging", async () => {
    const bucket = await bucketWith({ "source.txt": "Owner=alice" });
    // Example 2 of "Tagging and access control policies", with the Null check that makes some tag required.
    await owner().send(
      policy(bucket, [
        {
          Effect: "Allow",
          Principal: { AWS: OTHER },
          Action: ["s3:PutObject", "s3:PutObjectTagging"],
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { "ForAllValues:StringEquals": { "s3:RequestObjectTagKeys": ["Owner", "CreationDate"] }, Null: { "s3:RequestObjectTagKeys": "false" } },
        },
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/source.txt` },
        { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { "s3:RequestObjectTag/Owner": "mallory" } } },
      ]),
    );
    const put = (Key: string, Tagging?: string) => other().send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x", ...(Tagging === undefined ? {} : { Tagging }) }));
    await put("a.txt", "Owner=bob");
    await put("b.txt", "Owner=bob&CreationDate=2026-01-15");
    await denied(put("c.txt", "Owner=bob&Project=x"));
    await denied(put("d.txt"));
    await denied(put("e.txt", "Owner=mallory"));
    assert.deepEqual((await owner().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "b.txt" }))).TagSet, [
      { Key: "Owner", Value: "bob" },
      { Key: "CreationDate", Value: "2026-01-15" },
    ]);

    const copy = (Key: string, Tagging: string) => other().send(new CopyObjectCommand({ Bucket: bucket, Key, CopySource: `${bucket}/source.txt`, TaggingDirective: "REPLACE", Tagging }));
    await copy("copy.txt", "CreationDate=2026-01-15");
    await denied(copy("copy-2.txt", "Secret=1"));

    const tag = (TagSet: { Key: string; Value: string }[]) => other().send(new PutObjectTaggingCommand({ Bucket: bucket, Key: "a.txt", Tagging: { TagSet } }));
    await tag([{ Key: "CreationDate", Value: "2026-01-16" }]);
    await denied(tag([{ Key: "Project", Value: "x" }]));
    assert.deepEqual((await owner().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "a.txt" }))).TagSet, [{ Key: "CreationDate", Value: "2026-01-16" }]);
  });

  test("aws:ResourceTag and s3:BucketTag are the bucket's tags only while ABAC is enabled", async () => {
    const blue = await bucketWith({ "plan.txt": "" });
    const red = await bucketWith({ "plan.txt": "" });
    await owner().send(new PutBucketTaggingCommand({ Bucket: blue, Tagging: { TagSet: [{ Key: "team", Value: "blue" }] } }));
    await owner().send(new PutBucketTaggingCommand({ Bucket: red, Tagging: { TagSet: [{ Key: "team", Value: "red" }] } }));
    const blueTeam = (bucket: string) =>
      policy(bucket, [
        {
          Effect: "Allow",
          Principal: { AWS: OTHER },
          Action: ["s3:GetObject", "s3:ListBucket"],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          Condition: { StringEquals: { "aws:ResourceTag/team": "blue" } },
        },
      ]);
    await owner().send(blueTeam(blue));
    await owner().send(blueTeam(red));

    // ABAC off: the tags are no condition keys, so the Allow does not hold.
    await denied(other().send(new GetObjectCommand({ Bucket: blue, Key: "plan.txt" })));
    await denied(other().send(new ListObjectsV2Command({ Bucket: blue })));

    await owner().send(abac(blue, "Enabled"));
    await owner().send(abac(red, "Enabled"));
    assert.equal(await read(other(), blue, "plan.txt"), "plan.txt");
    assert.deepEqual((await other().send(new ListObjectsV2Command({ Bucket: blue }))).Contents?.map((o) => o.Key), ["plan.txt"]);
    await denied(other().send(new GetObjectCommand({ Bucket: red, Key: "plan.txt" })));
    await denied(other().send(new ListObjectsV2Command({ Bucket: red })));

    // A Deny on s3:BucketTag binds the owner account too, and only while ABAC is on.
    await owner().send(
      policy(blue, [{ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${blue}/*`, Condition: { StringEquals: { "s3:BucketTag/team": "blue" } } }]),
    );
    await denied(owner().send(new GetObjectCommand({ Bucket: blue, Key: "plan.txt" })));
    await owner().send(abac(blue, "Disabled"));
    assert.equal(await read(owner(), blue, "plan.txt"), "plan.txt");
  });

  test("PutBucketAbac and GetBucketAbac are the owner's unless the bucket policy allows them", async () => {
    const bucket = await bucketWith({});
    await denied(other().send(new GetBucketAbacCommand({ Bucket: bucket })));
    await denied(other().send(abac(bucket, "Enabled")));
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetBucketAbac", Resource: `arn:aws:s3:::${bucket}` }]));
    assert.deepEqual((await other().send(new GetBucketAbacCommand({ Bucket: bucket }))).AbacStatus, { Status: "Disabled" });
    await denied(other().send(abac(bucket, "Enabled")));
  });
});
