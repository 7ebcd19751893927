import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateTopicCommand, PublishBatchCommand, SNSClient, SNSServiceException } from "@aws-sdk/client-sns";
import { failure, uniqueName } from "./harness.js";
import { snsSuite } from "./sns-fixtures.js";

describe("SNS Publish and PublishBatch validation", () => {
  let sns: SNSClient;
  snsSuite((fixture) => ({ sns } = fixture));

  async function topic(prefix: string): Promise<string> {
    const out = await sns.send(new CreateTopicCommand({ Name: uniqueName(prefix) }));
    assert.ok(out.TopicArn);
    return out.TopicArn;
  }

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
});
