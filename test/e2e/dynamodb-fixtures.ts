/** Tables more than one DynamoDB test file creates. */
import { after, before } from "node:test";
import { DynamoDBClient, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { acrossRestart as restartOnDataDir, startTestNimbus, type TestNimbus } from "./harness.js";

/** A table keyed by one partition key (`key`, of `type`), on demand. */
export function hashTable(name: string, key = "id", type: "S" | "N" | "B" = "S", extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: key, AttributeType: type }],
    KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  };
}

/** A table keyed by a partition key and a sort key, both strings, on demand. */
export function hashRangeTable(name: string, keys: { hash: string; range: string } = { hash: "pk", range: "sk" }, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: keys.hash, AttributeType: "S" },
      { AttributeName: keys.range, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: keys.hash, KeyType: "HASH" },
      { AttributeName: keys.range, KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  };
}

/** pk (S) + sk (N), a GSI on g and an LSI on l. */
export function indexedTable(name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
      { AttributeName: "g", AttributeType: "S" },
      { AttributeName: "l", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
    LocalSecondaryIndexes: [
      {
        IndexName: "byL",
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "l", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
    ],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  };
}

/** A started Nimbus with a DynamoDB client and a path-style S3 client. */
export interface DynamoDbAndS3 {
  readonly nimbus: TestNimbus;
  readonly ddb: DynamoDBClient;
  readonly s3: S3Client;
}

function clientsOf(nimbus: TestNimbus): DynamoDbAndS3 {
  return { nimbus, ddb: new DynamoDBClient(nimbus.clientConfig()), s3: new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true }) };
}

function destroyClients(c: DynamoDbAndS3): void {
  c.ddb.destroy();
  c.s3.destroy();
}

/** For a suite that moves data between DynamoDB and S3: `ready` gets the clients before its tests, which are closed after them. */
export function dynamoDbAndS3Suite(ready: (clients: DynamoDbAndS3) => void, options: Parameters<typeof startTestNimbus>[0] = {}): void {
  let clients: DynamoDbAndS3 | undefined;
  before(async () => {
    clients = clientsOf(await startTestNimbus(options));
    ready(clients);
  });
  after(async () => {
    if (clients === undefined) return;
    destroyClients(clients);
    await clients.nimbus.close();
  });
}

/**
 * Runs `first` against a Nimbus that keeps its data, stops it, and runs `second` against a new
 * one on the same data directory (jobs running when the first stopped are to resume).
 */
export function acrossRestart<T>(first: (c: DynamoDbAndS3) => Promise<T>, second: (c: DynamoDbAndS3, state: T) => Promise<void>): Promise<void> {
  return restartOnDataDir(clientsOf, destroyClients, first, second);
}

/**
 * For a suite that talks to DynamoDB in several regions (global tables): a started Nimbus and
 * one client per region, made on first use and closed with the server after the suite's tests.
 * `maxAttempts` 1 shows refusals without the SDK's retries.
 */
export function regionalDynamoSuite(options: { maxAttempts?: number } = {}): { nimbus: () => TestNimbus; ddb: (region: string) => DynamoDBClient } {
  let nimbus: TestNimbus | undefined;
  const clients = new Map<string, DynamoDBClient>();
  const started = (): TestNimbus => {
    if (nimbus === undefined) throw new Error("the suite's Nimbus is not started yet");
    return nimbus;
  };
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(async () => {
    for (const c of clients.values()) c.destroy();
    await nimbus?.close();
  });
  const ddb = (region: string): DynamoDBClient => {
    let c = clients.get(region);
    if (c === undefined) {
      c = new DynamoDBClient({ ...started().clientConfig({ region }), ...options });
      clients.set(region, c);
    }
    return c;
  };
  return { nimbus: started, ddb };
}
