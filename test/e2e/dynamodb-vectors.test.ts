/**
 * DynamoDB vector indexes with the real v3 client: CreateTable VectorIndexes, UpdateTable
 * VectorIndexUpdates, the vector values writes are held to, SearchVectors with each distance
 * function (scores worked out by hand below), its condition, projection and TopK, capacity,
 * backups and a restart.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  SearchVectorsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type SearchVectorsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { acrossRestart, hashTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const vec = (...xs: number[]): AttributeValue => ({ L: xs.map((x) => ({ N: String(x) })) });
const nums = (...xs: number[]): AttributeValue[] => xs.map((x) => ({ N: String(x) }));

/** id (S) keys the table; cat is byCos's partition (HASH), color its inline filter. */
function vectorTable(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "id", AttributeType: "S" },
      { AttributeName: "cat", AttributeType: "S" },
      { AttributeName: "color", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    VectorIndexes: [
      {
        IndexName: "byCos",
        VectorAttribute: { AttributeName: "emb" },
        Dimensions: 3,
        DistanceFunction: "COSINE",
        SearchSchema: [
          { AttributeName: "cat", SearchSchemaElementType: "HASH" },
          { AttributeName: "color", SearchSchemaElementType: "INLINE_FILTER" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] },
      },
      { IndexName: "byL2", VectorAttribute: { AttributeName: "emb" }, Dimensions: 3, DistanceFunction: "EUCLIDEAN", Projection: { ProjectionType: "ALL" } },
      { IndexName: "byDot", VectorAttribute: { AttributeName: "emb" }, Dimensions: 3, DistanceFunction: "DOT_PRODUCT", Projection: { ProjectionType: "KEYS_ONLY" } },
    ],
  };
}

/**
 * e has no vector and f no cat: neither is in byCos, f is in the others. g's 0.1 is kept by the
 * index as the 32-bit float 0.10000000149011612.
 */
const ITEMS: Record<string, AttributeValue>[] = [
  { id: { S: "a" }, emb: vec(1, 0, 0), cat: { S: "x" }, color: { S: "red" }, title: { S: "A" }, other: { S: "not projected" } },
  { id: { S: "b" }, emb: vec(0, 1, 0), cat: { S: "x" }, color: { S: "blue" }, title: { S: "B" } },
  { id: { S: "c" }, emb: vec(1, 1, 0), cat: { S: "x" }, color: { S: "red" }, title: { S: "C" } },
  { id: { S: "d" }, emb: vec(-1, 0, 0), cat: { S: "y" }, color: { S: "red" }, title: { S: "D" } },
  { id: { S: "e" }, cat: { S: "x" }, color: { S: "red" }, title: { S: "E" } },
  { id: { S: "f" }, emb: vec(2, 0, 0), title: { S: "F" } },
  { id: { S: "g" }, emb: vec(0.1, 0, 0), cat: { S: "z" }, title: { S: "G" } },
];

const F32_TENTH = 0.10000000149011612;

function ids(results: { Item?: Record<string, AttributeValue> }[] | undefined): string[] {
  return (results ?? []).map((r) => r.Item?.id?.S ?? "?");
}

function scores(results: { Score?: number }[] | undefined): number[] {
  return (results ?? []).map((r) => r.Score ?? Number.NaN);
}

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length, `${actual} vs ${expected}`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - (expected[i] as number)) < 1e-12, `score ${i}: ${a} vs ${expected[i]}`));
}

async function validation(call: Promise<unknown>, message: string): Promise<void> {
  const err = await failure(call);
  assert.equal(err.name, "ValidationException", err.message);
  assert.equal(err.message, message);
  assert.equal(err.$metadata.httpStatusCode, 400);
}

