/**
 * An S3 Inventory report in CSV as the User Guide describes it ("Locating your inventory list",
 * "Inventory list"): a gzipped data file of quoted, comma-separated rows without a header, a
 * manifest.json naming the data files with their size and MD5, manifest.checksum (the MD5 of
 * the manifest) and the Hive symlink.txt, under
 *   destination-prefix/source-bucket/config-ID/YYYY-MM-DDTHH-MMZ/manifest.json
 *   destination-prefix/source-bucket/config-ID/data/<uuid>.csv.gz
 *   destination-prefix/source-bucket/config-ID/hive/dt=YYYY-MM-DD-HH-MM/symlink.txt
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { measuredGzip } from "../../core/measured-gzip.js";
import { s3UrlEncode } from "./domain/listing.js";
import { inventoryAccessTier, type AccessTier } from "./domain/access-tiers.js";
import { versionGrants } from "./acl.js";
import { INVENTORY_OPTIONAL_FIELDS, type InventoryConfiguration } from "./id-configs.js";
import type { ObjectEncryption } from "./encryption.js";
import type { VersionLock } from "./object-lock.js";
import type { ObjectRow } from "./store.js";

export const MANIFEST_VERSION = "2016-11-30";

/** The columns of a report: the fixed ones, then the optional fields asked for, in S3's order. */
export function inventorySchema(config: InventoryConfiguration): string[] {
  const versions = config.IncludedObjectVersions === "All" ? ["VersionId", "IsLatest", "IsDeleteMarker"] : [];
  const asked = new Set<string>(config.OptionalFields ?? []);
  return ["Bucket", "Key", ...versions, ...INVENTORY_OPTIONAL_FIELDS.filter((f) => asked.has(f))];
}

/** The versions a report lists: current objects, or every version and delete marker; by key, newest first. */
export function* inventoryRows(rows: Iterable<ObjectRow>, config: InventoryConfiguration): Generator<ObjectRow> {
  const prefix = config.Filter?.Prefix ?? "";
  const all = config.IncludedObjectVersions === "All";
  for (const r of rows) if (r.key.startsWith(prefix) && (all || (r.is_latest === 1 && r.delete_marker === 0))) yield r;
}

/** "Set to ENABLED or DISABLED by an S3 Bucket Key for SSE-KMS" (S3 user guide, inventory list fields): empty for other encryption. */
function bucketKeyStatus(row: ObjectRow): string {
  const encryption = row.encryption === null ? {} : (JSON.parse(row.encryption) as ObjectEncryption);
  if (encryption.sse !== "aws:kms" && encryption.sse !== "aws:kms:dsse") return "";
  return encryption.bucketKeyEnabled === true ? "ENABLED" : "DISABLED";
}

function encryptionStatus(row: ObjectRow): string {
  const encryption = row.encryption === null ? {} : (JSON.parse(row.encryption) as ObjectEncryption);
  if (encryption.customerKeyMd5 !== undefined) return "SSE-C";
  if (encryption.sse === "aws:kms") return "SSE-KMS";
  if (encryption.sse === "aws:kms:dsse") return "DSSE-KMS";
  return "SSE-S3";
}

/** What a report reads about a version beyond its row. */
export interface VersionFacts {
  /** The canonical user id of the version's owner (ObjectOwner), as the bucket's Object Ownership reads it. */
  ownerOf(row: ObjectRow): string;
  /** Its Object Lock retention and holds (object-lock.ts), if any. */
  lockOf(row: ObjectRow): VersionLock | undefined;
  /** When a lifecycle rule will expire it (lifecycle-runner.ts), if one will. */
  expiresAt(row: ObjectRow): number | undefined;
  /** Its S3 Intelligent-Tiering access tier (intelligent-tiering.ts); undefined for other storage classes. */
  accessTierOf(row: ObjectRow): AccessTier | undefined;
}

/** The Object ACL field's `version`, "in date format yyyy-mm-dd": 2022-11-10 in every example S3 gives. */
const OBJECT_ACL_VERSION = "2022-11-10";

