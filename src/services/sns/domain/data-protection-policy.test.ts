import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../../core/errors.js";
import { applyInbound, deidentify, deniesOutbound, parseDataProtectionPolicy, principalMatches, scan, MAX_POLICY_LENGTH } from "./data-protection-policy.js";

const ID = "arn:aws:dataprotection::aws:data-identifier/";
const PREFIX = "Invalid parameter: DataProtectionPolicy Reason: ";

function policy(statements: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ Name: "basicPII-protection", Description: "Protect basic types of sensitive data", Version: "2021-06-01", Statement: statements, ...extra });
}

function statement(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { Sid: "s1", DataDirection: "Inbound", Principal: ["*"], DataIdentifier: [`${ID}EmailAddress`], Operation: { Deny: {} }, ...fields };
}

function refusal(document: string): string {
  try {
    parseDataProtectionPolicy(document);
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.queryCode, "InvalidParameter");
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail("expected an InvalidParameter");
}

describe("data protection policy validation", () => {
  test("the guide's example policies are accepted", () => {
    const parsed = parseDataProtectionPolicy(
      policy([
        statement({ DataIdentifier: [`${ID}Name`, `${ID}PhoneNumber-US`] }),
        statement({
          Sid: "audit",
          Operation: { Audit: { SampleRate: "99", FindingsDestination: { CloudWatchLogs: { LogGroup: "/aws/vendedlogs/findings" }, S3: { Bucket: "b" } }, NoFindingsDestination: { Firehose: { DeliveryStream: "d" } } } },
        }),
        statement({ Sid: "mask", Operation: { Deidentify: { MaskConfig: { MaskWithCharacter: "#" } } } }),
        statement({ Sid: "redact", Operation: { Deidentify: { RedactConfig: {} } } }),
        statement({ Sid: "out", DataDirection: "Outbound", Principal: ["arn:aws:iam::123456789012:user/NoNameAccess"] }),
      ]),
    );
    assert.equal(parsed.statements.length, 5);
    assert.deepEqual(parsed.statements[0]?.identifiers, ["Name", "PhoneNumber-US"]);
    assert.deepEqual(parsed.statements[1]?.operation, { kind: "Audit", sampleRate: 99, findings: { logGroup: "/aws/vendedlogs/findings" }, noFindings: {} });
    assert.deepEqual(parsed.statements[2]?.operation, { kind: "Deidentify", mask: "#" });
    assert.deepEqual(parsed.statements[3]?.operation, { kind: "Deidentify", mask: undefined });
  });

  test("DataDirection other than Inbound or Outbound: AWS's exact message", () => {
    assert.equal(refusal(policy([statement({ DataDirection: "Inbxound" })])), `${PREFIX}Statement DataDirection must be either Inbound or Outbound`);
  });

  test("document-level rules", () => {
    assert.equal(refusal("{not json"), `${PREFIX}Policy is not valid JSON`);
    assert.equal(refusal("[]"), `${PREFIX}Policy is not valid JSON`);
    assert.equal(refusal(JSON.stringify({ Version: "2021-06-01", Statement: [statement()] })), `${PREFIX}Policy Name is required`);
    assert.equal(refusal(policy([statement()], { Version: "2012-10-17" })), `${PREFIX}Policy Version must be 2021-06-01`);
    assert.equal(refusal(policy([])), `${PREFIX}Policy Statement must be a non-empty list`);
    assert.equal(refusal(policy([statement()], { Description: "x".repeat(MAX_POLICY_LENGTH) })), `${PREFIX}Policy size must not exceed 30720 characters`);
  });

  test("statement rules", () => {
    assert.equal(refusal(policy([statement({ Principal: [] })])), `${PREFIX}Statement Principal must be a non-empty list of principals`);
    assert.equal(refusal(policy([statement({ Principal: "*" })])), `${PREFIX}Statement Principal must be a non-empty list of principals`);
    assert.equal(refusal(policy([statement({ DataIdentifier: [] })])), `${PREFIX}Statement DataIdentifier must be a non-empty list of data identifiers`);
    assert.equal(refusal(policy([statement({ DataIdentifier: [`${ID}CreditCard`] })])), `${PREFIX}Invalid DataIdentifier ${ID}CreditCard`);
    assert.equal(refusal(policy([statement({ DataIdentifier: ["EmployeeId"] })])), `${PREFIX}Invalid DataIdentifier EmployeeId`);
    assert.equal(refusal(policy([statement({ Operation: { Deny: {}, Audit: {} } })])), `${PREFIX}Statement Operation must contain exactly one of Audit, Deidentify or Deny`);
    assert.equal(refusal(policy([statement({ Operation: { Block: {} } })])), `${PREFIX}Statement Operation must contain exactly one of Audit, Deidentify or Deny`);
  });

  test("operation rules", () => {
    const audit = { Audit: { SampleRate: "99" } };
    assert.equal(refusal(policy([statement({ Operation: audit }), statement({ Operation: audit })])), `${PREFIX}Policy can have only one Audit statement`);
    assert.equal(refusal(policy([statement({ DataDirection: "Outbound", Operation: audit })])), `${PREFIX}Audit operation is supported only for Inbound statements`);
    assert.equal(refusal(policy([statement({ Operation: { Audit: { SampleRate: "100" } } })])), `${PREFIX}Audit SampleRate must be an integer between 0 and 99`);
    assert.equal(refusal(policy([statement({ Operation: { Audit: { SampleRate: "ten" } } })])), `${PREFIX}Audit SampleRate must be an integer between 0 and 99`);
    assert.equal(
      refusal(policy([statement({ DataDirection: "Outbound", Operation: { Deidentify: { RedactConfig: {} } } })])),
      `${PREFIX}Deidentify operation is supported only for Inbound statements`,
    );
    assert.equal(refusal(policy([statement({ Operation: { Deidentify: {} } })])), `${PREFIX}Deidentify operation must contain exactly one of MaskConfig or RedactConfig`);
    assert.equal(refusal(policy([statement({ Operation: { Deidentify: { MaskConfig: { MaskWithCharacter: "x" } } } })])), `${PREFIX}MaskConfig MaskWithCharacter is not a supported character`);
    assert.equal(refusal(policy([statement({ Operation: { Deidentify: { MaskConfig: { MaskWithCharacter: "##" } } } })])), `${PREFIX}MaskConfig MaskWithCharacter is not a supported character`);
    assert.equal(refusal(policy([statement({ Operation: { Deny: { x: 1 } } })])), `${PREFIX}Deny operation must be empty`);
  });

  test("custom data identifiers are named in statements by their Name", () => {
    const custom = { Configuration: { CustomDataIdentifier: [{ Name: "EmployeeId", Regex: "EMP-\\d{4}" }] } };
    const parsed = parseDataProtectionPolicy(policy([statement({ DataIdentifier: ["EmployeeId", `${ID}EmailAddress`] })], custom));
    assert.deepEqual(parsed.statements[0]?.identifiers, ["EmployeeId", "EmailAddress"]);
    assert.equal(refusal(policy([statement()], { Configuration: { CustomDataIdentifier: [{ Name: "Bad", Regex: "(" }] } })), `${PREFIX}CustomDataIdentifier Bad Regex is invalid`);
  });
});

