import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

describe("AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());

  test("aws sts get-caller-identity", async () => {
    const r = await aws(nimbus.url, ["sts", "get-caller-identity"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { UserId: "000000000000", Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" });
  });

  test("aws sts assume-role, then get-caller-identity with the session credentials", async () => {
    const r = await aws(nimbus.url, ["sts", "assume-role", "--role-arn", "arn:aws:iam::111122223333:role/cli", "--role-session-name", "cli-session"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }; AssumedRoleUser: { Arn: string } };
    assert.equal(out.AssumedRoleUser.Arn, "arn:aws:sts::111122223333:assumed-role/cli/cli-session");
    assert.match(out.Credentials.Expiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    const id = await aws(nimbus.url, ["sts", "get-caller-identity"], {
      AWS_ACCESS_KEY_ID: out.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: out.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: out.Credentials.SessionToken,
    });
    assert.equal(id.code, 0, id.stderr);
    assert.equal((JSON.parse(id.stdout) as { Arn: string }).Arn, out.AssumedRoleUser.Arn);
  });

  test("the CLI's error line for a validation error and for an unimplemented operation", async () => {
    const bad = await aws(nimbus.url, ["sts", "get-session-token", "--duration-seconds", "200000"]);
    assert.equal(bad.code, 254);
    assert.equal(
      bad.stderr.trim(),
      "An error occurred (ValidationError) when calling the GetSessionToken operation: 1 validation error detected: Value '200000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    );
    const missing = await aws(nimbus.url, ["cognito-idp", "list-user-pools", "--max-results", "10"]);
    assert.equal(missing.code, 254);
    assert.equal(missing.stderr.trim(), "An error occurred (NotImplemented) when calling the ListUserPools operation: The operation ListUserPools of service Cognito Identity Provider is not yet implemented by Nimbus.");
  });

  test("boto3: get_caller_identity, and a 501 as a ClientError", async () => {
    const r = await boto3(
      nimbus.url,
      `
sts = boto3.client("sts", endpoint_url=ENDPOINT)
print(json.dumps(sts.get_caller_identity()["Arn"]))
cfn = boto3.client("cloudformation", endpoint_url=ENDPOINT)
try:
    cfn.list_stacks()
except cfn.exceptions.ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const [arn, error] = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    assert.equal(arn, "arn:aws:iam::000000000000:root");
    assert.deepEqual(error, ["NotImplemented", "The operation ListStacks of service CloudFormation is not yet implemented by Nimbus.", 501]);
  });
});
