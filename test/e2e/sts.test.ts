import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetAccessKeyInfoCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { clientSuite, signedHeaders, type TestNimbus, failure } from "./harness.js";

describe("STS", () => {
  let nimbus: TestNimbus;
  let sts: STSClient;
  clientSuite(
    (started) => new STSClient(started.clientConfig()),
    (started, client) => {
      nimbus = started;
      sts = client;
    },
  );


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

  test("AssumeRole checks session tags, managed policy ARNs and the source identity against the model's constraints", async () => {
    const role = "arn:aws:iam::111122223333:role/demo";
    const tagged = await failure<STSServiceException>(
      sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "ok", Tags: [{ Key: "team", Value: "a" }, { Key: "a*b", Value: "x".repeat(257) }], PolicyArns: [{ arn: "short" }], SourceIdentity: "has space" })),
    );
    assert.equal(tagged.name, "ValidationError");
    assert.equal(tagged.$metadata.httpStatusCode, 400);
    assert.equal(
      tagged.message,
      "4 validation errors detected: Value 'short' at 'policyArns.1.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
        "Value 'a*b' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+; " +
        `Value '${"x".repeat(257)}' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256; ` +
        "Value 'has space' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    const tooMany = await failure<STSServiceException>(
      sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "ok", Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) })),
    );
    assert.equal(tooMany.message, "1 validation error detected: Value '[51 items]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
    // Letters, numbers and spaces of any script and _.:/=+-@ are allowed in tags.
    const ok = await sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "ok", Tags: [{ Key: "Équipe 1", Value: "" }], TransitiveTagKeys: ["Équipe 1"], SourceIdentity: "alice@example.com" }));
    assert.equal(ok.SourceIdentity, "alice@example.com");
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

  /** An OpenID Connect ID token as an identity provider signs it (the signature is not checked: Nimbus has no provider keys). */
  const idToken = (claims: Record<string, unknown>): string =>
    [{ alg: "RS256", kid: "k1", typ: "JWT" }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString("base64url")).join(".") + "." + Buffer.from("signature").toString("base64url");

  test("AssumeRoleWithWebIdentity: an OIDC token (EKS IRSA, GitHub Actions) assumes the role, unsigned; the credentials act as it", async () => {
    const now = Math.floor(nimbus.clock.now() / 1000);
    const issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    const token = idToken({
      iss: issuer,
      sub: "system:serviceaccount:default:app",
      aud: ["sts.amazonaws.com"],
      exp: now + 3600,
      iat: now,
      "https://aws.amazon.com/source_identity": "alice",
    });
    // The SDKs' web-identity credential providers send this call without credentials of their own.
    const anonymous = new STSClient({ ...nimbus.clientConfig(), credentials: { accessKeyId: "", secretAccessKey: "" } });
    const out = await anonymous.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: "arn:aws:iam::111122223333:role/irsa/app-role", RoleSessionName: "botocore-session-1", WebIdentityToken: token, DurationSeconds: 1800 }),
    );
    anonymous.destroy();
    const creds = out.Credentials;
    assert.ok(creds?.AccessKeyId && creds.SecretAccessKey && creds.SessionToken && creds.Expiration);
    assert.match(creds.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(creds.Expiration.getTime(), (now + 1800) * 1000);
    assert.equal(out.AssumedRoleUser?.Arn, "arn:aws:sts::111122223333:assumed-role/app-role/botocore-session-1");
    assert.match(out.AssumedRoleUser?.AssumedRoleId ?? "", /^AROA[A-Z2-7]{17}:botocore-session-1$/);
    assert.equal(out.SubjectFromWebIdentityToken, "system:serviceaccount:default:app");
    // The IAM OIDC provider's ARN, as AWS answers it (spiffe/spiffe.io#110 quotes an AWS CLI answer).
    assert.equal(out.Provider, "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE");
    assert.equal(out.Audience, "sts.amazonaws.com");
    assert.equal(out.SourceIdentity, "alice");
    assert.equal(out.PackedPolicySize, undefined);

    const asRole = new STSClient(nimbus.clientConfig({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken }));
    const id = await asRole.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, "111122223333");
    assert.equal(id.Arn, out.AssumedRoleUser?.Arn);
    asRole.destroy();

    // A form POST without any signature, as the Go SDK and botocore send it; with ProviderId, the Provider is that value.
    const form = new URLSearchParams({ Action: "AssumeRoleWithWebIdentity", Version: "2011-06-15", RoleArn: "arn:aws:iam::111122223333:role/web", RoleSessionName: "raw", WebIdentityToken: token, ProviderId: "www.amazon.com" });
    const raw = await fetch(nimbus.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
    const text = await raw.text();
    assert.equal(raw.status, 200, text);
    assert.match(text, /<Provider>www\.amazon\.com<\/Provider>/);
    assert.match(text, /<SubjectFromWebIdentityToken>system:serviceaccount:default:app<\/SubjectFromWebIdentityToken>/);
  });

  test("AssumeRoleWithWebIdentity refuses an expired token, a token that is no JWT, and bad parameters, as STS does", async () => {
    const now = Math.floor(nimbus.clock.now() / 1000);
    const assume = (token: string, more: { DurationSeconds?: number; Policy?: string } = {}) =>
      failure<STSServiceException>(sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: "arn:aws:iam::111122223333:role/web", RoleSessionName: "web", WebIdentityToken: token, ...more })));

    const expired = await assume(idToken({ iss: "https://token.actions.githubusercontent.com", sub: "repo:o/r:ref:refs/heads/main", aud: "sts.amazonaws.com", exp: now - 60 }));
    assert.equal(expired.name, "ExpiredTokenException");
    assert.equal(expired.$metadata.httpStatusCode, 400);
    assert.equal(expired.message, `Token expired: current date/time ${now} must be before the expiration date/time ${now - 60}`);

    const opaque = await assume("Atza|IQEBLjAsAhRFiXuWpUXuRvQ9PZL3GMFcYevydwIUFAHZwXZXXXX");
    // The SDK names the modelled class; the wire code is the model's awsQueryError code.
    assert.equal(opaque.name, "InvalidIdentityTokenException");
    assert.equal((opaque as STSServiceException & { Code?: string }).Code, "InvalidIdentityToken");
    assert.equal(opaque.$metadata.httpStatusCode, 400);
    assert.equal(opaque.message, "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.");

    const valid = idToken({ iss: "https://issuer.example", sub: "u", aud: "a", exp: now + 600 });
    const short = await assume("abc", { DurationSeconds: 600 });
    assert.equal(short.name, "ValidationError");
    assert.equal(
      short.message,
      "2 validation errors detected: Value 'abc' at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4; Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    const policy = await assume(valid, { Policy: "{not json" });
    assert.equal(policy.name, "MalformedPolicyDocumentException");
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

describe("STS sessions over a long run", () => {
  let nimbus: TestNimbus;
  let sts: STSClient;
  clientSuite(
    (started) => new STSClient(started.clientConfig()),
    (started, client) => {
      nimbus = started;
      sts = client;
    },
  );

  const rows = (ids: readonly string[]): number =>
    (nimbus.state.db.prepare(`SELECT COUNT(*) AS n FROM auth_access_keys WHERE access_key_id IN (${ids.map(() => "?").join(", ")})`).get(...ids) as { n: number }).n;

  test("the sessions of AssumeRole and GetSessionToken are purged once expired, and their tokens are still refused as expired", async () => {
    const role = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111122223333:role/churn", RoleSessionName: "churn", DurationSeconds: 900 }));
    const token = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const creds = [role.Credentials, token.Credentials].map((c) => {
      assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    });
    const ids = creds.map((c) => c.accessKeyId);
    assert.equal(rows(ids), 2);
    // Both lasted 15 minutes; the purge runs every 15 minutes, so within 30 both rows are gone.
    await nimbus.scheduler.advance(1_800_000);
    assert.equal(rows(ids), 0);
    for (const c of creds) {
      const client = new STSClient(nimbus.clientConfig(c));
      const expired = await failure<STSServiceException>(client.send(new GetCallerIdentityCommand({})));
      assert.equal(expired.name, "ExpiredToken");
      assert.equal(expired.message, "The security token included in the request is expired");
      assert.equal(expired.$metadata.httpStatusCode, 403);
      client.destroy();
    }
    // A session still running is kept.
    const live = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111122223333:role/churn", RoleSessionName: "live", DurationSeconds: 3600 }));
    await nimbus.scheduler.advance(1_800_000);
    assert.equal(rows([live.Credentials?.AccessKeyId ?? ""]), 1);
  });

  test("the keys clients send that Nimbus never issued are remembered up to a bound", async () => {
    const { Identities, MAX_REMEMBERED_KEYS } = await import("../../src/auth/credentials.js");
    const identities = (await nimbus.registry.get("sts")).store;
    assert.ok(identities instanceof Identities);
    // A test suite that takes an account (a 12-digit key) per test.
    for (let i = 0; i < MAX_REMEMBERED_KEYS + 200; i++) identities.accountOf(String(200000000000 + i));
    assert.ok(identities.cachedKeys <= MAX_REMEMBERED_KEYS + 1, `${identities.cachedKeys} keys cached`);
    // The forgotten ones still answer as before.
    const client = new STSClient(nimbus.clientConfig({ accessKeyId: "200000000000" }));
    assert.equal((await client.send(new GetCallerIdentityCommand({}))).Account, "200000000000");
    client.destroy();
  });
});