/**
 * The Object ACL field ("Working with the Object ACL field", S3 User Guide): "The Object ACL field
 * in Amazon S3 Inventory reports is defined in JSON format", with `version`, `status` ("AVAILABLE
 * or UNAVAILABLE") and `grants`: a Group's uri, permission and type; a CanonicalUser's
 * canonicalId, permission and type. The keys follow the page's JSON example (its other examples
 * order them otherwise; a JSON reader does not care). "An inventory report displays the value for
 * the Object ACL field as a base64-encoded string", of compact JSON as the encoded examples decode.
 *
 * "When the status for the Object ACL is UNAVAILABLE, the value of the Object Owner field in the
 * inventory report is also UNAVAILABLE": S3 does not say when that happens, and Nimbus keeps
 * every object's ACL, so the status is always AVAILABLE and ObjectOwner always a canonical id.
 *
 * "An S3 Inventory report includes ACLs that are associated with objects in your source bucket,
 * even when ACLs are disabled for the bucket" (Amazon S3 Inventory list): the grants stored with
 * the version, whatever the bucket's Object Ownership is now. A version stored without grants is
 * private, FULL_CONTROL to its owner, as GetObjectAcl answers. The translated pages add that S3
 * names an e-mail grantee as the CanonicalUser of that account; Nimbus refuses e-mail grantees
 * when an ACL is set (acl.ts), so only CanonicalUser and Group grants are ever stored. Grantees
 * carry no DisplayName: it is not one of the field's attributes.
 */
function objectAcl(row: ObjectRow, facts: VersionFacts): string {
  const listed = versionGrants(row.acl, { ID: facts.ownerOf(row) }).map(({ Grantee: grantee, Permission: permission }) =>
    grantee.Type === "Group" ? { uri: grantee.URI, permission, type: "Group" } : { canonicalId: grantee.ID, permission, type: "CanonicalUser" },
  );
  return Buffer.from(JSON.stringify({ version: OBJECT_ACL_VERSION, status: "AVAILABLE", grants: listed }), "utf8").toString("base64");
}

