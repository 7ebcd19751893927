/**
 * PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction. The language lives
 * in ../partiql (parser, translator onto the expression engine, executor).
 */
import type {
  BatchExecuteStatementInput,
  BatchExecuteStatementOutput,
  ExecuteStatementInput,
  ExecuteStatementOutput,
  ExecuteTransactionInput,
  ExecuteTransactionOutput,
} from "../../../generated/dynamodb.js";
import type { DynamoContext } from "../context.js";
import * as partiql from "../partiql/executor.js";

export function executeStatement(input: ExecuteStatementInput, ctx: DynamoContext): ExecuteStatementOutput {
  return partiql.executeStatement(input, ctx);
}

export function batchExecuteStatement(input: BatchExecuteStatementInput, ctx: DynamoContext): BatchExecuteStatementOutput {
  return partiql.batchExecuteStatement(input, ctx);
}

export function executeTransaction(input: ExecuteTransactionInput, ctx: DynamoContext): ExecuteTransactionOutput {
  return partiql.executeTransaction(input, ctx);
}
