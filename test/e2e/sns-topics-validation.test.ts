import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  TagResourceCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-sns";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { refusal, uniqueName } from "./harness.js";
import { newQueue, snsSuite } from "./sns-fixtures.js";

describe("SNS topics, subscriptions and Publish validation", () => {
  let sns: SNSClient;
  let sqs: SQSClient;
  snsSuite((fixture) => ({ sns, sqs } = fixture));

  const invalid = (message: string): [string, number, string] => ["InvalidParameterException", 400, message];

  const queue = (prefix: string): Promise<{ url: string; arn: string }> => newQueue(sqs, prefix);

  test("CreateTopic of an existing topic: tags it already has (or none) answer its ARN, other tags are refused", async () => {
    // Recorded against AWS: LocalStack's aws-validated test_create_duplicate_topic_check_idempotency
    // (the same tags, one of them, none) and test_create_duplicate_topic_with_more_tags; the
    // text as AWS answered it in localstack/localstack#2405.
    const Name = uniqueName("tagged");
    const tags = [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }];
    const arn = (await sns.send(new CreateTopicCommand({ Name, Tags: tags }))).TopicArn;
    for (const Tags of [tags, [{ Key: "a", Value: "1" }], []]) {
      assert.equal((await sns.send(new CreateTopicCommand({ Name, Tags }))).TopicArn, arn);
    }
    assert.equal((await sns.send(new CreateTopicCommand({ Name }))).TopicArn, arn);
    const differentTags = invalid("Invalid parameter: Tags Reason: Topic already exists with different tags");
    assert.deepEqual(await refusal(sns.send(new CreateTopicCommand({ Name, Tags: [{ Key: "c", Value: "3" }] }))), differentTags);
    assert.deepEqual(await refusal(sns.send(new CreateTopicCommand({ Name, Tags: [{ Key: "a", Value: "other" }] }))), differentTags);
    assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, tags);

    const untagged = uniqueName("untagged");
    await sns.send(new CreateTopicCommand({ Name: untagged }));
    assert.deepEqual(await refusal(sns.send(new CreateTopicCommand({ Name: untagged, Tags: [{ Key: "key1", Value: "value1" }] }))), differentTags);
  });

  test("tags given twice under one key are refused, by TagResource and CreateTopic", async () => {
    // Recorded against AWS for TagResource (LocalStack's aws-validated test_tags, Aug 2023).
    const duplicated = invalid("Invalid parameter: Duplicated keys are not allowed.");
    const Name = uniqueName("dup-tags");
    const ResourceArn = (await sns.send(new CreateTopicCommand({ Name }))).TopicArn;
    const twice = [{ Key: "k1", Value: "v1" }, { Key: "k2", Value: "v2" }, { Key: "k2", Value: "v2" }];
    assert.deepEqual(await refusal(sns.send(new TagResourceCommand({ ResourceArn, Tags: twice }))), duplicated);
    assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, []);
    assert.deepEqual(await refusal(sns.send(new CreateTopicCommand({ Name: uniqueName("dup-tags"), Tags: [{ Key: "k", Value: "a" }, { Key: "k", Value: "b" }] }))), duplicated);
  });

  test("tags keyed __proto__ or like Object.prototype's members (constructor, toString) are kept, listed and removed", async () => {
    // SNS takes any tag key: the request's tags, gathered by assignment, had lost __proto__ (the map's prototype then).
    const ResourceArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("proto-tags"), Tags: [{ Key: "__proto__", Value: "p" }, { Key: "constructor", Value: "c" }] }))).TopicArn;
    await sns.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: "toString", Value: "t" }] }));
    assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, [
      { Key: "__proto__", Value: "p" },
      { Key: "constructor", Value: "c" },
      { Key: "toString", Value: "t" },
    ]);
    await sns.send(new UntagResourceCommand({ ResourceArn, TagKeys: ["__proto__", "toString"] }));
    assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, [{ Key: "constructor", Value: "c" }]);
  });

  test("Publish and PublishBatch check a json body's default entry before a FIFO topic's MessageGroupId", async () => {
    // Recorded against AWS for PublishBatch (LocalStack's aws-validated test_publish_batch_exceptions).
    const TopicArn = (await sns.send(new CreateTopicCommand({ Name: `${uniqueName("order")}.fifo`, Attributes: { FifoTopic: "true" } }))).TopicArn;
    const Message = JSON.stringify({ sqs: "test sqs" });
    const noDefault = invalid("Invalid parameter: Message Structure - No default entry in JSON message body");
    assert.deepEqual(await refusal(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message, MessageStructure: "json" }] }))), noDefault);
    assert.deepEqual(await refusal(sns.send(new PublishCommand({ TopicArn, Message, MessageStructure: "json" }))), noDefault);
    // The rest of that recording: the ids' own refusals.
    assert.deepEqual(
      await refusal(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "Test message without Group ID" }] }))),
      invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics"),
    );
    assert.deepEqual(
      await refusal(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "no dedup id", MessageGroupId: "msg1" }] }))),
      invalid("Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"),
    );
    assert.deepEqual(
      await refusal(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => ({ Id: `Id_${i}`, Message: "Too many messages" })) }))),
      ["TooManyEntriesInBatchRequestException", 400, "The batch request contains more entries than permissible."],
    );
  });

  test("topic names: 1 to 256 alphanumerics, hyphens and underscores; .fifo only for FIFO topics; FIFO-only attributes", async () => {
    const longest = "a".repeat(246) + uniqueName("n").replace(/-/g, "_");
    assert.equal(longest.length, 256);
    assert.ok((await sns.send(new CreateTopicCommand({ Name: longest }))).TopicArn?.endsWith(`:${longest}`));
    assert.deepEqual(await refusal(sns.send(new CreateTopicCommand({ Name: `${longest}b` }))), invalid("Invalid parameter: Topic Name"));
    assert.deepEqual(await refusal(sns.send(new CreateTopicCommand({ Name: `${uniqueName("std")}.fifo` }))), invalid("Invalid parameter: Topic Name"));
    const fifo = await sns.send(new CreateTopicCommand({ Name: `${uniqueName("f")}.fifo`, Attributes: { FifoTopic: "true" } }));
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: fifo.TopicArn }))).Attributes ?? {};
    assert.equal(attrs.FifoTopic, "true");
    assert.equal(attrs.ContentBasedDeduplication, "false");
    const standard = await refusal(sns.send(new CreateTopicCommand({ Name: uniqueName("std"), Attributes: { ContentBasedDeduplication: "true" } })));
    assert.equal(standard[0], "InvalidParameterException");
  });

  test("Publish Subject: UTF-8 text under 100 characters, without line breaks or control characters", async () => {
    // API reference (Publish, Subject, current SDK models): "Subjects must be UTF-8 text with no
    // line breaks or control characters, and less than 100 characters long."
    const TopicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("subject") }))).TopicArn;
    const q = await queue("subject-q");
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn }));
    await sns.send(new PublishCommand({ TopicArn, Message: "m", Subject: "Grüße aus Köln – 東京" }));
    const [received] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url }))).Messages ?? [];
    assert.equal((JSON.parse(received?.Body ?? "{}") as { Subject?: string }).Subject, "Grüße aus Köln – 東京");
    // Characters, not bytes or UTF-16 units: 99 of them pass.
    await sns.send(new PublishCommand({ TopicArn, Message: "m", Subject: "é".repeat(99) }));
    await sns.send(new PublishCommand({ TopicArn, Message: "m", Subject: "😀".repeat(99) }));
    await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "utf8", Message: "m", Subject: "Überweisung" }] }));
    for (const Subject of ["", "x".repeat(100), "é".repeat(100), "line\nbreak", "carriage\rreturn", "tab\there", "bell\u0007", "del\u007f", "c1\u0085"]) {
      assert.deepEqual(await refusal(sns.send(new PublishCommand({ TopicArn, Message: "m", Subject }))), invalid("Invalid parameter: Subject"), JSON.stringify(Subject));
    }
  });

  test("ListSubscriptionsByTopic: pages of 100 with a NextToken; Subscribe with ReturnSubscriptionArn answers a pending subscription's ARN", async () => {
    const TopicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("paged") }))).TopicArn ?? "";
    for (let i = 0; i < 101; i++) {
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:paged-${i}` }));
    }
    const first = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(first.Subscriptions?.length, 100);
    assert.ok(first.NextToken);
    const second = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken: first.NextToken }));
    assert.equal(second.Subscriptions?.length, 1);
    assert.equal(second.NextToken, undefined);

    const pending = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "pending@example.com", ReturnSubscriptionArn: true }));
    assert.match(pending.SubscriptionArn ?? "", new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: pending.SubscriptionArn }))).Attributes ?? {};
    assert.equal(attrs.PendingConfirmation, "true");
  });

  // Cleanup loops (boto3's `for s in topic.subscriptions.all(): s.delete()`, `for t in
  // sns.topics.all(): ...`) delete each page before asking for the next: the NextToken must
  // resume after the last item listed, not at a position the deletions have moved.
  test("deleting each page before asking for the next: ListSubscriptionsByTopic, ListSubscriptions and ListTopics miss nothing", async () => {
    // Pages through a list, deleting each of `mine` as it is listed (the others are other tests');
    // answers the ARNs of `mine` it saw.
    const drain = async (page: (NextToken: string | undefined) => Promise<{ arns: string[]; next: string | undefined }>, mine: Set<string>, remove: (arn: string) => Promise<unknown>): Promise<string[]> => {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const { arns, next } = await page(token);
        for (const arn of arns.filter((a) => mine.has(a))) {
          seen.push(arn);
          await remove(arn);
        }
        token = next;
      } while (token !== undefined);
      return seen.sort();
    };
    const subscribe = async (TopicArn: string, count: number, endpoint: string): Promise<Set<string>> => {
      const arns = new Set<string>();
      for (let i = 0; i < count; i++) {
        arns.add((await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:${endpoint}-${i}`, ReturnSubscriptionArn: true }))).SubscriptionArn ?? "");
      }
      return arns;
    };
    const unsubscribe = (SubscriptionArn: string) => sns.send(new UnsubscribeCommand({ SubscriptionArn }));

    const TopicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("drained") }))).TopicArn ?? "";
    const onTopic = await subscribe(TopicArn, 250, "drained");
    const byTopic = async (NextToken: string | undefined) => {
      const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken }));
      return { arns: (out.Subscriptions ?? []).map((sub) => sub.SubscriptionArn ?? ""), next: out.NextToken };
    };
    assert.deepEqual(await drain(byTopic, onTopic, unsubscribe), [...onTopic].sort());
    assert.deepEqual((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions, []);

    // Account-wide lists hold other tests' items too: only this test's are deleted, and each must be seen.
    const prefix = uniqueName("drain-all");
    const topics = new Set<string>();
    for (let i = 0; i < 210; i++) topics.add((await sns.send(new CreateTopicCommand({ Name: `${prefix}-${i}` }))).TopicArn ?? "");
    const allTopics = async (NextToken: string | undefined) => {
      const out = await sns.send(new ListTopicsCommand({ NextToken }));
      return { arns: (out.Topics ?? []).map((t) => t.TopicArn ?? ""), next: out.NextToken };
    };
    assert.deepEqual(await drain(allTopics, topics, (arn) => sns.send(new DeleteTopicCommand({ TopicArn: arn }))), [...topics].sort());

    const another = (await sns.send(new CreateTopicCommand({ Name: uniqueName("drained-all") }))).TopicArn ?? "";
    const mine = await subscribe(another, 210, "drain-all");
    const allSubscriptions = async (NextToken: string | undefined) => {
      const out = await sns.send(new ListSubscriptionsCommand({ NextToken }));
      return { arns: (out.Subscriptions ?? []).map((sub) => sub.SubscriptionArn ?? ""), next: out.NextToken };
    };
    assert.deepEqual(await drain(allSubscriptions, mine, unsubscribe), [...mine].sort());
    assert.deepEqual(await refusal(sns.send(new ListTopicsCommand({ NextToken: "bm90IGEgdG9rZW4=" }))), invalid("Invalid parameter: NextToken"));
  });
});
