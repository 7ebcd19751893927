/**
 * Edge cases of ListParts and ListMultipartUploads paging, as AWS answers them (LocalStack's
 * AWS-validated test_s3_list_operations snapshots).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { failure, signedHeaders, type TestNimbus } from "./harness.js";
import { newBucket, s3Suite } from "./s3-fixtures.js";

describe("S3 listing of uploads and parts", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  // AWS (test_list_parts_pagination: list-parts-empty, list-parts-wrong-part): NextPartNumberMarker
  // is 0 on a page without parts, before any part is uploaded and after a marker past the last.
  test("ListParts names NextPartNumberMarker 0 on a page without parts", async () => {
    const bucket = await newBucket(s3, "parts0");
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "k" }));
    const none = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "k", UploadId }));
    assert.deepEqual([none.Parts, none.PartNumberMarker, none.NextPartNumberMarker, none.IsTruncated], [undefined, "0", "0", false]);
    for (const n of [1, 2]) await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "k", UploadId, PartNumber: n, Body: "data" }));
    const past = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "k", UploadId, MaxParts: 1, PartNumberMarker: "10" }));
    assert.deepEqual([past.Parts, past.PartNumberMarker, past.NextPartNumberMarker, past.IsTruncated, past.MaxParts], [undefined, "10", "0", false, 1]);
    // A negative marker is refused (versity/versitygw#1383).
    const negative = await failure(s3.send(new ListPartsCommand({ Bucket: bucket, Key: "k", UploadId, PartNumberMarker: "-2" })));
    assert.deepEqual(
      [negative.name, negative.$metadata.httpStatusCode, negative.message],
      ["InvalidArgument", 400, "Argument part-number-marker must be an integer between 0 and 2147483647"],
    );
    const last = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "k", UploadId, MaxParts: 1, PartNumberMarker: "1" }));
    assert.deepEqual([last.Parts?.map((p) => p.PartNumber), last.NextPartNumberMarker, last.IsTruncated], [[2], "2", false]);
  });

  // AWS (test_list_parts_empty_part_number_marker: list-parts-empty-marker, list-parts-empty-max-parts)
  // lists as if an empty part-number-marker or max-parts were not sent. The SDK cannot send them empty.
  test("ListParts takes an empty max-parts or part-number-marker for none", async () => {
    const bucket = await newBucket(s3, "partsempty");
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "k" }));
    await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "k", UploadId, PartNumber: 1, Body: "data" }));
    for (const empty of ["part-number-marker=", "max-parts="]) {
      const res = await fetch(`${nimbus.url}/${bucket}/k?uploadId=${UploadId}&${empty}`, { headers: signedHeaders("s3") });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.ok(body.includes("<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>1</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"), body);
    }
  });

  // AWS (test_list_multiparts_next_marker: every page listed without a prefix has no Prefix;
  // brekkylab/backlot measured the same byte for byte, and an empty prefix= not echoed either).
  test("ListMultipartUploads names Prefix only when one was sent", async () => {
    const bucket = await newBucket(s3, "uploadsprefix");
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "p/k" }));
    for (const query of ["uploads", "uploads&prefix="]) {
      const res = await fetch(`${nimbus.url}/${bucket}?${query}`, { headers: signedHeaders("s3") });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.ok(!body.includes("<Prefix>"), `${query}: ${body}`);
    }
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Prefix, undefined);
    const prefixed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "p/" }));
    assert.deepEqual([prefixed.Prefix, prefixed.Uploads?.map((u) => u.Key)], ["p/", ["p/k"]]);
  });
});
