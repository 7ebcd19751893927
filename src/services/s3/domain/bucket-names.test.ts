import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  bucketNameProblem,
  isAccelerateCompatibleBucketName,
  isValidBucketName,
  validateBucketName,
} from "./bucket-names.js";

describe("bucket names", () => {
  test("valid names, including the AWS guide's examples", () => {
    for (const name of [
      "docexamplebucket1",
      "log-delivery-march-2020",
      "my-hosted-content",
      "docexamplewebsite.com",
      "www.docexamplewebsite.com",
      "my.example.s3.bucket",
      "abc",
      "a".repeat(63),
      "1bucket",
      "bucket1",
      "a-b.c-d",
      "192.168.5.4a",
    ]) {
      assert.equal(isValidBucketName(name), true, name);
    }
  });

  const invalid: [string, string][] = [
    ["ab", "length"],
    ["a".repeat(64), "length"],
    ["", "length"],
    ["doc_example_bucket", "characters"],
    ["DocExampleBucket", "characters"],
    ["doc example", "characters"],
    ["bücket", "characters"],
    ["-bucket", "edges"],
    ["bucket-", "edges"],
    [".bucket", "edges"],
    ["bucket.", "edges"],
    ["doc..example", "adjacent-periods"],
    ["foo-.bar", "hyphen-next-to-period"],
    ["foo.-bar", "hyphen-next-to-period"],
    ["192.168.5.4", "ip-address"],
    ["10.0.0.1", "ip-address"],
    ["xn--bucket", "reserved-prefix"],
    ["sthree-bucket", "reserved-prefix"],
    ["sthree-configurator", "reserved-prefix"],
    ["amzn-s3-demo-bucket", "reserved-prefix"],
    ["bucket-s3alias", "reserved-suffix"],
    ["bucket--ol-s3", "reserved-suffix"],
    ["bucket.mrap", "reserved-suffix"],
    ["bucket--x-s3", "reserved-suffix"],
    ["bucket--table-s3", "reserved-suffix"],
  ];

  for (const [name, problem] of invalid) {
    test(`'${name.length > 20 ? `${name.slice(0, 10)}...(${name.length})` : name}' is refused (${problem})`, () => {
      assert.equal(bucketNameProblem(name), problem);
      try {
        validateBucketName(name);
        assert.fail("expected InvalidBucketName");
      } catch (err) {
        assert.ok(err instanceof AwsError);
        assert.equal(err.code, "InvalidBucketName");
        assert.equal(err.status, 400);
        assert.equal(err.message, "The specified bucket is not valid.");
        assert.deepEqual(err.fields, { BucketName: name });
      }
    });
  }

  test("Transfer Acceleration refuses periods", () => {
    assert.equal(isAccelerateCompatibleBucketName("my-bucket"), true);
    assert.equal(isAccelerateCompatibleBucketName("my.bucket"), false);
    assert.equal(isAccelerateCompatibleBucketName("My-Bucket"), false);
  });
});
