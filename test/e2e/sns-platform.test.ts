import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  ConfirmSubscriptionCommand,
  CreatePlatformApplicationCommand,
  CreatePlatformEndpointCommand,
  CreateTopicCommand,
  DeleteEndpointCommand,
  DeletePlatformApplicationCommand,
  GetEndpointAttributesCommand,
  GetPlatformApplicationAttributesCommand,
  GetSMSAttributesCommand,
  GetSubscriptionAttributesCommand,
  ListEndpointsByPlatformApplicationCommand,
  ListPhoneNumbersOptedOutCommand,
  ListPlatformApplicationsCommand,
  ListSubscriptionsByTopicCommand,
  OptInPhoneNumberCommand,
  PublishCommand,
  SetEndpointAttributesCommand,
  SetPlatformApplicationAttributesCommand,
  SetSMSAttributesCommand,
  SNSClient,
  SubscribeCommand,
  type SNSServiceException,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { failure, uniqueName, type TestNimbus } from "./harness.js";
import { newTopic, snsSuite } from "./sns-fixtures.js";

type Messages = Record<string, Array<Record<string, unknown>>>;

describe("SNS mobile push, SMS and email (recorded, read back on internal endpoints)", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  let sqs: SQSClient;
  snsSuite((fixture) => ({ nimbus, sns, sqs } = fixture));

  async function internal(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${nimbus.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  async function app(platform = "GCM", attributes: Record<string, string> = { PlatformCredential: "server-key" }): Promise<string> {
    const out = await sns.send(new CreatePlatformApplicationCommand({ Name: uniqueName("app"), Platform: platform, Attributes: attributes }));
    assert.ok(out.PlatformApplicationArn);
    return out.PlatformApplicationArn;
  }

  const topic = (prefix: string): Promise<string> => newTopic(sns, prefix);

  test("platform applications: create, attributes (credentials never shown), list, delete", async () => {
    const name = uniqueName("push-app");
    const arn = (await sns.send(new CreatePlatformApplicationCommand({ Name: name, Platform: "APNS", Attributes: { PlatformPrincipal: "cert", PlatformCredential: "key" } })))
      .PlatformApplicationArn;
    assert.equal(arn, `arn:aws:sns:us-east-1:000000000000:app/APNS/${name}`);
    assert.deepEqual((await sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn }))).Attributes, { Enabled: "true" });

    await sns.send(new SetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn, Attributes: { EventEndpointCreated: "arn:aws:sns:us-east-1:000000000000:events", PlatformCredential: "rotated" } }));
    assert.deepEqual((await sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn }))).Attributes, {
      Enabled: "true",
      EventEndpointCreated: "arn:aws:sns:us-east-1:000000000000:events",
    });
    const listed = await sns.send(new ListPlatformApplicationsCommand({}));
    assert.ok(listed.PlatformApplications?.some((a) => a.PlatformApplicationArn === arn && a.Attributes?.Enabled === "true"));

    await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn: arn }));
    await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn: arn }));
    const gone = await failure<SNSServiceException>(sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn })));
    assert.equal(gone.name, "NotFoundException");
    assert.equal(gone.message, "PlatformApplication does not exist");
    assert.equal(gone.$metadata.httpStatusCode, 404);
  });

  test("platform applications: validation", async () => {
    const platform = await failure<SNSServiceException>(sns.send(new CreatePlatformApplicationCommand({ Name: "x", Platform: "PIGEON", Attributes: { PlatformCredential: "k" } })));
    assert.equal(platform.name, "InvalidParameterException");
    assert.equal(platform.message, "Invalid parameter: Platform Reason: PIGEON is not supported");
    const principal = await failure<SNSServiceException>(sns.send(new CreatePlatformApplicationCommand({ Name: "x", Platform: "APNS", Attributes: { PlatformCredential: "k" } })));
    assert.equal(principal.message, "Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal");
    const unknown = await failure<SNSServiceException>(sns.send(new CreatePlatformApplicationCommand({ Name: "x", Platform: "GCM", Attributes: { Colour: "blue" } })));
    assert.equal(unknown.message, "Invalid parameter: Attributes Reason: Invalid attribute name: Colour");
  });

  test("platform endpoints: idempotent per token, attributes, list, delete", async () => {
    const appArn = await app();
    const appName = appArn.split("/").pop();
    const first = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: appArn, Token: "device-1" }))).EndpointArn ?? "";
    assert.match(first, new RegExp(`^arn:aws:sns:us-east-1:000000000000:endpoint/GCM/${appName}/[0-9a-f-]{36}$`));
    const again = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: appArn, Token: "device-1", Attributes: { Enabled: "true" } }))).EndpointArn;
    assert.equal(again, first, "the same token with the same (default) attributes answers the same endpoint");
    const conflict = await failure<SNSServiceException>(sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: appArn, Token: "device-1", CustomUserData: "user 7" })));
    assert.equal(conflict.name, "InvalidParameterException");
    assert.equal(conflict.message, `Invalid parameter: Token Reason: Endpoint ${first} already exists with the same Token, but different attributes.`);

    const second = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: appArn, Token: "device-2", CustomUserData: "user 8", Attributes: { Enabled: "false" } }))).EndpointArn;
    assert.deepEqual((await sns.send(new GetEndpointAttributesCommand({ EndpointArn: second }))).Attributes, { Enabled: "false", Token: "device-2", CustomUserData: "user 8" });
    await sns.send(new SetEndpointAttributesCommand({ EndpointArn: second, Attributes: { Enabled: "true", CustomUserData: "user 9" } }));
    assert.deepEqual((await sns.send(new GetEndpointAttributesCommand({ EndpointArn: second }))).Attributes, { Enabled: "true", Token: "device-2", CustomUserData: "user 9" });

    const listed = await sns.send(new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn: appArn }));
    assert.deepEqual(
      listed.Endpoints?.map((e) => e.EndpointArn),
      [first, second],
    );

    await sns.send(new DeleteEndpointCommand({ EndpointArn: first }));
    await sns.send(new DeleteEndpointCommand({ EndpointArn: first }));
    const gone = await failure<SNSServiceException>(sns.send(new GetEndpointAttributesCommand({ EndpointArn: first })));
    assert.equal(gone.name, "NotFoundException");
    assert.equal(gone.message, "Endpoint does not exist");

    await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn: appArn }));
    const withApp = await failure<SNSServiceException>(sns.send(new GetEndpointAttributesCommand({ EndpointArn: second })));
    assert.equal(withApp.message, "Endpoint does not exist", "deleting the application deletes its endpoints");
    const noApp = await failure<SNSServiceException>(sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: appArn, Token: "device-3" })));
    assert.equal(noApp.name, "NotFoundException");
    assert.equal(noApp.message, "PlatformApplication does not exist");
  });

  test("Publish to an endpoint records the push the platform would get; a disabled endpoint refuses", async () => {
    const appArn = await app();
    const endpoint = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: appArn, Token: "phone-token" }))).EndpointArn ?? "";
    const gcm = JSON.stringify({ notification: { title: "Hi", body: "there" } });
    const published = await sns.send(new PublishCommand({ TargetArn: endpoint, MessageStructure: "json", Message: JSON.stringify({ default: "plain", GCM: gcm }) }));
    await sns.send(new PublishCommand({ TargetArn: endpoint, Message: "second" }));

    const read = await internal(`/_aws/sns/platform-endpoint-messages?endpointArn=${encodeURIComponent(endpoint)}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.region, "us-east-1");
    const messages = (read.body.platform_endpoint_messages as Messages)[endpoint] ?? [];
    assert.equal(messages.length, 2);
    assert.equal(messages[0]?.MessageId, published.MessageId);
    assert.equal(messages[0]?.TargetArn, endpoint);
    assert.equal(messages[0]?.MessageStructure, "json");
    assert.equal(messages[0]?.Payload, gcm);
    assert.equal(messages[0]?.Token, "phone-token");
    assert.equal(messages[1]?.Payload, "second");

    await sns.send(new SetEndpointAttributesCommand({ EndpointArn: endpoint, Attributes: { Enabled: "false" } }));
    const disabled = await failure<SNSServiceException>(sns.send(new PublishCommand({ TargetArn: endpoint, MessageStructure: "json", Message: "not json" })));
    assert.equal(disabled.name, "EndpointDisabledException");
    assert.equal(disabled.message, "Endpoint is disabled");
    assert.equal(disabled.$metadata.httpStatusCode, 400);

    await sns.send(new DeleteEndpointCommand({ EndpointArn: endpoint }));
    const missing = await failure<SNSServiceException>(sns.send(new PublishCommand({ TargetArn: endpoint, Message: "x" })));
    assert.equal(missing.name, "InvalidParameterException");
    assert.equal(missing.message, "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified");

    assert.equal((await internal(`/_aws/sns/platform-endpoint-messages?endpointArn=${encodeURIComponent(endpoint)}`, { method: "DELETE" })).status, 204);
    assert.deepEqual((await internal(`/_aws/sns/platform-endpoint-messages?endpointArn=${encodeURIComponent(endpoint)}`)).body.platform_endpoint_messages, { [endpoint]: [] });
  });

  test("application subscriptions: topic pushes reach the endpoint; a deleted endpoint cannot subscribe", async () => {
    const appArn = await app();
    const endpoint = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: appArn, Token: "sub-token" }))).EndpointArn ?? "";
    const topicArn = await topic("push");
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "application", Endpoint: endpoint }));
    assert.match(sub.SubscriptionArn ?? "", new RegExp(`^${topicArn}:`));
    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "to every device", Subject: "news" }));
    const messages = ((await internal(`/_aws/sns/platform-endpoint-messages?endpointArn=${encodeURIComponent(endpoint)}`)).body.platform_endpoint_messages as Messages)[endpoint] ?? [];
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.MessageId, published.MessageId);
    assert.equal(messages[0]?.TopicArn, topicArn);
    assert.equal(messages[0]?.SubscriptionArn, sub.SubscriptionArn);
    assert.equal(messages[0]?.Payload, "to every device");

    await sns.send(new DeleteEndpointCommand({ EndpointArn: endpoint }));
    const refused = await failure<SNSServiceException>(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "application", Endpoint: endpoint })));
    assert.equal(refused.message, `Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn${endpoint}`);
  });

  test("SMS: Publish with PhoneNumber and sms subscriptions are recorded; opted-out numbers get nothing", async () => {
    const phone = "+15555550142";
    await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`, { method: "DELETE" });
    const direct = await sns.send(
      new PublishCommand({ PhoneNumber: phone, Message: "Your code is 123456", MessageAttributes: { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } } }),
    );
    const topicArn = await topic("texts");
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: phone }));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }))).Attributes ?? {};
    assert.equal(attrs.PendingConfirmation, "false", "sms subscriptions need no confirmation");
    const viaTopic = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "Store opens at 9" }));

    const read = await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`);
    const texts = (read.body.sms_messages as Messages)[phone] ?? [];
    assert.equal(texts.length, 2);
    assert.equal(texts[0]?.MessageId, direct.MessageId);
    assert.equal(texts[0]?.Message, "Your code is 123456");
    assert.equal(texts[0]?.SMSType, "Transactional");
    assert.deepEqual(texts[0]?.MessageAttributes, { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } });
    assert.equal(texts[1]?.MessageId, viaTopic.MessageId);
    assert.equal(texts[1]?.TopicArn, topicArn);
    assert.equal(texts[1]?.SubscriptionArn, sub.SubscriptionArn);
    assert.equal(texts[1]?.SMSType, "Promotional");
    const all = await internal("/_aws/sns/sms-messages");
    assert.ok(((all.body.sms_messages as Messages)[phone] ?? []).length >= 2);

    // Any attribute name is recorded, __proto__ too (its assignment had set the record's prototype).
    const other = "+15555550143";
    await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(other)}`, { method: "DELETE" });
    const proto = await sns.send(new PublishCommand({ PhoneNumber: other, Message: "proto", MessageAttributes: { ["__proto__"]: { DataType: "String", StringValue: "p" } } }));
    const recorded = ((await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(other)}`)).body.sms_messages as Messages)[other] ?? [];
    assert.deepEqual(recorded.map((r) => [r.MessageId, r.MessageAttributes]), [[proto.MessageId, JSON.parse('{"__proto__":{"DataType":"String","StringValue":"p"}}')]]);

    // The owner replies STOP.
    assert.equal((await internal("/_nimbus/sns/phone-opt-out", { method: "POST", body: JSON.stringify({ phoneNumber: phone }) })).status, 204);
    assert.equal((await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: phone }))).isOptedOut, true);
    assert.ok((await sns.send(new ListPhoneNumbersOptedOutCommand({}))).phoneNumbers?.includes(phone));
    await sns.send(new PublishCommand({ PhoneNumber: phone, Message: "not delivered" }));
    assert.equal(((await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`)).body.sms_messages as Messages)[phone]?.length, 2);
    await sns.send(new OptInPhoneNumberCommand({ phoneNumber: phone }));
    assert.equal((await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: phone }))).isOptedOut, false);

    assert.equal((await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`, { method: "DELETE" })).status, 204);
    assert.deepEqual((await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`)).body.sms_messages, { [phone]: [] });
  });

  test("SMS: validation and account settings", async () => {
    const bad = await failure<SNSServiceException>(sns.send(new PublishCommand({ PhoneNumber: "+1a234", Message: "x" })));
    assert.equal(bad.name, "InvalidParameterException");
    assert.equal(bad.message, "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to");
    const topicArn = await topic("bad-sms");
    const sub = await failure<SNSServiceException>(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: "invalid-number" })));
    assert.equal(sub.message, "Invalid SMS endpoint: invalid-number");
    // LocalStack's AWS-validated test_subscribe_sms_obscure_phone_number (subscribe-sms-2) and
    // test_subscribe_invalid_sms: single separators between digits pass, doubled, leading or trailing ones do not.
    const obscure = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: "+12/34-567.890" }));
    assert.match(obscure.SubscriptionArn ?? "", new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    for (const Endpoint of ["+15--551234567", "NAA+15551234567", "+15551234567.", "/+15551234567"]) {
      const refused = await failure<SNSServiceException>(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint })));
      assert.equal(refused.name, "InvalidParameterException");
      assert.equal(refused.$metadata.httpStatusCode, 400);
      assert.equal(refused.message, `Invalid SMS endpoint: ${Endpoint}`);
    }
    const check = await failure<SNSServiceException>(sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: "12ab" })));
    assert.equal(check.message, "Invalid parameter: PhoneNumber Reason: input incorrectly formatted");

    assert.deepEqual((await sns.send(new GetSMSAttributesCommand({}))).attributes, { MonthlySpendLimit: "1" });
    await sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: "Transactional", DefaultSenderID: "Nimbus" } }));
    assert.deepEqual((await sns.send(new GetSMSAttributesCommand({ attributes: ["DefaultSMSType"] }))).attributes, { DefaultSMSType: "Transactional" });
    assert.deepEqual((await sns.send(new GetSMSAttributesCommand({}))).attributes, { MonthlySpendLimit: "1", DefaultSMSType: "Transactional", DefaultSenderID: "Nimbus" });
    const type = await failure<SNSServiceException>(sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: "Urgent" } })));
    assert.equal(type.name, "InvalidParameterException");
    assert.equal(type.message, "DefaultSMSType is invalid");
  });

  test("email: confirmation email with the token, ConfirmSubscription, then the exact plain-text body", async () => {
    const topicArn = await topic("mail");
    const address = `${uniqueName("dev")}@example.com`;
    const pending = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "email", Endpoint: address }));
    assert.equal(pending.SubscriptionArn, "pending confirmation");
    const inbox = async () => ((await internal(`/_nimbus/sns/email-messages?address=${encodeURIComponent(address)}`)).body.email_messages as Messages)[address] ?? [];
    const [confirmation] = await inbox();
    assert.ok(confirmation);
    assert.equal(confirmation.Type, "SubscriptionConfirmation");
    assert.equal(confirmation.Subject, "AWS Notification - Subscription Confirmation");
    assert.equal(confirmation.From, "AWS Notifications <no-reply@sns.amazonaws.com>");
    const token = String(confirmation.Token);
    assert.match(token, /^[0-9a-f]{224}$/);
    const confirmUrl = `${nimbus.url}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`;
    assert.equal(
      confirmation.Body,
      `You have chosen to subscribe to the topic: \n${topicArn}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary): \n${confirmUrl}\n\nPlease do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to sns-opt-out`,
    );
    assert.equal((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions?.[0]?.SubscriptionArn, "PendingConfirmation");
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "before confirmation" }));
    assert.equal((await inbox()).length, 1, "a pending subscription gets no notifications");

    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }));
    const subArn = confirmed.SubscriptionArn ?? "";
    assert.match(subArn, new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    const tokens = await internal(`/_aws/sns/subscription-tokens/${encodeURIComponent(subArn)}`);
    assert.deepEqual(tokens.body, { subscription_token: token, subscription_arn: subArn });

    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "Build 42 passed." }));
    const notification = (await inbox())[1];
    assert.ok(notification);
    assert.equal(notification.Type, "Notification");
    assert.equal(notification.MessageId, published.MessageId);
    assert.equal(notification.Subject, "AWS Notification Message");
    assert.equal(
      notification.Body,
      `Build 42 passed.\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n${nimbus.url}/?Action=Unsubscribe&SubscriptionArn=${subArn}\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support`,
    );
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "x", Subject: "Deploy" }));
    assert.equal((await inbox())[2]?.Subject, "Deploy");
  });

  test("email-json: the Notification document as SNS prints it", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("mail-json"), Attributes: { DisplayName: "Builds" } }))).TopicArn ?? "";
    const address = `${uniqueName("ops")}@example.com`;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "email-json", Endpoint: address }));
    const inbox = async () => ((await internal(`/_nimbus/sns/email-messages?address=${encodeURIComponent(address)}`)).body.email_messages as Messages)[address] ?? [];
    const confirmation = JSON.parse(String((await inbox())[0]?.Body)) as Record<string, string>;
    assert.equal(confirmation.Type, "SubscriptionConfirmation");
    const subArn = (await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: confirmation.Token ?? "" }))).SubscriptionArn;
    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "hello", Subject: "Hi", MessageAttributes: { team: { DataType: "String", StringValue: "ops" } } }));
    const email = (await inbox())[1];
    assert.equal(email?.From, "Builds <no-reply@sns.amazonaws.com>");
    const body = String(email?.Body);
    const doc = JSON.parse(body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]);
    assert.equal(doc.MessageId, published.MessageId);
    assert.equal(doc.Message, "hello");
    assert.equal(doc.UnsubscribeURL, `${nimbus.url}/?Action=Unsubscribe&SubscriptionArn=${subArn}`);
    assert.deepEqual(doc.MessageAttributes, { team: { Type: "String", Value: "ops" } });
    assert.ok(body.startsWith(`{\n  "Type" : "Notification",\n  "MessageId" : "${published.MessageId}",\n`), body);
    assert.equal((await internal(`/_nimbus/sns/email-messages?address=${encodeURIComponent(address)}`, { method: "DELETE" })).status, 204);
    assert.deepEqual(await inbox(), []);
  });

  test("MessageStructure=json: every protocol gets its own entry, the rest the default", async () => {
    const topicArn = await topic("per-protocol");
    const created = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("per-protocol-q") }));
    const queueUrl = created.QueueUrl ?? "";
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: { RawMessageDelivery: "true" } }));
    const phone = "+15555550199";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: phone }));
    const address = `${uniqueName("structured")}@example.com`;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "email", Endpoint: address }));
    const token = (await internal(`/_nimbus/sns/email-messages?address=${encodeURIComponent(address)}`)).body.email_messages as Messages;
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: String(token[address]?.[0]?.Token) }));
    const gcmApp = await app();
    const gcmEndpoint = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: gcmApp, Token: "gcm-device" }))).EndpointArn ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "application", Endpoint: gcmEndpoint }));
    const apnsApp = await app("APNS_SANDBOX", { PlatformPrincipal: "cert", PlatformCredential: "key" });
    const apnsEndpoint = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: apnsApp, Token: "apns-device" }))).EndpointArn ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "application", Endpoint: apnsEndpoint }));

    const gcm = JSON.stringify({ data: { message: "for android" } });
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        MessageStructure: "json",
        Message: JSON.stringify({ default: "for everyone else", sqs: "for queues", sms: "for phones", email: "for inboxes", GCM: gcm }),
      }),
    );
    const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
    assert.deepEqual(received.map((m) => m.Body), ["for queues"]);
    const texts = ((await internal(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`)).body.sms_messages as Messages)[phone] ?? [];
    assert.equal(texts.at(-1)?.Message, "for phones");
    const mails = ((await internal(`/_nimbus/sns/email-messages?address=${encodeURIComponent(address)}`)).body.email_messages as Messages)[address] ?? [];
    assert.ok(String(mails.at(-1)?.Body).startsWith("for inboxes\n\n--\n"));
    const pushes = (await internal("/_aws/sns/platform-endpoint-messages")).body.platform_endpoint_messages as Messages;
    assert.equal(pushes[gcmEndpoint]?.at(-1)?.Payload, gcm);
    assert.equal(pushes[apnsEndpoint]?.at(-1)?.Payload, "for everyone else");
  });
});
