/**
 * What PutBucketPolicy checks in a statement's Principal and in how its actions meet its
 * resources, beyond the JSON shape (handlers/bucket-settings.ts).
 *
 * - A principal S3 cannot resolve is refused with MalformedPolicy "Invalid principal in policy"
 *   (S3's answer as Terraform users and scripts record it). Nimbus has no IAM directory, so it
 *   checks the form only: "*", an account id, an IAM or STS principal ARN, an IAM unique id (what
 *   a policy shows once its principal was deleted), a CloudFront origin access identity, a
 *   canonical user id, a service or a federated provider ("AWS JSON policy elements: Principal",
 *   IAM User Guide). AWS also refuses a
 *   well-formed ARN of a user or role that does not exist; Nimbus cannot tell.
 * - A statement naming an action that applies to none of its resources is refused with
 *   MalformedPolicy "Action does not apply to any resource(s) in statement" (S3's answer as
 *   recorded in ministryofjustice/modernisation-platform#10762 and aws-amplify/docs#7799): object
 *   actions need an object ARN (`bucket/...`), bucket actions the bucket ARN ("Policy resources
 *   for Amazon S3", S3 User Guide; resource types of the Service Authorization Reference). A
 *   wildcard action passes when any action it matches applies; actions Nimbus does not know are
 *   not checked, nor are NotAction and NotResource statements.
 */

import { actionMatches } from "../../auth/policy.js";

/** The actions whose resource type is "object" (Service Authorization Reference, Amazon S3). */
const OBJECT_ACTIONS = [
  "AbortMultipartUpload",
  "BypassGovernanceRetention",
  "DeleteObject",
  "DeleteObjectTagging",
  "DeleteObjectVersion",
  "DeleteObjectVersionTagging",
  "GetObject",
  "GetObjectAcl",
  "GetObjectAttributes",
  "GetObjectLegalHold",
  "GetObjectRetention",
  "GetObjectTagging",
  "GetObjectTorrent",
  "GetObjectVersion",
  "GetObjectVersionAcl",
  "GetObjectVersionAttributes",
  "GetObjectVersionForReplication",
  "GetObjectVersionTagging",
  "GetObjectVersionTorrent",
  "InitiateReplication",
  "ListMultipartUploadParts",
  "ObjectOwnerOverrideToBucketOwner",
  "PutObject",
  "PutObjectAcl",
  "PutObjectLegalHold",
  "PutObjectRetention",
  "PutObjectTagging",
  "PutObjectVersionAcl",
  "PutObjectVersionTagging",
  "ReplicateDelete",
  "ReplicateObject",
  "ReplicateTags",
  "RestoreObject",
  "UpdateObjectEncryption",
];

/** The actions whose resource type is "bucket" (same reference). */
const BUCKET_ACTIONS = [
  "CreateBucket",
  "DeleteBucket",
  "DeleteBucketOwnershipControls",
  "DeleteBucketPolicy",
  "DeleteBucketWebsite",
  "GetAccelerateConfiguration",
  "GetAnalyticsConfiguration",
  "GetBucketAbac",
  "GetBucketAcl",
  "GetBucketCORS",
  "GetBucketLocation",
  "GetBucketLogging",
  "GetBucketNotification",
  "GetBucketObjectLockConfiguration",
  "GetBucketOwnershipControls",
  "GetBucketPolicy",
  "GetBucketPolicyStatus",
  "GetBucketPublicAccessBlock",
  "GetBucketRequestPayment",
  "GetBucketTagging",
  "GetBucketVersioning",
  "GetBucketWebsite",
  "GetEncryptionConfiguration",
  "GetIntelligentTieringConfiguration",
  "GetInventoryConfiguration",
  "GetLifecycleConfiguration",
  "GetMetricsConfiguration",
  "GetReplicationConfiguration",
  "ListBucket",
  "ListBucketMultipartUploads",
  "ListBucketVersions",
  "PutAccelerateConfiguration",
  "PutAnalyticsConfiguration",
  "PutBucketAbac",
  "PutBucketAcl",
  "PutBucketCORS",
  "PutBucketLogging",
  "PutBucketNotification",
  "PutBucketObjectLockConfiguration",
  "PutBucketOwnershipControls",
  "PutBucketPolicy",
  "PutBucketPublicAccessBlock",
  "PutBucketRequestPayment",
  "PutBucketTagging",
  "PutBucketVersioning",
  "PutBucketWebsite",
  "PutEncryptionConfiguration",
  "PutIntelligentTieringConfiguration",
  "PutInventoryConfiguration",
  "PutLifecycleConfiguration",
  "PutMetricsConfiguration",
  "PutReplicationConfiguration",
];

