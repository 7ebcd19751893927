/**
 * Random input for every operation of every service Nimbus implements, built from the
 * operations' own input shapes: wrong types, empty and long strings, odd characters, huge
 * numbers, deep structures, names of resources that exist and of ones that don't. Whatever
 * comes in, the answer is an AWS error or a success, never a 5xx other than 501
 * NotImplemented, and the data already stored is still there afterwards.
 *
 * The aws-sdk v2 clients (already a dependency: Nimbus's models come from them) send the
 * requests because they can switch off client-side validation and serialize anything in every
 * protocol. The generator is seeded, so a failure reproduces.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import AWS from "aws-sdk";
import { ENFORCE_ALL, startTestNimbus, TEST_SECRET_ACCESS_KEY, type TestNimbus } from "./harness.js";

interface Shape {
  type?: string;
  members?: Record<string, Shape>;
  required?: string[];
  member?: Shape;
  value?: Shape;
  enum?: string[];
}

/** A linear congruential generator: the same seed, the same requests. */
function generator(seed: number) {
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick };
}

const STRINGS = ["", "a", "x".repeat(300), "ü\u0000😀", "-1", "1e400", "NaN", "true", "null", "{}", "[", "<a>&", "%", "../..", "#n", ":v", "a = :v", "SET #a = :v", "attribute_exists(a)"];

