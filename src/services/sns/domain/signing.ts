/**
 * SNS message signatures, as HTTP/S subscribers (and SDK message validators) check them.
 *
 * The string to sign is "Name\nValue\n" for each signed field, in this order:
 *   Notification:                         Message, MessageId, Subject (only if present),
 *                                         Timestamp, TopicArn, Type
 *   SubscriptionConfirmation/Unsubscribe: Message, MessageId, SubscribeURL, Timestamp, Token,
 *                                         TopicArn, Type
 * SignatureVersion 1 signs it with SHA1withRSA, version 2 (a topic's SignatureVersion
 * attribute) with SHA256withRSA; the Signature field is the base64 of the result. Receivers
 * fetch the certificate from SigningCertURL, whose file name AWS forms as
 * "SimpleNotificationService-<hex digest>.pem".
 */
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { DEV_SIGNING_CERTIFICATE_PEM, DEV_SIGNING_PRIVATE_KEY_PEM } from "./signing-identity.js";

export type SnsMessageType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";
export type SignatureVersion = "1" | "2";

export interface SignableSnsMessage {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string | undefined;
  SubscribeURL?: string | undefined;
  Token?: string | undefined;
}

export function stringToSign(message: SignableSnsMessage): string {
  const fields: Array<[string, string | undefined]> =
    message.Type === "Notification"
      ? [
          ["Message", message.Message],
          ["MessageId", message.MessageId],
          ["Subject", message.Subject],
          ["Timestamp", message.Timestamp],
          ["TopicArn", message.TopicArn],
          ["Type", message.Type],
        ]
      : [
          ["Message", message.Message],
          ["MessageId", message.MessageId],
          ["SubscribeURL", message.SubscribeURL],
          ["Timestamp", message.Timestamp],
          ["Token", message.Token],
          ["TopicArn", message.TopicArn],
          ["Type", message.Type],
        ];
  let out = "";
  for (const [name, value] of fields) {
    if (value === undefined) continue;
    out += `${name}\n${value}\n`;
  }
  return out;
}

export function signatureDigest(version: SignatureVersion): "sha1" | "sha256" {
  return version === "2" ? "sha256" : "sha1";
}

export function signSnsMessage(message: SignableSnsMessage, privateKey: KeyObject, version: SignatureVersion): string {
  return sign(signatureDigest(version), Buffer.from(stringToSign(message), "utf8"), privateKey).toString("base64");
}

/** What a subscriber does: recompute the string to sign and check it against the certificate's key. */
export function verifySnsMessageSignature(
  message: SignableSnsMessage,
  signatureBase64: string,
  key: KeyObject | X509Certificate,
  version: SignatureVersion,
): boolean {
  const publicKey = key instanceof X509Certificate ? key.publicKey : key;
  return verify(signatureDigest(version), Buffer.from(stringToSign(message), "utf8"), publicKey, Buffer.from(signatureBase64, "base64"));
}

export interface SigningIdentity {
  privateKey: KeyObject;
  certificate: X509Certificate;
  certificatePem: string;
}

/** Loads a key and its certificate, refusing a pair that does not belong together. */
export function loadSigningIdentity(privateKeyPem: string, certificatePem: string): SigningIdentity {
  const privateKey = createPrivateKey(privateKeyPem);
  const certificate = new X509Certificate(certificatePem);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Error("SNS signing identity: the private key does not match the certificate");
  }
  return { privateKey, certificate, certificatePem };
}

/** The built-in development identity (see signing-identity.ts). */
export function devSigningIdentity(): SigningIdentity {
  return loadSigningIdentity(DEV_SIGNING_PRIVATE_KEY_PEM, DEV_SIGNING_CERTIFICATE_PEM);
}

/**
 * A fresh RSA key pair for deployments that bring their own certificate. Issuing the
 * certificate itself needs an X.509 library or OpenSSL; node:crypto cannot create one.
 */
export function generateSigningKeyPair(modulusLength = 2048): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** "SimpleNotificationService-<md5 of the DER certificate>.pem", the shape of AWS's file names. */
export function signingCertFileName(certificate: X509Certificate): string {
  return `SimpleNotificationService-${createHash("md5").update(certificate.raw).digest("hex")}.pem`;
}

/** Where subscribers fetch the certificate: `<base>/SimpleNotificationService-<digest>.pem`. */
export function signingCertUrl(baseUrl: string, certificate: X509Certificate): string {
  return `${baseUrl.replace(/\/+$/, "")}/${signingCertFileName(certificate)}`;
}
