import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AwsError } from "../../core/errors.js";
import { checkPolicy, MAX_POLICY_BYTES, policyAsReturned } from "./resource-policy.js";

const ACCOUNT = "000000000000";
const TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/t";

function statement(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "dynamodb:GetItem", Resource: TABLE, ...extra };
}

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements.length ? statements : [statement()] });
}

function rejection(text: string, resource: "table" | "stream" = "table"): AwsError {
  try {
    checkPolicy(text, resource, ACCOUNT);
  } catch (err) {
    return err as AwsError;
  }
  assert.fail("expected the policy to be refused");
}

function assertRefused(text: string, message: string, resource: "table" | "stream" = "table"): void {
  const err = rejection(text, resource);
  assert.equal(err.code, "ValidationException");
  assert.equal(err.status, 400);
  assert.equal(err.message, message);
}

describe("resource policy validation", () => {
  test("20480 bytes, whitespace included, is the most a document may have", () => {
    const base = policy();
    const padded = (bytes: number) => base.replace("{", `{${" ".repeat(bytes - Buffer.byteLength(base))}`);
    assert.doesNotThrow(() => checkPolicy(padded(MAX_POLICY_BYTES), "table", ACCOUNT));
    assertRefused(padded(MAX_POLICY_BYTES + 1), "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded");
  });

  test("size counts UTF-8 bytes, not characters", () => {
    const base = policy(statement({ Sid: "x" }));
    const chars = MAX_POLICY_BYTES - Buffer.byteLength(base) + 1;
    // "é" is two bytes: half as many characters already overflow.
    const text = base.replace('"Sid":"x"', `"Sid":"x${"é".repeat(Math.ceil(chars / 2))}"`);
    assertRefused(text, "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded");
  });

  test("malformed JSON, an empty string or a non-object is invalid Json", () => {
    const message = "One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json";
    for (const text of ["{not json", "", "[]", "42", '"policy"']) assertRefused(text, message);
  });

  test("an empty or missing Statement", () => {
    const message = "One or more parameter values were invalid: Invalid policy document: Could not parse the policy: Statement is empty!";
    assertRefused(JSON.stringify({ Version: "2012-10-17", Statement: [] }), message);
    assertRefused(JSON.stringify({ Version: "2012-10-17" }), message);
  });

  test("a statement needs Effect, Principal, Action and Resource", () => {
    const missing = (field: string) => `One or more parameter values were invalid: Invalid policy document: Missing required field ${field}`;
    for (const field of ["Effect", "Principal", "Action", "Resource"]) {
      const s = statement();
      delete s[field];
      assertRefused(policy(s), missing(field));
    }
    // The Not- forms stand in for them.
    const s = statement({ NotAction: "dynamodb:DeleteTable", NotResource: TABLE });
    delete s["Action"];
    delete s["Resource"];
    assert.doesNotThrow(() => checkPolicy(policy(s), "table", ACCOUNT));
  });

  test("statement ids must be unique", () => {
    assertRefused(
      policy(statement({ Sid: "a" }), statement({ Sid: "a", Action: "dynamodb:Query" })),
      "One or more parameter values were invalid: Invalid policy document: The Statement Ids in the policy are not unique",
    );
  });

  test("a table policy cannot name stream actions, in the order given", () => {
    assertRefused(
      policy(statement({ Action: ["dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:DescribeStream"] })),
      'One or more parameter values were invalid: Invalid policy document: The following action names are invalid: "dynamodb:GetRecords", "dynamodb:DescribeStream"',
    );
  });

  test("a stream policy takes stream actions and wildcards, not table actions", () => {
    const streamPolicy = policy(statement({ Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"] }));
    assert.doesNotThrow(() => checkPolicy(streamPolicy, "stream", ACCOUNT));
    assert.doesNotThrow(() => checkPolicy(policy(statement({ Action: "dynamodb:*" })), "stream", ACCOUNT));
    assertRefused(
      policy(statement({ Action: "dynamodb:PutItem" })),
      'One or more parameter values were invalid: Invalid policy document: The following action names are invalid: "dynamodb:PutItem"',
      "stream",
    );
  });

  test("Block Public Access: an unconditional Allow to everyone is refused", () => {
    const message = "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access";
    assertRefused(policy(statement({ Principal: "*" })), message);
    assertRefused(policy(statement({ Principal: { AWS: "*" } })), message);
    assertRefused(policy(statement({ Principal: { AWS: ["arn:aws:iam::111122223333:root", "*"] } })), message);
    // A Deny to everyone, or an Allow narrowed by a condition, is not public access.
    assert.doesNotThrow(() => checkPolicy(policy(statement({ Effect: "Deny", Principal: "*", Action: "dynamodb:DeleteItem" })), "table", ACCOUNT));
    const narrowed = statement({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": ["111122223333"] } } });
    assert.doesNotThrow(() => checkPolicy(policy(narrowed), "table", ACCOUNT));
  });

  test("a bare string principal other than * is refused", () => {
    assertRefused(policy(statement({ Principal: "111122223333" })), "One or more parameter values were invalid: Invalid principal in policy document.");
  });
});

describe("canonical form", () => {
  test("minified, IAM's key order, one-element lists as strings, account ids as root ARNs", () => {
    const text = JSON.stringify(
      {
        Statement: [
          {
            Resource: [TABLE],
            Action: ["dynamodb:GetItem"],
            Principal: { AWS: ["111122223333"] },
            Effect: "allow",
            Sid: "Read",
            Condition: { StringEquals: { "aws:PrincipalAccount": ["111122223333"] } },
          },
        ],
        Version: "2012-10-17",
      },
      null,
      2,
    );
    assert.equal(
      checkPolicy(text, "table", ACCOUNT).canonical,
      '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},' +
        `"Action":"dynamodb:GetItem","Resource":"${TABLE}","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`,
    );
  });

  test("longer lists keep order and duplicates; the same principal twice is named once", () => {
    const { canonical } = checkPolicy(
      policy(statement({ Action: ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:GetItem"], Principal: { AWS: ["111122223333", "arn:aws:iam::111122223333:root"] } })),
      "table",
      ACCOUNT,
    );
    const s = (JSON.parse(canonical) as { Statement: Record<string, unknown>[] }).Statement[0];
    assert.deepEqual(s?.["Action"], ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:GetItem"]);
    assert.deepEqual(s?.["Principal"], { AWS: "arn:aws:iam::111122223333:root" });
  });

  test("a Statement object becomes a list; equivalent spellings share one canonical form", () => {
    const asObject = JSON.stringify({ Version: "2012-10-17", Statement: statement() });
    const asList = JSON.stringify({ Version: "2012-10-17", Statement: [statement({ Action: ["dynamodb:GetItem"] })] }, null, 4);
    assert.equal(checkPolicy(asObject, "table", ACCOUNT).canonical, checkPolicy(asList, "table", ACCOUNT).canonical);
  });

  test("a document without Version is shown with 2008-10-17 but stays a different document", () => {
    const without = JSON.stringify({ Statement: [statement()] });
    const { canonical } = checkPolicy(without, "table", ACCOUNT);
    const shown = policyAsReturned(canonical);
    assert.equal((JSON.parse(shown) as { Version: string }).Version, "2008-10-17");
    assert.ok(shown.startsWith('{"Version":"2008-10-17","Statement":'));
    assert.notEqual(checkPolicy(shown, "table", ACCOUNT).canonical, canonical);
    // A document with a Version reads back unchanged.
    const withVersion = checkPolicy(policy(), "table", ACCOUNT).canonical;
    assert.equal(policyAsReturned(withVersion), withVersion);
  });
});

describe("self-lockout", () => {
  const locks = (s: Record<string, unknown>) => checkPolicy(policy(statement({ Sid: "ok" }), statement({ Sid: "other", ...s })), "table", ACCOUNT).locksOutCaller;

  test("a Deny of PutResourcePolicy to everyone or to the caller's account locks the caller out", () => {
    assert.equal(locks({ Effect: "Deny", Principal: "*", Action: "dynamodb:PutResourcePolicy" }), true);
    assert.equal(locks({ Effect: "Deny", Principal: { AWS: ACCOUNT }, Action: "dynamodb:*" }), true);
    assert.equal(locks({ Effect: "Deny", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ["dynamodb:GetItem", "dynamodb:Put*Policy"] }), true);
  });

  test("other denials do not", () => {
    assert.equal(locks({ Effect: "Deny", Principal: "*", Action: "dynamodb:DeleteResourcePolicy" }), false);
    assert.equal(locks({ Effect: "Deny", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "dynamodb:*" }), false);
    assert.equal(locks({ Effect: "Deny", Principal: "*", Action: "dynamodb:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }), false);
    assert.equal(locks({ Effect: "Allow", Action: "dynamodb:PutResourcePolicy" }), false);
  });
});
