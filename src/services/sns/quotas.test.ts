/**
 * The topic and subscription quotas: the refusals at each limit and one short of it, and the
 * per-account, per-Region topic counts the store keeps with every insert and delete, at the full
 * 100,000 standard topics (inserted in one transaction: over HTTP they would take minutes).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { thrownAwsError } from "../../core/aws-error-fixture.js";
import { openState } from "../../state/database.js";
import {
  checkSubscriptionQuota,
  checkTopicQuota,
  FIFO_TOPIC_SUBSCRIPTIONS,
  FIFO_TOPICS_PER_ACCOUNT,
  STANDARD_TOPIC_SUBSCRIPTIONS,
  STANDARD_TOPICS_PER_ACCOUNT,
} from "./quotas.js";
import { SNS_MIGRATIONS, SnsStore, type TopicRef } from "./store.js";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const T0 = Date.parse("2026-01-15T12:00:00.000Z");

function ref(name: string, region = REGION): TopicRef {
  return { account: ACCOUNT, region, name };
}

const FIFO = { FifoTopic: "true", ContentBasedDeduplication: "false" };

describe("SNS quotas", () => {
  test("topics: 100,000 standard and 1,000 FIFO per account and Region, TopicLimitExceeded (403) past them", () => {
    checkTopicQuota(false, STANDARD_TOPICS_PER_ACCOUNT - 1);
    checkTopicQuota(true, FIFO_TOPICS_PER_ACCOUNT - 1);
    const standard = thrownAwsError(() => checkTopicQuota(false, 100_000));
    assert.equal(standard.code, "TopicLimitExceededException");
    assert.equal(standard.queryCode, "TopicLimitExceeded");
    assert.equal(standard.status, 403);
    assert.equal(standard.message, "Topic limit exceeded: the account already owns the maximum allowed number of standard topics in this Region (100,000)");
    const fifo = thrownAwsError(() => checkTopicQuota(true, 1_000));
    assert.equal(fifo.message, "Topic limit exceeded: the account already owns the maximum allowed number of FIFO topics in this Region (1,000)");
  });

  test("subscriptions: 12,500,000 on a standard topic and 100 on a FIFO one, SubscriptionLimitExceeded (403) past them", () => {
    checkSubscriptionQuota(false, STANDARD_TOPIC_SUBSCRIPTIONS - 1);
    checkSubscriptionQuota(true, FIFO_TOPIC_SUBSCRIPTIONS - 1);
    const standard = thrownAwsError(() => checkSubscriptionQuota(false, 12_500_000));
    assert.equal(standard.code, "SubscriptionLimitExceededException");
    assert.equal(standard.queryCode, "SubscriptionLimitExceeded");
    assert.equal(standard.status, 403);
    assert.equal(standard.message, "Subscription limit exceeded: the topic already has the maximum allowed number of subscriptions for a standard topic (12,500,000)");
    const fifo = thrownAwsError(() => checkSubscriptionQuota(true, 100));
    assert.equal(fifo.message, "Subscription limit exceeded: the topic already has the maximum allowed number of subscriptions for a FIFO topic (100)");
  });

  test("the store counts 100,000 standard topics apart from FIFO ones and other Regions; a delete frees a place, a repeated one no more", () => {
    const store = new SnsStore(openState({ inMemory: true }));
    store.transaction(() => {
      for (let i = 0; i < STANDARD_TOPICS_PER_ACCOUNT; i += 1) store.insertTopic(ref(`t${i}`), { DisplayName: "" }, {}, T0);
      store.insertTopic(ref("orders.fifo"), FIFO, {}, T0);
      store.insertTopic(ref("t0", "eu-west-1"), {}, {}, T0);
    });
    assert.equal(store.topicCount(ACCOUNT, REGION, false), 100_000);
    assert.equal(store.topicCount(ACCOUNT, REGION, true), 1);
    assert.equal(store.topicCount(ACCOUNT, "eu-west-1", false), 1);
    assert.equal(store.topicCount("444455556666", REGION, false), 0);
    assert.equal(thrownAwsError(() => checkTopicQuota(false, store.topicCount(ACCOUNT, REGION, false))).status, 403);
    checkTopicQuota(true, store.topicCount(ACCOUNT, REGION, true));

    store.transaction(() => store.deleteTopic(ref("t7")));
    store.transaction(() => store.deleteTopic(ref("t7")));
    store.transaction(() => store.deleteTopic(ref("orders.fifo")));
    assert.equal(store.topicCount(ACCOUNT, REGION, false), 99_999);
    assert.equal(store.topicCount(ACCOUNT, REGION, true), 0);
    checkTopicQuota(false, store.topicCount(ACCOUNT, REGION, false));
  });

  test("a data dir from before the counts has its topics counted when the migration runs", () => {
    const state = openState({ inMemory: true });
    state.migrate("sns", SNS_MIGRATIONS.slice(0, 8));
    const insert = state.db.prepare("INSERT INTO sns_topics (account_id, region, name, attributes, tags, created_at) VALUES (?, ?, ?, ?, '{}', ?)");
    insert.run(ACCOUNT, REGION, "a", JSON.stringify({ DisplayName: "" }), T0);
    insert.run(ACCOUNT, REGION, "b", JSON.stringify({ DisplayName: "" }), T0);
    insert.run(ACCOUNT, REGION, "c.fifo", JSON.stringify(FIFO), T0);
    const store = new SnsStore(state);
    assert.equal(store.topicCount(ACCOUNT, REGION, false), 2);
    assert.equal(store.topicCount(ACCOUNT, REGION, true), 1);
  });
});
