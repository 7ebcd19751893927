import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { ManualClock } from "../core/manual-clock.js";
import { openState } from "../state/database.js";
import { Identities } from "./credentials.js";
import { signingSecret, verifyRequest, type AuthConfig } from "./enforcement.js";
import { parseAuthorization, sha256Hex } from "./sigv4.js";

const AUTH: AuthConfig = { enforceSignatures: true, enforcePolicies: false, rootSecretAccessKey: "root-secret" };
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

function identities(): Identities {
  const ids = new Identities(openState({ inMemory: true }), new ManualClock(NOW));
  ids.issue({ accessKeyId: "ASIASESSION", secretAccessKey: "session-secret", sessionToken: "the-token", account: "111122223333", arn: "arn:aws:sts::111122223333:assumed-role/r/s", userId: "AROA:s", session: true, expiration: NOW + 3600_000 });
  return ids;
}

describe("signingSecret", () => {
  const ids = identities();
  test("keys Nimbus never issued sign with the root secret, and carry no session token", () => {
    assert.equal(signingSecret(ids, AUTH, "AKIAANYTHING", undefined, "json"), "root-secret");
    assert.throws(() => signingSecret(ids, AUTH, "AKIAANYTHING", "some-token", "json"), { code: "UnrecognizedClientException", status: 400 });
  });
  test("issued session keys sign with their own secret, only with their own token", () => {
    assert.equal(signingSecret(ids, AUTH, "ASIASESSION", "the-token", "query"), "session-secret");
    assert.throws(() => signingSecret(ids, AUTH, "ASIASESSION", undefined, "query"), { code: "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid." });
    assert.throws(() => signingSecret(ids, AUTH, "ASIASESSION", "other", "s3"), { code: "InvalidToken", status: 400 });
  });
});

describe("verifyRequest", () => {
  const ids = identities();
  const body = '{"TableName":"t"}';
  async function signed(secret: string) {
    const signer = new SignatureV4({ service: "dynamodb", region: "us-east-1", credentials: { accessKeyId: "AKIAROOT", secretAccessKey: secret }, sha256: Hash.bind(null, "sha256") });
    const request = await signer.sign(
      { method: "POST", protocol: "http:", hostname: "localhost", port: 4566, path: "/", query: {}, headers: { host: "localhost:4566", "content-type": "application/x-amz-json-1.0" }, body },
      { signingDate: new Date(NOW) },
    );
    return { headers: request.headers, parsed: parseAuthorization(request.headers, "")! };
  }
  const verify = (headers: Record<string, string>, parsed: NonNullable<ReturnType<typeof parseAuthorization>>, sent = body, now = NOW) =>
    verifyRequest({ method: "POST", rawPath: "/", query: "", headers, host: "localhost:4566" }, parsed, { identities: ids, auth: AUTH, now, bodySha256: () => sha256Hex(sent) });

  test("a request the SDK signed with the root secret passes, and gives what its body's chunks would chain from", async () => {
    const { headers, parsed } = await signed("root-secret");
    const verified = verify(headers, parsed);
    assert.equal(verified.seedSignature, parsed.signature);
    assert.equal(verified.payloadHash, sha256Hex(body));
    assert.equal(verified.bodySha256, undefined, "only S3 declares a digest for the body to match");
  });
  test("another secret, another body or another time is refused", async () => {
    const wrong = await signed("other");
    assert.throws(() => verify(wrong.headers, wrong.parsed), { code: "InvalidSignatureException", status: 400 });
    const { headers, parsed } = await signed("root-secret");
    assert.throws(() => verify(headers, parsed, '{"TableName":"u"}'), { code: "InvalidSignatureException" });
    assert.throws(() => verify(headers, parsed, body, NOW + 16 * 60_000), { code: "InvalidSignatureException", message: /^Signature expired: / });
  });
});
