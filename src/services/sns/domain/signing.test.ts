import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createSign, createVerify, createPrivateKey, verify } from "node:crypto";
import {
  devSigningIdentity,
  generateSigningKeyPair,
  loadSigningIdentity,
  publicKeyFromPem,
  signSnsMessage,
  signingCertFileName,
  signingCertUrl,
  stringToSign,
  verifySnsMessageSignature,
  type SignableSnsMessage,
} from "./signing.js";
import { DEV_SIGNING_CERTIFICATE_PEM, DEV_SIGNING_PRIVATE_KEY_PEM } from "./signing-identity.js";

// The notification from the SNS developer guide's HTTP/HTTPS example.
const notification: SignableSnsMessage = {
  Type: "Notification",
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Subject: "My First Message",
  Message: "Hello world!",
  Timestamp: "2012-05-02T00:54:06.655Z",
};

const confirmation: SignableSnsMessage = {
  Type: "SubscriptionConfirmation",
  MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
  Token: "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Message:
    "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
  SubscribeURL:
    "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  Timestamp: "2012-04-26T20:45:04.751Z",
};

describe("string to sign", () => {
  test("Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type", () => {
    assert.equal(
      stringToSign(notification),
      "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\n" +
        "Timestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n",
    );
  });

  test("Notification without Subject leaves the pair out", () => {
    const { Subject: _, ...rest } = notification;
    assert.ok(!stringToSign(rest).includes("Subject"));
    assert.ok(stringToSign(rest).startsWith("Message\nHello world!\nMessageId\n"));
  });

  test("confirmations sign SubscribeURL and Token, not Subject", () => {
    const s = stringToSign({ ...confirmation, Subject: "ignored" });
    assert.equal(
      s,
      `Message\n${confirmation.Message}\nMessageId\n${confirmation.MessageId}\nSubscribeURL\n${confirmation.SubscribeURL}\n` +
        `Timestamp\n${confirmation.Timestamp}\nToken\n${confirmation.Token}\nTopicArn\n${confirmation.TopicArn}\nType\nSubscriptionConfirmation\n`,
    );
    const unsubscribe = stringToSign({ ...confirmation, Type: "UnsubscribeConfirmation" });
    assert.ok(unsubscribe.endsWith("Type\nUnsubscribeConfirmation\n"));
  });

  test("multi-line messages are signed as they are", () => {
    assert.ok(stringToSign({ ...notification, Message: "a\nb" }).startsWith("Message\na\nb\nMessageId\n"));
  });
});

describe("signatures", () => {
  const identity = devSigningIdentity();

  test("the development identity is a matching RSA key and self-signed certificate", () => {
    assert.equal(identity.certificate.subject.includes("CN=sns.amazonaws.com"), true);
    assert.equal(identity.certificate.checkPrivateKey(identity.privateKey), true);
    assert.equal(identity.certificate.verify(identity.certificate.publicKey), true, "self-signed");
    assert.equal(identity.privateKey.asymmetricKeyType, "rsa");
    assert.ok(new Date(identity.certificate.validTo).getFullYear() >= 2100);
  });

  for (const version of ["1", "2"] as const) {
    test(`SignatureVersion ${version} validates against the certificate's public key`, () => {
      for (const message of [notification, confirmation]) {
        const signature = signSnsMessage(message, identity.privateKey, version);
        assert.equal(verifySnsMessageSignature(message, signature, identity.certificate, version), true);
        // Independent check, as a subscriber would do it with the PEM it downloaded.
        const cert = new X509Certificate(DEV_SIGNING_CERTIFICATE_PEM);
        const verifier = createVerify(version === "1" ? "RSA-SHA1" : "RSA-SHA256");
        verifier.update(stringToSign(message), "utf8");
        assert.equal(verifier.verify(cert.publicKey, signature, "base64"), true);
      }
    });
  }

  test("version 1 is SHA1withRSA and version 2 SHA256withRSA", () => {
    const v1 = signSnsMessage(notification, identity.privateKey, "1");
    const v2 = signSnsMessage(notification, identity.privateKey, "2");
    assert.notEqual(v1, v2);
    const expectedV1 = createSign("RSA-SHA1").update(stringToSign(notification)).sign(createPrivateKey(DEV_SIGNING_PRIVATE_KEY_PEM), "base64");
    assert.equal(v1, expectedV1, "RSA PKCS#1 v1.5 signatures are deterministic");
    assert.equal(verifySnsMessageSignature(notification, v1, identity.certificate, "2"), false);
    assert.equal(verify("sha256", Buffer.from(stringToSign(notification)), identity.certificate.publicKey, Buffer.from(v2, "base64")), true);
  });

  test("any change to a signed field breaks the signature", () => {
    const signature = signSnsMessage(notification, identity.privateKey, "1");
    for (const change of [{ Message: "Hello world?" }, { Subject: undefined }, { Timestamp: "2012-05-02T00:54:06.656Z" }, { TopicArn: "x" }]) {
      assert.equal(verifySnsMessageSignature({ ...notification, ...change }, signature, identity.certificate, "1"), false);
    }
  });

  test("a generated key pair signs and verifies", () => {
    const { privateKeyPem, publicKeyPem } = generateSigningKeyPair(1024);
    const privateKey = createPrivateKey(privateKeyPem);
    const signature = signSnsMessage(notification, privateKey, "2");
    assert.equal(verifySnsMessageSignature(notification, signature, publicKeyFromPem(publicKeyPem), "2"), true);
    assert.equal(verifySnsMessageSignature(notification, signature, identity.certificate, "2"), false);
  });

  test("a key that does not match the certificate is refused", () => {
    const { privateKeyPem } = generateSigningKeyPair(1024);
    assert.throws(() => loadSigningIdentity(privateKeyPem, DEV_SIGNING_CERTIFICATE_PEM), /does not match/);
  });

  test("certificate URL has AWS's file-name shape", () => {
    assert.match(signingCertFileName(identity.certificate), /^SimpleNotificationService-[0-9a-f]{32}\.pem$/);
    assert.equal(
      signingCertUrl("http://localhost:4566/_nimbus/sns/", identity.certificate),
      `http://localhost:4566/_nimbus/sns/${signingCertFileName(identity.certificate)}`,
    );
  });
});
