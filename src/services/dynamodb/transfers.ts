/**
 * What exports to S3 and imports from S3 share: the environment their jobs run in (they run on
 * the scheduler after the call has answered, as on AWS, and resume after a restart), S3 reached
 * only through S3's own operations in-process, ClientToken idempotency, and list pages.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { AwsError } from "../../core/errors.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { Invoke, Scope } from "../../core/service.js";
import { s3RequestId } from "../../protocol/codec.js";
import { validationException } from "./domain/index.js";
import { errors } from "./errors.js";
import type { DynamoStore } from "./store.js";
import { TransferStore, type TransferKind, type TransferRow } from "./transfer-store.js";
import { pageToken, pageTokenPosition } from "./validation.js";

/** What a transfer job needs: a handler context and the service environment both provide it. */
export interface TransferEnv {
  readonly store: DynamoStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly invoke: Invoke;
}

/** A job starts this long after its call (AWS takes minutes; tests advance the clock past it). */
export const TRANSFER_START_DELAY_MS = 10_000;
/** "A client token is valid for 8 hours after the first request that uses it is completed." */
export const CLIENT_TOKEN_WINDOW_MS = 8 * 60 * 60 * 1000;

export function transferStore(env: { readonly store: DynamoStore }): TransferStore {
  return new TransferStore(env.store.state);
}

/**
 * The earlier job a ClientToken names, when the same request comes again within the window;
 * `conflict` is thrown when the token was used with other parameters.
 */
export function repeatedRequest<R>(env: TransferEnv, scope: Scope, kind: TransferKind, token: string | undefined, print: string, conflict: () => AwsError): R | undefined {
  const previous = tokenTransfer<R>(env, scope, kind, token);
  if (previous === undefined) return undefined;
  if (previous.fingerprint !== print) throw conflict();
  return previous.record;
}

/** The job a ClientToken named within the window, with the fingerprint of the request that started it. */
export function tokenTransfer<R>(env: TransferEnv, scope: Scope, kind: TransferKind, token: string | undefined): TransferRow<R> | undefined {
  if (token === undefined) return undefined;
  return transferStore(env).byToken<R>(scope, kind, token, env.clock.now() - CLIENT_TOKEN_WINDOW_MS);
}

/**
 * DescribeExport's and DescribeImport's ARN: one that is not an export's (an import's) is
 * ValidationException "Invalid Export ARN" ("Invalid Import ARN"), a table's ARN included, and
 * another account's is AccessDeniedException before its shape is looked at (ack-api-quirks
 * DDB-EXPORT-006 and DDB-IMPORT-010, measured against AWS 2026-10-09; ScyllaDB Alternator's
 * test_export.py::test_describe_export_nonexistent, _incorrect_arn_1.._5 and
 * test_import.py::test_describe_import_malformed_arn).
 */
export function checkTransferArn(scope: Scope, kind: "export" | "import", arn: string): void {
  const invalid = () => validationException(`Invalid ${kind === "export" ? "Export" : "Import"} ARN`);
  const account = /^arn:[^:]*:[^:]*:[^:]*:([^:]*):/.exec(arn)?.[1];
  if (account === undefined) throw invalid();
  if (account !== scope.account) throw errors.AccessDenied({ message: "Access is denied" });
  if (!TRANSFER_ARN[kind].test(arn)) throw invalid();
}

const TRANSFER_ARN = {
  export: /^arn:aws[\w-]*:dynamodb:[^:]+:\d{12}:table\/[a-zA-Z0-9_.-]{3,255}\/export\/[^/]+$/,
  import: /^arn:aws[\w-]*:dynamodb:[^:]+:\d{12}:table\/[a-zA-Z0-9_.-]{3,255}\/import\/[^/]+$/,
} as const;

