/**
 * Bucket configuration requests answered as Amazon S3 answers them: error code, HTTP status,
 * message and the extra <Error> members, each case backed by a recorded AWS answer (named in
 * the test) or the S3 documentation.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type BucketAccelerateStatus, type CORSRule, type Event, type NotificationConfiguration, type ObjectOwnership, type OwnershipControlsRule, CreateBucketCommand, GetBucketCorsCommand, GetBucketEncryptionCommand, GetBucketPolicyCommand, PutBucketAccelerateConfigurationCommand, PutBucketCorsCommand, PutBucketEncryptionCommand, PutBucketNotificationConfigurationCommand, PutBucketOwnershipControlsCommand, PutBucketLoggingCommand, PutBucketPolicyCommand, PutBucketTaggingCommand, S3Client, type LoggingEnabled, type Tag } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { failure, httpRequest, signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
import { newBucket, s3Suite } from "./s3-fixtures.js";

/** The error's name, HTTP status and message, and the members S3 added to <Error>. */
async function refusal(call: Promise<unknown>, ...members: string[]): Promise<unknown[]> {
  const err = await failure(call);
  return [err.name, err.$metadata.httpStatusCode, err.message, ...members.map((m) => err[m])];
}

describe("S3 bucket configuration conformance", () => {
  let s3: S3Client;
  let nimbus: TestNimbus;
  s3Suite((fixture) => ({ s3, nimbus } = fixture));


  // AWS, as recorded in LocalStack's test_invalid_sqs_arn, test_invalid_topic_arn and
  // test_invalid_lambda_arn snapshots: the ArgumentName is the old element name, with or
  // without destination validation.
  test("PutBucketNotificationConfiguration: an unparsable ARN names Queue, Topic or CloudFunction", async () => {
    const bucket = await newBucket(s3, "cfg-arn");
    const events: Event[] = ["s3:ObjectCreated:*"];
    const cases: [NotificationConfiguration, string, string][] = [
      [{ QueueConfigurations: [{ QueueArn: "invalid-queue", Events: events }] }, "Queue", "invalid-queue"],
      [{ TopicConfigurations: [{ TopicArn: "invalid-topic", Events: events }] }, "Topic", "invalid-topic"],
      [{ LambdaFunctionConfigurations: [{ LambdaFunctionArn: "invalid-function", Events: events }] }, "CloudFunction", "invalid-function"],
    ];
    for (const [NotificationConfiguration, name, arn] of cases) {
      for (const SkipDestinationValidation of [false, true]) {
        const put = s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration, SkipDestinationValidation }));
        assert.deepEqual(await refusal(put, "ArgumentName", "ArgumentValue"), ["InvalidArgument", 400, "The ARN could not be parsed", name, arn]);
      }
    }
  });

  // AWS, as recorded in LocalStack's test_bucket_notification_with_invalid_filter_rules snapshot.
  test("PutBucketNotificationConfiguration: an unknown filter rule name is named as FilterRule.Name", async () => {
    const bucket = await newBucket(s3, "cfg-filter");
    const put = s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        SkipDestinationValidation: true,
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              QueueArn: "arn:aws:sqs:us-east-1:000000000000:my-queue",
              Events: ["s3:ObjectCreated:*"],
              Filter: { Key: { FilterRules: [{ Name: "INVALID" as "prefix", Value: "test" }] } },
            },
          ],
        },
      }),
    );
    assert.deepEqual(await refusal(put, "ArgumentName", "ArgumentValue"), [
      "InvalidArgument",
      400,
      "filter rule name must be either prefix or suffix",
      "FilterRule.Name",
      "INVALID",
    ]);
  });

  // AWS, as recorded in LocalStack's test_s3_default_bucket_encryption_exc snapshot
  // (put-bucket-encryption-two-rules, put-bucket-encryption-kms-with-aes).
  test("PutBucketEncryption: exactly one rule; a KMS key with AES256 names the element without a value", async () => {
    const bucket = await newBucket(s3, "cfg-enc");
    const twoRules = s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" }, BucketKeyEnabled: true },
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
          ],
        },
      }),
    );
    assert.deepEqual(await refusal(twoRules), ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"]);
    // No rule at all is MalformedXML too (put-bucket-encryption-no-rules).
    const noRules = s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [] } }));
    assert.deepEqual(await refusal(noRules), ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"]);
    const kmsWithAes = s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256", KMSMasterKeyID: "randomkeyid" } }] },
      }),
    );
    assert.deepEqual(await refusal(kmsWithAes, "ArgumentName", "ArgumentValue"), [
      "InvalidArgument",
      400,
      "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
      "ApplyServerSideEncryptionByDefault",
      undefined,
    ]);
    const stored = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    assert.equal(stored.ServerSideEncryptionConfiguration?.Rules?.length, 1, "nothing was stored");
  });

  // AWS, as recorded in LocalStack's test_bucket_ownership_controls_exc snapshot
  // (ownership-wrong-value-at-creation, put-ownership-multiple-rules, put-ownership-wrong-value).
  test("Object Ownership: a bad value at creation is quoted in the message; a bad document is MalformedXML", async () => {
    const name = uniqueName("cfg-own");
    const create = s3.send(new CreateBucketCommand({ Bucket: name, ObjectOwnership: "RandomValue" as ObjectOwnership }));
    assert.deepEqual(await refusal(create, "ArgumentName", "ArgumentValue"), [
      "InvalidArgument",
      400,
      "Invalid x-amz-object-ownership header: RandomValue",
      "x-amz-object-ownership",
      undefined,
    ]);
    const bucket = await newBucket(s3, "cfg-own");
    const malformed = "The XML you provided was not well-formed or did not validate against our published schema";
    for (const Rules of [[{ ObjectOwnership: "BucketOwnerPreferred" }, { ObjectOwnership: "ObjectWriter" }], [{ ObjectOwnership: "RandomValue" }]] as OwnershipControlsRule[][]) {
      assert.deepEqual(await refusal(s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules } }))), ["MalformedXML", 400, malformed]);
    }
  });

  // AWS, as recorded in LocalStack's test_bucket_acceleration_configuration_exc snapshot
  // (put-bucket-accelerate-config-random, put-bucket-accelerate-config-dot-bucket).
  test("PutBucketAccelerateConfiguration: a dotted bucket name is refused before the Status is looked at", async () => {
    const plain = await newBucket(s3, "cfg-accel");
    const dotted = await newBucket(s3, "cfg.accel");
    const random = (Bucket: string) => s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: "random" as BucketAccelerateStatus } }));
    assert.deepEqual(await refusal(random(plain)), ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"]);
    assert.deepEqual(await refusal(random(dotted)), ["InvalidRequest", 400, "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"]);
  });

  // S3 answers a policy it takes with 204 No Content, not the model's 200 (a raw S3 response in
  // versity/versitygw#1712; the API reference's sample response). minio-js's setBucketPolicy
  // takes nothing else as success.
  test("PutBucketPolicy: a policy taken is answered 204 No Content", async () => {
    const bucket = await newBucket(s3, "cfg-policy-204");
    const Policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }] });
    const out = await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy, Policy);
  });

  // AWS, as recorded in LocalStack's test_bucket_policy_exc snapshot.
  test("PutBucketPolicy: an empty, non-JSON or statement-less policy is MalformedPolicy", async () => {
    const bucket = await newBucket(s3, "cfg-policy");
    const cases: [string, string][] = [
      ["", "Policies must be valid JSON and the first byte must be '{'"],
      ["invalid json", "Policies must be valid JSON and the first byte must be '{'"],
      ["{}", "Missing required field Statement"],
    ];
    for (const [Policy, message] of cases) {
      assert.deepEqual(await refusal(s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy }))), ["MalformedPolicy", 400, message], JSON.stringify(Policy));
    }
  });

  // S3's answers as users record them: "MalformedPolicy: Invalid principal in policy" (Terraform,
  // scripts that retry on it) and "MalformedPolicy: Action does not apply to any resource(s) in
  // statement" (ministryofjustice/modernisation-platform#10762: s3:GetBucketAcl on objects only;
  // aws-amplify/docs#7799: s3:ListBucket beside object actions on `bucket/*`).
  test("PutBucketPolicy: a principal of no valid form, or an action that applies to none of the statement's resources, is MalformedPolicy", async () => {
    const bucket = await newBucket(s3, "cfg-policy-grammar");
    const put = (statement: Record<string, unknown>) =>
      s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ ...{ Effect: "Allow" }, ...statement }] }) }));
    const objects = `arn:aws:s3:::${bucket}/*`;
    const whole = `arn:aws:s3:::${bucket}`;
    const principal = ["MalformedPolicy", 400, "Invalid principal in policy"];
    for (const Principal of [{ AWS: "not-an-account" }, "111122223333", { AWS: [] }, { Users: "111122223333" }, { CanonicalUser: "abc" }, {}]) {
      assert.deepEqual(await refusal(put({ Principal, Action: "s3:GetObject", Resource: objects })), principal, JSON.stringify(Principal));
    }
    const misplaced = ["MalformedPolicy", 400, "Action does not apply to any resource(s) in statement"];
    const other = { AWS: "arn:aws:iam::111122223333:root" };
    assert.deepEqual(await refusal(put({ Principal: other, Action: "s3:GetObject", Resource: whole })), misplaced);
    assert.deepEqual(await refusal(put({ Principal: other, Action: "s3:GetBucketAcl", Resource: objects })), misplaced);
    assert.deepEqual(await refusal(put({ Principal: other, Action: ["s3:GetObject", "s3:ListBucket"], Resource: objects })), misplaced);
    assert.deepEqual(await refusal(put({ Principal: other, Action: "s3:ListBucket*", Resource: `arn:aws:s3:::${bucket}/logs/*` })), misplaced);
    // Valid forms: every kind of principal, wildcards that reach a resource of the statement, NotResource.
    const accepted = [
      { Principal: { AWS: ["111122223333", "arn:aws:iam::111122223333:user/team/alice", "arn:aws:iam::111122223333:role/Reader", "arn:aws:sts::111122223333:assumed-role/Reader/s1", "AIDAJQABLZS4A3QDU576Q"] }, Action: "s3:GetObject", Resource: objects },
      { Principal: { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" }, Action: "s3:ListBucket", Resource: whole },
      { Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/logs/*` },
      { Principal: other, Action: ["s3:GetObject", "s3:ListBucket"], Resource: [whole, objects] },
      { Principal: other, Action: "s3:*", Resource: whole },
      { Principal: other, Action: "s3:Get*", Resource: objects },
      { Principal: other, Action: "*", Resource: objects },
      { Principal: other, Action: "s3:ListBucket", NotResource: objects },
    ];
    for (const statement of accepted) await put(statement);
  });

  // AWS, as recorded in LocalStack's test_put_cors_invalid_rules (put-cors-exc, put-cors-exc-empty)
  // and test_put_cors_empty_origin (get-cors-empty) snapshots.
  test("PutBucketCors: no rules is MalformedXML; an unknown method is named; an empty origin is kept", async () => {
    const bucket = await newBucket(s3, "cfg-cors");
    const put = (CORSRules: CORSRule[]) => s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules } }));
    assert.deepEqual(await refusal(put([])), ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"]);
    assert.deepEqual(await refusal(put([{ AllowedOrigins: ["*", "https://test.com"], AllowedMethods: ["GET", "PUT", "HEAD", "MYMETHOD"] }])), [
      "InvalidRequest",
      400,
      "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD",
    ]);
    await put([{ AllowedOrigins: [""], AllowedMethods: ["GET", "PUT", "HEAD"] }]);
    const stored = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    assert.deepEqual(stored.CORSRules, [{ AllowedOrigins: [""], AllowedMethods: ["GET", "PUT", "HEAD"] }]);
  });

  // PutBucketCors without Content-MD5 or an x-amz-checksum-* header, as pasted from S3 in
  // aws/aws-cli#229 and brendanhay/amazonka#610; nothing is stored. The SDKs send a checksum.
  test("PutBucketCors needs Content-MD5 or an x-amz-checksum-* header", async () => {
    const bucket = await newBucket(s3, "cfg-cors-md5");
    const body = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`;
    const bare = await httpRequest(nimbus.port, "PUT", `/${bucket}?cors`, signedHeaders("s3"), body);
    assert.equal(bare.status, 400);
    assert.match(bare.text, /<Code>InvalidRequest<\/Code><Message>Missing required header for this request: Content-MD5<\/Message>/);
    assert.equal((await failure(s3.send(new GetBucketCorsCommand({ Bucket: bucket })))).name, "NoSuchCORSConfiguration");
    const md5 = await httpRequest(nimbus.port, "PUT", `/${bucket}?cors`, { ...signedHeaders("s3"), "content-md5": createHash("md5").update(body).digest("base64") }, body);
    assert.equal(md5.status, 200, md5.text);
    assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules, [{ AllowedOrigins: ["*"], AllowedMethods: ["GET"] }]);
  });

  // An element the schema requires, left out inside a configuration document, is MalformedXML
  // (the API reference's error table: "did not validate against our published schema"), not the
  // SDKs' client-side "Missing required parameter": a CORS rule without AllowedOrigin or
  // AllowedMethod (scality/cloudserver putCors.js, run against AWS), a Tag without its Value
  // (versity/versitygw#1231).
  test("A required element left out of a configuration document is MalformedXML", async () => {
    const bucket = await newBucket(s3, "cfg-schema");
    const malformed = ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"];
    const rule = { AllowedOrigins: ["https://example.com"], AllowedMethods: ["GET"] };
    assert.deepEqual(await refusal(s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ ...rule, AllowedOrigins: [] }] } }))), malformed);
    assert.deepEqual(await refusal(s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ ...rule, AllowedMethods: [] }] } }))), malformed);
    assert.deepEqual(await refusal(s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: "team" } as Tag] } }))), malformed);
    assert.deepEqual(
      await refusal(s3.send(new PutBucketLoggingCommand({ Bucket: bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: bucket } as LoggingEnabled } }))),
      malformed,
    );
  });
});
