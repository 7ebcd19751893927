import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { reportKey, reportLine } from "./bulk-puts.js";

const ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t/bulk-operation/00001768478400000-0a1b2c3d";

describe("bulk put items report", () => {
  test("a report line names the bucket, key and item index, the output type and the message", () => {
    const line = reportLine("in-bucket", { key: "in/part-1.json", itemIndex: 3, message: "One or more parameter values were invalid: Missing the key pk in the item" });
    assert.equal(
      line,
      '{"itemS3Pointer":{"bucket":"in-bucket","key":"in/part-1.json","itemIndex":3},"outputType":"ERROR","errorMessages":["One or more parameter values were invalid: Missing the key pk in the item"]}',
    );
    assert.equal(line.includes("\n"), false);
  });

  test("the report goes under the output prefix, one folder per operation id; a prefix's trailing slash is not doubled", () => {
    assert.equal(reportKey(undefined, ARN), "AWSDynamoDB/00001768478400000-0a1b2c3d/ERROR/part-00000.json");
    assert.equal(reportKey("", ARN), "AWSDynamoDB/00001768478400000-0a1b2c3d/ERROR/part-00000.json");
    assert.equal(reportKey("out", ARN), "out/AWSDynamoDB/00001768478400000-0a1b2c3d/ERROR/part-00000.json");
    assert.equal(reportKey("out/", ARN), "out/AWSDynamoDB/00001768478400000-0a1b2c3d/ERROR/part-00000.json");
  });
});