describe("data protection at work", () => {
  const publisher = "arn:aws:iam::111111111111:user/publisher";

  test("principals: *, the ARN, or the account id", () => {
    assert.equal(principalMatches(["*"], publisher), true);
    assert.equal(principalMatches([publisher], publisher), true);
    assert.equal(principalMatches(["111111111111"], publisher), true);
    assert.equal(principalMatches(["arn:aws:iam::111111111111:user/other"], publisher), false);
  });

  test("an Inbound Deny refuses a message with a match, and only for its principals", () => {
    const p = parseDataProtectionPolicy(policy([statement({ Principal: [publisher] })]));
    assert.equal(applyInbound(p, publisher, "write to jane@example.com").denied, true);
    assert.equal(applyInbound(p, publisher, "nothing sensitive").denied, false);
    assert.equal(applyInbound(p, "arn:aws:iam::222222222222:root", "write to jane@example.com").denied, false);
  });

  test("Deidentify masks each character, or redacts; overlapping findings are masked once", () => {
    const text = "mail jane@example.com, SSN: 123-45-6789";
    const p = parseDataProtectionPolicy(
      policy([statement({ DataIdentifier: [`${ID}EmailAddress`, `${ID}Ssn-US`], Operation: { Deidentify: { MaskConfig: { MaskWithCharacter: "#" } } } })]),
    );
    assert.equal(applyInbound(p, publisher, text).message, "mail ################, SSN: ###########");
    const findings = scan(p, ["EmailAddress", "Ssn-US"], text);
    assert.equal(deidentify(text, findings, undefined), "mail , SSN: ");
    assert.equal(deidentify("abcdef", [{ name: "a", detections: [{ start: 1, end: 4 }] }, { name: "b", detections: [{ start: 2, end: 5 }] }], "*"), "a****f");
  });

  test("a message that is all sensitive data is refused even when de-identified", () => {
    const p = parseDataProtectionPolicy(policy([statement({ Operation: { Deidentify: { RedactConfig: {} } } })]));
    assert.equal(applyInbound(p, publisher, " jane@example.com ").wholeMessageSensitive, true);
    assert.equal(applyInbound(p, publisher, "to jane@example.com").wholeMessageSensitive, false);
  });

  test("Audit reports its findings on the message as published", () => {
    const p = parseDataProtectionPolicy(policy([statement({ Operation: { Audit: { SampleRate: "99", FindingsDestination: { CloudWatchLogs: { LogGroup: "/aws/vendedlogs/x" } } } } })]));
    const audit = applyInbound(p, publisher, "a@example.com and b@example.com").audit;
    assert.deepEqual(audit?.findings, [{ name: "EmailAddress", detections: [{ start: 0, end: 13 }, { start: 18, end: 31 }] }]);
  });

  test("an Outbound Deny stops delivery to the subscription principals it names", () => {
    const subscriber = "arn:aws:iam::222222222222:root";
    const p = parseDataProtectionPolicy(policy([statement({ DataDirection: "Outbound", Principal: [subscriber] })]));
    assert.equal(deniesOutbound(p, subscriber, "jane@example.com"), true);
    assert.equal(deniesOutbound(p, subscriber, "no data"), false);
    assert.equal(deniesOutbound(p, "arn:aws:iam::333333333333:root", "jane@example.com"), false);
    assert.equal(applyInbound(p, subscriber, "jane@example.com").denied, false, "an Outbound statement does not refuse the publish");
  });
});
