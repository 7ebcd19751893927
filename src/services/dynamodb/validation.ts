/**
 * DynamoDB constraints the model does not carry, with AWS's Coral wording:
 * "1 validation error detected: Value 'x' at 'tableName' failed to satisfy constraint: ...".
 */
import { constraintMessage, length, pattern, type Check } from "../../protocol/constraints.js";
import type { AwsError } from "../../core/errors.js";
import { validationException } from "./domain/index.js";

export type { Check } from "../../protocol/constraints.js";
export { count, eachLength, length, oneOf, pattern, range, stringList } from "../../protocol/constraints.js";

/** Throws ValidationException listing every failed constraint, as DynamoDB does. */
export function check(...checks: (Check | undefined)[]): void {
  const message = constraintMessage(checks);
  if (message !== undefined) throw validationException(message);
}

/**
 * DynamoDB's newer validation front end, which names the member path (PascalCase) and no value:
 * BatchGetItem's members in every region since September 2026, Query's Limit (nubo-db/dynamodb-conformance's
 * sweeps; Scan's Limit keeps Coral's "Value '0' at 'limit'").
 */
export function memberConstraint(path: string, constraint: string): AwsError {
  return validationException(`1 validation error detected: Value at '${path}' failed to satisfy constraint: ${constraint}`);
}

/** S3 bucket names and owners as ExportTableToPointInTime and ImportTable check them. */
export const S3_BUCKET_PATTERN = { re: /^[a-z0-9A-Z]+[.\-\w]*[a-z0-9A-Z]+$/, shown: "^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$" } as const;
export const S3_BUCKET_OWNER_PATTERN = { re: /^[0-9]{12}$/, shown: "[0-9]{12}" } as const;
export const CLIENT_TOKEN_PATTERN = { re: /^[^$]+$/, shown: "^[^\\$]+$" } as const;

/**
 * An S3 location's bucket, owner and key prefix, checked as ExportTableToPointInTime, ImportTable
 * and StartBulkPutItems check them; `path` leads each field's name ("s3BucketSource.").
 */
export function s3LocationChecks(path: string, bucket: string | undefined, owner: string | undefined, prefixField: string, prefix: string | undefined): Check[] {
  return [
    length(`${path}s3Bucket`, bucket, 0, 255),
    pattern(`${path}s3Bucket`, bucket, S3_BUCKET_PATTERN.re, S3_BUCKET_PATTERN.shown),
    pattern(`${path}s3BucketOwner`, owner, S3_BUCKET_OWNER_PATTERN.re, S3_BUCKET_OWNER_PATTERN.shown),
    length(`${path}${prefixField}`, prefix, 0, 1024),
  ];
}

const TABLE_NAME = { re: /^[a-zA-Z0-9_.-]+$/, shown: "[a-zA-Z0-9_.-]+" } as const;

/** The pattern of table, index and backup names; an empty name fails it as well as the length (AWS lists both). */
export function namePattern(name: string | undefined, field: string): Check {
  return pattern(field, name, TABLE_NAME.re, TABLE_NAME.shown);
}

/** A table or index name's length, then its pattern: the order Coral lists them in for tableName and indexName. */
export function tableNameChecks(name: string | undefined, field = "tableName"): Check[] {
  return [length(field, name, 3, 255), namePattern(name, field)];
}

export function checkTableName(name: string, field = "tableName"): void {
  check(...tableNameChecks(name, field));
}

/**
 * Provisioned units past DynamoDB's hard bound of 10^12 are refused as out of bounds before the
 * table is looked up and before the account's per-table maximum (LimitExceededException) is
 * applied: dynalite's createTable.js and updateTable.js (run against AWS), for table 'abc',
 * which does not exist ("Given value 1000000000001 for ReadCapacityUnits is out of bounds", the
 * read units first; "... out of bounds for index abc" for a GlobalSecondaryIndexUpdates Update).
 */
export function checkThroughputBounds(throughput: { readonly ReadCapacityUnits?: number; readonly WriteCapacityUnits?: number } | undefined, index?: string): void {
  for (const member of ["ReadCapacityUnits", "WriteCapacityUnits"] as const) {
    const units = throughput?.[member];
    if (units !== undefined && units > 1_000_000_000_000) {
      throw validationException(`Given value ${units} for ${member} is out of bounds${index === undefined ? "" : ` for index ${index}`}`);
    }
  }
}

export const RETURN_VALUES = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"] as const;
// In the order AWS lists them in its enum constraint (moto's AWS-verified
// tests/test_dynamodb/test_dynamodb_select.py::test_select_values_are_case_sensitive).
export const SELECT_VALUES = ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"] as const;

/** The NextToken of a listing Nimbus pages itself: base64 of a JSON tuple naming the last entry answered. */
export function pageToken(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString("base64");
}

/** The tuple a pageToken holds, with members of these types; anything else is DynamoDB's "Invalid NextToken". */
export function pageTokenPosition(token: string, types: readonly ("string" | "number")[]): unknown[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== types.length || parts.some((p, i) => typeof p !== types[i])) throw validationException("Invalid NextToken");
  return parts;
}