describe("DynamoDB vector indexes", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  const table = uniqueName("vectors");
  const search = (input: Partial<SearchVectorsCommandInput>) =>
    ddb.send(new SearchVectorsCommand({ TableName: table, IndexName: "byL2", SearchVector: nums(1, 0, 0), TopK: 10, ...input }));

  before(async () => {
    nimbus = await startTestNimbus();
    ddb = new DynamoDBClient(nimbus.clientConfig());
    await ddb.send(new CreateTableCommand(vectorTable(table)));
    for (const item of ITEMS) await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  test("DescribeTable shows the vector indexes with their items", async () => {
    const d = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table;
    const byName = Object.fromEntries((d?.VectorIndexes ?? []).map((v) => [v.IndexName, v]));
    assert.deepEqual(Object.keys(byName), ["byCos", "byL2", "byDot"]);
    const cos = byName.byCos;
    assert.equal(cos?.IndexStatus, "ACTIVE");
    assert.equal(cos?.DistanceFunction, "COSINE");
    assert.equal(cos?.Dimensions, 3);
    assert.deepEqual(cos?.VectorAttribute, { AttributeName: "emb" });
    assert.deepEqual(cos?.SearchSchema, [
      { AttributeName: "cat", SearchSchemaElementType: "HASH" },
      { AttributeName: "color", SearchSchemaElementType: "INLINE_FILTER" },
    ]);
    assert.deepEqual(cos?.Projection, { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] });
    assert.equal(cos?.IndexArn, `${d?.TableArn}/index/byCos`);
    // a, b, c, d, g have a vector and a cat; e has no vector, f no cat.
    assert.equal(cos?.ItemCount, 5);
    assert.equal(byName.byL2?.ItemCount, 6);
    assert.ok((byName.byL2?.IndexSizeBytes ?? 0) > 0);
  });

  test("EUCLIDEAN: the k nearest by straight-line distance, ties in key order", async () => {
    const out = await search({ TopK: 4 });
    // a 0; g |1 - 0.1f|; c and f 1 (c before f); b √2 and d 2 are cut by TopK.
    assert.deepEqual(ids(out.SearchResults), ["a", "g", "c", "f"]);
    assertClose(scores(out.SearchResults), [0, 1 - F32_TENTH, 1, 1]);
    // ALL projects everything but the vector, which a search returns only when asked for.
    assert.deepEqual(out.SearchResults?.[0]?.Item, ITEMS[0] && { id: { S: "a" }, cat: { S: "x" }, color: { S: "red" }, title: { S: "A" }, other: { S: "not projected" } });
    assert.equal(out.ConsumedCapacity, undefined);
  });

  test("DOT_PRODUCT: the k highest products, negative ones included", async () => {
    const out = await search({ IndexName: "byDot", SearchVector: nums(1, 0, 0) });
    assert.deepEqual(ids(out.SearchResults), ["f", "a", "c", "g", "b", "d"]);
    assertClose(scores(out.SearchResults), [2, 1, 1, F32_TENTH, 0, -1]);
    // KEYS_ONLY: the table's key alone.
    assert.deepEqual(out.SearchResults?.[0]?.Item, { id: { S: "f" } });
  });

  test("COSINE: 1 - cosine similarity within the HASH partition, with an inline filter", async () => {
    const out = await search({
      IndexName: "byCos",
      SearchConditionExpression: "cat = :c",
      ExpressionAttributeValues: { ":c": { S: "x" } },
    });
    // a same direction 0; c at 45°: 1 - 1/√2; b orthogonal 1. d is in partition y, g in z.
    assert.deepEqual(ids(out.SearchResults), ["a", "c", "b"]);
    assertClose(scores(out.SearchResults), [0, 1 - Math.SQRT1_2, 1]);
    assert.deepEqual(out.SearchResults?.[1]?.Item, { id: { S: "c" }, cat: { S: "x" }, color: { S: "red" }, title: { S: "C" } });

    const red = await search({
      IndexName: "byCos",
      SearchVector: nums(0, 1, 0),
      SearchConditionExpression: "#c = :c AND color = :red",
      ExpressionAttributeNames: { "#c": "cat" },
      ExpressionAttributeValues: { ":c": { S: "x" }, ":red": { S: "red" } },
    });
    assert.deepEqual(ids(red.SearchResults), ["c", "a"]);
    assertClose(scores(red.SearchResults), [1 - Math.SQRT1_2, 1]);

    const opposite = await search({ IndexName: "byCos", SearchVector: nums(1, 0, 0), SearchConditionExpression: "cat = :y", ExpressionAttributeValues: { ":y": { S: "y" } } });
    assert.deepEqual(ids(opposite.SearchResults), ["d"]);
    assertClose(scores(opposite.SearchResults), [2]);
  });

  test("TopK, ProjectionExpression (the vector at 32-bit precision) and consumed capacity", async () => {
    const out = await search({
      SearchVector: nums(0.1, 0, 0),
      TopK: 1,
      ProjectionExpression: "#e, title",
      ExpressionAttributeNames: { "#e": "emb" },
      ReturnConsumedCapacity: "TOTAL",
    });
    assert.equal(out.SearchResults?.length, 1);
    assert.deepEqual(out.SearchResults?.[0]?.Item, { emb: { L: [{ N: String(F32_TENTH) }, { N: "0" }, { N: "0" }] }, title: { S: "G" } });
    assert.equal(out.SearchResults?.[0]?.Score, 0);
    assert.ok((out.ConsumedCapacity?.VectorSearchRequestBytes ?? 0) > 0);
    assert.deepEqual(Object.keys(out.ConsumedCapacity ?? {}), ["VectorSearchRequestBytes"]);
  });

  test("SearchVectors refuses bad input with DynamoDB's ValidationException", async () => {
    // SearchVectors' own wording (AWS SDK for Java v2, SearchVectorsIntegrationTestBase.NegativeTests:
    // searchVectors_topKZero/topKNegative/emptySearchVector_failsAtService).
    await validation(search({ TopK: 0 }), "1 validation error detected: Value at 'TopK' failed to satisfy constraint: Member must have value greater than or equal to 1");
    await validation(search({ TopK: -1 }), "1 validation error detected: Value at 'TopK' failed to satisfy constraint: Member must have value greater than or equal to 1");
    await validation(search({ SearchVector: [] }), "1 validation error detected: Value at 'SearchVector' failed to satisfy constraint: Member must have length greater than or equal to 1");
    await validation(search({ TopK: 101 }), "Provided TopK value '101' is out of valid range. The value must be between 1 and 100 inclusive");
    await validation(search({ SearchVector: nums(1, 0) }), "Input search vector dimension 2 does not match vector index dimension 3");
    await validation(
      search({ SearchVector: [{ N: "1" }, { S: "x" }, { N: "0" }] }),
      "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute",
    );
    await validation(
      search({ SearchVector: nums(1, 0, 1e39) }),
      "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute",
    );
    await validation(search({ IndexName: "nope" }), "The table does not have the specified index: nope");
    await validation(search({ IndexName: "byCos" }), "SearchConditionExpression must be provided when SearchSchema has a HASH key");
    const x = { ":c": { S: "x" } };
    // [SearchConditionExpression, ExpressionAttributeValues, DynamoDB's message] on byCos.
    const conditions: [string, Record<string, AttributeValue>, string][] = [
      ["cat > :c", x, "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression"],
      ["cat = :c OR color = :c", x, "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression"],
      // The AWS SDK for Java v2's SearchVectorsIntegrationTestBase, searchVectors_inlineFilterExpressionWithoutHashCondition_failsAtService.
      ["color = :c", x, "SearchConditionExpression must have all HASH attributes in configured SearchSchema"],
      ["cat = :c AND title = :c", x, "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: title"],
      ["cat = :c AND cat = :c", x, "Invalid SearchConditionExpression: SearchConditionExpression must only contain one condition per attribute"],
      ["cat = :n", { ":n": { N: "1" } }, "Type of 'cat' attribute in SearchConditionExpression (N) does not match type in search schema (S)"],
      ["cat = :zz", x, "Invalid SearchConditionExpression: An expression attribute value used in expression is not defined; attribute value: :zz"],
      ["cat = :c", { ...x, ":unused": { S: "y" } }, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"],
    ];
    for (const [SearchConditionExpression, ExpressionAttributeValues, message] of conditions) {
      await validation(search({ IndexName: "byCos", SearchConditionExpression, ExpressionAttributeValues }), message);
    }
    await validation(search({ ExpressionAttributeNames: { "#n": "x" } }), "ExpressionAttributeNames can only be specified when using expressions");

    const missing = await failure(search({ TableName: uniqueName("missing") }));
    assert.equal(missing.name, "ResourceNotFoundException");
    assert.equal(missing.message, "Requested resource not found");
    assert.equal(missing.$metadata.httpStatusCode, 400);
  });

  test("writes hold the vector to the index's dimensions and the 32-bit range; an item without one is simply not indexed", async () => {
    const put = (item: Record<string, AttributeValue>) => ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "bad" }, ...item } }));
    // Indexes are reported in name order: byCos first.
    await validation(put({ emb: vec(1, 2) }), "One or more parameter values were invalid. Invalid size for parameter emb, Expected: 3, Actual: 2 IndexName: byCos");
    await validation(put({ emb: { S: "1,2,3" } }), "One or more parameter values were invalid. Invalid type for parameter emb, Expected: 32-bit floating point number list IndexName: byCos");
    await validation(
      put({ emb: { L: [{ N: "1" }, { S: "2" }, { N: "3" }] } }),
      "One or more parameter values were invalid. Invalid type for parameter emb[1], Expected: 32-bit floating point number, Actual: S. IndexName: byCos",
    );
    await validation(
      put({ emb: { L: [{ N: "1" }, { N: "0" }, { N: "4E38" }] } }),
      // The number as DynamoDB keeps it (normalized), not as written.
      "One or more parameter values were invalid. Invalid value for parameter emb[2], Value: 400000000000000000000000000000000000000 is outside valid range [-3.4028235E38, 3.4028235E38]. IndexName: byCos",
    );
    await validation(put({ emb: vec(1, 0, 0), cat: { N: "1" } }), "One or more parameter values were invalid. Attribute 'cat' type mismatch. Expected: S, Actual: N. IndexName: byCos");
    await validation(
      ddb.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: "a" } }, UpdateExpression: "SET emb = :v", ExpressionAttributeValues: { ":v": vec(1) } })),
      "One or more parameter values were invalid. Invalid size for parameter emb, Expected: 3, Actual: 1 IndexName: byCos",
    );

    // Removing the vector takes the item out of the indexes; writes report each index's bytes with INDEXES.
    const removed = await ddb.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: "b" } }, UpdateExpression: "REMOVE emb", ReturnConsumedCapacity: "INDEXES" }));
    assert.deepEqual(Object.keys(removed.ConsumedCapacity?.VectorIndexes ?? {}).sort(), ["byCos", "byDot", "byL2"]);
    assert.ok((removed.ConsumedCapacity?.VectorIndexes?.byL2?.VectorWriteRequestBytes ?? 0) > 0);
    const after1 = await search({ TopK: 100 });
    assert.ok(!ids(after1.SearchResults).includes("b"));
    // A write is charged only to the indexes whose entry it changes: a's new attribute is in byL2's ALL projection alone.
    const untouched = await ddb.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: "a" } }, UpdateExpression: "SET note = :n", ExpressionAttributeValues: { ":n": { S: "n" } }, ReturnConsumedCapacity: "INDEXES" }));
    assert.deepEqual(Object.keys(untouched.ConsumedCapacity?.VectorIndexes ?? {}), ["byL2"]);
    await ddb.send(new PutItemCommand({ TableName: table, Item: ITEMS[1] as Record<string, AttributeValue> }));
    assert.deepEqual(ids((await search({ TopK: 100, IndexName: "byDot" })).SearchResults), ["f", "a", "c", "g", "b", "d"]);
  });

  // paritysuite/dynamodb-conformance tests/tier2/vectorSearch/consumedCapacity.test.ts "reports the 1024
  // floor for an entry below it on every term" and "applies the floor per index, not per write".
  test("VectorWriteRequestBytes is held to 1024 per index; a write that no index holds is not charged", async () => {
    const name = uniqueName("vecfloor");
    await ddb.send(
      new CreateTableCommand(
        hashTable(name, "pk", "S", {
          VectorIndexes: [
            { IndexName: "all", VectorAttribute: { AttributeName: "embedding" }, Dimensions: 3, DistanceFunction: "COSINE", Projection: { ProjectionType: "ALL" } },
            { IndexName: "keys", VectorAttribute: { AttributeName: "embedding" }, Dimensions: 3, DistanceFunction: "COSINE", Projection: { ProjectionType: "KEYS_ONLY" } },
          ],
        }),
      ),
    );
    const charged = async (item: Record<string, AttributeValue>) =>
      (await ddb.send(new PutItemCommand({ TableName: name, Item: item, ReturnConsumedCapacity: "INDEXES" }))).ConsumedCapacity?.VectorIndexes;
    assert.deepEqual(await charged({ pk: { S: "f0" }, embedding: vec(0, 1, 0) }), { all: { VectorWriteRequestBytes: 1024 }, keys: { VectorWriteRequestBytes: 1024 } });
    // The ALL entry carries the padding and clears the floor; the KEYS_ONLY entry does not.
    const big = await charged({ pk: { S: "3a" }, embedding: vec(1, 0, 0), blob: { S: "x".repeat(1500) } });
    assert.ok((big?.all?.VectorWriteRequestBytes ?? 0) > 1024);
    assert.equal(big?.keys?.VectorWriteRequestBytes, 1024);
    assert.equal(await charged({ pk: { S: "plain" }, label: { S: "no-vector" } }), undefined);
  });

  // paritysuite/dynamodb-conformance tests/tier2/vectorSearch/consumedCapacity.test.ts "bills a three-dimension
  // vector at 12 bytes, whatever numbers it holds" and "charges a read for the numbers the vector holds, not its
  // billed size" (eu-west-2 and us-east-1, 2026-10-09).
  test("a write bills an indexed vector at its name plus 4 bytes a dimension; a read sizes it by its numbers", async () => {
    const name = uniqueName("vecbill");
    await ddb.send(
      new CreateTableCommand(
        hashTable(name, "pk", "S", {
          VectorIndexes: [{ IndexName: "six", VectorAttribute: { AttributeName: "sixdimvec" }, Dimensions: 6, DistanceFunction: "COSINE", Projection: { ProjectionType: "ALL" } }],
        }),
      ),
    );
    // 38-digit integers: 20 bytes each as numbers, 4 as a billed dimension. pk + key + name + 24 + "pad".
    const billed = (target: number, key: string): Record<string, AttributeValue> => ({
      pk: { S: key },
      sixdimvec: { L: Array.from({ length: 6 }, () => ({ N: "12345678901234567890123456789012345678" })) },
      pad: { S: "p".repeat(target - (2 + key.length + "sixdimvec".length + 24 + 3)) },
    });
    const units = async (item: Record<string, AttributeValue>) =>
      (await ddb.send(new PutItemCommand({ TableName: name, Item: item, ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity?.CapacityUnits;
    assert.equal(await units(billed(1024, "a6")), 1);
    assert.equal(await units(billed(1025, "b6")), 2);
    // Billed at 4096 bytes, stored at 4201 (3 + 6 x 21 for the list): a strongly consistent read is 2 units.
    await ddb.send(new PutItemCommand({ TableName: name, Item: billed(4096, "r6") }));
    const read = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "r6" } }, ConsistentRead: true, ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(read.ConsumedCapacity?.CapacityUnits, 2);
  });

  test("UpdateTable adds a vector index (filled from the items) and deletes one", async () => {
    const update = await ddb.send(
      new UpdateTableCommand({
        TableName: table,
        VectorIndexUpdates: [{ Create: { IndexName: "byL2b", VectorAttribute: { AttributeName: "emb" }, Dimensions: 3, DistanceFunction: "EUCLIDEAN", Projection: { ProjectionType: "KEYS_ONLY" } } }],
      }),
    );
    assert.ok(update.TableDescription?.VectorIndexes?.some((v) => v.IndexName === "byL2b"));
    const out = await search({ IndexName: "byL2b", SearchVector: nums(-1, 0, 0), TopK: 2 });
    assert.deepEqual(ids(out.SearchResults), ["d", "g"]);
    assertClose(scores(out.SearchResults), [0, 1 + F32_TENTH]);

    await ddb.send(new UpdateTableCommand({ TableName: table, VectorIndexUpdates: [{ Delete: { IndexName: "byL2b" } }] }));
    const d = await ddb.send(new DescribeTableCommand({ TableName: table }));
    assert.deepEqual(d.Table?.VectorIndexes?.map((v) => v.IndexName), ["byCos", "byL2", "byDot"]);
    await validation(search({ IndexName: "byL2b" }), "The table does not have the specified index: byL2b");

    const gone = await failure(ddb.send(new UpdateTableCommand({ TableName: table, VectorIndexUpdates: [{ Delete: { IndexName: "byL2b" } }] })));
    assert.equal(gone.name, "ResourceNotFoundException");
    assert.equal(gone.message, `Requested resource not found: Index: byL2b not found for table: ${table}`);
    await validation(
      ddb.send(new UpdateTableCommand({ TableName: table, VectorIndexUpdates: [{ Create: { IndexName: "byL2", VectorAttribute: { AttributeName: "emb" }, Dimensions: 3, DistanceFunction: "EUCLIDEAN", Projection: { ProjectionType: "ALL" } } }] })),
      "One or more parameter values were invalid: Attempting to create an index which already exists",
    );
    await validation(
      ddb.send(new UpdateTableCommand({ TableName: table, VectorIndexUpdates: [{ Create: { IndexName: "byOther", VectorAttribute: { AttributeName: "emb" }, Dimensions: 4, DistanceFunction: "EUCLIDEAN", Projection: { ProjectionType: "ALL" } } }] })),
      "One or more parameter values were invalid: Conflicting attribute definition for 'emb'. All VectorIndexes on the same vector attribute must use the same dimensions.",
    );
  });

  test("CreateTable refuses vector indexes AWS refuses", async () => {
    const base = vectorTable(uniqueName("bad"));
    const one = (change: Record<string, unknown>) => ({ ...base, VectorIndexes: [{ ...(base.VectorIndexes?.[1] as object), ...change }] as unknown as CreateTableCommandInput["VectorIndexes"] });
    const create = (input: CreateTableCommandInput) => ddb.send(new CreateTableCommand({ ...input, AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }] }));
    await validation(create(one({ Dimensions: 4097 })), "One or more parameter values were invalid: Number of dimensions must be between 1 and 4096 inclusive.");
    await validation(create(one({ Dimensions: 0 })), "1 validation error detected: Value '0' at 'vectorIndexes.1.member.dimensions' failed to satisfy constraint: Member must have value greater than or equal to 1");
    await validation(
      create(one({ DistanceFunction: "MANHATTAN" })),
      "1 validation error detected: Value 'MANHATTAN' at 'vectorIndexes.1.member.distanceFunction' failed to satisfy constraint: Member must satisfy enum value set: [DOT_PRODUCT, COSINE, EUCLIDEAN]",
    );
    await validation(
      create(one({ SearchSchema: [{ AttributeName: "cat", SearchSchemaElementType: "HASH" }] })),
      "One or more parameter values were invalid: One element in SearchSchema is not defined in attribute definitions",
    );
    await validation(create({ ...one({}), BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }), "One or more parameter values were invalid: Vector indexes are only supported for PAY_PER_REQUEST tables");
    const filters = Array.from({ length: 19 }, (_, i) => `f${i}`);
    await validation(
      ddb.send(
        new CreateTableCommand({
          ...one({ SearchSchema: filters.map((f) => ({ AttributeName: f, SearchSchemaElementType: "INLINE_FILTER" })) }),
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, ...filters.map((f) => ({ AttributeName: f, AttributeType: "S" as const }))],
        }),
      ),
      // The AWS SDK for Java v2's SearchVectorsIntegrationTestBase, CreateTableLimitTests.createTable_tooManyInlineFilters_failsAtService.
      "One or more parameter values were invalid: Value '19' at 'SearchSchema' failed to satisfy constraint: Member must have INLINE_FILTER count less than or equal to 18",
    );
    const names = Array.from({ length: 21 }, (_, i) => `proj${i}`);
    await validation(
      create(one({ Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: names } })),
      // The AWS SDK for Java v2's SearchVectorsIntegrationTestBase, CreateTableLimitTests.createTable_tooManyProjectedAttributes_failsAtService.
      `1 validation error detected: Value '[${names.join(", ")}]' at 'vectorIndexes.1.member.projection.nonKeyAttributes' failed to satisfy constraint: Member must have length less than or equal to 20`,
    );
    const six = Array.from({ length: 6 }, (_, i) => ({ ...(base.VectorIndexes?.[1] as object), IndexName: `v${i}xx` })) as unknown as CreateTableCommandInput["VectorIndexes"];
    await validation(create({ ...base, VectorIndexes: six }), "One or more parameter values were invalid: VectorIndex count exceeds the per-table limit of 5");
  });

  test("a backup keeps the vector indexes and a restore searches like its source", async () => {
    const backup = await ddb.send(new CreateBackupCommand({ TableName: table, BackupName: "vectors" }));
    const arn = backup.BackupDetails?.BackupArn as string;
    const described = await ddb.send(new DescribeBackupCommand({ BackupArn: arn }));
    assert.deepEqual(described.BackupDescription?.SourceTableFeatureDetails?.VectorIndexes?.map((v) => [v.IndexName, v.Dimensions, v.DistanceFunction]), [
      ["byCos", 3, "COSINE"],
      ["byL2", 3, "EUCLIDEAN"],
      ["byDot", 3, "DOT_PRODUCT"],
    ]);
    const restored = uniqueName("restored");
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: restored }));
    const out = await ddb.send(new SearchVectorsCommand({ TableName: restored, IndexName: "byDot", SearchVector: nums(1, 0, 0), TopK: 3 }));
    assert.deepEqual(ids(out.SearchResults), ["f", "a", "c"]);
  });
});

