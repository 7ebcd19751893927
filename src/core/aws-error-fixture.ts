/** For unit tests: the AwsError a call throws, failing the test when it throws nothing or something else. */
import assert from "node:assert/strict";
import { AwsError } from "./errors.js";

export function thrownAwsError(run: () => unknown): AwsError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected an AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected an AwsError");
}
