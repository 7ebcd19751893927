import { AwsError, defineErrors } from "../../../core/errors.js";
import { validationException } from "../domain/index.js";

/**
 * PartiQL's own errors. A statement the parser cannot read gets the "wasn't well formed"
 * envelope, with a detail after the colon (or, for text the lexer cannot read at all, nothing
 * after it), as real DynamoDB answers.
 */
export const NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: ";

export const partiqlErrors = defineErrors({
  // An INSERT of a key that already holds an item; BatchExecuteStatement reports it as "DuplicateItem".
  DuplicateItem: { code: "DuplicateItemException", status: 400, message: "Duplicate primary key exists in table" },
});

export const MESSAGES = {
  leftover: "Unexpected token after expression",
  unexpectedTerm: "Unexpected term",
  // A reserved word after a dot (`m.inner`): paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlFunctions.test.ts.
  pathDotComponent: "Invalid path dot component",
  unexpectedKeyword: "Unexpected keyword",
  unexpectedOperator: "Unexpected operator",
  missingRight: "Missing right-hand side expression of infix operator",
  expectedTypeName: "Expected type name",
  expectedPath: "Expected identifier for simple path",
  expectedDml: "Expected data manipulation",
  aliasing: "Aliasing is not supported",
  parameterCount: "Number of parameters in request and statement don't match.",
  whereKey: "Where clause does not contain a mandatory equality on all key attributes",
  emptyComponent: "Path component cannot be an empty string",
  tableName: "Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'.",
  tooManyComponents: "A path may contain at most 2 components in the FROM clause",
  // AWS's whole sentence (capture Q22 in nubo-db/dynoxide tests/partiql_index_qualifier.rs; DynamoDB Local's DML_INVALID_FROM).
  insertOnIndex: "FROM clause may only contain a single table name in data manipulation statements",
  writeOnIndex: "This operation is not supported on an index",
  noIndex: "The table does not have the specified index",
  consistentGsi: "Strongly consistent read is not supported on Global Secondary Indexes",
  // paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlMultiAttributeIndex.test.ts (eu-west-2, us-east-1, October 2026).
  multiAttributeIndex: "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.",
  insertReturning: "RETURNING is not supported in INSERT",
  insertFormat: "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.",
  emptyBag: "Empty bags are not supported",
  bagType: "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
  existsOutside: "EXISTS can only be used in ExecuteTransaction write requests.",
  existsCondition: "EXISTS() must contain a single item read with additional condition",
  transactionMixed: "ExecuteTransaction API does not support both read and write operations in the same request.",
  transactionReturning: "RETURNING clause is not supported in ExecuteTransaction.",
  transactionIndex: "Reads on indices are not supported within transactions.",
  transactionSelectKey: "Select statements within ExecuteTransaction must specify the primary key in the where clause.",
  batchSelectKey: "Select statements within BatchExecuteStatement must specify the primary key in the where clause.",
  // DynamoDB Local's BatchExecuteStatementFunction (PARTIQL_BATCH_MIXED_READ_WRITE) words it so; the guide only says a batch may not mix them.
  batchMixed: "Read and write requests together in the same batch is not supported.",
  whereBoolean: "WHERE clause must contain an expression that resolves to a boolean",
  notOperand: "The argument to NOT must be a Type or Expression",
  andOrOperand: "The arguments to AND/OR must be Expressions",
  missingOperand: "MISSING must be compared using IS operator",
  isInUpdate: "IS operator is not supported in update expressions",
  orderByWhere: "Must have WHERE clause in the statement when using ORDER BY clause.",
  orderByHash: "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
  orderByMultiHash: "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.",
  invalidNextToken: "Invalid NextToken",
  // A token replayed with another statement, table, index or Parameters: DynamoDB Local's
  // PartiQLSelectProcessor (validateContinuationToken) and AWS itself (aws/aws-sdk-js-v3#4424, a
  // statement rebuilt with its AND terms reordered) answer so.
  tokenMismatch: "NextToken does not match request",
  startKey: "The provided starting key is invalid",
  duplicateKeys: "Provided list of item keys contains duplicates",
  // The guide caps IN at "50 hash attribute values or at max 100 non-key attribute values"; the first is
  // DynamoDB's OP_LIMIT_EXCEEDED (a SELECT reads one partition per value), the second the expression engine's.
  decomposedReads: "Too many decomposed read operations for a given query.",
  // Captured from DynamoDB in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest (refusesOverlappingKeyConditionsAndMismatchedKeyTypes).
  overlapping: "Overlapping conditions with range keys are not supported in where clause",
} as const;

/** "Statement wasn't well formed, can't be processed: <detail>". */
export class PartiqlSyntaxError extends Error {
  override readonly name = "PartiqlSyntaxError";
  constructor(readonly detail: string) {
    super(NOT_WELL_FORMED + detail);
  }
}

export function notWellFormed(detail: string): AwsError {
  return validationException(NOT_WELL_FORMED + detail);
}

export function invalid(message: string): AwsError {
  return validationException(message);
}

/** The item operations' answer to a Key that is not exactly the table's key attributes, of their types. */
export const KEY_SCHEMA_MISMATCH = "The provided key element does not match the schema";

/**
 * A statement whose key does not name one item of its table. Alone, the statement is refused
 * with `message`; in ExecuteTransaction the transaction is cancelled instead, with
 * `inTransaction` as the statement's ValidationError reason, as the item operations word it
 * (captured from DynamoDB, eu-west-2, in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest,
 * cancelsATransactionWhoseWriteDoesNotNameOneItem).
 */
export class KeyProblem extends AwsError {
  constructor(
    message: string,
    readonly inTransaction: string,
  ) {
    super("ValidationException", message, 400);
  }
}

/** An INSERT's item without one of the key attributes. */
export function keyAbsent(name: string): KeyProblem {
  return new KeyProblem(`Key attribute should be present in the item: Key ${name}`, `One or more parameter values were invalid: Missing the key ${name} in the item`);
}

export function keyTypeMismatch(name: string): AwsError {
  return validationException(`Key attribute's data type should match its data type in table's schema: Key ${name}`);
}