test("vector indexes and their rows survive a restart", async () => {
  const table = uniqueName("vectors-restart");
  await acrossRestart(
    async ({ ddb }) => {
      await ddb.send(new CreateTableCommand(vectorTable(table)));
      for (const item of ITEMS) await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    },
    async ({ ddb }) => {
      const d = await ddb.send(new DescribeTableCommand({ TableName: table }));
      assert.deepEqual(d.Table?.VectorIndexes?.map((v) => [v.IndexName, v.ItemCount]), [
        ["byCos", 5],
        ["byL2", 6],
        ["byDot", 6],
      ]);
      const out = await ddb.send(new SearchVectorsCommand({ TableName: table, IndexName: "byL2", SearchVector: nums(1, 0, 0), TopK: 2 }));
      assert.deepEqual(ids(out.SearchResults), ["a", "g"]);
    },
  );
});

test("with --dynamodb-status-delay an added vector index is CREATING and backfilling, and cannot be searched until the delay has passed", async () => {
  const delay = 300;
  const nimbus = await startTestNimbus({ dynamodb: { statusDelayMs: delay } });
  const ddb = new DynamoDBClient(nimbus.clientConfig());
  try {
    const table = uniqueName("vectors-delay");
    await ddb.send(new CreateTableCommand({ ...vectorTable(table), AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], VectorIndexes: undefined }));
    // The table itself is CREATING for the delay too.
    await nimbus.scheduler.advance(delay);
    await ddb.send(new PutItemCommand({ TableName: table, Item: ITEMS[0] as Record<string, AttributeValue> }));
    await ddb.send(
      new UpdateTableCommand({
        TableName: table,
        VectorIndexUpdates: [{ Create: { IndexName: "late", VectorAttribute: { AttributeName: "emb" }, Dimensions: 3, DistanceFunction: "EUCLIDEAN", Projection: { ProjectionType: "KEYS_ONLY" } } }],
      }),
    );
    const d = await ddb.send(new DescribeTableCommand({ TableName: table }));
    assert.equal(d.Table?.TableStatus, "UPDATING");
    assert.deepEqual(d.Table?.VectorIndexes?.map((v) => [v.IndexName, v.IndexStatus, v.Backfilling]), [["late", "CREATING", true]]);
    const input = { TableName: table, IndexName: "late", SearchVector: nums(1, 0, 0), TopK: 1 };
    await validation(ddb.send(new SearchVectorsCommand(input)), "Cannot search backfilling vector index: late");
    await nimbus.scheduler.advance(delay);
    assert.deepEqual(ids((await ddb.send(new SearchVectorsCommand(input))).SearchResults), ["a"]);
  } finally {
    ddb.destroy();
    await nimbus.close();
  }
});
