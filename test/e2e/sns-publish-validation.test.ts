import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PublishBatchCommand, PublishCommand, SNSClient, SNSServiceException, SubscribeCommand } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { failure } from "./harness.js";
import { newQueue, newTopic, snsSuite, sortedBodies } from "./sns-fixtures.js";

describe("SNS Publish and PublishBatch validation", () => {
  let sns: SNSClient;
  let sqs: SQSClient;
  snsSuite((fixture) => ({ sns, sqs } = fixture));

  const topic = (prefix: string): Promise<string> => newTopic(sns, prefix);
  const queue = (prefix: string): Promise<{ url: string; arn: string }> => newQueue(sqs, prefix);
  const bodies = (url: string): Promise<string[]> => sortedBodies(sqs, url);

  test("PublishBatch entry Ids: SNS names the Id that is too long or holds a character outside letters, digits, '-' and '_'", async () => {
    const arn = await topic("batch-ids");
    const long = "a".repeat(81);
    const cases: Array<[string, string]> = [
      ["message.id", "The Id of a batch entry in the batch request contains an impermissible character: message.id"],
      ["a b", "The Id of a batch entry in the batch request contains an impermissible character: a b"],
      [long, `The Id of a batch entry in the batch request is too long: ${long}`],
      [`${long}.`, `The Id of a batch entry in the batch request is too long: ${long}.`],
    ];
    for (const [Id, message] of cases) {
      const refused = await failure<SNSServiceException>(
        sns.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: [{ Id: "ok", Message: "m" }, { Id, Message: "m" }] })),
      );
      assert.equal(refused.name, "InvalidBatchEntryIdException", Id);
      assert.equal(refused.$metadata.httpStatusCode, 400);
      assert.equal(refused.message, message);
    }
    const out = await sns.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: [{ Id: `${"b".repeat(78)}-_`, Message: "m" }] }));
    assert.equal(out.Successful?.length, 1, "80 characters of letters, digits, '-' and '_' are an Id");
  });

  test("a String.Array value that is not a JSON array is published; filter policies that read it filter the message out", async () => {
    const arn = await topic("string-array");
    const everything = await queue("string-array-all");
    const filtered = await queue("string-array-filtered");
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: everything.arn, Attributes: { RawMessageDelivery: "true" } }));
    await sns.send(
      new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: filtered.arn, Attributes: { RawMessageDelivery: "true", FilterPolicy: JSON.stringify({ tags: ["a"] }) } }),
    );
    const tags = (StringValue: string) => ({ tags: { DataType: "String.Array", StringValue } });
    for (const malformed of ["not json", '{"a": 1}', '["a"']) {
      const out = await sns.send(new PublishCommand({ TopicArn: arn, Message: `malformed ${malformed}`, MessageAttributes: tags(malformed) }));
      assert.match(out.MessageId ?? "", /^[0-9a-f-]{36}$/);
    }
    const batch = await sns.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: [{ Id: "b", Message: "batched malformed", MessageAttributes: tags("a") }] }));
    assert.equal(batch.Successful?.length, 1);
    await sns.send(new PublishCommand({ TopicArn: arn, Message: "well formed", MessageAttributes: tags('["a", 1]') }));
    assert.deepEqual(await bodies(everything.url), ["batched malformed", "malformed not json", 'malformed ["a"', 'malformed {"a": 1}', "well formed"].sort());
    assert.deepEqual(await bodies(filtered.url), ["well formed"]);
  });
});