// The second run drives the signature and policy checks with every shape of input: the v2
// clients sign with the root secret ENFORCE_ALL names.
for (const enforced of [false, true]) describe(`random input for every operation${enforced ? ", signatures and policies enforced" : ""}`, () => {
  let nimbus: TestNimbus;
  const rand = generator(20261128);
  const serverErrors: string[] = [];
  let known: Record<string, string[]>;

  function value(shape: Shape | undefined, name: string | undefined, depth: number): unknown {
    if (!shape) return undefined;
    // Resource names that exist most of the time, so the operation gets past "not found".
    if (name !== undefined && known[name] && (name === "QueueUrl" || rand.next() < 0.7)) return rand.pick(known[name]);
    switch (shape.type) {
      case "structure": {
        const out: Record<string, unknown> = {};
        for (const [member, memberShape] of Object.entries(shape.members ?? {})) {
          if (depth < 6 && rand.next() < (shape.required?.includes(member) ? 0.9 : 0.35)) out[member] = value(memberShape, member, depth + 1);
        }
        return out;
      }
      case "list":
        return depth > 5 ? [] : Array.from({ length: rand.pick([0, 1, 2, 3, 30]) }, () => value(shape.member, undefined, depth + 1));
      case "map": {
        const out: Record<string, unknown> = {};
        for (let i = rand.pick([0, 1, 2]); i > 0; i--) out[rand.pick(["a", "#n", ":v", "", "pk", "x".repeat(70)])] = value(shape.value, undefined, depth + 1);
        return out;
      }
      case "string":
        return shape.enum && rand.next() < 0.7 ? rand.pick(shape.enum) : rand.pick(STRINGS);
      case "integer":
      case "long":
        return rand.pick([0, 1, -1, 10, 2147483647, 2 ** 53, 99999999999]);
      case "float":
      case "double":
        return rand.pick([0, 1.5, -1e300, 1e-300]);
      case "boolean":
        return rand.next() < 0.5;
      case "blob":
        return Buffer.from(rand.pick(["", "abc", "\u00ff\u0000"]));
      case "timestamp":
        return new Date(rand.pick([0, 1e12, 1.7e12, 4e12, -1]));
      default:
        return undefined;
    }
  }

  // The v2 clients' own request machinery, typed loosely: every operation by name.
  type AnyClient = AWS.Service & { api: { operations: Record<string, { input?: Shape }> } };

  function client(id: string): AnyClient {
    const config = {
      endpoint: nimbus.url,
      region: "us-east-1",
      credentials: new AWS.Credentials("AKIAIOSFODNN7EXAMPLE", TEST_SECRET_ACCESS_KEY),
      paramValidation: false,
      maxRetries: 0,
      s3ForcePathStyle: true,
    };
    const constructors: Record<string, new (c: typeof config) => AWS.Service> = {
      s3: AWS.S3,
      dynamodb: AWS.DynamoDB,
      dynamodbstreams: AWS.DynamoDBStreams,
      sqs: AWS.SQS,
      sns: AWS.SNS,
      lambda: AWS.Lambda,
      logs: AWS.CloudWatchLogs,
      sts: AWS.STS,
    };
    const Constructor = constructors[id];
    assert.ok(Constructor, id);
    return new Constructor(config) as AnyClient;
  }

  const call = (c: AWS.Service, operation: string, params: unknown) => c.makeRequest(operation, params as Record<string, unknown>).promise();

  before(async () => {
    nimbus = await startTestNimbus(enforced ? { startTime: Date.now(), auth: ENFORCE_ALL } : {});
    const queue = `${nimbus.url}/000000000000/fuzz`;
    known = {
      QueueUrl: [queue, `${nimbus.url}/000000000000/fuzz.fifo`, `${nimbus.url}/000000000000/missing`, `${nimbus.url}/x`, `${nimbus.url}/`],
      QueueName: ["fuzz", "fuzz.fifo"],
      TableName: ["fuzz", "missing"],
      Bucket: ["fuzz-bucket"],
      Key: ["k", "a/b", "ü ?#%"],
      TopicArn: ["arn:aws:sns:us-east-1:000000000000:fuzz"],
      FunctionName: ["fuzz", "missing"],
      logGroupName: ["fuzz"],
    };
    await call(client("dynamodb"), "createTable", {
      TableName: "fuzz",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      DeletionProtectionEnabled: true,
    });
    await call(client("dynamodb"), "putItem", { TableName: "fuzz", Item: { pk: { S: "kept" }, n: { N: "1" } } });
    await call(client("sqs"), "createQueue", { QueueName: "fuzz" });
    await call(client("sqs"), "createQueue", { QueueName: "fuzz.fifo", Attributes: { FifoQueue: "true" } });
    await call(client("sns"), "createTopic", { Name: "fuzz" });
    await call(client("s3"), "createBucket", { Bucket: "fuzz-bucket" });
    await call(client("s3"), "putObject", { Bucket: "fuzz-bucket", Key: "kept", Body: "hello" });
    await call(client("logs"), "createLogGroup", { logGroupName: "fuzz" });
  });
  after(() => nimbus.close());

  for (const id of ["dynamodb", "dynamodbstreams", "sqs", "sns", "s3", "lambda", "logs", "sts"]) {
    test(`${id}: every operation, four random inputs each, never a 5xx`, async () => {
      const c = client(id);
      let answered = 0;
      for (const [name, operation] of Object.entries(c.api.operations)) {
        for (let i = 0; i < 4; i++) {
          const params = value(operation.input, undefined, 0) ?? {};
          try {
            await call(c, name.charAt(0).toLowerCase() + name.slice(1), params);
            answered++;
          } catch (err) {
            const status = (err as { statusCode?: number }).statusCode;
            if (status !== undefined && status >= 500 && status !== 501) {
              serverErrors.push(`${id}.${name} ${status} ${(err as Error).name}: ${(err as Error).message} ${JSON.stringify(params).slice(0, 300)}`);
            }
          }
        }
      }
      assert.deepEqual(serverErrors, []);
      // Not everything was refused at the door: some random requests were valid enough to succeed.
      assert.ok(answered > 0, `${id}: no request succeeded`);
    });
  }

  test("what was stored before is still there", async () => {
    const item = (await call(client("dynamodb"), "getItem", { TableName: "fuzz", Key: { pk: { S: "kept" } } })) as AWS.DynamoDB.GetItemOutput;
    assert.equal(item.Item?.["pk"]?.S, "kept");
    const object = (await call(client("s3"), "getObject", { Bucket: "fuzz-bucket", Key: "kept" })) as AWS.S3.GetObjectOutput;
    assert.equal(String(object.Body), "hello");
  });
});