/** An S3 operation failed: the job ends FAILED with `S3<code>` and S3's message, as DynamoDB reports it. */
export class S3Failure extends Error {
  constructor(
    readonly failureCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls S3 in-process; an S3 error becomes an S3Failure worded as DynamoDB words it. */
export async function s3<T>(env: TransferEnv, scope: Scope, operation: string, input: Record<string, unknown>): Promise<T> {
  try {
    return await env.invoke<T>("s3", operation, input, scope);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    const requestId = s3RequestId();
    throw new S3Failure(
      `S3${err.code}`,
      `${err.message} (Service: Amazon S3; Status Code: ${err.status}; Error Code: ${err.code}; Request ID: ${requestId}; Proxy: null)`,
    );
  }
}

/**
 * What a job that broke on something other than S3 reports (a Nimbus bug, a full disk): it ends
 * FAILED instead of staying IN_PROGRESS for ever, with the description AWS gives InternalServerError.
 */
export const INTERNAL_FAILURE = { failureCode: "InternalServerError", failureMessage: "An error occurred on the server side." } as const;

/**
 * The fields a job's record starts with: its table, its ClientToken (one is made when the request
 * has none) and its S3 source, whose owner defaults to the caller's account.
 */
export function startedTransfer(
  scope: Scope,
  table: { readonly arn: string; readonly id: string; readonly name: string },
  arn: string,
  token: string | undefined,
  source: { readonly S3Bucket: string; readonly S3BucketOwner?: string; readonly S3KeyPrefix?: string },
) {
  return {
    arn,
    status: "IN_PROGRESS" as const,
    tableArn: table.arn,
    tableId: table.id,
    tableName: table.name,
    clientToken: token ?? randomUUID(),
    source: {
      S3Bucket: source.S3Bucket,
      S3BucketOwner: source.S3BucketOwner ?? scope.account,
      ...(source.S3KeyPrefix !== undefined ? { S3KeyPrefix: source.S3KeyPrefix } : {}),
    },
  };
}

/** Keeps a new job's record (inside the caller's transaction) and returns it. */
export function insertTransfer<R extends { readonly arn: string; readonly status: string; readonly tableArn: string; readonly clientToken: string }>(
  env: TransferEnv,
  scope: Scope,
  kind: TransferKind,
  print: string,
  createdAt: number,
  record: R,
): R {
  transferStore(env).insert(scope, kind, { arn: record.arn, clientToken: record.clientToken, fingerprint: print, createdAt, record });
  return record;
}

/** Runs a new job once its call has answered, TRANSFER_START_DELAY_MS after `now`. */
export function startJob(env: TransferEnv, scope: Scope, now: number, label: string, arn: string, run: (env: TransferEnv, scope: Scope, arn: string) => Promise<void>): void {
  const at = { account: scope.account, region: scope.region };
  scheduleJob(env, now + TRANSFER_START_DELAY_MS, label, () => run(env, at, arn));
}

/** Schedules a job's run; a failure it does not handle itself is logged by the scheduler. */
export function scheduleJob(env: TransferEnv, at: number, label: string, run: () => Promise<void>): void {
  env.scheduler.at(at, run, label);
}

/** How long a job's end that could not be written (a full disk, a read-only volume) waits before it is tried again. */
export const TRANSFER_RETRY_MS = 5_000;

/**
 * Writes a job's end (its record's last state, with what goes with it) and, when that cannot be
 * written, tries again every TRANSFER_RETRY_MS until it is: nothing else would end the job before
 * a restart, which would run it again from the beginning. The work is not done again, only its
 * end written. Answers the first attempt's failure, for the scheduler to log; the retries' are
 * logged by the scheduler.
 */
export function endJob(env: TransferEnv, label: string, end: () => void): unknown {
  try {
    end();
    return undefined;
  } catch (error) {
    env.scheduler.retrying(env.clock.now() + TRANSFER_RETRY_MS, TRANSFER_RETRY_MS, end, label);
    return error;
  }
}

// ---------------------------------------------------------------------------------------------
// List pages

interface PagePosition {
  readonly createdAt: number;
  readonly arn: string;
}

function positionOf(token: string): PagePosition {
  const [createdAt, arn] = pageTokenPosition(token, ["number", "string"]) as [number, string];
  return { createdAt, arn };
}

/** One page of ListExports or ListImports: at most `limit` jobs, with a NextToken when more follow. */
export function transferPage<R>(env: TransferEnv, scope: Scope, kind: TransferKind, tableArn: string | undefined, nextToken: string | undefined, limit: number, tableId?: string) {
  const rows: TransferRow<R>[] = transferStore(env).list<R>(scope, kind, tableArn, nextToken === undefined ? undefined : positionOf(nextToken), limit + 1, tableId);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { records: page.map((r) => r.record), ...(rows.length > limit && last !== undefined ? { NextToken: pageToken([last.createdAt, last.arn]) } : {}) };
}
