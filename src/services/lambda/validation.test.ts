import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { check, checkEnvironment, checkRuntime, constraints } from "./validation.js";

describe("Lambda validation", () => {
  test("member constraints are listed together, in Coral's wording", () => {
    assert.throws(() => check(constraints.timeout(0), constraints.memorySize(20000)), {
      code: "ValidationException",
      message:
        "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '20000' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240",
    });
    assert.doesNotThrow(() => check(constraints.timeout(900), constraints.memorySize(10240), constraints.timeout(undefined)));
  });

  test("runtimes: deprecated ones point at their successor; unknown ones fail the enum", () => {
    assert.throws(() => checkRuntime("python3.8"), {
      code: "InvalidParameterValueException",
      message:
        "The runtime parameter of python3.8 is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (python3.12) while creating or updating functions.",
    });
    assert.throws(() => check(constraints.runtime("cobol")), (err: Error) => /^1 validation error detected: Value 'cobol' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[/.test(err.message));
    assert.doesNotThrow(() => checkRuntime("nodejs22.x"));
  });

  test("environment: reserved keys and the 4 KB limit", () => {
    assert.throws(() => checkEnvironment({ AWS_REGION: "x", OK: "y" }), {
      code: "InvalidParameterValueException",
      message:
        "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION",
    });
    const justUnder = { A1: "x".repeat(4096 - JSON.stringify({ A1: "" }).length) };
    assert.doesNotThrow(() => checkEnvironment(justUnder));
    assert.throws(() => checkEnvironment({ A1: justUnder.A1 + "x" }), { code: "InvalidParameterValueException" });
  });
});
