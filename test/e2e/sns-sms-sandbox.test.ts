/**
 * The SMS sandbox operations through the real v3 client. Nimbus accounts are out of the
 * sandbox; destination numbers are still added, sent a one-time password (read back on the
 * internal SMS endpoint, as any text), verified, listed and deleted as on AWS.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateSMSSandboxPhoneNumberCommand,
  DeleteSMSSandboxPhoneNumberCommand,
  GetSMSSandboxAccountStatusCommand,
  type LanguageCodeString,
  ListOriginationNumbersCommand,
  ListSMSSandboxPhoneNumbersCommand,
  PublishCommand,
  SNSClient,
  SNSServiceException,
  VerifySMSSandboxPhoneNumberCommand,
} from "@aws-sdk/client-sns";
import { failure, startTestNimbus, type TestNimbus } from "./harness.js";

describe("SNS SMS sandbox", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  let next = 0;

  before(async () => {
    nimbus = await startTestNimbus();
    sns = new SNSClient(nimbus.clientConfig());
  });
  after(async () => {
    sns.destroy();
    await nimbus.close();
  });

  /** A phone number no other test uses. */
  function phone(): string {
    next += 1;
    return `+1206555${String(1000 + next).padStart(4, "0")}`;
  }

  /** A client of an account no other test uses, so that its sandbox list starts empty. */
  function freshAccount(): SNSClient {
    next += 1;
    return new SNSClient(nimbus.clientConfig({ accessKeyId: String(222_000_000_000 + next) }));
  }

  async function texts(number: string): Promise<{ Message: string; PhoneNumber: string }[]> {
    const res = await fetch(`${nimbus.url}/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(number)}`);
    const body = (await res.json()) as { sms_messages: Record<string, { Message: string; PhoneNumber: string }[]> };
    return body.sms_messages[number] ?? [];
  }

  async function otpOf(number: string): Promise<string> {
    const last = (await texts(number)).at(-1);
    const otp = /\b(\d{6})\b/.exec(last?.Message ?? "")?.[1];
    assert.ok(otp, `no one-time password texted to ${number}`);
    return otp;
  }

  test("Nimbus accounts are out of the sandbox, and texts go to any number", async () => {
    assert.equal((await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox, false);
    const number = phone();
    await sns.send(new PublishCommand({ PhoneNumber: number, Message: "hello" }));
    assert.deepEqual(
      (await texts(number)).map((t) => t.Message),
      ["hello"],
    );
  });

  test("a number is added Pending with a one-time password texted to it, and verified with that password", async () => {
    const number = phone();
    await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number, LanguageCode: "en-US" }));
    const otp = await otpOf(number);
    assert.equal((await texts(number))[0]?.PhoneNumber, number);
    const listed = await sns.send(new ListSMSSandboxPhoneNumbersCommand({}));
    assert.deepEqual(
      listed.PhoneNumbers?.find((n) => n.PhoneNumber === number),
      { PhoneNumber: number, Status: "Pending" },
    );
    await sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: number, OneTimePassword: otp }));
    const after = await sns.send(new ListSMSSandboxPhoneNumbersCommand({}));
    assert.deepEqual(
      after.PhoneNumbers?.find((n) => n.PhoneNumber === number),
      { PhoneNumber: number, Status: "Verified" },
    );
  });

  test("the wrong password: VerificationException, and the number stays Pending", async () => {
    const number = phone();
    await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number }));
    const otp = await otpOf(number);
    const wrong = otp === "000000" ? "111111" : "000000";
    const err = await failure<SNSServiceException & { Status?: string }>(sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: number, OneTimePassword: wrong })));
    assert.equal(err.name, "VerificationException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "Invalid one-time password");
    assert.equal(err.Status, "Pending");
    const listed = await sns.send(new ListSMSSandboxPhoneNumbersCommand({}));
    assert.equal(listed.PhoneNumbers?.find((n) => n.PhoneNumber === number)?.Status, "Pending");
  });

  test("adding a pending number again texts a new password; the old one no longer verifies", async () => {
    const number = phone();
    await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number }));
    const first = await otpOf(number);
    let second = first;
    // A new random password may, once in a million, equal the old one: ask again.
    while (second === first) {
      await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number }));
      second = await otpOf(number);
    }
    const stale = await failure<SNSServiceException>(sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: number, OneTimePassword: first })));
    assert.equal(stale.name, "VerificationException");
    await sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: number, OneTimePassword: second }));
  });

  test("delete removes the number; an unknown number: ResourceNotFound 404", async () => {
    const number = phone();
    await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number }));
    await sns.send(new DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber: number }));
    const listed = await sns.send(new ListSMSSandboxPhoneNumbersCommand({}));
    assert.equal(listed.PhoneNumbers?.some((n) => n.PhoneNumber === number), false);
    for (const call of [
      () => sns.send(new DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber: number })),
      () => sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: number, OneTimePassword: "123456" })),
    ]) {
      const err = await failure<SNSServiceException>(call());
      assert.equal(err.name, "ResourceNotFoundException");
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.equal(err.message, "Resource does not exist");
    }
  });

  test("malformed numbers, passwords and language codes: InvalidParameter", async () => {
    for (const [call, message] of [
      [() => sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: "+1-206-555-0100" })), "Invalid parameter: PhoneNumber Reason: input incorrectly formatted"],
      [() => sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: phone(), LanguageCode: "xx-XX" as LanguageCodeString })), "Invalid parameter: LanguageCode"],
      [() => sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: phone(), OneTimePassword: "12ab56" })), "Invalid parameter: OneTimePassword"],
    ] as const) {
      const err = await failure<SNSServiceException>(call());
      assert.equal(err.name, "InvalidParameterException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, message);
    }
  });

  test("a number that opted out cannot be added: OptedOutException", async () => {
    const number = phone();
    const res = await fetch(`${nimbus.url}/_nimbus/sns/phone-opt-out`, { method: "POST", body: JSON.stringify({ phoneNumber: number }) });
    assert.equal(res.status, 204);
    const err = await failure<SNSServiceException>(sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number })));
    assert.equal(err.name, "OptedOutException");
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test("the list pages in the order numbers were added, per account", async () => {
    const client = freshAccount();
    try {
      const numbers = [phone(), phone(), phone()];
      for (const number of numbers) await client.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: number }));
      const first = await client.send(new ListSMSSandboxPhoneNumbersCommand({ MaxResults: 2 }));
      assert.deepEqual(
        first.PhoneNumbers?.map((n) => n.PhoneNumber),
        numbers.slice(0, 2),
      );
      assert.ok(first.NextToken);
      const second = await client.send(new ListSMSSandboxPhoneNumbersCommand({ MaxResults: 2, NextToken: first.NextToken }));
      assert.deepEqual(
        second.PhoneNumbers?.map((n) => n.PhoneNumber),
        numbers.slice(2),
      );
      assert.equal(second.NextToken, undefined);
      const empty = await freshAccount().send(new ListSMSSandboxPhoneNumbersCommand({}));
      assert.deepEqual(empty.PhoneNumbers, []);
      const tooMany = await failure<SNSServiceException>(client.send(new ListSMSSandboxPhoneNumbersCommand({ MaxResults: 101 })));
      assert.equal(tooMany.name, "InvalidParameterException");
      assert.equal(tooMany.message, "Invalid parameter: MaxResults");
    } finally {
      client.destroy();
    }
  });

  test("ListOriginationNumbers: Nimbus has none", async () => {
    const out = await sns.send(new ListOriginationNumbersCommand({ MaxResults: 30 }));
    assert.deepEqual(out.PhoneNumbers ?? [], []);
    assert.equal(out.NextToken, undefined);
    const tooMany = await failure<SNSServiceException>(sns.send(new ListOriginationNumbersCommand({ MaxResults: 31 })));
    assert.equal(tooMany.name, "InvalidParameterException");
    const badToken = await failure<SNSServiceException>(sns.send(new ListOriginationNumbersCommand({ NextToken: Buffer.from("not-a-number").toString("base64") })));
    assert.equal(badToken.message, "Invalid parameter: NextToken");
  });
});
