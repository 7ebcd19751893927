/**
 * The bucket configurations S3 keeps by Id (storage class analysis, inventory, CloudWatch
 * request metrics, Intelligent-Tiering archive settings): what each kind accepts beyond what
 * the model checks. A validator throws the error S3 answers and returns nothing.
 *
 * Where S3 checks the document against its schema (enumerations, a filter with two criteria,
 * missing members) it answers MalformedXML. The Id in the query string must equal the body's:
 * inventory answers IdMismatch, the other three MalformedXML.
 */
import type { AwsError } from "../../core/errors.js";
import type {
  PutBucketAnalyticsConfigurationInput,
  PutBucketIntelligentTieringConfigurationInput,
  PutBucketInventoryConfigurationInput,
  PutBucketMetricsConfigurationInput,
} from "../../generated/s3.js";
import { errors, invalidArgument, invalidRequest, s3DomainErrors } from "./errors.js";

export type AnalyticsConfiguration = PutBucketAnalyticsConfigurationInput["AnalyticsConfiguration"];
export type InventoryConfiguration = PutBucketInventoryConfigurationInput["InventoryConfiguration"];
export type MetricsConfiguration = PutBucketMetricsConfigurationInput["MetricsConfiguration"];
export type IntelligentTieringConfiguration = PutBucketIntelligentTieringConfigurationInput["IntelligentTieringConfiguration"];

/** "You can have up to 1,000 ... configurations per bucket" (each Put operation's reference page). */
export const MAX_CONFIGURATIONS = 1000;
/** "does not return more than 100 configurations at a time" (each List operation's reference page). */
export const CONFIGURATIONS_PAGE = 100;

const malformed = (): AwsError => s3DomainErrors.MalformedXML();

function oneOf(value: unknown, allowed: readonly string[]): void {
  if (typeof value !== "string" || !allowed.includes(value)) throw malformed();
}

interface TagLike {
  readonly Key: string;
  readonly Value: string;
}

interface FilterLike {
  readonly Prefix?: string;
  readonly Tag?: TagLike;
  readonly AccessPointArn?: string;
  readonly And?: { readonly Prefix?: string; readonly Tags?: readonly TagLike[]; readonly AccessPointArn?: string };
}

function criteriaOf(filter: FilterLike): unknown[] {
  return [filter.Prefix, filter.Tag, filter.AccessPointArn, filter.And].filter((c) => c !== undefined);
}

/**
 * A <Filter> that names no criterion at all is refused by analytics and metrics: the SDKs'
 * integration tests, run against S3, expect a refusal of an empty AnalyticsFilter
 * (BucketAnalyticsConfigurationIntegrationTest testAnalyticsConfiguration_works_properly_with_emptyFilter)
 * and of an empty MetricsFilter (aws-sdk-java-v2's BucketMetricsConfigurationIntegrationTest
 * testEmptyFilter, ported from v1). The code is MalformedXML: aws/aws-sdk-java#1613 quotes it for
 * analytics, and floci-io/floci#2382 records it from S3 for a metrics filter naming nothing.
 */
function checkNotEmpty(filter: FilterLike | undefined): void {
  if (filter !== undefined && criteriaOf(filter).length === 0) throw malformed();
}

/** A filter names one criterion; several are combined under <And>, whose tag keys must differ. */
export function checkFilter(filter: FilterLike | undefined): void {
  if (filter === undefined) return;
  if (criteriaOf(filter).length > 1) throw malformed();
  const keys = new Set<string>();
  for (const tag of filter.And?.Tags ?? []) {
    if (keys.has(tag.Key)) throw invalidRequest("Duplicate Tag Keys are not allowed.");
    keys.add(tag.Key);
  }
}

/** Exports and inventories go to a bucket named by its ARN, `arn:aws:s3:::name`. */
function checkDestinationArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:s3:::[^/:]+$/.test(arn)) throw errors.InvalidS3DestinationBucket();
}

