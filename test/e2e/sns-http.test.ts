import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { X509Certificate } from "node:crypto";
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SNSClient,
  SNSServiceException,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { verifySnsMessageSignature } from "../../src/services/sns/domain/signing.js";
import { DEV_SIGNING_CERTIFICATE_PEM } from "../../src/services/sns/domain/signing-identity.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { SubscriberEndpoint } from "./sns-endpoint.js";

describe("SNS to HTTP endpoints", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  const endpoint = new SubscriberEndpoint();
  let url = "";
  before(async () => {
    nimbus = await startTestNimbus();
    sns = new SNSClient(nimbus.clientConfig());
    url = `${await endpoint.listen()}/hook`;
  });
  after(async () => {
    sns.destroy();
    await endpoint.close();
    await nimbus.close();
  });

  /** A new topic with an HTTP subscription confirmed by its token; `via` tells its endpoint's path apart. */
  async function confirmedSubscription(via: string): Promise<{ topicArn: string; path: string; token: string; subscriptionArn: string }> {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName(`http-${via}`) }))).TopicArn ?? "";
    const path = `/hook?via=${via}`;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${url}?via=${via}` }));
    const token = (JSON.parse((await endpoint.first(path, "SubscriptionConfirmation")).body) as { Token: string }).Token;
    const subscriptionArn = (await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }))).SubscriptionArn ?? "";
    return { topicArn, path, token, subscriptionArn };
  }

  test("subscription confirmation, ConfirmSubscription with the token, then notifications", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("http") }))).TopicArn;
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: url }));
    assert.equal(sub.SubscriptionArn, "pending confirmation");

    const confirmation = await endpoint.next();
    assert.equal(confirmation.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
    assert.equal(confirmation.headers["x-amz-sns-topic-arn"], topicArn);
    const doc = JSON.parse(confirmation.body) as { Type: string; MessageId: string; Token: string; TopicArn: string; SubscribeURL: string };
    assert.equal(doc.Type, "SubscriptionConfirmation");
    // Printed as the developer guide's examples are: two-space indent, `"name" : value`.
    assert.ok(confirmation.body.startsWith(`{\n  "Type" : "SubscriptionConfirmation",\n  "MessageId" : "${doc.MessageId}",\n  "Token" : "${doc.Token}",\n`), confirmation.body);
    assert.equal(doc.TopicArn, topicArn);
    assert.equal(doc.SubscribeURL, `${nimbus.url}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${doc.Token}`);
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.equal(listed.Subscriptions?.[0]?.SubscriptionArn, "PendingConfirmation");

    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: doc.Token }));
    assert.match(confirmed.SubscriptionArn ?? "", new RegExp(`^${topicArn}:`));
    const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn }));
    assert.equal(attrs.Attributes?.PendingConfirmation, "false");

    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "to the web", Subject: "hi" }));
    const notification = await endpoint.next();
    assert.equal(notification.headers["x-amz-sns-message-type"], "Notification");
    assert.equal(notification.headers["x-amz-sns-message-id"], published.MessageId);
    assert.equal(notification.headers["x-amz-sns-subscription-arn"], confirmed.SubscriptionArn);
    assert.equal(notification.headers["content-type"], "text/plain; charset=UTF-8");
    const body = JSON.parse(notification.body) as Record<string, string>;
    assert.equal(body.Type, "Notification");
    assert.equal(body.Message, "to the web");
    assert.equal(body.Subject, "hi");
    assert.ok(notification.body.startsWith(`{\n  "Type" : "Notification",\n  "MessageId" : "${published.MessageId}",\n  "TopicArn" : "${topicArn}",\n  "Subject" : "hi",\n`), notification.body);
    assert.ok(notification.body.endsWith(`,\n  "UnsubscribeURL" : "${body.UnsubscribeURL}"\n}`), notification.body);
  });

  test("the SubscribeURL itself confirms (an unsigned GET, as a browser or curl sends it)", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("http-url") }))).TopicArn;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${url}?via=url` }));
    const doc = JSON.parse((await endpoint.next()).body) as { SubscribeURL: string };
    // A one-off connection (no keep-alive), as curl makes.
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      http
        .get(doc.SubscribeURL, { agent: false }, (r) => {
          let text = "";
          r.on("data", (d: Buffer) => (text += d.toString()));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, text }));
        })
        .on("error", reject);
    });
    assert.equal(res.status, 200);
    assert.match(res.text, /<SubscriptionArn>arn:aws:sns:us-east-1:000000000000:http-url-[0-9a-f]{8}:[0-9a-f-]{36}<\/SubscriptionArn>/);
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.notEqual(listed.Subscriptions?.[0]?.SubscriptionArn, "PendingConfirmation");
  });

  test("Unsubscribe POSTs a signed UnsubscribeConfirmation to the endpoint", async () => {
    const { topicArn, path, token, subscriptionArn } = await confirmedSubscription("unsubscribe");

    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    const received = await endpoint.first(path, "UnsubscribeConfirmation");
    assert.equal(received.headers["x-amz-sns-topic-arn"], topicArn);
    assert.equal(received.headers["x-amz-sns-subscription-arn"], subscriptionArn);
    assert.equal(received.headers["content-type"], "text/plain; charset=UTF-8");
    const doc = JSON.parse(received.body) as Record<string, string>;
    // The developer guide's fields, in its order.
    assert.deepEqual(Object.keys(doc), ["Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL"]);
    assert.equal(doc.Type, "UnsubscribeConfirmation");
    assert.equal(doc.MessageId, received.headers["x-amz-sns-message-id"]);
    assert.equal(doc.TopicArn, topicArn);
    assert.equal(
      doc.Message,
      `You have chosen to deactivate subscription ${subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    );
    assert.notEqual(doc.Token, token, "a fresh token");
    assert.equal(doc.SubscribeURL, `${nimbus.url}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${doc.Token}`);
    assert.equal(doc.Timestamp, new Date(nimbus.clock.now()).toISOString());
    assert.equal(doc.SignatureVersion, "1");
    assert.equal(verifySnsMessageSignature(doc as never, doc.Signature ?? "", new X509Certificate(DEV_SIGNING_CERTIFICATE_PEM), "1"), true);
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.deepEqual(listed.Subscriptions, []);
  });

  test("ConfirmSubscription judges the token first: malformed, unknown, or for a topic that does not exist", async () => {
    // AWS's answers, recorded in October 2025 (LocalStack's test_sns_confirm_subscription_wrong_token).
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("http-tokens") }))).TopicArn ?? "";
    const wellFormed = "51b2ff3edb475b7d91550e0ab6edf0c1de2a34e6ebaf6c2262a001bcb7e051c43aa00022ceecce70bd2a67b2042da8d8";
    for (const [TopicArn, Token, message] of [
      [`${topicArn}-gone`, wellFormed, "Invalid parameter: Token"],
      [topicArn, "randomtoken", "Invalid token"],
      [topicArn, wellFormed, "Invalid parameter: Token"],
    ] as const) {
      const refused = await failure<SNSServiceException>(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token })));
      assert.equal(refused.name, "InvalidParameterException", Token);
      assert.equal(refused.$metadata.httpStatusCode, 400);
      assert.equal(refused.message, message);
    }
  });

  test("the token names the subscription: any topic ARN of the region confirms it, a malformed or other-region one is 'Invalid parameter: Topic'", async () => {
    // AWS's answers, recorded in October 2023 (LocalStack's test_subscribe_external_http_endpoint).
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("http-any-topic") }))).TopicArn ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${url}?via=any-topic` }));
    const token = (JSON.parse((await endpoint.first("/hook?via=any-topic", "SubscriptionConfirmation")).body) as { Token: string }).Token;
    for (const TopicArn of ["not-an-arn", topicArn.replace(":us-east-1:", ":eu-central-1:")]) {
      const refused = await failure<SNSServiceException>(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token })));
      assert.equal(refused.name, "InvalidParameterException", TopicArn);
      assert.equal(refused.$metadata.httpStatusCode, 400);
      assert.equal(refused.message, "Invalid parameter: Topic");
    }
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.equal(listed.Subscriptions?.[0]?.SubscriptionArn, "PendingConfirmation", "still pending after the refusals");

    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: `${topicArn}-nonexistent`, Token: token }));
    const subscriptionArn = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions?.[0]?.SubscriptionArn ?? "";
    assert.match(subscriptionArn, new RegExp(`^${topicArn}:`));
    assert.equal(confirmed.SubscriptionArn, subscriptionArn);
    const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    assert.equal(attrs.Attributes?.PendingConfirmation, "false");
    const again = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }));
    assert.equal(again.SubscriptionArn, subscriptionArn, "confirming again answers the same ARN");
  });

  test("a confirmation token is valid for two days; then the pending subscription is gone", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("http-expiry") }))).TopicArn ?? "";
    const tokenOf = async (via: string) => {
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${url}?via=${via}` }));
      return (JSON.parse((await endpoint.first(`/hook?via=${via}`, "SubscriptionConfirmation")).body) as { Token: string }).Token;
    };
    const early = await tokenOf("expiry-early");
    const late = await tokenOf("expiry-late");
    await nimbus.scheduler.advance(48 * 3_600_000 - 1);
    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: early }));
    assert.match(confirmed.SubscriptionArn ?? "", new RegExp(`^${topicArn}:`), "one millisecond before two days, the token still confirms");

    await nimbus.scheduler.advance(1);
    const expired = await failure<SNSServiceException>(sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: late })));
    assert.equal(expired.name, "InvalidParameterException");
    assert.equal(expired.$metadata.httpStatusCode, 400);
    assert.equal(expired.message, "Invalid parameter: Token");
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.deepEqual(listed.Subscriptions?.map((s) => s.Endpoint), [`${url}?via=expiry-early`], "the unconfirmed subscription was deleted");
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {};
    assert.equal(attrs.SubscriptionsPending, "0");
    assert.equal(attrs.SubscriptionsConfirmed, "1");
  });

  test("a pending subscription nobody touches is swept away after two days", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("http-sweep") }))).TopicArn ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${url}?via=sweep` }));
    await endpoint.first("/hook?via=sweep", "SubscriptionConfirmation");
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes?.SubscriptionsPending, "1");
    await nimbus.scheduler.advance(48 * 3_600_000 + 5 * 60_000);
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes?.SubscriptionsPending, "0");
    assert.deepEqual((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions, []);
  });

  test("the UnsubscribeConfirmation's token restores the subscription, once", async () => {
    const { topicArn, path, subscriptionArn } = await confirmedSubscription("restore");
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    const restoreToken = (JSON.parse((await endpoint.first(path, "UnsubscribeConfirmation")).body) as { Token: string }).Token;

    const restored = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: restoreToken }));
    assert.equal(restored.SubscriptionArn, subscriptionArn, "restored under its old ARN");
    const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    assert.equal(attrs.Attributes?.PendingConfirmation, "false");
    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "back again" }));
    const notification = await endpoint.first(path, "Notification");
    assert.equal(notification.headers["x-amz-sns-message-id"], published.MessageId);

    const again = await failure<SNSServiceException>(sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: restoreToken })));
    assert.equal(again.name, "InvalidParameterException");
    assert.equal(again.$metadata.httpStatusCode, 400);
    assert.equal(again.message, "Invalid parameter: Token");
  });

  test("the UnsubscribeConfirmation's token is valid for two days, like a confirmation token; then it is forgotten", async () => {
    const kept = (topicArn: string): number =>
      nimbus.state.db.prepare<[string], number>("SELECT COUNT(*) FROM sns_unsubscribed WHERE topic = ?").pluck().get(topicArn.split(":").pop() ?? "") ?? -1;
    const restoreToken = async (via: string): Promise<{ topicArn: string; subscriptionArn: string; token: string }> => {
      const { topicArn, path, subscriptionArn } = await confirmedSubscription(via);
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
      const token = (JSON.parse((await endpoint.first(path, "UnsubscribeConfirmation")).body) as { Token: string }).Token;
      return { topicArn, subscriptionArn, token };
    };
    const early = await restoreToken("restore-early");
    const late = await restoreToken("restore-late");
    const swept = await restoreToken("restore-swept");
    await nimbus.scheduler.advance(48 * 3_600_000 - 1);
    assert.deepEqual([kept(early.topicArn), kept(late.topicArn), kept(swept.topicArn)], [1, 1, 1], "no sweep forgets one before its two days");
    const restored = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: early.topicArn, Token: early.token }));
    assert.equal(restored.SubscriptionArn, early.subscriptionArn, "one millisecond before two days, the token still restores");

    await nimbus.scheduler.advance(1);
    const expired = await failure<SNSServiceException>(sns.send(new ConfirmSubscriptionCommand({ TopicArn: late.topicArn, Token: late.token })));
    assert.deepEqual([expired.name, expired.$metadata.httpStatusCode, expired.message], ["InvalidParameterException", 400, "Invalid parameter: Token"]);
    assert.deepEqual((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: late.topicArn }))).Subscriptions, []);
    // Nobody asks for the third: the sweep (every 5 minutes) forgets it.
    await nimbus.scheduler.advance(5 * 60_000);
    assert.deepEqual([kept(early.topicArn), kept(late.topicArn), kept(swept.topicArn)], [0, 0, 0]);
  });
});
