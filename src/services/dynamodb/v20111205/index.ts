/**
 * DynamoDB's previous API version, 2011-12-05 (`X-Amz-Target: DynamoDB_20111205.<Operation>`),
 * which AWS still serves "for backward compatibility" and boto 2's boto.dynamodb, the Ruby SDK v1's
 * AWS::DynamoDB and the JavaScript SDK v2 at apiVersion 2011-12-05 speak. Its model is the aws-sdk
 * v2 one beside the current; each operation is the current one, its request and answer translated
 * (keys.ts), over the same tables and items.
 */
import { defineService } from "../../../core/service.js";
import type { Dynamodb20111205Operations } from "../../../generated/dynamodb-2011-12-05.js";
import type { ServiceDefinition } from "../../../core/service.js";
import { tableScopedHandlers } from "../access.js";
import type { DynamoStore } from "../store.js";
import { batchGetItemV20111205, batchWriteItemV20111205 } from "./batches.js";
import { deleteItemV20111205, getItemV20111205, putItemV20111205, updateItemV20111205 } from "./items.js";
import { queryV20111205, scanV20111205 } from "./reads.js";
import { createTableV20111205, deleteTableV20111205, describeTableV20111205, listTablesV20111205, updateTableV20111205 } from "./tables.js";

/** Answers as the current version does (request ids, x-amz-crc32, limits, CORS), in everything but the handlers and the errors' namespace. */
export function dynamodbV20111205(current: ServiceDefinition<DynamoStore>, jsonErrorType: (code: string) => string | undefined): ServiceDefinition<DynamoStore> {
  return defineService<Dynamodb20111205Operations, DynamoStore>({
    jsonErrorType,
    handlers: tableScopedHandlers({
      CreateTable: createTableV20111205,
      DescribeTable: describeTableV20111205,
      UpdateTable: updateTableV20111205,
      DeleteTable: deleteTableV20111205,
      ListTables: listTablesV20111205,
      PutItem: putItemV20111205,
      GetItem: getItemV20111205,
      UpdateItem: updateItemV20111205,
      DeleteItem: deleteItemV20111205,
      Query: queryV20111205,
      Scan: scanV20111205,
      BatchGetItem: batchGetItemV20111205,
      BatchWriteItem: batchWriteItemV20111205,
    }),
    finishResponse: current.finishResponse,
    newRequestId: current.newRequestId,
    coralJson: current.coralJson,
    maxRequestBytes: current.maxRequestBytes,
    internalError: current.internalError,
    cors: current.cors,
  });
}
