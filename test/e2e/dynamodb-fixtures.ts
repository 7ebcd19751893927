/** Tables more than one DynamoDB test file creates. */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

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
