import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { evaluatePolicy, type PolicyDocument, type RequestContext, type RequestPrincipal } from "./policy.js";

const OWNER = "111122223333";
const OTHER = "444455556666";

const anonymous: RequestPrincipal = { type: "anonymous" };
const user = (account: string, name = "alice", path = "/"): RequestPrincipal => ({
  type: "aws",
  account,
  arn: `arn:aws:iam::${account}:user${path}${name}`,
  userId: `AIDA${name.toUpperCase()}`,
  canonicalUserId: `canonical-${account}`,
});
const session = (account: string, role: string, name = "s1"): RequestPrincipal => ({
  type: "aws",
  account,
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${name}`,
  userId: `AROAROLE:${name}`,
});

function req(principal: RequestPrincipal, action: string, resource: string, conditions: RequestContext["conditions"] = {}): RequestContext {
  return { principal, action, resource, conditions };
}

/** A 2012-10-17 policy of the given statements. */
const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

const get = (principal: RequestPrincipal, conditions: RequestContext["conditions"] = {}, key = "k") => req(principal, "s3:GetObject", `arn:aws:s3:::b/${key}`, conditions);

/** An Allow of s3:GetObject on b/* to everyone, under a condition. */
const allowGetIf = (Condition: object) => policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition });

describe("principals, actions and resources", () => {
  const publicRead = policy({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" });

  test("a public-read bucket policy lets anyone get objects and nobody put them", () => {
    assert.equal(evaluatePolicy(publicRead, get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(publicRead, get(user(OTHER))), "Allow");
    assert.equal(evaluatePolicy(publicRead, req(anonymous, "s3:PutObject", "arn:aws:s3:::b/k")), "NotApplicable");
    // The bucket itself is not an object of it, nor is another bucket.
    assert.equal(evaluatePolicy(publicRead, req(anonymous, "s3:GetObject", "arn:aws:s3:::b")), "NotApplicable");
    assert.equal(evaluatePolicy(publicRead, req(anonymous, "s3:GetObject", "arn:aws:s3:::bb/k")), "NotApplicable");
  });

  test("actions match case-insensitively with wildcards; resources case-sensitively", () => {
    const doc = policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:get*", "s3:List?ucket"], Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/Docs/*"] });
    assert.equal(evaluatePolicy(doc, req(anonymous, "s3:GetObjectAcl", "arn:aws:s3:::b/Docs/x")), "Allow");
    assert.equal(evaluatePolicy(doc, req(anonymous, "S3:LISTBUCKET", "arn:aws:s3:::b")), "Allow");
    assert.equal(evaluatePolicy(doc, req(anonymous, "s3:GetObject", "arn:aws:s3:::b/docs/x")), "NotApplicable");
    assert.equal(evaluatePolicy(doc, req(anonymous, "s3:PutObject", "arn:aws:s3:::b/Docs/x")), "NotApplicable");
  });

  test("an account id or root ARN names every principal of that account, never anonymous", () => {
    for (const name of [OTHER, `arn:aws:iam::${OTHER}:root`]) {
      const doc = policy({ Effect: "Allow", Principal: { AWS: [name] }, Action: "s3:*", Resource: "*" });
      assert.equal(evaluatePolicy(doc, get(user(OTHER))), "Allow");
      assert.equal(evaluatePolicy(doc, get(session(OTHER, "Reader"))), "Allow");
      assert.equal(evaluatePolicy(doc, get(user(OWNER))), "NotApplicable");
      assert.equal(evaluatePolicy(doc, get(anonymous)), "NotApplicable");
    }
  });

  test("a user ARN names that user only", () => {
    const doc = policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:user/team/alice` }, Action: "s3:GetObject", Resource: "*" });
    assert.equal(evaluatePolicy(doc, get(user(OTHER, "alice", "/team/"))), "Allow");
    assert.equal(evaluatePolicy(doc, get(user(OTHER, "bob", "/team/"))), "NotApplicable");
    assert.equal(evaluatePolicy(doc, get(user(OTHER, "alice"))), "NotApplicable");
  });

  test("a role ARN names its sessions; a session ARN names that session only", () => {
    const byRole = policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:role/ops/Reader` }, Action: "s3:GetObject", Resource: "*" });
    assert.equal(evaluatePolicy(byRole, get(session(OTHER, "Reader", "any"))), "Allow");
    assert.equal(evaluatePolicy(byRole, get(session(OTHER, "Writer"))), "NotApplicable");
    assert.equal(evaluatePolicy(byRole, get(session(OWNER, "Reader"))), "NotApplicable");
    assert.equal(evaluatePolicy(byRole, get(user(OTHER, "Reader"))), "NotApplicable");
    const bySession = policy({ Effect: "Allow", Principal: { AWS: `arn:aws:sts::${OTHER}:assumed-role/Reader/s1` }, Action: "s3:GetObject", Resource: "*" });
    assert.equal(evaluatePolicy(bySession, get(session(OTHER, "Reader", "s1"))), "Allow");
    assert.equal(evaluatePolicy(bySession, get(session(OTHER, "Reader", "s2"))), "NotApplicable");
  });

  test("CanonicalUser names the account by its canonical id; Service and Federated name no signed caller", () => {
    const doc = (Principal: object) => policy({ Effect: "Allow", Principal, Action: "s3:GetObject", Resource: "*" });
    assert.equal(evaluatePolicy(doc({ CanonicalUser: `canonical-${OTHER}` }), get(user(OTHER))), "Allow");
    assert.equal(evaluatePolicy(doc({ CanonicalUser: `canonical-${OTHER}` }), get(user(OWNER))), "NotApplicable");
    assert.equal(evaluatePolicy(doc({ Service: "logging.s3.amazonaws.com" }), get(user(OTHER))), "NotApplicable");
    assert.equal(evaluatePolicy(doc({ Federated: "cognito-identity.amazonaws.com" }), get(anonymous)), "NotApplicable");
  });

  test("Service names a service acting for its resource; \"*\" and {AWS: \"*\"} name services too, AWS account names do not", () => {
    const sns: RequestPrincipal = { type: "service", service: "sns.amazonaws.com" };
    const send = (conditions: RequestContext["conditions"] = {}) => req(sns, "sqs:SendMessage", `arn:aws:sqs:us-east-1:${OWNER}:q`, conditions);
    const topic = `arn:aws:sns:us-east-1:${OWNER}:t`;
    const fromTopic = policy({ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*", Condition: { ArnEquals: { "aws:SourceArn": topic } } });
    assert.equal(evaluatePolicy(fromTopic, send({ "aws:sourcearn": topic })), "Allow");
    assert.equal(evaluatePolicy(fromTopic, send({ "aws:sourcearn": `${topic}-other` })), "NotApplicable");
    assert.equal(evaluatePolicy(fromTopic, req(user(OWNER), "sqs:SendMessage", `arn:aws:sqs:us-east-1:${OWNER}:q`, { "aws:sourcearn": topic })), "NotApplicable");
    assert.equal(evaluatePolicy(policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:*", Resource: "*" }), send()), "Allow");
    assert.equal(evaluatePolicy(policy({ Effect: "Allow", Principal: { AWS: OWNER }, Action: "sqs:*", Resource: "*" }), send()), "NotApplicable");
    assert.equal(evaluatePolicy(policy({ Effect: "Deny", NotPrincipal: { Service: "sns.amazonaws.com" }, Action: "sqs:*", Resource: "*" }), send()), "NotApplicable");
  });

  test("a statement without Principal applies to anyone", () => {
    const doc = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
    assert.equal(evaluatePolicy(doc, get(anonymous)), "Allow");
  });

  test("NotPrincipal applies to everyone it does not exempt, anonymous included", () => {
    const doc = policy({
      Effect: "Deny",
      NotPrincipal: { AWS: [`arn:aws:iam::${OWNER}:user/alice`, `arn:aws:iam::${OWNER}:root`] },
      Action: "s3:*",
      Resource: "*",
    });
    assert.equal(evaluatePolicy(doc, get(user(OWNER, "alice"))), "NotApplicable");
    assert.equal(evaluatePolicy(doc, get(user(OTHER, "alice"))), "Deny");
    assert.equal(evaluatePolicy(doc, get(anonymous)), "Deny");
  });

  test("NotPrincipal that names a user or role but not its account does not exempt it, as AWS documents", () => {
    const userOnly = policy({ Effect: "Deny", NotPrincipal: { AWS: `arn:aws:iam::${OWNER}:user/alice` }, Action: "s3:*", Resource: "*" });
    assert.equal(evaluatePolicy(userOnly, get(user(OWNER, "alice"))), "Deny");
    const roleAndAccount = policy({ Effect: "Deny", NotPrincipal: { AWS: [`arn:aws:iam::${OWNER}:role/Admin`, OWNER] }, Action: "s3:*", Resource: "*" });
    assert.equal(evaluatePolicy(roleAndAccount, get(session(OWNER, "Admin"))), "NotApplicable");
    const allowEveryoneBut = policy({ Effect: "Allow", NotPrincipal: { AWS: OWNER }, Action: "s3:GetObject", Resource: "*" });
    assert.equal(evaluatePolicy(allowEveryoneBut, get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(allowEveryoneBut, get(user(OWNER))), "NotApplicable");
  });

  test("NotAction and NotResource apply to everything they do not name", () => {
    const doc = policy({ Effect: "Deny", Principal: "*", NotAction: "s3:Get*", NotResource: "arn:aws:s3:::b/public/*" });
    assert.equal(evaluatePolicy(doc, req(anonymous, "s3:PutObject", "arn:aws:s3:::b/private/k")), "Deny");
    assert.equal(evaluatePolicy(doc, req(anonymous, "s3:GetObject", "arn:aws:s3:::b/private/k")), "NotApplicable");
    assert.equal(evaluatePolicy(doc, req(anonymous, "s3:PutObject", "arn:aws:s3:::b/public/k")), "NotApplicable");
  });

  test("an explicit Deny beats an Allow, whatever the order", () => {
    const allow = { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*" };
    const deny = { Effect: "Deny", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/secret/*" };
    assert.equal(evaluatePolicy(policy(deny, allow), get(user(OTHER), {}, "secret/x")), "Deny");
    assert.equal(evaluatePolicy(policy(allow, deny), get(user(OTHER), {}, "secret/x")), "Deny");
    assert.equal(evaluatePolicy(policy(allow, deny), get(user(OTHER), {}, "open/x")), "Allow");
  });

  test("Statement may be one object; text that is not a JSON object is not applicable", () => {
    const single = JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" } });
    assert.equal(evaluatePolicy(single, get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(JSON.parse(single) as PolicyDocument, get(anonymous)), "Allow");
    assert.equal(evaluatePolicy("{not json", get(anonymous)), "NotApplicable");
    assert.equal(evaluatePolicy("[1, 2]", get(anonymous)), "NotApplicable");
    assert.equal(evaluatePolicy("null", get(anonymous)), "NotApplicable");
    assert.equal(evaluatePolicy("{}", get(anonymous)), "NotApplicable");
  });
});

describe("policy variables", () => {
  const home = policy({ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:*", Resource: "arn:aws:s3:::b/home/${aws:userid}/*" });

  test("a variable in Resource resolves from the request's keys", () => {
    const alice = user(OTHER);
    assert.equal(evaluatePolicy(home, get(alice, { "aws:userid": "AIDAALICE" }, "home/AIDAALICE/notes")), "Allow");
    assert.equal(evaluatePolicy(home, get(alice, { "aws:userid": "AIDAALICE" }, "home/AIDABOB/notes")), "NotApplicable");
    // Unresolved, the value matches nothing, even the literal text.
    assert.equal(evaluatePolicy(home, get(alice, {}, "home/${aws:userid}/notes")), "NotApplicable");
  });

  test("substituted text is literal, and ${*} ${?} ${$} stand for the characters", () => {
    assert.equal(evaluatePolicy(home, get(user(OTHER), { "aws:userid": "A*" }, "home/AB/x")), "NotApplicable");
    const escaped = policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${*}${?}${$}" });
    assert.equal(evaluatePolicy(escaped, get(anonymous, {}, "*?$")), "Allow");
    assert.equal(evaluatePolicy(escaped, get(anonymous, {}, "ab$")), "NotApplicable");
  });

  test("a default value stands in for an absent key", () => {
    const doc = policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:username, 'it''s'}/*" });
    assert.equal(evaluatePolicy(doc, get(anonymous, {}, "it's/x")), "Allow");
    assert.equal(evaluatePolicy(doc, get(anonymous, { "aws:username": "bob" }, "bob/x")), "Allow");
  });

  test("an unresolved variable fails negated tests and NotResource too", () => {
    const notSelf = allowGetIf({ StringNotEquals: { "s3:x-amz-acl": "${aws:username}" } });
    assert.equal(evaluatePolicy(notSelf, get(anonymous, { "s3:x-amz-acl": "private", "aws:username": "alice" })), "Allow");
    assert.equal(evaluatePolicy(notSelf, get(anonymous, { "s3:x-amz-acl": "private" })), "NotApplicable");
    const notHome = policy({ Effect: "Deny", Principal: "*", Action: "s3:*", NotResource: "arn:aws:s3:::b/home/${aws:userid}/*" });
    assert.equal(evaluatePolicy(notHome, get(anonymous, { "aws:userid": "AIDAALICE" }, "home/AIDABOB/x")), "Deny");
    assert.equal(evaluatePolicy(notHome, get(anonymous, {}, "home/AIDABOB/x")), "NotApplicable");
  });

  test("variables in String conditions; before Version 2012-10-17 they are plain text", () => {
    const statement = { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b", Condition: { StringLike: { "s3:prefix": "home/${aws:username}/*" } } };
    const list = (prefix: string) => req(user(OWNER), "s3:ListBucket", "arn:aws:s3:::b", { "aws:username": "alice", "s3:prefix": prefix });
    assert.equal(evaluatePolicy(policy(statement), list("home/alice/docs")), "Allow");
    assert.equal(evaluatePolicy(policy(statement), list("home/bob/docs")), "NotApplicable");
    const old = JSON.stringify({ Version: "2008-10-17", Statement: [statement] });
    assert.equal(evaluatePolicy(old, list("home/alice/docs")), "NotApplicable");
    assert.equal(evaluatePolicy(old, list("home/${aws:username}/docs")), "Allow");
  });
});

describe("conditions", () => {
  test("DenyInsecureTransport denies when aws:SecureTransport is false, not when true", () => {
    const doc = policy(
      { Sid: "AllowRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    );
    assert.equal(evaluatePolicy(doc, get(anonymous, { "aws:securetransport": "false" })), "Deny");
    assert.equal(evaluatePolicy(doc, get(anonymous, { "aws:securetransport": "true" })), "Allow");
    // Bool is positive: without the key the Deny does not apply.
    assert.equal(evaluatePolicy(doc, get(anonymous)), "Allow");
    // JSON booleans read as their text, and keys are case-insensitive.
    assert.equal(evaluatePolicy(allowGetIf({ Bool: { "AWS:SECURETRANSPORT": true } }), get(anonymous, { "aws:securetransport": "TRUE" })), "Allow");
  });

  test("IpAddress and NotIpAddress: IPv4 and IPv6 CIDRs, single addresses, IPv4-mapped IPv6", () => {
    const doc = allowGetIf({ IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32", "203.0.113.7"] } });
    const from = (ip: string) => evaluatePolicy(doc, get(anonymous, { "aws:sourceip": ip }));
    assert.equal(from("192.0.2.55"), "Allow");
    assert.equal(from("192.0.3.1"), "NotApplicable");
    assert.equal(from("2001:db8:1::5"), "Allow");
    assert.equal(from("2001:db9::1"), "NotApplicable");
    assert.equal(from("::ffff:192.0.2.9"), "Allow");
    assert.equal(from("203.0.113.7"), "Allow");
    assert.equal(from("203.0.113.8"), "NotApplicable");
    assert.equal(from("not an address"), "NotApplicable");
    assert.equal(evaluatePolicy(doc, get(anonymous)), "NotApplicable");
    const outside = policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } });
    assert.equal(evaluatePolicy(outside, get(anonymous, { "aws:sourceip": "10.1.2.3" })), "NotApplicable");
    assert.equal(evaluatePolicy(outside, get(anonymous, { "aws:sourceip": "11.1.2.3" })), "Deny");
    // Negated, an absent key matches.
    assert.equal(evaluatePolicy(outside, get(anonymous)), "Deny");
  });

  test("StringLike on s3:prefix for ListBucket; StringEquals, IgnoreCase and negations", () => {
    const doc = policy({ Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b", Condition: { StringLike: { "s3:prefix": ["public/*", "shared/?/"] } } });
    const list = (conditions: RequestContext["conditions"]) => evaluatePolicy(doc, req(anonymous, "s3:ListBucket", "arn:aws:s3:::b", conditions));
    assert.equal(list({ "s3:prefix": "public/a/b" }), "Allow");
    assert.equal(list({ "s3:prefix": "shared/x/" }), "Allow");
    assert.equal(list({ "s3:prefix": "shared/xy/" }), "NotApplicable");
    assert.equal(list({ "s3:prefix": "Public/a" }), "NotApplicable");
    assert.equal(list({}), "NotApplicable");

    const acl = (Condition: object, value: string) => evaluatePolicy(allowGetIf(Condition), get(anonymous, { "s3:x-amz-acl": value }));
    assert.equal(acl({ StringEquals: { "s3:x-amz-acl": "private" } }, "private"), "Allow");
    assert.equal(acl({ StringEquals: { "s3:x-amz-acl": "private" } }, "Private"), "NotApplicable");
    assert.equal(acl({ StringEquals: { "s3:x-amz-acl": "public-*" } }, "public-read"), "NotApplicable");
    assert.equal(acl({ StringEqualsIgnoreCase: { "s3:x-amz-acl": "PRIVATE" } }, "private"), "Allow");
    assert.equal(acl({ StringNotEquals: { "s3:x-amz-acl": ["private", "bucket-owner-read"] } }, "private"), "NotApplicable");
    assert.equal(acl({ StringNotEquals: { "s3:x-amz-acl": ["private", "bucket-owner-read"] } }, "public-read"), "Allow");
    assert.equal(acl({ StringNotEqualsIgnoreCase: { "s3:x-amz-acl": "PRIVATE" } }, "private"), "NotApplicable");
    assert.equal(acl({ StringNotLike: { "s3:x-amz-acl": "public-*" } }, "public-read"), "NotApplicable");
    assert.equal(acl({ StringNotLike: { "s3:x-amz-acl": "public-*" } }, "private"), "Allow");
  });

  test("...IfExists holds when the key is absent and tests it when present", () => {
    const doc = allowGetIf({ StringEqualsIfExists: { "s3:x-amz-server-side-encryption": "AES256" } });
    assert.equal(evaluatePolicy(doc, get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(doc, get(anonymous, { "s3:x-amz-server-side-encryption": "AES256" })), "Allow");
    assert.equal(evaluatePolicy(doc, get(anonymous, { "s3:x-amz-server-side-encryption": "aws:kms" })), "NotApplicable");
    const numeric = allowGetIf({ NumericLessThanEqualsIfExists: { "s3:max-keys": "10" } });
    assert.equal(evaluatePolicy(numeric, get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(numeric, get(anonymous, { "s3:max-keys": "11" })), "NotApplicable");
  });

  test("a key or operator named like Object.prototype's members (constructor, __proto__) is a name like any other", () => {
    // The request's keys and the operators had been looked up in plain objects, which answer
    // these names themselves: Null held for no such key, and a String test or an operator of that
    // name threw instead of not applying.
    assert.equal(evaluatePolicy(allowGetIf({ Null: { constructor: "true" } }), get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(allowGetIf({ StringEquals: { constructor: "x" } }), get(anonymous)), "NotApplicable");
    assert.equal(evaluatePolicy(allowGetIf(JSON.parse('{"StringNotEquals":{"__proto__":"x"}}') as object), get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(allowGetIf({ StringEquals: { constructor: "x" } }), get(anonymous, { constructor: "x" })), "Allow");
    assert.equal(evaluatePolicy(allowGetIf({ Constructor: { "aws:SecureTransport": "true" } }), get(anonymous, { "aws:securetransport": "true" })), "NotApplicable");
  });

  test("ForAnyValue and ForAllValues over multi-valued keys", () => {
    const any = allowGetIf({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env", "team"] } });
    const all = allowGetIf({ "ForAllValues:StringLike": { "aws:TagKeys": ["env", "team*"] } });
    const tags = (doc: string, keys?: string[]) => evaluatePolicy(doc, get(anonymous, keys === undefined ? {} : { "aws:tagkeys": keys }));
    assert.equal(tags(any, ["owner", "env"]), "Allow");
    assert.equal(tags(any, ["owner"]), "NotApplicable");
    assert.equal(tags(any, []), "NotApplicable");
    assert.equal(tags(any), "NotApplicable");
    assert.equal(tags(all, ["env", "team-a"]), "Allow");
    assert.equal(tags(all, ["env", "owner"]), "NotApplicable");
    // ForAllValues holds for a request without the key, or with none of its values.
    assert.equal(tags(all, []), "Allow");
    assert.equal(tags(all), "Allow");
    const noneForbidden = allowGetIf({ "ForAllValues:StringNotEquals": { "aws:TagKeys": ["secret"] } });
    assert.equal(tags(noneForbidden, ["env", "team"]), "Allow");
    assert.equal(tags(noneForbidden, ["env", "secret"]), "NotApplicable");
    const someAllowed = allowGetIf({ "ForAnyValue:StringNotLike": { "aws:TagKeys": "sec*" } });
    assert.equal(tags(someAllowed, ["secret", "env"]), "Allow");
    assert.equal(tags(someAllowed, ["secret"]), "NotApplicable");
    assert.equal(tags(someAllowed), "NotApplicable");
    // Without a set prefix a negated operator negates the positive test: no value may match.
    const plainNegated = allowGetIf({ StringNotEquals: { "aws:TagKeys": "secret" } });
    assert.equal(tags(plainNegated, ["env", "secret"]), "NotApplicable");
    assert.equal(tags(plainNegated, ["env"]), "Allow");
    assert.equal(tags(plainNegated), "Allow");
  });

  test("Null: true when the key must be absent, false when it must be present", () => {
    const absent = allowGetIf({ Null: { "aws:TokenIssueTime": "true" } });
    const present = allowGetIf({ Null: { "aws:TokenIssueTime": false } });
    assert.equal(evaluatePolicy(absent, get(anonymous)), "Allow");
    assert.equal(evaluatePolicy(absent, get(anonymous, { "aws:tokenissuetime": "2024-01-01T00:00:00Z" })), "NotApplicable");
    assert.equal(evaluatePolicy(present, get(anonymous)), "NotApplicable");
    assert.equal(evaluatePolicy(present, get(anonymous, { "aws:tokenissuetime": "2024-01-01T00:00:00Z" })), "Allow");
  });

  test("Numeric operators on s3:max-keys", () => {
    const maxKeys = (operator: string, policyValue: string | number, requestValue: string) =>
      evaluatePolicy(allowGetIf({ [operator]: { "s3:max-keys": policyValue } }), get(anonymous, { "s3:max-keys": requestValue }));
    assert.equal(maxKeys("NumericLessThanEquals", 10, "10"), "Allow");
    assert.equal(maxKeys("NumericLessThan", "10", "10"), "NotApplicable");
    assert.equal(maxKeys("NumericGreaterThan", "10", "11"), "Allow");
    assert.equal(maxKeys("NumericGreaterThanEquals", "10", "9"), "NotApplicable");
    assert.equal(maxKeys("NumericEquals", "10", "10.0"), "Allow");
    assert.equal(maxKeys("NumericNotEquals", "10", "10"), "NotApplicable");
    assert.equal(maxKeys("NumericNotEquals", "10", "5"), "Allow");
    assert.equal(maxKeys("NumericLessThan", "10", "many"), "NotApplicable");
  });

  test("Date operators on aws:CurrentTime, ISO 8601 or epoch seconds", () => {
    const at = (operator: string, policyValue: string, now: string) =>
      evaluatePolicy(allowGetIf({ [operator]: { "aws:CurrentTime": policyValue } }), get(anonymous, { "aws:currenttime": now }));
    assert.equal(at("DateLessThan", "2030-01-01T00:00:00Z", "2025-06-01T12:00:00Z"), "Allow");
    assert.equal(at("DateLessThan", "2020-01-01T00:00:00Z", "2025-06-01T12:00:00Z"), "NotApplicable");
    assert.equal(at("DateGreaterThanEquals", "1735689600", "2025-01-01T00:00:00Z"), "Allow");
    assert.equal(at("DateEquals", "2025-01-01", "2025-01-01T00:00:00.000Z"), "Allow");
    assert.equal(at("DateNotEquals", "2025-01-01", "2025-01-02T00:00:00Z"), "Allow");
    assert.equal(at("DateGreaterThan", "2025-01-01T00:00:00Z", "yesterday"), "NotApplicable");
  });

  test("Arn operators match each of the six parts on its own", () => {
    const source = (operator: string, policyValue: string, arn: string) =>
      evaluatePolicy(allowGetIf({ [operator]: { "aws:SourceArn": policyValue } }), get(anonymous, { "aws:sourcearn": arn }));
    assert.equal(source("ArnLike", "arn:aws:sns:*:111122223333:topic-*", "arn:aws:sns:us-east-1:111122223333:topic-a"), "Allow");
    // A wildcard in one part does not reach into the next.
    assert.equal(source("ArnLike", "arn:aws:sns:*:topic-a", "arn:aws:sns:us-east-1:111122223333:topic-a"), "NotApplicable");
    // The resource part may hold colons.
    assert.equal(source("ArnLike", "arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:111122223333:function:f:live"), "Allow");
    assert.equal(source("ArnEquals", "arn:aws:s3:::b", "arn:aws:s3:::b"), "Allow");
    assert.equal(source("ArnEquals", "arn:aws:s3:::b", "arn:aws:s3:::B"), "NotApplicable");
    assert.equal(source("ArnNotLike", "arn:aws:s3:::b*", "arn:aws:s3:::other"), "Allow");
    assert.equal(source("ArnNotEquals", "arn:aws:s3:::b", "arn:aws:s3:::b"), "NotApplicable");
    assert.equal(source("ArnLike", "*", "not-an-arn"), "NotApplicable");
  });

  test("BinaryEquals compares base64 values", () => {
    const doc = allowGetIf({ BinaryEquals: { "s3:x-binary": Buffer.from("hello").toString("base64") } });
    assert.equal(evaluatePolicy(doc, get(anonymous, { "s3:x-binary": "aGVsbG8=" })), "Allow");
    assert.equal(evaluatePolicy(doc, get(anonymous, { "s3:x-binary": "aGVsbG9v" })), "NotApplicable");
  });

  test("all operators and all keys must hold; an unknown operator never does", () => {
    const doc = allowGetIf({ StringEquals: { "s3:x-amz-acl": "private", "aws:username": "alice" }, Bool: { "aws:SecureTransport": "true" } });
    const ok = { "s3:x-amz-acl": "private", "aws:username": "alice", "aws:securetransport": "true" };
    assert.equal(evaluatePolicy(doc, get(anonymous, ok)), "Allow");
    assert.equal(evaluatePolicy(doc, get(anonymous, { ...ok, "aws:username": "bob" })), "NotApplicable");
    assert.equal(evaluatePolicy(doc, get(anonymous, { ...ok, "aws:securetransport": "false" })), "NotApplicable");
    const unknown = policy({ Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringSortOf: { "aws:username": "x" } } });
    assert.equal(evaluatePolicy(unknown, get(anonymous, { "aws:username": "x" })), "NotApplicable");
  });
});

describe("keys looked up on demand", () => {
  /** A request whose `lookup` answers from `values` and records every key it was asked for. */
  const lazily = (values: Record<string, string | string[]>, action = "s3:GetObject", resource = "arn:aws:s3:::b/k") => {
    const asked: string[] = [];
    const request: RequestContext = {
      ...req(anonymous, action, resource, { "aws:username": "alice" }),
      lookup: (key) => {
        asked.push(key);
        return values[key];
      },
    };
    return { request, asked };
  };

  test("a key the conditions lack is looked up by its name as the policy spells it, tag keys keeping their case", () => {
    const doc = allowGetIf({ StringEquals: { "s3:ExistingObjectTag/Env": "prod" } });
    const found = lazily({ "s3:ExistingObjectTag/Env": "prod" });
    assert.equal(evaluatePolicy(doc, found.request), "Allow");
    assert.deepEqual(found.asked, ["s3:ExistingObjectTag/Env"]);
    assert.equal(evaluatePolicy(doc, lazily({ "s3:ExistingObjectTag/Env": "dev" }).request), "NotApplicable");
    // A key the lookup does not know is absent: the positive operator fails, the negated one holds.
    assert.equal(evaluatePolicy(doc, lazily({}).request), "NotApplicable");
    const notProd = allowGetIf({ StringNotEquals: { "s3:ExistingObjectTag/Env": "prod" } });
    assert.equal(evaluatePolicy(notProd, lazily({}).request), "Allow");
  });

  test("nothing is looked up for a statement whose principal, action or resource leaves it out, nor for keys the conditions hold", () => {
    const doc = policy(
      { Effect: "Deny", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/team": "red" } } },
      { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "*", Condition: { StringEquals: { "s3:RequestObjectTag/team": "red" } } },
      { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::other/*", Condition: { StringEquals: { "s3:BucketTag/team": "red" } } },
      { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "aws:username": "alice" } } },
    );
    const { request, asked } = lazily({ "aws:ResourceTag/team": "red", "s3:RequestObjectTag/team": "red", "s3:BucketTag/team": "red" });
    assert.equal(evaluatePolicy(doc, request), "Allow");
    assert.deepEqual(asked, []);
  });

  test("a multivalued key from the lookup under ForAllValues and ForAnyValue (s3:RequestObjectTagKeys)", () => {
    // "Tagging and access control policies", example 2: only the listed tag keys may be added.
    const onlyThese = policy({ Effect: "Allow", Principal: "*", Action: "s3:PutObjectTagging", Resource: "*", Condition: { "ForAllValues:StringEquals": { "s3:RequestObjectTagKeys": ["Owner", "CreationDate"] } } });
    const atLeastOne = policy({ Effect: "Allow", Principal: "*", Action: "s3:PutObjectTagging", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "s3:RequestObjectTagKeys": ["Owner", "CreationDate"] } } });
    const tagging = (keys?: string[]) => lazily(keys === undefined ? {} : { "s3:RequestObjectTagKeys": keys }, "s3:PutObjectTagging").request;
    assert.equal(evaluatePolicy(onlyThese, tagging(["Owner"])), "Allow");
    assert.equal(evaluatePolicy(onlyThese, tagging(["Owner", "CreationDate"])), "Allow");
    assert.equal(evaluatePolicy(onlyThese, tagging(["Owner", "Project"])), "NotApplicable");
    // ForAllValues holds for a request without tags; the guide pairs it with a Null check for that.
    assert.equal(evaluatePolicy(onlyThese, tagging()), "Allow");
    assert.equal(evaluatePolicy(atLeastOne, tagging(["Project", "Owner"])), "Allow");
    assert.equal(evaluatePolicy(atLeastOne, tagging(["Project"])), "NotApplicable");
    assert.equal(evaluatePolicy(atLeastOne, tagging()), "NotApplicable");
    const tagsRequired = policy({ Effect: "Allow", Principal: "*", Action: "s3:PutObjectTagging", Resource: "*", Condition: { Null: { "s3:RequestObjectTagKeys": "false" } } });
    assert.equal(evaluatePolicy(tagsRequired, tagging(["Owner"])), "Allow");
    assert.equal(evaluatePolicy(tagsRequired, tagging([])), "NotApplicable");
  });

  test("a policy variable reads a looked-up key too", () => {
    const doc = policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:ResourceTag/team}/*" });
    assert.equal(evaluatePolicy(doc, lazily({ "aws:ResourceTag/team": "blue" }, "s3:GetObject", "arn:aws:s3:::b/blue/k").request), "Allow");
    assert.equal(evaluatePolicy(doc, lazily({ "aws:ResourceTag/team": "blue" }, "s3:GetObject", "arn:aws:s3:::b/red/k").request), "NotApplicable");
    assert.equal(evaluatePolicy(doc, lazily({}, "s3:GetObject", "arn:aws:s3:::b/blue/k").request), "NotApplicable");
  });
});
