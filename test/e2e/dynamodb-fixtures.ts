/** Tables more than one DynamoDB test file creates. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { DynamoDBClient, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { startTestNimbus, type TestNimbus } from "./harness.js";

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

async function openClients(options?: Parameters<typeof startTestNimbus>[0]): Promise<DynamoDbAndS3> {
  const nimbus = await startTestNimbus(options);
  return { nimbus, ddb: new DynamoDBClient(nimbus.clientConfig()), s3: new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true }) };
}

async function closeClients(c: DynamoDbAndS3): Promise<void> {
  c.ddb.destroy();
  c.s3.destroy();
  await c.nimbus.close();
}

/** For a suite that moves data between DynamoDB and S3: `ready` gets the clients before its tests, which are closed after them. */
export function dynamoDbAndS3Suite(ready: (clients: DynamoDbAndS3) => void): void {
  let clients: DynamoDbAndS3 | undefined;
  before(async () => {
    clients = await openClients();
    ready(clients);
  });
  after(async () => {
    if (clients !== undefined) await closeClients(clients);
  });
}

/**
 * Runs `first` against a Nimbus that keeps its data, stops it, and runs `second` against a new
 * one on the same data directory (jobs running when the first stopped are to resume).
 */
export async function acrossRestart<T>(first: (c: DynamoDbAndS3) => Promise<T>, second: (c: DynamoDbAndS3, state: T) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-ddb-restart-"));
  try {
    const one = await openClients({ inMemory: false, dataDir });
    let state: T;
    try {
      state = await first(one);
    } finally {
      await closeClients(one);
    }
    const two = await openClients({ inMemory: false, dataDir });
    try {
      await second(two, state);
    } finally {
      await closeClients(two);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