type Target = "bucket" | "object";

const TARGETS = new Map<string, Target>([
  ...OBJECT_ACTIONS.map((a): [string, Target] => [a.toLowerCase(), "object"]),
  ...BUCKET_ACTIONS.map((a): [string, Target] => [a.toLowerCase(), "bucket"]),
]);

/** The resource types an action (`s3:GetObject`, `s3:Get*`, `*`) applies to; undefined when Nimbus does not know the action. */
export function actionTargets(action: string): ReadonlySet<Target> | undefined {
  const name = action === "*" ? "*" : action.replace(/^s3:/i, "");
  if (!/[*?]/.test(name)) {
    const target = TARGETS.get(name.toLowerCase());
    return target === undefined ? undefined : new Set([target]);
  }
  const targets = new Set<Target>();
  for (const [known, target] of TARGETS) if (actionMatches(name, known)) targets.add(target);
  return targets.size === 0 ? undefined : targets;
}

/** The resource type a (validated) resource of the bucket's policy names; "*" names both. */
export function resourceTargets(resource: string, bucket: string): ReadonlySet<Target> {
  if (resource === "*") return new Set<Target>(["bucket", "object"]);
  return new Set<Target>([resource === `arn:aws:s3:::${bucket}` ? "bucket" : "object"]);
}

/** The action of a statement (Action, not NotAction) that applies to none of its resources, if any. */
export function actionWithoutResource(actions: readonly string[], resources: readonly string[], bucket: string): string | undefined {
  const named = new Set<Target>(resources.flatMap((r) => [...resourceTargets(r, bucket)]));
  return actions.find((action) => {
    const targets = actionTargets(action);
    return targets !== undefined && ![...targets].some((t) => named.has(t));
  });
}

const ACCOUNT = /^\d{12}$/;
const IAM_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)$/;
const STS_ARN = /^arn:aws(-[a-z]+)*:sts::\d{12}:(assumed-role|federated-user)\/.+$/;
/** A CloudFront origin access identity ("Restricting access to an Amazon S3 origin", CloudFront Developer Guide). */
const CLOUDFRONT_OAI = /^arn:aws:iam::cloudfront:user\/CloudFront Origin Access Identity [A-Z0-9]+$/;
/** IAM unique ids (AIDA user, AROA role, ...), 16 characters or more. */
const UNIQUE_ID = /^A[A-Z0-9]{3}[A-Z0-9]{12,}$/;
const CANONICAL_USER = /^[0-9a-f]{64}$/;

const PRINCIPAL_FORMS: Readonly<Record<string, (value: string) => boolean>> = {
  AWS: (v) => v === "*" || ACCOUNT.test(v) || IAM_ARN.test(v) || STS_ARN.test(v) || CLOUDFRONT_OAI.test(v) || UNIQUE_ID.test(v),
  CanonicalUser: (v) => CANONICAL_USER.test(v),
  Service: (v) => v === "*" || /^[a-z0-9][a-z0-9.-]*\.[a-z0-9.-]+$/.test(v),
  Federated: (v) => v.length > 0 && !/\s/.test(v),
};

/** Whether a Principal (or NotPrincipal) has a form S3 accepts. */
export function isValidPrincipal(principal: unknown): boolean {
  if (typeof principal === "string") return principal === "*";
  if (typeof principal !== "object" || principal === null || Array.isArray(principal)) return false;
  const entries = Object.entries(principal);
  if (entries.length === 0) return false;
  return entries.every(([kind, value]) => {
    const valid = Object.hasOwn(PRINCIPAL_FORMS, kind) ? PRINCIPAL_FORMS[kind] : undefined;
    const values = Array.isArray(value) ? value : [value];
    return valid !== undefined && values.length > 0 && values.every((v) => typeof v === "string" && valid(v));
  });
}
