import { crc32, crc32Utf8 } from "../../core/crc32.js";
import { randomChars } from "../../core/random.js";
import { defineService } from "../../core/service.js";
import type { WireRequest, WireResponse } from "../../protocol/wire.js";
import type { DynamodbOperations } from "../../generated/dynamodb.js";
import { batchGetItem } from "./handlers/batch-get-item.js";
import { batchWriteItem } from "./handlers/batch-write-item.js";
import { createBackup, deleteBackup, describeBackup, listBackups, restoreTableFromBackup, restoreTableToPointInTime } from "./handlers/backups.js";
import { describeContinuousBackups, updateContinuousBackups } from "./handlers/continuous-backups.js";
import { describeContributorInsights, listContributorInsights, updateContributorInsights } from "./handlers/contributor-insights.js";
import { createTable, missingCreateTableName } from "./handlers/create-table.js";
import { deleteItem } from "./handlers/delete-item.js";
import { deleteTable } from "./handlers/delete-table.js";
import { describeEndpoints, describeLimits } from "./handlers/describe-limits.js";
import { describeTableHandler } from "./handlers/describe-table.js";
import { getItem } from "./handlers/get-item.js";
import {
  createGlobalTable,
  describeGlobalTable,
  describeGlobalTableSettings,
  describeTableReplicaAutoScaling,
  listGlobalTables,
  updateGlobalTable,
  updateGlobalTableSettings,
  updateTableReplicaAutoScaling,
} from "./handlers/global-tables.js";
import {
  describeKinesisStreamingDestination,
  disableKinesisStreamingDestination,
  enableKinesisStreamingDestination,
  updateKinesisStreamingDestination,
} from "./handlers/kinesis-destinations.js";
import { listTables } from "./handlers/list-tables.js";
import { batchExecuteStatement, executeStatement, executeTransaction } from "./handlers/partiql.js";
import { putItem } from "./handlers/put-item.js";
import { query } from "./handlers/query.js";
import { deleteResourcePolicy, getResourcePolicy, putResourcePolicy } from "./handlers/resource-policies.js";
import { tableScopedHandlers } from "./access.js";
import { dynamodbCors } from "./cors.js";
import { scan } from "./handlers/scan.js";
import { searchVectors } from "./handlers/search-vectors.js";
import { listTagsOfResource, missingTagMember, tagResource, untagResource } from "./handlers/tags.js";
import { transactGetItems } from "./handlers/transact-get-items.js";
import { IDEMPOTENCY_WINDOW_MS, transactWriteItems } from "./handlers/transact-write-items.js";
import { describeTimeToLive, updateTimeToLive } from "./handlers/ttl.js";
import { updateItem } from "./handlers/update-item.js";
import { updateTable } from "./handlers/update-table.js";
import { describeExport, exportTableToPointInTime, listExports } from "./handlers/exports.js";
import { describeImport, importTable, listImports } from "./handlers/imports.js";
import { cancelBulkOperation, describeBulkOperation, listBulkOperations, startBulkPutItems } from "./handlers/bulk-operations.js";
import { resumeTransfers } from "./transfers-resume.js";
import { resumeTransitions } from "./table-status.js";
import { DynamoStore } from "./store.js";
import { errors } from "./errors.js";
import { partiqlErrors } from "./partiql/errors.js";
import { PITR_PRUNE_INTERVAL_MS, pruneBackups } from "./backups.js";
import { encodeBody } from "./response-encoding.js";
import { publishStreams, STREAM_RETENTION_MS } from "./stream-sync.js";
import { sweepExpired, TTL_SWEEP_INTERVAL_MS } from "./ttl-sweeper.js";
import { dynamodbV20111205 } from "./v20111205/index.js";

const BASE32HEX = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
/** The part every DynamoDB request id ends with, in every Region its ids are recorded from. */
const REQUEST_ID_SUFFIX = "VV4KQNSO5AEMVJF66Q9ASUAAJG";

/**
 * DynamoDB's request ids are 52 characters: 26 random ones of the base32hex alphabet (0-9, A-V;
 * 130 bits, a UUID's worth) and a constant 26. Ids AWS answered, as recorded in public code:
 * "IF3IJNU7PDSGGJAGLIM47NLJAJVV4KQNSO5AEMVJF66Q9ASUAAJG" (an SDK v3 response's $metadata),
 * "29P5V7QSAKHS4LNL56ECAJFF3BVV4KQNSO5AEMVJF66Q9ASUAAJG" (an X-Ray segment of a us-west-2
 * DescribeTable), "SUH7SV6P7TMI2JCTO09BPOUK0FVV4KQNSO5AEMVJF66Q9ASUAAJG" (an x-amzn-requestid header).
 */
