import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { Identities } from "../../../auth/credentials.js";
import { AwsError } from "../../../core/errors.js";
import { ManualClock } from "../../../core/manual-clock.js";
import { createScheduler } from "../../../core/scheduler.js";
import { openState } from "../../../state/database.js";
import type { DynamoContext } from "../context.js";
import type { AttributeValue, Item } from "../domain/index.js";
import { createTable } from "../handlers/create-table.js";
import { getItem } from "../handlers/get-item.js";
import { DynamoStore } from "../store.js";
import { batchErrorCode, batchExecuteStatement, executeStatement, executeTransaction, mergeCapacity } from "./executor.js";

const state = openState({ inMemory: true });
const clock = new ManualClock(Date.UTC(2026, 0, 15));
const store = new DynamoStore(state);
const ctx: DynamoContext = {
  account: "000000000000",
  region: "us-east-1",
  service: "dynamodb",
  operation: "ExecuteStatement",
  requestId: "test",
  caller: { accessKeyId: "AKIDTEST", sourceIp: "127.0.0.1", userAgent: "test" },
  store,
  clock,
  scheduler: createScheduler(clock),
  config: { endpoint: "http://localhost:4566", hostname: "localhost", port: 4566 },
  invoke: () => Promise.reject(new Error("no invocation in these tests")),
  identities: new Identities(state, clock),
  emit: () => undefined,
};

createTable(
  {
    TableName: "comp",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  },
  ctx,
);

function run(Statement: string, Parameters?: AttributeValue[], extra: { Limit?: number; NextToken?: string } = {}) {
  return executeStatement({ Statement, ...(Parameters ? { Parameters } : {}), ...extra }, ctx);
}

function failure(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    return err;
  }
  assert.fail("expected an AwsError");
}

for (const pk of ["a", "b", "c"]) {
  for (let sk = 1; sk <= 4; sk++) run(`INSERT INTO comp VALUE {'pk': ?, 'sk': ?, 'v': ?}`, [{ S: pk }, { N: String(sk) }, { N: String(sk * 10) }]);
}

after(() => state.close());

const keys = (items: readonly Item[] | undefined) => (items ?? []).map((i) => `${i.pk?.S}/${i.sk?.N}`);

