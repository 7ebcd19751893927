import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../../core/errors.js";
import { functionArn, isVersionQualifier, parseFunctionName } from "./arns.js";

const scope = { account: "123456789012", region: "eu-west-1" };

describe("function names and ARNs", () => {
  test("names, partial ARNs and full ARNs, with and without qualifiers", () => {
    assert.deepEqual(parseFunctionName(scope, "f"), { name: "f", qualifier: undefined });
    assert.deepEqual(parseFunctionName(scope, "f:live"), { name: "f", qualifier: "live" });
    assert.deepEqual(parseFunctionName(scope, "123456789012:function:f"), { name: "f", qualifier: undefined });
    assert.deepEqual(parseFunctionName(scope, "arn:aws:lambda:eu-west-1:123456789012:function:f:3"), { name: "f", qualifier: "3" });
    assert.deepEqual(parseFunctionName(scope, "f", "$LATEST"), { name: "f", qualifier: "$LATEST" });
  });

  test("an ARN of another region or account is not found here", () => {
    assert.throws(() => parseFunctionName(scope, "arn:aws:lambda:us-east-1:123456789012:function:f"), (err: AwsError) => {
      assert.equal(err.code, "ResourceNotFoundException");
      assert.equal(err.message, "Function not found: arn:aws:lambda:us-east-1:123456789012:function:f");
      return true;
    });
  });

  test("a qualifier in the name must match the Qualifier parameter", () => {
    assert.throws(() => parseFunctionName(scope, "f:1", "2"), {
      code: "InvalidParameterValueException",
      message: "The derived qualifier from the function name does not match the specified qualifier.",
    });
  });

  test("names that fail the model's pattern answer a ValidationException", () => {
    assert.throws(() => parseFunctionName(scope, "bad name"), (err: AwsError) => {
      assert.equal(err.code, "ValidationException");
      assert.match(err.message, /^1 validation error detected: Value 'bad name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
      return true;
    });
  });

  test("functionArn and version qualifiers", () => {
    assert.equal(functionArn(scope, "f"), "arn:aws:lambda:eu-west-1:123456789012:function:f");
    assert.equal(functionArn(scope, "f", "live"), "arn:aws:lambda:eu-west-1:123456789012:function:f:live");
    assert.equal(isVersionQualifier("$LATEST"), true);
    assert.equal(isVersionQualifier("12"), true);
    assert.equal(isVersionQualifier("live"), false);
  });
});