export function dynamoRequestId(): string {
  return randomChars(26, BASE32HEX) + REQUEST_ID_SUFFIX;
}

/**
 * DynamoDB compresses a large successful answer when the request allows it (response-encoding.ts),
 * then puts the CRC-32 of the body's bytes as sent, errors' too, in x-amz-crc32 (decimal), and
 * the SDKs that find it check it and retry a mismatch (botocore's "crc32" retry policy for
 * DynamoDB; the Go SDK v2's "DynamoDB responses can include a X-Amz-Crc32 header with the CRC32
 * checksum value of the response body", enabled by default).
 */
function finishResponse(response: WireResponse, request: WireRequest): void {
  if (response.status === 200 && (typeof response.body === "string" || Buffer.isBuffer(response.body))) {
    const { body, encoding } = encodeBody(response.body, request.headers["accept-encoding"]);
    if (encoding !== undefined) {
      response.body = body;
      response.headers["content-encoding"] = encoding;
    }
  }
  if (typeof response.body === "string") response.headers["x-amz-crc32"] = String(crc32Utf8(response.body));
  else if (Buffer.isBuffer(response.body)) response.headers["x-amz-crc32"] = String(crc32(response.body));
  // DynamoDB names itself "Server" on every answer, errors too (its responses as boto3 shows them:
  // 'HTTPHeaders': {'server': 'Server', ...}; ScyllaDB Alternator's test_http_headers.py::test_server_header,
  // run against AWS, expects the header on a GetItem and on a ResourceNotFoundException).
  response.headers["server"] = "Server";
}

/**
 * DynamoDB's `__type` namespaces, which the v3 SDK leaves on the error (`err.__type`) and which
 * applications compare whole: its own errors are com.amazonaws.dynamodb.v20120810# (the Developer
 * Guide's "Error handling with DynamoDB" example), the request validator's
 * com.amazon.coral.validate#ValidationException, and the errors common to AWS services
 * com.amazon.coral.service# (recorded from AWS in dynalite's tests and in many captures).
 */
const CORAL_SERVICE_ERRORS = new Set([
  "AccessDeniedException",
  "ExpiredTokenException",
  "IncompleteSignatureException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "SerializationException",
  "UnknownOperationException",
  "UnrecognizedClientException",
]);

const OWN_ERRORS = new Set([...Object.values(errors.specs), ...Object.values(partiqlErrors.specs)].map((spec) => spec.code));

/**
 * Other codes (Nimbus's NotImplemented, RequestEntityTooLarge...) keep the protocol's usual `__type`.
 * The 2011-12-05 API names its own errors com.amazonaws.dynamodb.v20111205# and leaves the
 * validator's as they are: clients written against it match "com.amazon.coral.validate#ValidationException"
 * beside "com.amazonaws.dynamodb.v20111205#ResourceNotFoundException", ConditionalCheckFailedException
 * and ResourceInUseException (a Scala and a Racket DynamoDB client's error tables), and recorded
 * answers of AWS show "com.amazonaws.dynamodb.v20111205#ProvisionedThroughputExceededException"
 * (the AWS SDK for Java's and PHP's retry code and tests).
 */
function jsonErrorTypeOf(version: "v20120810" | "v20111205"): (code: string) => string | undefined {
  return (code) => {
    if (code === "ValidationException") return "com.amazon.coral.validate#ValidationException";
    if (CORAL_SERVICE_ERRORS.has(code)) return `com.amazon.coral.service#${code}`;
    return OWN_ERRORS.has(code) ? `com.amazonaws.dynamodb.${version}#${code}` : undefined;
  };
}

