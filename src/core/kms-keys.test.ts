import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { awsManagedKeyArn, derivedKeyId, kmsKeyArn } from "./kms-keys.js";

const scope = { account: "111122223333", region: "eu-west-1" };
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

describe("KMS key references", () => {
  test("a key ARN stays; a key id becomes the ARN in the caller's account and Region", () => {
    const arn = `arn:aws:kms:us-west-2:444455556666:key/${KEY_ID}`;
    assert.equal(kmsKeyArn(arn, scope), arn);
    assert.equal(kmsKeyArn(KEY_ID, scope), `arn:aws:kms:eu-west-1:111122223333:key/${KEY_ID}`);
    assert.equal(kmsKeyArn("mrk-1234abcd12ab34cd56ef1234567890ab", scope), "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab");
  });

  test("an alias, by name or ARN, stands for one key of its account and Region", () => {
    const byName = kmsKeyArn("alias/app", scope);
    assert.match(byName, /^arn:aws:kms:eu-west-1:111122223333:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(kmsKeyArn("arn:aws:kms:eu-west-1:111122223333:alias/app", { account: "000000000000", region: "us-east-1" }), byName);
    assert.notEqual(kmsKeyArn("alias/app", { ...scope, region: "us-east-1" }), byName);
    assert.notEqual(kmsKeyArn("alias/other", scope), byName);
  });

  test("an AWS managed key has one id per service, account and Region, which its alias names", () => {
    assert.equal(awsManagedKeyArn("s3", scope), kmsKeyArn("alias/aws/s3", scope));
    assert.notEqual(awsManagedKeyArn("s3", scope), awsManagedKeyArn("dynamodb", scope));
    assert.equal(derivedKeyId(scope, "alias/aws/s3"), derivedKeyId({ ...scope }, "alias/aws/s3"));
  });
});