describe("SELECT", () => {
  test("a partition read comes back in sort key order, or reversed by ORDER BY", () => {
    assert.deepEqual(keys(run(`SELECT * FROM comp WHERE pk = 'b'`).Items), ["b/1", "b/2", "b/3", "b/4"]);
    assert.deepEqual(keys(run(`SELECT pk, sk FROM comp WHERE pk = 'b' ORDER BY sk DESC`).Items), ["b/4", "b/3", "b/2", "b/1"]);
    assert.deepEqual(keys(run(`SELECT pk, sk FROM comp WHERE pk = 'b' AND sk BETWEEN 2 AND 3`).Items), ["b/2", "b/3"]);
  });

  test("Limit counts items read across partitions; NextToken resumes where the page stopped", () => {
    const statement = `SELECT pk, sk FROM comp WHERE pk IN ['c', 'a'] AND v > 10`;
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const out = run(statement, undefined, { Limit: 3, ...(token ? { NextToken: token } : {}) });
      pages.push(keys(out.Items));
      token = out.NextToken;
      if (token) assert.ok(out.LastEvaluatedKey);
    } while (token !== undefined);
    // 8 items read, 3 per page; items with v = 10 (sort key 1) are read but filtered out.
    assert.deepEqual(pages, [["a/2", "a/3"], ["a/4", "c/2"], ["c/3", "c/4"]]);
    // A page that stops exactly at the Limit still hands out a token, and the next page is empty.
    const whole = run(`SELECT pk, sk FROM comp WHERE pk = 'a'`, undefined, { Limit: 4 });
    assert.equal(whole.Items?.length, 4);
    assert.ok(whole.NextToken);
    assert.deepEqual(run(`SELECT pk, sk FROM comp WHERE pk = 'a'`, undefined, { Limit: 4, NextToken: whole.NextToken }).Items, []);
  });

  test("a NextToken is bound to its statement", () => {
    const first = run(`SELECT * FROM comp`, undefined, { Limit: 1 });
    assert.ok(first.NextToken);
    assert.equal(failure(() => run(`SELECT * FROM comp WHERE pk = 'a'`, undefined, { NextToken: first.NextToken })).message, "NextToken does not match request");
    assert.equal(failure(() => run(`SELECT * FROM comp`, undefined, { NextToken: "not-a-token" })).message, "Invalid NextToken");
  });

  test("a scan reads every partition", () => {
    assert.equal(run(`SELECT * FROM comp`).Items?.length, 12);
    assert.deepEqual(keys(run(`SELECT * FROM comp WHERE v = 40`).Items), ["a/4", "b/4", "c/4"]);
  });

  test("Limit 0 is refused as the model's range", () => {
    assert.equal(
      failure(() => run(`SELECT * FROM comp`, undefined, { Limit: 0 })).message,
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});

describe("writes", () => {
  test("INSERT of an existing key is DuplicateItemException", () => {
    const err = failure(() => run(`INSERT INTO comp VALUE {'pk': 'a', 'sk': 1}`));
    assert.equal(err.code, "DuplicateItemException");
    assert.equal(err.message, "Duplicate primary key exists in table");
  });

  test("UPDATE of a missing item and a false WHERE fail the condition; RETURNING gives the item", () => {
    assert.equal(failure(() => run(`UPDATE comp SET x = 1 WHERE pk = 'zz' AND sk = 1`)).code, "ConditionalCheckFailedException");
    assert.equal(failure(() => run(`UPDATE comp SET x = 1 WHERE pk = 'a' AND sk = 1 AND v = 99`)).code, "ConditionalCheckFailedException");
    const out = run(`UPDATE comp SET v = v + 5 WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED NEW *`);
    assert.deepEqual(out.Items, [{ v: { N: "15" } }]);
    assert.deepEqual(run(`UPDATE comp REMOVE absent WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED NEW *`).Items, []);
  });

  test("DELETE of a missing key succeeds even with a predicate", () => {
    assert.deepEqual(run(`DELETE FROM comp WHERE pk = 'zz' AND sk = 1 AND v = 1`).Items, []);
  });
});

describe("BatchExecuteStatement", () => {
  test("each statement answers for itself; TableName only on members that ran", () => {
    const out = batchExecuteStatement(
      {
        Statements: [
          { Statement: `INSERT INTO comp VALUE {'pk': 'n', 'sk': 1}` },
          { Statement: `INSERT INTO comp VALUE {'pk': 'a', 'sk': 2}` },
          { Statement: `SLECT nothing` },
          { Statement: `UPDATE comp SET t = 1 WHERE pk = 'a' AND sk = 3 AND v = 0` },
        ],
      },
      ctx,
    );
    assert.deepEqual(out.Responses, [
      { TableName: "comp" },
      { TableName: "comp", Error: { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" } },
      { Error: { Code: "ValidationError", Message: "Statement wasn't well formed, can't be processed: Expected data manipulation" } },
      { TableName: "comp", Error: { Code: "ConditionalCheckFailed", Message: "The conditional request failed" } },
    ]);
  });

  test("two writes to one key refuse the batch before either runs", () => {
    const err = failure(() =>
      batchExecuteStatement(
        { Statements: [{ Statement: `INSERT INTO comp VALUE {'pk': 'c', 'sk': 5}` }, { Statement: `UPDATE comp SET t = 1 WHERE pk = 'c' AND sk = 5` }] },
        ctx,
      ),
    );
    assert.equal(err.message, "Provided list of item keys contains duplicates");
    assert.equal(getItem({ TableName: "comp", Key: { pk: { S: "c" }, sk: { N: "5" } } }, ctx).Item, undefined);
  });

  test("reads and writes may not mix; reading one key twice is refused", () => {
    assert.equal(
      failure(() => batchExecuteStatement({ Statements: [{ Statement: `SELECT * FROM comp WHERE pk = 'a' AND sk = 1` }, { Statement: `DELETE FROM comp WHERE pk = 'a' AND sk = 1` }] }, ctx)).message,
      "Read and write requests together in the same batch is not supported.",
    );
    assert.equal(
      failure(() => batchExecuteStatement({ Statements: [{ Statement: `SELECT * FROM comp WHERE pk = 'a' AND sk = 1` }, { Statement: `SELECT v FROM comp WHERE sk = 1 AND pk = 'a'` }] }, ctx)).message,
      "Provided list of item keys contains duplicates",
    );
  });
});

describe("ExecuteTransaction", () => {
  test("a failed UPDATE cancels the whole transaction; an INSERT of an existing key is a ValidationError reason", () => {
    const err = failure(() =>
      executeTransaction(
        {
          TransactStatements: [
            { Statement: `INSERT INTO comp VALUE {'pk': 'tx', 'sk': 1}` },
            { Statement: `INSERT INTO comp VALUE {'pk': 'b', 'sk': 1}` },
            { Statement: `UPDATE comp SET t = 1 WHERE pk = 'ghost' AND sk = 1` },
          ],
        },
        ctx,
      ),
    );
    assert.equal(err.code, "TransactionCanceledException");
    assert.equal(err.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ValidationError, ConditionalCheckFailed]");
    assert.deepEqual(err.fields["CancellationReasons"], [
      { Code: "None" },
      { Code: "ValidationError", Message: "Duplicate primary key exists in table" },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
    ]);
    assert.equal(getItem({ TableName: "comp", Key: { pk: { S: "tx" }, sk: { N: "1" } } }, ctx).Item, undefined);
  });

  test("a key that does not fit the table cancels at that statement", () => {
    const err = failure(() =>
      executeTransaction({ TransactStatements: [{ Statement: `DELETE FROM comp WHERE pk = 'a' AND sk = 1` }, { Statement: `INSERT INTO comp VALUE {'pk': 'x'}` }] }, ctx),
    );
    assert.equal(err.code, "TransactionCanceledException");
    // PutItem's wording, as captured from DynamoDB in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest.
    assert.deepEqual(err.fields["CancellationReasons"], [{ Code: "None" }, { Code: "ValidationError", Message: "One or more parameter values were invalid: Missing the key sk in the item" }]);
  });
});

describe("helpers", () => {
  test("batch error codes are the short forms", () => {
    assert.equal(batchErrorCode("ValidationException"), "ValidationError");
    assert.equal(batchErrorCode("ConditionalCheckFailedException"), "ConditionalCheckFailed");
    assert.equal(batchErrorCode("ResourceNotFoundException"), "ResourceNotFound");
    assert.equal(batchErrorCode("DuplicateItemException"), "DuplicateItem");
    assert.equal(batchErrorCode("ProvisionedThroughputExceededException"), "ProvisionedThroughputExceeded");
  });

  test("capacity merges per table, index by index", () => {
    assert.deepEqual(
      mergeCapacity([
        { TableName: "a", CapacityUnits: 1, WriteCapacityUnits: 1, Table: { CapacityUnits: 1, WriteCapacityUnits: 1 } },
        { TableName: "b", CapacityUnits: 0.5, ReadCapacityUnits: 0.5 },
        { TableName: "a", CapacityUnits: 3, WriteCapacityUnits: 3, Table: { CapacityUnits: 2, WriteCapacityUnits: 2 }, GlobalSecondaryIndexes: { g: { CapacityUnits: 1 } } },
      ]),
      [
        { TableName: "a", CapacityUnits: 4, WriteCapacityUnits: 4, Table: { CapacityUnits: 3, WriteCapacityUnits: 3 }, GlobalSecondaryIndexes: { g: { CapacityUnits: 1 } } },
        { TableName: "b", CapacityUnits: 0.5, ReadCapacityUnits: 0.5 },
      ],
    );
  });
});
