import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import { clientSuite, signedHeaders, uniqueName, type TestNimbus, failure } from "./harness.js";

/**
 * Queue attributes, message attributes and limits where Nimbus once differed from AWS. The
 * recordings each test follows are named in the domain modules (attributes.ts, message-validation.ts).
 */
describe("SQS attributes and limits", () => {
  let nimbus: TestNimbus;
  let sqs: SQSClient;
  clientSuite(
    (n) => new SQSClient(n.clientConfig()),
    (n, client) => ({ nimbus, sqs } = { nimbus: n, sqs: client }),
  );

  async function queue(name: string, attributes?: Record<string, string>): Promise<string> {
    const out = await sqs.send(new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }));
    assert.ok(out.QueueUrl);
    return out.QueueUrl;
  }

  function query(path: string, body: string): Promise<Response> {
    return fetch(`${nimbus.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
      body: `Version=2012-11-05&${body}`,
    });
  }

  test('ReceiveMessage MessageAttributeNames ["*"] selects every attribute, as "All" and ".*" do', async () => {
    const url = await queue(uniqueName("star"));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "msg",
        MessageAttributes: {
          "Help.Me": { DataType: "String", StringValue: "Me" },
          Hello: { DataType: "String", StringValue: "There" },
          General: { DataType: "String", StringValue: "Kenobi" },
        },
      }),
    );
    for (const names of [["*"], ["All"], [".*"]]) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: names, VisibilityTimeout: 0 }));
      const m = got.Messages?.[0];
      assert.deepEqual(Object.keys(m?.MessageAttributes ?? {}).sort(), ["General", "Hello", "Help.Me"], JSON.stringify(names));
      // The MD5 AWS recorded for these three attributes.
      assert.equal(m?.MD5OfMessageAttributes, "4c360f3fdafd970e05fae2f149d997f5", JSON.stringify(names));
    }
    const prefix = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["Hel.*"], VisibilityTimeout: 0 }));
    assert.deepEqual(Object.keys(prefix.Messages?.[0]?.MessageAttributes ?? {}).sort(), ["Hello", "Help.Me"]);
    // Query clients (boto3, the CLI) send the same filter as MessageAttributeName.N.
    const name = url.split("/").pop() ?? "";
    const res = await query(`/000000000000/${name}`, "Action=ReceiveMessage&MessageAttributeName.1=*&VisibilityTimeout=0");
    assert.equal(res.status, 200);
    const xml = await res.text();
    for (const attribute of ["General", "Hello", "Help.Me"]) assert.match(xml, new RegExp(`<MessageAttribute><Name>${attribute.replace(".", "\\.")}</Name>`));
  });

  test("SetQueueAttributes FifoQueue=true on a FIFO queue is accepted; false is refused; on a standard queue it is unknown", async () => {
    const name = `${uniqueName("restate")}.fifo`;
    const url = await queue(name, { FifoQueue: "true" });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: "true", VisibilityTimeout: "40" } }));
    const got = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["FifoQueue", "VisibilityTimeout"] }));
    assert.deepEqual(got.Attributes, { FifoQueue: "true", VisibilityTimeout: "40" });
    const change = await failure<SQSServiceException>(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: "false" } })));
    assert.deepEqual(
      [change.name, change.message, change.$metadata.httpStatusCode],
      ["InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.", 400],
    );
    const queryAnswer = await query(`/000000000000/${name}`, "Action=SetQueueAttributes&Attribute.1.Name=FifoQueue&Attribute.1.Value=true");
    assert.equal(queryAnswer.status, 200);
    const standard = await queue(uniqueName("std"));
    const unknown = await failure<SQSServiceException>(sqs.send(new SetQueueAttributesCommand({ QueueUrl: standard, Attributes: { FifoQueue: "true" } })));
    assert.deepEqual([unknown.name, unknown.message], ["InvalidAttributeName", "Unknown Attribute FifoQueue."]);
  });

  test("CreateQueue of a standard queue with DeduplicationScope or FifoThroughputLimit: only when FifoQueue is set to true", async () => {
    // LocalStack's AWS-validated test_create_standard_queue_with_fifo_attribute_raises_error.
    const name = uniqueName("stdfifoattr");
    const answers: unknown[][] = [];
    for (const attributes of [{ FifoQueue: "false" }, { ContentBasedDeduplication: "false" }, { DeduplicationScope: "queue" }, { FifoThroughputLimit: "perQueue" }]) {
      const err = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })));
      answers.push([err.name, err.message, err.$metadata.httpStatusCode]);
    }
    assert.deepEqual(answers, [
      ["InvalidAttributeName", "Unknown Attribute FifoQueue.", 400],
      ["InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication.", 400],
      ["InvalidAttributeName", "You can specify the DeduplicationScope only when FifoQueue is set to true.", 400],
      ["InvalidAttributeName", "You can specify the FifoThroughputLimit only when FifoQueue is set to true.", 400],
    ]);
  });

  test("a query-protocol error carries an empty Detail element", async () => {
    // LocalStack's AWS-validated test_send_empty_message[sqs_query] (recorded 2025-09-22): boto3's
    // query parser reads "Detail": null, which only an empty <Detail/> element gives.
    const name = uniqueName("detail");
    await queue(name);
    const answer = await query(`/000000000000/${name}`, "Action=SendMessage&MessageBody=");
    assert.equal(answer.status, 400);
    assert.match(
      await answer.text(),
      /<Error><Type>Sender<\/Type><Code>MissingParameter<\/Code><Message>The request must contain the parameter MessageBody\.<\/Message><Detail\/><\/Error>/,
    );
  });

  test("query lists sent unnumbered, as boto 2 sends them: AttributeName=All, AWSAccountId and ActionName", async () => {
    const name = uniqueName("bare");
    const url = await queue(name);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "one" }));
    // boto 2's Queue.count(): GetQueueAttributes with AttributeName=All, as SQS's guide samples it.
    const all = await query(`/000000000000/${name}`, "Action=GetQueueAttributes&AttributeName=All");
    assert.equal(all.status, 200);
    const xml = await all.text();
    assert.match(xml, /<Attribute><Name>ApproximateNumberOfMessages<\/Name><Value>1<\/Value><\/Attribute>/);
    assert.match(xml, /<Attribute><Name>VisibilityTimeout<\/Name><Value>30<\/Value><\/Attribute>/);
    // boto 2's Queue.add_permission: one account and one action, unnumbered.
    const added = await query(`/000000000000/${name}`, "Action=AddPermission&Label=boto2&AWSAccountId=111122223333&ActionName=SendMessage");
    assert.equal(added.status, 200, await added.clone().text());
    const policy = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Policy"] }));
    const statement = (JSON.parse(policy.Attributes?.["Policy"] ?? "{}") as { Statement: { Sid: string; Principal: unknown; Action: unknown }[] }).Statement[0];
    assert.deepEqual([statement?.Sid, statement?.Principal, statement?.Action], ["boto2", { AWS: "arn:aws:iam::111122223333:root" }, "SQS:SendMessage"]);
  });
});