/** One column of one row; fields Nimbus keeps no data for are empty. */
function field(name: string, bucket: string, row: ObjectRow, facts: VersionFacts): string {
  const marker = row.delete_marker === 1;
  switch (name) {
    case "Bucket":
      return bucket;
    case "Key":
      return s3UrlEncode(row.key);
    case "VersionId":
      return row.version_id === "null" ? "" : row.version_id;
    case "IsLatest":
      return String(row.is_latest === 1);
    case "IsDeleteMarker":
      return String(marker);
    case "Size":
      return marker ? "" : String(row.size);
    case "LastModifiedDate":
      return new Date(row.last_modified).toISOString();
    case "ETag":
      return marker ? "" : row.etag.replace(/"/g, "");
    case "StorageClass":
      return marker ? "" : row.storage_class;
    case "IsMultipartUploaded":
      return marker ? "" : String(row.parts_count !== null);
    case "ReplicationStatus":
      return row.replication_status ?? "";
    case "EncryptionStatus":
      return marker ? "" : encryptionStatus(row);
    case "BucketKeyStatus":
      return marker ? "" : bucketKeyStatus(row);
    // A delete marker has no lock; a version without one leaves the columns empty. The event
    // hold's duration is left empty too: S3 documents the field but not how a duration is written.
    case "ObjectLockRetainUntilDate": {
      const until = marker ? null : (facts.lockOf(row)?.retainUntil ?? null);
      return until === null ? "" : new Date(until).toISOString();
    }
    case "ObjectLockMode":
      return (marker ? null : facts.lockOf(row)?.mode) ?? "";
    case "ObjectLockLegalHoldStatus":
      return (marker ? null : facts.lockOf(row)?.legalHold) ?? "";
    case "ObjectLockEventHoldStatus":
      return (marker ? null : facts.lockOf(row)?.eventHold) ?? "";
    // "Access tier ... of the object if it was stored in the S3 Intelligent-Tiering storage class":
    // empty for other classes and for delete markers. Reading it is no access.
    case "IntelligentTieringAccessTier": {
      const tier = facts.accessTierOf(row);
      return tier === undefined ? "" : inventoryAccessTier(tier);
    }
    case "ChecksumAlgorithm":
      return row.checksum_algorithm ?? "";
    case "ObjectOwner":
      return facts.ownerOf(row);
    // "A delete marker isn't associated with an access control list (ACL) value" (S3 User Guide,
    // "Working with delete markers"); the inventory pages say nothing more, so the column is empty.
    case "ObjectAccessControlList":
      return marker ? "" : objectAcl(row, facts);
    // "Populated only if the object is to be expired by an applicable lifecycle rule" (S3 user guide, inventory list fields).
    case "LifecycleExpirationDate": {
      const at = facts.expiresAt(row);
      return at === undefined ? "" : new Date(at).toISOString();
    }
    default:
      return "";
  }
}

const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;

/** The data file's lines, one per version. */
export function* inventoryCsv(bucket: string, rows: Iterable<ObjectRow>, schema: readonly string[], facts: VersionFacts): Generator<string> {
  for (const row of rows) yield schema.map((name) => quote(field(name, bucket, row, facts))).join(",") + "\n";
}

export interface ReportObject {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
}

/** `2016-11-06T21-32Z` (manifest folder) and `2016-11-06-21-32` (Hive partition) of a scan start. */
function stamps(at: number): { folder: string; hive: string } {
  const iso = new Date(at).toISOString(); // 2016-11-06T21:32:00.000Z
  const [date = "", time = ""] = iso.split("T");
  const hhmm = time.slice(0, 5).replace(":", "-");
  return { folder: `${date}T${hhmm}Z`, hive: `${date}-${hhmm}` };
}

export interface InventoryReport {
  /** The gzipped CSV data file, made as it is read: the versions are read a page at a time while it streams. */
  readonly data: { readonly key: string; readonly body: Readable; readonly contentType: string };
  /** manifest.json (naming the data file with its size and MD5), manifest.checksum and the Hive symlink, once `data` has been read to its end. */
  manifest(): ReportObject[];
}

/**
 * One report, as S3 writes it: the data file first, then manifest.json, its checksum and the
 * symlink. The data file streams, so memory stays flat whatever the bucket holds.
 */
export function inventoryReport(
  source: string,
  config: InventoryConfiguration,
  versions: Iterable<ObjectRow>,
  scanStart: number,
  dataFileId: string,
  facts: VersionFacts,
): InventoryReport {
  const destination = config.Destination.S3BucketDestination;
  const destinationBucket = destination.Bucket.slice(destination.Bucket.lastIndexOf(":") + 1);
  const base = [destination.Prefix?.replace(/\/+$/, ""), source, config.Id].filter((p) => p !== undefined && p !== "").join("/");
  const schema = inventorySchema(config);
  const dataKey = `${base}/data/${dataFileId}.csv.gz`;
  const data = measuredGzip(Readable.from(inventoryCsv(source, inventoryRows(versions, config), schema, facts), { objectMode: false }));
  return {
    data: { key: dataKey, body: data.body, contentType: "application/x-gzip" },
    manifest() {
      const { size, md5 } = data.measured();
      const { folder, hive } = stamps(scanStart);
      const manifest = Buffer.from(
        JSON.stringify(
          {
            sourceBucket: source,
            destinationBucket: destination.Bucket,
            version: MANIFEST_VERSION,
            creationTimestamp: String(scanStart),
            fileFormat: "CSV",
            fileSchema: schema.join(", "),
            files: [{ key: dataKey, size, MD5checksum: md5.toString("hex") }],
          },
          null,
          2,
        ),
        "utf8",
      );
      return [
        { key: `${base}/${folder}/manifest.json`, body: manifest, contentType: "application/json" },
        { key: `${base}/${folder}/manifest.checksum`, body: Buffer.from(createHash("md5").update(manifest).digest("hex"), "utf8"), contentType: "text/plain" },
        { key: `${base}/hive/dt=${hive}/symlink.txt`, body: Buffer.from(`s3://${destinationBucket}/${dataKey}\n`, "utf8"), contentType: "text/plain" },
      ];
    },
  };
}