const current = defineService<DynamodbOperations, DynamoStore>({
  createStore: (env) => new DynamoStore(env.state, env.events),
  cors: dynamodbCors,
  finishResponse,
  newRequestId: dynamoRequestId,
  jsonErrorType: jsonErrorTypeOf("v20120810"),
  coralJson: true,
  // DynamoDB answers 413 to a request body of more than 16 MiB, and takes one of exactly 16 MiB
  // ("should return 413 if request too large", 16 * 1024 * 1024 + 1 bytes, and "should not
  // return 413 if request not too large", in architect/dynalite's test/connection.js, which runs
  // against DynamoDB). What the 413's body says is not on record.
  maxRequestBytes: 16 * 1024 * 1024,
  // A request that fails for a reason of Nimbus's own, or whose body's encoding cannot be read.
  internalError: () => errors.InternalServerError(),
  start: (env, store) => {
    const cancelSweep = env.scheduler.every(
      TTL_SWEEP_INTERVAL_MS,
      () => {
        sweepExpired(env, store);
        store.trimStreamRecords(env.clock.now() - STREAM_RETENTION_MS);
        store.purgeTokens(env.clock.now() - IDEMPOTENCY_WINDOW_MS);
      },
      "dynamodb:ttl-sweep",
    );
    const offSync = env.events.subscribe("dynamodb:StreamSyncRequested", (event) => publishStreams(env, store, event.detail));
    // Once at start too: a SYSTEM backup whose 35 days ended while Nimbus was down goes before the
    // first request (with only the hourly run, a Nimbus restarted more often kept it for ever).
    pruneBackups(store, env.clock.now());
    const cancelPrune = env.scheduler.every(PITR_PRUNE_INTERVAL_MS, () => pruneBackups(store, env.clock.now()), "dynamodb:backup-prune");
    // Exports, imports and bulk puts that were running when Nimbus stopped start again from the beginning.
    resumeTransfers({ store, clock: env.clock, scheduler: env.scheduler, invoke: env.invoke });
    // Tables left CREATING or DELETING (--dynamodb-status-delay) become ACTIVE or go when their delay has passed.
    resumeTransitions({ store, clock: env.clock, scheduler: env.scheduler });
    return () => {
      cancelSweep();
      cancelPrune();
      offSync();
    };
  },
  missingParameter: (member, missing, operation) => missingCreateTableName(missing, operation) ?? missingTagMember(member, missing),
  handlers: tableScopedHandlers({
    CreateTable: createTable,
    DescribeTable: describeTableHandler,
    ListTables: listTables,
    DeleteTable: deleteTable,
    UpdateTable: updateTable,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsOfResource: listTagsOfResource,
    UpdateTimeToLive: updateTimeToLive,
    DescribeTimeToLive: describeTimeToLive,
    DescribeLimits: describeLimits,
    DescribeEndpoints: describeEndpoints,
    PutItem: putItem,
    GetItem: getItem,
    UpdateItem: updateItem,
    DeleteItem: deleteItem,
    Query: query,
    Scan: scan,
    SearchVectors: searchVectors,
    BatchGetItem: batchGetItem,
    BatchWriteItem: batchWriteItem,
    TransactGetItems: transactGetItems,
    TransactWriteItems: transactWriteItems,
    ExecuteStatement: executeStatement,
    BatchExecuteStatement: batchExecuteStatement,
    ExecuteTransaction: executeTransaction,
    DescribeContinuousBackups: describeContinuousBackups,
    UpdateContinuousBackups: updateContinuousBackups,
    CreateBackup: createBackup,
    DescribeBackup: describeBackup,
    ListBackups: listBackups,
    DeleteBackup: deleteBackup,
    RestoreTableFromBackup: restoreTableFromBackup,
    RestoreTableToPointInTime: restoreTableToPointInTime,
    PutResourcePolicy: putResourcePolicy,
    GetResourcePolicy: getResourcePolicy,
    DeleteResourcePolicy: deleteResourcePolicy,
    UpdateContributorInsights: updateContributorInsights,
    DescribeContributorInsights: describeContributorInsights,
    ListContributorInsights: listContributorInsights,
    EnableKinesisStreamingDestination: enableKinesisStreamingDestination,
    DisableKinesisStreamingDestination: disableKinesisStreamingDestination,
    DescribeKinesisStreamingDestination: describeKinesisStreamingDestination,
    UpdateKinesisStreamingDestination: updateKinesisStreamingDestination,
    ExportTableToPointInTime: exportTableToPointInTime,
    DescribeExport: describeExport,
    ListExports: listExports,
    ImportTable: importTable,
    DescribeImport: describeImport,
    ListImports: listImports,
    StartBulkPutItems: startBulkPutItems,
    DescribeBulkOperation: describeBulkOperation,
    ListBulkOperations: listBulkOperations,
    CancelBulkOperation: cancelBulkOperation,
    CreateGlobalTable: createGlobalTable,
    DescribeGlobalTable: describeGlobalTable,
    ListGlobalTables: listGlobalTables,
    UpdateGlobalTable: updateGlobalTable,
    DescribeGlobalTableSettings: describeGlobalTableSettings,
    UpdateGlobalTableSettings: updateGlobalTableSettings,
    DescribeTableReplicaAutoScaling: describeTableReplicaAutoScaling,
    UpdateTableReplicaAutoScaling: updateTableReplicaAutoScaling,
  }),
});

export default { previousVersion: dynamodbV20111205(current, jsonErrorTypeOf("v20111205")), ...current };
