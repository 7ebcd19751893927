/**
 * KMS keys as the services that encrypt with them report them: always by the key's ARN,
 * `arn:aws:kms:<region>:<account>:key/<key id>`, whatever form the request named the key in
 * (a key id, an alias, an alias ARN), and a key id for an AWS managed key, never its alias.
 * "S3 always returns KMS Key ARN (e.g. arn:aws:kms:us-west-2:111122223333:key/1234abcd-...)
 * for a newly created object" (awslabs/mountpoint-s3#907); DynamoDB's SSEDescription names the
 * key by KMSMasterKeyArn.
 *
 * Nimbus has no KMS service yet, so an alias cannot be looked up. An alias therefore stands for
 * a key whose id is derived from its account, Region and alias name: the same alias always
 * names the same key, and an AWS managed key (alias/aws/s3, alias/aws/dynamodb) has one id per
 * account and Region. A KMS service must resolve aliases through its own keys, and create the
 * AWS managed keys with these ids, so that what S3 and DynamoDB reported stays true.
 */
import { createHash } from "node:crypto";

export interface KeyScope {
  readonly account: string;
  readonly region: string;
}

const KEY_ARN = /^arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:[0-9]{12}:key\/.+$/;
const ALIAS_ARN = /^arn:aws[-a-z0-9]*:kms:([-a-z0-9]*):([0-9]{12}):(alias\/.+)$/;

/** A key id (a UUID, as KMS makes them) for the key an alias names in an account and Region. */
export function derivedKeyId(scope: KeyScope, alias: string): string {
  const hex = createHash("sha256").update(`${scope.account}\n${scope.region}\n${alias}`).digest("hex");
  // Version 4 and variant bits, so the id reads as the random UUIDs KMS gives its keys.
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function keyArn(scope: KeyScope, keyId: string): string {
  return `arn:aws:kms:${scope.region}:${scope.account}:key/${keyId}`;
}

/** The ARN of a service's AWS managed key (alias aws/<service>) in an account and Region. */
export function awsManagedKeyArn(service: string, scope: KeyScope): string {
  return keyArn(scope, derivedKeyId(scope, `alias/aws/${service}`));
}

/**
 * The ARN of the key a request names: a key ARN as it is; an alias ARN, or an alias or key id of
 * the caller's account and Region (`scope`), as the key ARN they stand for.
 */
export function kmsKeyArn(reference: string, scope: KeyScope): string {
  if (KEY_ARN.test(reference)) return reference;
  const aliasArn = ALIAS_ARN.exec(reference);
  if (aliasArn !== null) {
    const owner = { account: aliasArn[2] as string, region: aliasArn[1] as string };
    return keyArn(owner, derivedKeyId(owner, aliasArn[3] as string));
  }
  if (reference.startsWith("alias/")) return keyArn(scope, derivedKeyId(scope, reference));
  return keyArn(scope, reference);
}