export function validateAnalytics(config: AnalyticsConfiguration, id: string): void {
  if (config.Id !== id) throw malformed();
  checkNotEmpty(config.Filter);
  checkFilter(config.Filter);
  const exported = config.StorageClassAnalysis.DataExport;
  if (exported === undefined) return;
  oneOf(exported.OutputSchemaVersion, ["V_1"]);
  const destination = exported.Destination.S3BucketDestination;
  oneOf(destination.Format, ["CSV"]);
  checkDestinationArn(destination.Bucket);
}

export const INVENTORY_FORMATS = ["CSV", "ORC", "Parquet"] as const;
export const INVENTORY_FREQUENCIES = ["Daily", "Weekly"] as const;
export const INVENTORY_VERSIONS = ["All", "Current"] as const;
/**
 * InventoryOptionalField of the current S3 model, in the order report columns come (the
 * manifest example's fileSchema up to ObjectOwner; the fields added since then after it).
 */
export const INVENTORY_OPTIONAL_FIELDS = [
  "Size",
  "LastModifiedDate",
  "ETag",
  "StorageClass",
  "IsMultipartUploaded",
  "ReplicationStatus",
  "EncryptionStatus",
  "ObjectLockRetainUntilDate",
  "ObjectLockMode",
  "ObjectLockLegalHoldStatus",
  "IntelligentTieringAccessTier",
  "BucketKeyStatus",
  "ChecksumAlgorithm",
  "ObjectAccessControlList",
  "ObjectOwner",
  "IntelligentTieringReferenceDate",
  "LifecycleExpirationDate",
  "ObjectLockEventHoldStatus",
  "ObjectLockEventHoldDuration",
] as const;

/** S3 checks the schema first, then the Id, then the destination ARN. */
export function validateInventory(config: InventoryConfiguration, id: string): void {
  const destination = config.Destination.S3BucketDestination;
  oneOf(destination.Format, INVENTORY_FORMATS);
  oneOf(config.Schedule.Frequency, INVENTORY_FREQUENCIES);
  oneOf(config.IncludedObjectVersions, INVENTORY_VERSIONS);
  for (const field of config.OptionalFields ?? []) oneOf(field, INVENTORY_OPTIONAL_FIELDS);
  if (destination.Encryption?.SSES3 !== undefined && destination.Encryption.SSEKMS !== undefined) throw malformed();
  if (config.Id !== id) throw errors.IdMismatch();
  checkDestinationArn(destination.Bucket);
}

/** "The ID has a 64 character limit and can only contain letters, numbers, periods, dashes, and underscores." */
const METRICS_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function validateMetrics(config: MetricsConfiguration, id: string): void {
  if (config.Id !== id) throw malformed();
  if (!METRICS_ID.test(id)) throw invalidArgument("Invalid argument.", "id", id);
  checkNotEmpty(config.Filter);
  checkFilter(config.Filter);
}

/** "Archive Access tier must be at least 90 days and Deep Archive Access tier must be at least 180 days. The maximum can be up to 2 years (730 days)." */
export const TIERING_DAYS: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  ARCHIVE_ACCESS: { min: 90, max: 730 },
  DEEP_ARCHIVE_ACCESS: { min: 180, max: 730 },
};

export function validateIntelligentTiering(config: IntelligentTieringConfiguration, id: string): void {
  if (config.Id !== id) throw malformed();
  oneOf(config.Status, ["Enabled", "Disabled"]);
  checkFilter(config.Filter);
  if (config.Tierings.length === 0) throw malformed();
  const seen = new Set<string>();
  for (const tiering of config.Tierings) {
    const range = TIERING_DAYS[tiering.AccessTier];
    if (range === undefined) throw malformed();
    if (seen.has(tiering.AccessTier)) throw invalidArgument("Invalid argument.", "AccessTier", tiering.AccessTier);
    seen.add(tiering.AccessTier);
    if (!Number.isInteger(tiering.Days) || tiering.Days < range.min || tiering.Days > range.max) {
      const tier = tiering.AccessTier === "ARCHIVE_ACCESS" ? "Archive Access" : "Deep Archive Access";
      throw invalidArgument(
        `The minimum number of days specified for ${tier} tier must be at least ${range.min} days. The maximum can be up to 2 years (730 days).`,
        "Days",
        tiering.Days,
      );
    }
  }
}
