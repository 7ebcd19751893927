/**
 * General purpose bucket naming rules, as the S3 user guide lists them:
 * - 3 to 63 characters; lowercase letters, digits, periods and hyphens only;
 * - begin and end with a letter or digit; no two adjacent periods;
 * - no hyphen next to a period (my-.bucket, my.-bucket): the guide no longer lists it, but each
 *   period-separated label must still begin and end with a letter or digit. S3 answers
 *   InvalidBucketName to 'foo-.bar' and 'foo.-bar' (ceph/s3-tests test_bucket_create_naming_dns_
 *   dash_dot and _dot_dash, "Should now pass on AWS", quoting S3's error), and the AWS SDK for
 *   Java refuses them before sending ("Bucket name should not contain dashes next to periods");
 * - not formatted as an IP address (192.168.5.4);
 * - not starting with xn--, sthree- (which covers sthree-configurator) or amzn-s3-demo-;
 * - not ending with -s3alias (access point aliases), --ol-s3 (Object Lambda aliases),
 *   .mrap (Multi-Region Access Points), --x-s3 (directory buckets) or --table-s3 (table buckets).
 * Every violation is the same error: 400 InvalidBucketName "The specified bucket is not valid."
 * with the name in <BucketName>.
 */
import type { AwsError } from "../../../core/errors.js";
import { s3DomainErrors } from "./errors.js";

export const MIN_BUCKET_NAME_LENGTH = 3;
export const MAX_BUCKET_NAME_LENGTH = 63;

const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

/** Why a name is refused (for logs and tests); S3 itself only ever says InvalidBucketName. */
export type BucketNameProblem =
  | "length"
  | "characters"
  | "edges"
  | "adjacent-periods"
  | "hyphen-next-to-period"
  | "ip-address"
  | "reserved-prefix"
  | "reserved-suffix";

export function bucketNameProblem(name: string): BucketNameProblem | undefined {
  if (name.length < MIN_BUCKET_NAME_LENGTH || name.length > MAX_BUCKET_NAME_LENGTH) return "length";
  if (!/^[a-z0-9.-]+$/.test(name)) return "characters";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "edges";
  if (name.includes("..")) return "adjacent-periods";
  if (name.includes("-.") || name.includes(".-")) return "hyphen-next-to-period";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "ip-address";
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return "reserved-prefix";
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return "reserved-suffix";
  return undefined;
}

export function isValidBucketName(name: string): boolean {
  return bucketNameProblem(name) === undefined;
}

export function invalidBucketName(name: string): AwsError {
  return s3DomainErrors.InvalidBucketName({}, { fields: { BucketName: name } });
}

/** Throws S3's InvalidBucketName for a name CreateBucket would refuse. */
export function validateBucketName(name: string): void {
  if (!isValidBucketName(name)) throw invalidBucketName(name);
}

/**
 * Transfer Acceleration additionally needs a DNS-compliant name without periods (the
 * accelerate endpoint is <bucket>.s3-accelerate.amazonaws.com under one wildcard certificate).
 */
export function isAccelerateCompatibleBucketName(name: string): boolean {
  return isValidBucketName(name) && !name.includes(".");
}

/** Virtual-hosted-style addressing over TLS works only for names without periods. */
export function isVirtualHostCompatibleBucketName(name: string): boolean {
  return isAccelerateCompatibleBucketName(name);
}
