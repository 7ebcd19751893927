/**
 * SNS message data protection through the real v3 clients: the policy operations, the topic
 * attribute they share, AWS's refusals, and what a policy does to Publish (Inbound Deny,
 * Deidentify, Audit to CloudWatch Logs) and to each delivery (Outbound Deny per subscription
 * principal, seen in what SQS received and in the delivery status log).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateTopicCommand,
  GetDataProtectionPolicyCommand,
  GetTopicAttributesCommand,
  PublishBatchCommand,
  PublishCommand,
  PutDataProtectionPolicyCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SNSServiceException,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { sampled } from "../../src/services/sns/domain/delivery-status.js";
import { failure, jsonService, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const ID = "arn:aws:dataprotection::aws:data-identifier/";
const CARD = "4532015112830366"; // Luhn-valid Visa, not one of the issuers' test numbers
const OTHER_ACCOUNT = "111111111111";

function policy(statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Name: "basicPII-protection", Description: "Protect basic types of sensitive data", Version: "2021-06-01", Statement: statements });
}

function statement(fields: Record<string, unknown>): Record<string, unknown> {
  return { Sid: "s", DataDirection: "Inbound", Principal: ["*"], DataIdentifier: [`${ID}CreditCardNumber`], Operation: { Deny: {} }, ...fields };
}

describe("SNS message data protection", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  let other: { sns: SNSClient; sqs: SQSClient };
  let sqs: SQSClient;
  const logs = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });

  before(async () => {
    nimbus = await startTestNimbus();
    sns = new SNSClient(nimbus.clientConfig());
    other = { sns: new SNSClient(nimbus.clientConfig({ accessKeyId: OTHER_ACCOUNT })), sqs: new SQSClient(nimbus.clientConfig({ accessKeyId: OTHER_ACCOUNT })) };
    sqs = new SQSClient(nimbus.clientConfig());
  });
  after(async () => {
    sns.destroy();
    other.sns.destroy();
    other.sqs.destroy();
    sqs.destroy();
    await nimbus.close();
  });

  async function topic(prefix: string, dataProtectionPolicy?: string): Promise<string> {
    const out = await sns.send(new CreateTopicCommand({ Name: uniqueName(prefix), ...(dataProtectionPolicy !== undefined ? { DataProtectionPolicy: dataProtectionPolicy } : {}) }));
    assert.ok(out.TopicArn);
    return out.TopicArn;
  }

  /**
   * A queue of `account`'s, subscribed by that account with raw delivery (the body is the message
   * itself): a queue's own account subscribes it without a confirmation.
   */
  async function subscribedQueue(topicArn: string, account = { sns, sqs }): Promise<string> {
    const url = (await account.sqs.send(new CreateQueueCommand({ QueueName: uniqueName("dp-q") }))).QueueUrl ?? "";
    const arn = (await account.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await account.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: arn, Attributes: { RawMessageDelivery: "true" } }));
    return url;
  }

  async function bodies(url: string, client = sqs): Promise<string[]> {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    return (out.Messages ?? []).map((m) => m.Body ?? "");
  }

  describe("PutDataProtectionPolicy / GetDataProtectionPolicy", () => {
    test("a topic without a policy answers an empty string; Put stores the document as given", async () => {
      const arn = await topic("dp-roundtrip");
      assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: arn }))).DataProtectionPolicy, "");
      const document = policy([statement({})]);
      await sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: arn, DataProtectionPolicy: document }));
      assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: arn }))).DataProtectionPolicy, document);
    });

    test("the same policy is the topic's DataProtectionPolicy attribute, whichever way it was set", async () => {
      const created = policy([statement({ Sid: "created" })]);
      const arn = await topic("dp-attr", created);
      assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: arn }))).DataProtectionPolicy, created);
      assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.DataProtectionPolicy, created);
      const set = policy([statement({ Sid: "set" })]);
      await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "DataProtectionPolicy", AttributeValue: set }));
      assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: arn }))).DataProtectionPolicy, set);
      const put = policy([statement({ Sid: "put" })]);
      await sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: arn, DataProtectionPolicy: put }));
      assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.DataProtectionPolicy, put);
    });

    test("an empty policy deletes it", async () => {
      const arn = await topic("dp-delete", policy([statement({})]));
      await sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: arn, DataProtectionPolicy: "" }));
      assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: arn }))).DataProtectionPolicy, "");
      assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.DataProtectionPolicy, undefined);
      await sns.send(new PublishCommand({ TopicArn: arn, Message: `card ${CARD}` }));
    });

    test("an invalid policy: InvalidParameter naming the reason, from Put and from CreateTopic", async () => {
      const arn = await topic("dp-invalid");
      const invalid = policy([statement({ DataDirection: "Inbxound" })]);
      const put = await failure<SNSServiceException>(sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: arn, DataProtectionPolicy: invalid })));
      assert.equal(put.name, "InvalidParameterException");
      assert.equal(put.$metadata.httpStatusCode, 400);
      assert.equal(put.message, "Invalid parameter: DataProtectionPolicy Reason: Statement DataDirection must be either Inbound or Outbound");
      const created = await failure<SNSServiceException>(sns.send(new CreateTopicCommand({ Name: uniqueName("dp-invalid-create"), DataProtectionPolicy: invalid })));
      assert.equal(created.name, "InvalidParameterException");
      assert.equal(created.message, "Invalid parameter: DataProtectionPolicy Reason: Statement DataDirection must be either Inbound or Outbound");
      const unknown = await failure<SNSServiceException>(
        sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: arn, DataProtectionPolicy: policy([statement({ DataIdentifier: [`${ID}CreditCard`] })]) })),
      );
      assert.equal(unknown.message, `Invalid parameter: DataProtectionPolicy Reason: Invalid DataIdentifier ${ID}CreditCard`);
      assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: arn }))).DataProtectionPolicy, "", "nothing stored");
    });

    test("a topic that does not exist: NotFound; a malformed ARN: InvalidParameter", async () => {
      const missing = await failure<SNSServiceException>(sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: `arn:aws:sns:us-east-1:000000000000:${uniqueName("nope")}` })));
      assert.equal(missing.name, "NotFoundException");
      assert.equal(missing.$metadata.httpStatusCode, 404);
      assert.equal(missing.message, "Topic does not exist");
      const putMissing = await failure<SNSServiceException>(
        sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: `arn:aws:sns:us-east-1:000000000000:${uniqueName("nope")}`, DataProtectionPolicy: policy([statement({})]) })),
      );
      assert.equal(putMissing.name, "NotFoundException");
      const malformed = await failure<SNSServiceException>(sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: "not-an-arn" })));
      assert.equal(malformed.name, "InvalidParameterException");
      assert.equal(malformed.message, "Invalid parameter: ResourceArn");
    });
  });

  describe("Inbound", () => {
    test("Deny: a message with a card number is refused with AuthorizationError 403 and reaches no one", async () => {
      const arn = await topic("dp-deny", policy([statement({})]));
      const url = await subscribedQueue(arn);
      const denied = await failure<SNSServiceException>(sns.send(new PublishCommand({ TopicArn: arn, Message: `my visa card is ${CARD}` })));
      assert.equal(denied.name, "AuthorizationErrorException");
      assert.equal(denied.$metadata.httpStatusCode, 403);
      assert.equal(denied.message, `The topic's data protection policy prohibits this message from being published to ${arn}`);
      await sns.send(new PublishCommand({ TopicArn: arn, Message: "order 42 shipped" }));
      // Without a card keyword nearby the digits are not a card number (AWS's keyword rule).
      await sns.send(new PublishCommand({ TopicArn: arn, Message: `tracking ${CARD}` }));
      assert.deepEqual(await bodies(url), ["order 42 shipped", `tracking ${CARD}`]);
    });

    test("Deny applies to the principals the statement names only", async () => {
      const arn = await topic("dp-deny-principal", policy([statement({ Principal: [`arn:aws:iam::${OTHER_ACCOUNT}:root`] })]));
      const url = await subscribedQueue(arn);
      await sns.send(new PublishCommand({ TopicArn: arn, Message: `credit card ${CARD}` }));
      const denied = await failure<SNSServiceException>(other.sns.send(new PublishCommand({ TopicArn: arn, Message: `credit card ${CARD}` })));
      assert.equal(denied.name, "AuthorizationErrorException");
      assert.deepEqual(await bodies(url), [`credit card ${CARD}`]);
    });

    test("a role session is named by its assumed-role ARN", async () => {
      const sts = new STSClient(nimbus.clientConfig());
      const session = uniqueName("publisher");
      const creds = (await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/publisher", RoleSessionName: session }))).Credentials;
      sts.destroy();
      assert.ok(creds?.AccessKeyId && creds.SecretAccessKey && creds.SessionToken);
      const role = new SNSClient(nimbus.clientConfig({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken }));
      try {
        const arn = await topic("dp-role", policy([statement({ Principal: [`arn:aws:sts::000000000000:assumed-role/publisher/${session}`] })]));
        const denied = await failure<SNSServiceException>(role.send(new PublishCommand({ TopicArn: arn, Message: `card ${CARD}` })));
        assert.equal(denied.name, "AuthorizationErrorException");
        await sns.send(new PublishCommand({ TopicArn: arn, Message: `card ${CARD}` }));
      } finally {
        role.destroy();
      }
    });

    test("PublishBatch: a denied entry fails alone, with AWS's code", async () => {
      const arn = await topic("dp-batch", policy([statement({ DataIdentifier: [`${ID}EmailAddress`] })]));
      const url = await subscribedQueue(arn);
      const out = await sns.send(
        new PublishBatchCommand({
          TopicArn: arn,
          PublishBatchRequestEntries: [
            { Id: "clean", Message: "hello" },
            { Id: "email", Message: "write to jane.doe@example.com" },
          ],
        }),
      );
      assert.deepEqual(
        out.Successful?.map((s) => s.Id),
        ["clean"],
      );
      assert.deepEqual(out.Failed, [{ Id: "email", Code: "AuthorizationError", Message: `The topic's data protection policy prohibits this message from being published to ${arn}`, SenderFault: true }]);
      assert.deepEqual(await bodies(url), ["hello"]);
    });

    test("Deidentify: subscribers receive the message masked (or redacted)", async () => {
      const mask = statement({ DataIdentifier: [`${ID}EmailAddress`, `${ID}Ssn-US`], Operation: { Deidentify: { MaskConfig: { MaskWithCharacter: "#" } } } });
      const arn = await topic("dp-mask", policy([mask]));
      const url = await subscribedQueue(arn);
      await sns.send(new PublishCommand({ TopicArn: arn, Message: "mail jane@example.com, SSN: 123-45-6789" }));
      assert.deepEqual(await bodies(url), ["mail ################, SSN: ###########"]);

      const redacted = await topic("dp-redact", policy([statement({ DataIdentifier: [`${ID}EmailAddress`], Operation: { Deidentify: { RedactConfig: {} } } })]));
      const redactedUrl = await subscribedQueue(redacted);
      await sns.send(new PublishCommand({ TopicArn: redacted, Message: "mail jane@example.com now" }));
      assert.deepEqual(await bodies(redactedUrl), ["mail  now"]);
      const whole = await failure<SNSServiceException>(sns.send(new PublishCommand({ TopicArn: redacted, Message: "jane@example.com" })));
      assert.equal(whole.name, "AuthorizationErrorException", "a message that is all sensitive data is refused");
    });

    test("Audit: the findings go to the FindingsDestination log group, a clean message to NoFindingsDestination", async () => {
      const findingsGroup = `/aws/vendedlogs/${uniqueName("findings")}`;
      const cleanGroup = `/aws/vendedlogs/${uniqueName("clean")}`;
      const audit = statement({
        DataIdentifier: [`${ID}EmailAddress`],
        Operation: { Audit: { SampleRate: "99", FindingsDestination: { CloudWatchLogs: { LogGroup: findingsGroup } }, NoFindingsDestination: { CloudWatchLogs: { LogGroup: cleanGroup } } } },
      });
      const arn = await topic("dp-audit", policy([audit]));
      const url = await subscribedQueue(arn);
      const found = await sns.send(new PublishCommand({ TopicArn: arn, Message: "a@example.com and b@example.com" }));
      const clean = await sns.send(new PublishCommand({ TopicArn: arn, Message: "nothing here" }));
      assert.deepEqual(await bodies(url), ["a@example.com and b@example.com", "nothing here"], "an audit changes nothing delivered");

      const events = async (group: string) => ((await logs.call("FilterLogEvents", { logGroupName: group })).body.events ?? []) as { message: string }[];
      // SampleRate 99: a message is audited unless its id falls in the other 1 percent.
      const foundEvents = await events(findingsGroup);
      if (sampled(found.MessageId ?? "", 99)) {
        assert.equal(foundEvents.length, 1);
        assert.deepEqual(JSON.parse(foundEvents[0]?.message ?? "{}"), {
          messageId: found.MessageId,
          auditTimestamp: "2026-01-15T12:00:00Z",
          callerPrincipal: "arn:aws:iam::000000000000:root",
          resourceArn: arn,
          dataIdentifiers: [{ name: "EmailAddress", count: 2, detections: [{ start: 0, end: 13 }, { start: 18, end: 31 }] }],
        });
      } else assert.equal(foundEvents.length, 0);
      const cleanEvents = await events(cleanGroup);
      assert.equal(cleanEvents.length, sampled(clean.MessageId ?? "", 99) ? 1 : 0);
      if (cleanEvents.length === 1) assert.deepEqual((JSON.parse(cleanEvents[0]?.message ?? "{}") as { dataIdentifiers: unknown }).dataIdentifiers, []);
    });
  });

  describe("Outbound", () => {
    test("Deny stops the delivery to the subscription principals it names; the status log says why", async () => {
      const arn = await topic("dp-outbound", policy([statement({ DataDirection: "Outbound", Principal: [`arn:aws:iam::${OTHER_ACCOUNT}:root`], DataIdentifier: [`${ID}EmailAddress`] })]));
      await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "SQSFailureFeedbackRoleArn", AttributeValue: "arn:aws:iam::000000000000:role/feedback" }));
      const mine = await subscribedQueue(arn);
      const theirs = await subscribedQueue(arn, other);
      await sns.send(new PublishCommand({ TopicArn: arn, Message: "contact jane@example.com" }));
      await sns.send(new PublishCommand({ TopicArn: arn, Message: "no contact" }));
      assert.deepEqual(await bodies(mine), ["contact jane@example.com", "no contact"]);
      assert.deepEqual(await bodies(theirs, other.sqs), ["no contact"]);

      const name = arn.split(":").pop() ?? "";
      const failures = (await logs.call("FilterLogEvents", { logGroupName: `sns/us-east-1/000000000000/${name}/Failure` })).body.events as { message: string }[];
      assert.equal(failures.length, 1);
      const record = JSON.parse(failures[0]?.message ?? "{}") as { status: string; delivery: { statusCode: number; providerResponse: string; destination: string } };
      assert.equal(record.status, "FAILURE");
      assert.equal(record.delivery.statusCode, 403);
      assert.match(record.delivery.providerResponse, new RegExp(`^The topic's data protection policy prohibits this message from being delivered to ${arn}:[0-9a-f-]+$`));
    });
  });
});
