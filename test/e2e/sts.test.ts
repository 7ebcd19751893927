import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AssumeRoleCommand, GetAccessKeyInfoCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { signedHeaders, startTestNimbus, type TestNimbus, failure } from "./harness.js";

describe("STS", () => {
  let nimbus: TestNimbus;
  let sts: STSClient;
  before(async () => {
    nimbus = await startTestNimbus();
    sts = new STSClient(nimbus.clientConfig());
  });
  after(async () => {
    sts.destroy();
    await nimbus.close();
  });


  test("GetCallerIdentity: default keys act as the root of account 000000000000", async () => {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, "000000000000");
    assert.equal(id.Arn, "arn:aws:iam::000000000000:root");
    assert.equal(id.UserId, "000000000000");
    assert.equal(id.$metadata.httpStatusCode, 200);
    assert.match(id.$metadata.requestId ?? "", /^[0-9a-f-]{36}$/);
  });

  test("GetCallerIdentity: a 12-digit access key id is the account id", async () => {
    const client = new STSClient(nimbus.clientConfig({ accessKeyId: "123456789012" }));
    const id = await client.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, "123456789012");
    assert.equal(id.Arn, "arn:aws:iam::123456789012:root");
    client.destroy();
  });

  test("AssumeRole returns credentials that act as the assumed role until they expire", async () => {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111122223333:role/app/deployer", RoleSessionName: "ci-run@1", DurationSeconds: 900 }),
    );
    const creds = out.Credentials;
    assert.ok(creds?.AccessKeyId && creds.SecretAccessKey && creds.SessionToken && creds.Expiration);
    assert.match(creds.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(creds.SecretAccessKey.length, 40);
    assert.equal(creds.Expiration.getTime(), nimbus.clock.now() - (nimbus.clock.now() % 1000) + 900_000);
    assert.equal(out.AssumedRoleUser?.Arn, "arn:aws:sts::111122223333:assumed-role/deployer/ci-run@1");
    assert.match(out.AssumedRoleUser?.AssumedRoleId ?? "", /^AROA[A-Z2-7]{17}:ci-run@1$/);

    const asRole = new STSClient(nimbus.clientConfig({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken }));
    const id = await asRole.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, "111122223333");
    assert.equal(id.Arn, out.AssumedRoleUser?.Arn);
    assert.equal(id.UserId, out.AssumedRoleUser?.AssumedRoleId);

    // Role chaining is limited to one hour.
    const chained = await failure<STSServiceException>(asRole.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111122223333:role/other", RoleSessionName: "x2", DurationSeconds: 7200 })));
    assert.equal(chained.name, "ValidationError");
    assert.equal(chained.$metadata.httpStatusCode, 400);

    const info = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: creds.AccessKeyId }));
    assert.equal(info.Account, "111122223333");

    await nimbus.scheduler.advance(901_000);
    const expired = await failure<STSServiceException>(asRole.send(new GetCallerIdentityCommand({})));
    assert.equal(expired.name, "ExpiredToken");
    assert.equal(expired.message, "The security token included in the request is expired");
    assert.equal(expired.$metadata.httpStatusCode, 403);
    asRole.destroy();
  });

  test("AssumeRole validates with STS's wording", async () => {
    const err = await failure<STSServiceException>(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111122223333:role/demo", RoleSessionName: "has space", DurationSeconds: 899 })));
    assert.equal(err.name, "ValidationError");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(
      err.message,
      "2 validation errors detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    const tooLong = await failure<STSServiceException>(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111122223333:role/demo", RoleSessionName: "ok", DurationSeconds: 43_201 })));
    assert.equal(tooLong.message, "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
  });

  test("a missing required member is refused before any handler runs", async () => {
    // The SDK would refuse to send this, so send it by hand.
    const res = await fetch(`${nimbus.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...signedHeaders("sts"),
      },
      body: "Action=AssumeRole&Version=2011-06-15&RoleSessionName=abc",
    });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.match(text, /<Code>ValidationError<\/Code>/);
    assert.match(text, /<Message>1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null<\/Message>/);
  });

  test("a presigned query string names the account and region (as EKS tokens do)", async () => {
    const signer = new SignatureV4({ service: "sts", region: "eu-central-1", credentials: { accessKeyId: "210987654321", secretAccessKey: "secret" }, sha256: Hash.bind(null, "sha256") });
    const url = new URL(nimbus.url);
    const presigned = await signer.presign(
      { method: "GET", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/", query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, headers: { host: url.host } },
      { expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    assert.match(query, /X-Amz-Credential=210987654321%2F\d{8}%2Feu-central-1%2Fsts%2Faws4_request/);
    const res = await fetch(`${nimbus.url}/?${query}`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<Account>210987654321<\/Account>/);
  });

  test("GetSessionToken: 12 h by default; refused with session credentials", async () => {
    const out = await sts.send(new GetSessionTokenCommand({}));
    const creds = out.Credentials;
    assert.ok(creds?.Expiration && creds.AccessKeyId && creds.SecretAccessKey && creds.SessionToken);
    assert.equal(creds.Expiration.getTime(), nimbus.clock.now() - (nimbus.clock.now() % 1000) + 43_200_000);
    const session = new STSClient(nimbus.clientConfig({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken }));
    const id = await session.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, "arn:aws:iam::000000000000:root");
    const err = await failure<STSServiceException>(session.send(new GetSessionTokenCommand({})));
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.message, "Cannot call GetSessionToken with session credentials");
    assert.equal(err.$metadata.httpStatusCode, 403);
    session.destroy();
  });
});
