import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateTableCommand,
  DeleteResourcePolicyCommand,
  DeleteTableCommand,
  DescribeContributorInsightsCommand,
  DescribeKinesisStreamingDestinationCommand,
  DescribeTableCommand,
  DisableKinesisStreamingDestinationCommand,
  DynamoDBClient,
  EnableKinesisStreamingDestinationCommand,
  GetResourcePolicyCommand,
  ListContributorInsightsCommand,
  PutResourcePolicyCommand,
  UpdateContributorInsightsCommand,
  UpdateKinesisStreamingDestinationCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { AwsError } from "../../src/core/errors.js";
import type { ServiceDefinition } from "../../src/core/service.js";
import { indexedTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const INVALID = "One or more parameter values were invalid: ";

function tableArn(name: string): string {
  return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
}

/** A Nimbus and a DynamoDB client for one suite, started before its tests and closed after them. */
function suite(options: Parameters<typeof startTestNimbus>[0] = {}): { nimbus: TestNimbus; ddb: DynamoDBClient } {
  const env = {} as { nimbus: TestNimbus; ddb: DynamoDBClient };
  before(async () => {
    env.nimbus = await startTestNimbus(options);
    env.ddb = new DynamoDBClient(env.nimbus.clientConfig());
  });
  after(async () => {
    env.ddb.destroy();
    await env.nimbus.close();
  });
  return env;
}

function grant(resource: string, action: string | string[] = "dynamodb:GetItem", extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "Read", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: action, Resource: resource, ...extra }],
  });
}

/** Asserts the call fails with this error name, HTTP status and exact message. */
async function fails(call: Promise<unknown>, name: string, message: string, status = 400): Promise<void> {
  const err = await failure(call);
  assert.equal(err.name, name, err.message);
  assert.equal(err.$metadata.httpStatusCode, status);
  assert.equal(err.message, message);
}

describe("DynamoDB resource-based policies", () => {
  const env = suite();

  test("Put, Get, Delete on a table: canonical document, RevisionIds, idempotent re-Put", async () => {
    const name = uniqueName("pol");
    const arn = tableArn(name);
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", `Resource-based policy not found for the provided ResourceArn: ${arn}`);

    const pretty = JSON.stringify(JSON.parse(grant(arn, ["dynamodb:GetItem"])), null, 2);
    const put = await env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: pretty }));
    const first = String(env.nimbus.manualClock.now());
    assert.equal(put.RevisionId, first, "a RevisionId is the epoch ms of the change");
    const got = await env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
    assert.equal(got.RevisionId, first);
    assert.equal(
      got.Policy,
      `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"dynamodb:GetItem","Resource":"${arn}"}]}`,
    );

    // The same policy in another spelling (minified, string Action, account id) is a no-op.
    env.nimbus.manualClock.advance(1000);
    const again = await env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn, "dynamodb:GetItem", { Principal: { AWS: "111122223333" } }) }));
    assert.equal(again.RevisionId, first);

    const changed = await env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn, "dynamodb:Query"), ExpectedRevisionId: first }));
    const second = String(env.nimbus.manualClock.now());
    assert.equal(changed.RevisionId, second);
    assert.ok(Number(second) > Number(first));

    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn, "dynamodb:Scan"), ExpectedRevisionId: first })),
      "PolicyNotFoundException",
      `Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id ${first}, but the policy associated to target table ${name} has revision id ${second}.`,
    );
    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn, "dynamodb:Scan"), ExpectedRevisionId: "NO_POLICY" })),
      "PolicyNotFoundException",
      `Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none to be present for table ${name}, but a policy exists with revision id ${second}.`,
    );
    await fails(
      env.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: "unknown" })),
      "PolicyNotFoundException",
      `Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id unknown, but the policy associated to target table ${name} has revision id ${second}.`,
    );
    assert.equal((await env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }))).RevisionId, second, "refused changes leave the policy alone");

    env.nimbus.manualClock.advance(1000);
    const deleted = await env.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: second }));
    assert.equal(deleted.RevisionId, second, "Delete answers the removed policy's RevisionId");
    await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", `Resource-based policy not found for the provided ResourceArn: ${arn}`);
    // Deleting again succeeds and answers the deletion's own RevisionId.
    const tombstone = String(env.nimbus.manualClock.now());
    assert.equal((await env.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }))).RevisionId, tombstone);

    const fresh = await env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn), ExpectedRevisionId: "NO_POLICY" }));
    assert.ok(Number(fresh.RevisionId) > Number(tombstone));
  });

  test("a table that never had a policy: Delete is an empty 200, ExpectedRevisionId has nothing to match", async () => {
    const name = uniqueName("pol");
    const arn = tableArn(name);
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    const out = await env.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(out.RevisionId, undefined);
    // One call at a time: a rejection nobody awaits yet fails the test run.
    for (const call of [
      () => env.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: "123456789" })),
      () => env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn), ExpectedRevisionId: "123456789" })),
    ]) {
      await fails(
        call(),
        "PolicyNotFoundException",
        `Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id 123456789, but table ${name} has no associated policy.`,
      );
    }
  });

  test("a stream has its own policy slot; indexes have none", async () => {
    const name = uniqueName("pol");
    const arn = tableArn(name);
    const created = await env.ddb.send(new CreateTableCommand(indexedTable(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })));
    const streamArn = created.TableDescription?.LatestStreamArn ?? "";
    const streamPolicy = grant(streamArn, ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]);
    const put = await env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: streamArn, Policy: streamPolicy }));
    assert.equal((await env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: streamArn }))).RevisionId, put.RevisionId);
    await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", `Resource-based policy not found for the provided ResourceArn: ${arn}`);
    await env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn) }));

    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: streamArn, Policy: grant(streamArn, "dynamodb:PutItem") })),
      "ValidationException",
      `${INVALID}Invalid policy document: The following action names are invalid: "dynamodb:PutItem"`,
    );
    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn, ["dynamodb:GetRecords", "dynamodb:DescribeStream"]) })),
      "ValidationException",
      `${INVALID}Invalid policy document: The following action names are invalid: "dynamodb:GetRecords", "dynamodb:DescribeStream"`,
    );
    await fails(
      env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: `${arn}/stream/2000-01-01T00:00:00.000` })),
      "ResourceNotFoundException",
      `Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: ${name}`,
    );
    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: `${arn}/index/byG`, Policy: grant(arn) })),
      "ValidationException",
      `${INVALID}Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}/index/byG`,
    );

    // The table's policy and its stream's go with the table.
    await env.ddb.send(new DeleteTableCommand({ TableName: name }));
    await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "ResourceNotFoundException", `Requested resource not found: Table: ${name} not found`);
    await fails(env.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn })), "ResourceNotFoundException", `Requested resource not found: Table: ${name} not found`);
    await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: streamArn })), "PolicyNotFoundException", `Resource-based policy not found for the provided ResourceArn: ${streamArn}`);
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", `Resource-based policy not found for the provided ResourceArn: ${arn}`);
  });

  test("ResourceArn forms DynamoDB refuses", async () => {
    const name = uniqueName("pol");
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    const cases: [string, string, string][] = [
      [name, "ValidationException", `${INVALID}ARNs must start with 'arn:': ${name}`],
      [`arn:aws:dynamodb:${REGION}:111122223333:table/${name}`, "ValidationException", "This action is only supported by accounts that match the resource owner’s account."],
      [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${name}`, "ValidationException", `${INVALID}Invalid resource Arn: arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${name}`],
      [`arn:aws-cn:dynamodb:${REGION}:${ACCOUNT}:table/${name}`, "ValidationException", `${INVALID}Invalid resource Arn: arn:aws-cn:dynamodb:${REGION}:${ACCOUNT}:table/${name}`],
      [`${tableArn(name)}/backup/01768478400000-abcdef12`, "ValidationException", `${INVALID}Provided Arn is not a DynamoDB resource arn: ${tableArn(name)}/backup/01768478400000-abcdef12`],
      [tableArn(name.toUpperCase()), "ResourceNotFoundException", `Requested resource not found: Table: ${name.toUpperCase()} not found`],
    ];
    for (const [resourceArn, error, message] of cases) {
      await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: resourceArn })), error, message);
      await fails(env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: resourceArn, Policy: grant(tableArn(name)) })), error, message);
      await fails(env.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: resourceArn })), error, message);
    }
  });

  test("policy documents DynamoDB refuses", async () => {
    const name = uniqueName("pol");
    const arn = tableArn(name);
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    const base = grant(arn);
    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: base.replace("{", `{${" ".repeat(20_481 - base.length)}`) })),
      "ValidationException",
      `${INVALID}Maximum policy size of 20480 bytes exceeded`,
    );
    await fails(env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: "{not json" })), "ValidationException", `${INVALID}Invalid policy document: This policy contains invalid Json`);
    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "dynamodb:GetItem" }] }) })),
      "ValidationException",
      `${INVALID}Invalid policy document: Missing required field Resource`,
    );
    await fails(
      env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: grant(arn, "dynamodb:GetItem", { Principal: "*" }) })),
      "ValidationException",
      "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access",
    );
    await fails(env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), "PolicyNotFoundException", `Resource-based policy not found for the provided ResourceArn: ${arn}`);
  });

  test("a policy that would lock the caller out needs ConfirmRemoveSelfResourceAccess", async () => {
    const name = uniqueName("pol");
    const arn = tableArn(name);
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    const lockout = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Principal: "*", Action: ["dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy"], Resource: arn }],
    });
    const message = "The new resource policy will not allow you to update the resource policy in the future.";
    await fails(env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: lockout })), "AccessDeniedException", message);
    await fails(env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: lockout, ConfirmRemoveSelfResourceAccess: false })), "AccessDeniedException", message);
    const out = await env.ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: lockout, ConfirmRemoveSelfResourceAccess: true }));
    assert.equal((await env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }))).RevisionId, out.RevisionId);
  });

  test("CreateTable's ResourcePolicy is attached with the table, or refuses the table", async () => {
    const name = uniqueName("pol");
    const arn = tableArn(name);
    await env.ddb.send(new CreateTableCommand(indexedTable(name, { ResourcePolicy: grant(arn) })));
    const got = await env.ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
    assert.equal(got.RevisionId, String(env.nimbus.manualClock.now()));
    assert.equal((JSON.parse(got.Policy ?? "{}") as { Statement: { Action: string }[] }).Statement[0]?.Action, "dynamodb:GetItem");

    const refused = uniqueName("pol");
    await fails(
      env.ddb.send(new CreateTableCommand(indexedTable(refused, { ResourcePolicy: "{not json" }))),
      "ValidationException",
      `${INVALID}Invalid policy document: This policy contains invalid Json`,
    );
    await fails(env.ddb.send(new DescribeTableCommand({ TableName: refused })), "ResourceNotFoundException", `Requested resource not found: Table: ${refused} not found`);
  });
});

describe("DynamoDB Contributor Insights", () => {
  const env = suite();

  test("a table: DISABLED, ENABLING to ENABLED with DynamoDB's rule names, mode changes, DISABLING to DISABLED", async () => {
    const name = uniqueName("ci");
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    const fresh = await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name }));
    assert.equal(fresh.ContributorInsightsStatus, "DISABLED");
    assert.equal(fresh.TableName, name);
    assert.equal(fresh.ContributorInsightsRuleList, undefined);
    assert.equal(fresh.LastUpdateDateTime, undefined);
    assert.equal(fresh.ContributorInsightsMode, undefined);

    const enabled = await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "ENABLE" }));
    assert.equal(enabled.ContributorInsightsStatus, "ENABLING");
    assert.equal(enabled.ContributorInsightsMode, "ACCESSED_AND_THROTTLED_KEYS");
    assert.equal(enabled.IndexName, undefined);
    const at = env.nimbus.manualClock.now();
    const described = await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: tableArn(name) }));
    assert.equal(described.ContributorInsightsStatus, "ENABLED");
    assert.deepEqual(described.ContributorInsightsRuleList, [
      `DynamoDBContributorInsights-PKC-${name}-${at}`,
      `DynamoDBContributorInsights-SKC-${name}-${at}`,
      `DynamoDBContributorInsights-PKT-${name}-${at}`,
      `DynamoDBContributorInsights-SKT-${name}-${at}`,
    ]);
    assert.equal(described.LastUpdateDateTime?.getTime(), at);

    // A mode change re-enables under the same rules; ENABLE without a mode goes back to the default.
    env.nimbus.manualClock.advance(5000);
    const throttled = await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "ENABLE", ContributorInsightsMode: "THROTTLED_KEYS" }));
    assert.equal(throttled.ContributorInsightsStatus, "ENABLING");
    const narrowed = await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name }));
    assert.deepEqual(narrowed.ContributorInsightsRuleList, [`DynamoDBContributorInsights-PKT-${name}-${at}`, `DynamoDBContributorInsights-SKT-${name}-${at}`]);
    assert.equal(narrowed.ContributorInsightsMode, "THROTTLED_KEYS");
    assert.equal(narrowed.LastUpdateDateTime?.getTime(), at + 5000);
    const same = await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "ENABLE", ContributorInsightsMode: "THROTTLED_KEYS" }));
    assert.equal(same.ContributorInsightsStatus, "ENABLED", "enabling again in the same mode changes nothing");
    const back = await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "ENABLE" }));
    assert.equal(back.ContributorInsightsMode, "ACCESSED_AND_THROTTLED_KEYS");

    const disabled = await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "DISABLE", ContributorInsightsMode: "THROTTLED_KEYS" }));
    assert.equal(disabled.ContributorInsightsStatus, "DISABLING");
    assert.equal(disabled.ContributorInsightsMode, "ACCESSED_AND_THROTTLED_KEYS", "DISABLE answers the mode in force");
    const off = await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name }));
    assert.equal(off.ContributorInsightsStatus, "DISABLED");
    assert.equal(off.ContributorInsightsRuleList, undefined);
    assert.equal(off.ContributorInsightsMode, "ACCESSED_AND_THROTTLED_KEYS");
    assert.equal(off.LastUpdateDateTime?.getTime(), env.nimbus.manualClock.now());

    // Enabled afresh, the rules are new ones.
    env.nimbus.manualClock.advance(1000);
    await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "ENABLE" }));
    const renewed = await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name }));
    assert.equal(renewed.ContributorInsightsRuleList?.[0], `DynamoDBContributorInsights-PKC-${name}-${env.nimbus.manualClock.now()}`);
  });

  test("a global secondary index: its own status and rules; LSIs and unknown indexes are not found", async () => {
    const name = uniqueName("ci");
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    const neverOn = await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, IndexName: "byG", ContributorInsightsAction: "DISABLE" }));
    assert.equal(neverOn.ContributorInsightsStatus, "DISABLED");
    assert.equal(neverOn.IndexName, "byG");

    const on = await env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, IndexName: "byG", ContributorInsightsAction: "ENABLE" }));
    assert.equal(on.ContributorInsightsStatus, "ENABLING");
    const at = env.nimbus.manualClock.now();
    const index = await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name, IndexName: "byG" }));
    assert.equal(index.IndexName, "byG");
    assert.equal(index.ContributorInsightsStatus, "ENABLED");
    // The index has a partition key only.
    assert.deepEqual(index.ContributorInsightsRuleList, [`DynamoDBContributorInsights-PKC-${name}-byG-${at}`, `DynamoDBContributorInsights-PKT-${name}-byG-${at}`]);
    assert.equal((await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name }))).ContributorInsightsStatus, "DISABLED", "the table is apart from its index");

    for (const indexName of ["byL", "nope"]) {
      const message = `Requested resource not found: Index: ${indexName} not found for table: ${name}`;
      await fails(env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, IndexName: indexName, ContributorInsightsAction: "ENABLE" })), "ResourceNotFoundException", message);
      await fails(env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name, IndexName: indexName })), "ResourceNotFoundException", message);
    }

    // Deleting the index deletes its insights; an index made again under the name starts without.
    await env.ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }] }));
    await env.ddb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
      }),
    );
    const recreated = await env.ddb.send(new DescribeContributorInsightsCommand({ TableName: name, IndexName: "byG" }));
    assert.equal(recreated.ContributorInsightsStatus, "DISABLED");
    assert.equal(recreated.ContributorInsightsMode, undefined);
  });

  test("errors: missing table, bad action or mode", async () => {
    const missing = uniqueName("ci");
    const message = `Requested resource not found: Table: ${missing} not found`;
    await fails(env.ddb.send(new DescribeContributorInsightsCommand({ TableName: missing })), "ResourceNotFoundException", message);
    await fails(env.ddb.send(new UpdateContributorInsightsCommand({ TableName: missing, ContributorInsightsAction: "ENABLE" })), "ResourceNotFoundException", message);
    await fails(env.ddb.send(new ListContributorInsightsCommand({ TableName: missing })), "ResourceNotFoundException", message);
    const name = uniqueName("ci");
    await env.ddb.send(new CreateTableCommand(indexedTable(name)));
    await fails(
      env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "START" as "ENABLE" })),
      "ValidationException",
      "1 validation error detected: Value 'START' at 'contributorInsightsAction' failed to satisfy constraint: Member must satisfy enum value set: [ENABLE, DISABLE]",
    );
    await fails(
      env.ddb.send(new UpdateContributorInsightsCommand({ TableName: name, ContributorInsightsAction: "ENABLE", ContributorInsightsMode: "ALL" as "THROTTLED_KEYS" })),
      "ValidationException",
      "1 validation error detected: Value 'ALL' at 'contributorInsightsMode' failed to satisfy constraint: Member must satisfy enum value set: [ACCESSED_AND_THROTTLED_KEYS, THROTTLED_KEYS]",
    );
  });

  test("ListContributorInsights lists what is on, table before its indexes, page by page", async () => {
    // An account of its own, so the account-wide list holds only this test's tables.
    const own = new DynamoDBClient(env.nimbus.clientConfig({ accessKeyId: "444455556666" }));
    const [a, b, c] = [uniqueName("ci-a"), uniqueName("ci-b"), uniqueName("ci-c")].sort();
    for (const name of [a, b, c]) await own.send(new CreateTableCommand(indexedTable(name as string)));
    assert.deepEqual((await own.send(new ListContributorInsightsCommand({ TableName: a }))).ContributorInsightsSummaries, [], "never configured: not listed");
    await own.send(new UpdateContributorInsightsCommand({ TableName: a, ContributorInsightsAction: "ENABLE" }));
    await own.send(new UpdateContributorInsightsCommand({ TableName: a, IndexName: "byG", ContributorInsightsAction: "ENABLE", ContributorInsightsMode: "THROTTLED_KEYS" }));
    await own.send(new UpdateContributorInsightsCommand({ TableName: b, ContributorInsightsAction: "ENABLE" }));
    await own.send(new UpdateContributorInsightsCommand({ TableName: b, ContributorInsightsAction: "DISABLE" }));
    await own.send(new UpdateContributorInsightsCommand({ TableName: c, IndexName: "byG", ContributorInsightsAction: "ENABLE" }));

    const first = await own.send(new ListContributorInsightsCommand({ TableName: a, MaxResults: 1 }));
    assert.deepEqual(first.ContributorInsightsSummaries, [{ TableName: a, ContributorInsightsStatus: "ENABLED", ContributorInsightsMode: "ACCESSED_AND_THROTTLED_KEYS" }]);
    assert.ok(first.NextToken);
    const second = await own.send(new ListContributorInsightsCommand({ TableName: a, MaxResults: 1, NextToken: first.NextToken }));
    assert.deepEqual(second.ContributorInsightsSummaries, [{ TableName: a, IndexName: "byG", ContributorInsightsStatus: "ENABLED", ContributorInsightsMode: "THROTTLED_KEYS" }]);
    assert.equal(second.NextToken, undefined, "the last page has no NextToken");
    await fails(own.send(new ListContributorInsightsCommand({ TableName: a, NextToken: "garbage" })), "ValidationException", "Invalid NextToken");

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await own.send(new ListContributorInsightsCommand({ MaxResults: 2, ...(token ? { NextToken: token } : {}) }));
      pages.push((page.ContributorInsightsSummaries ?? []).map((s) => `${s.TableName}/${s.IndexName ?? ""}`));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(pages, [[`${a}/`, `${a}/byG`], [`${c}/byG`]], "DISABLED entries are left out");
    const defaults = await own.send(new ListContributorInsightsCommand({}));
    assert.equal(defaults.ContributorInsightsSummaries?.length, 3);
    assert.equal(defaults.NextToken, undefined);

    await fails(
      own.send(new ListContributorInsightsCommand({ MaxResults: 101 })),
      "ValidationException",
      "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    own.destroy();
  });
});

describe("DynamoDB Kinesis streaming destinations", () => {
  const STREAM = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/orders`;
  const OTHER_STREAM = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/audit`;
  const NO_PERMISSION = "User does not have a permission to use kinesis stream";
  const ENABLE_STATE = "Table is not in a valid state to enable Kinesis Streaming Destination: EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to perform ENABLE operation.";
  const DISABLE_STATE = "Table is not in a valid state to enable Kinesis Streaming Destination: KinesisStreamingDestination must be ACTIVE to perform DISABLE operation.";

  describe("without a Kinesis service", () => {
    const env = suite();

    test("Enable is accepted (ENABLING) and the destination fails as DynamoDB fails a stream it cannot use", async () => {
      const name = uniqueName("kds");
      await env.ddb.send(new CreateTableCommand(indexedTable(name)));
      const none = await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }));
      assert.equal(none.TableName, name);
      assert.deepEqual(none.KinesisDataStreamDestinations, []);

      const out = await env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.DestinationStatus, "ENABLING");
      assert.equal(out.StreamArn, STREAM);
      assert.equal(out.TableName, name);
      assert.deepEqual(out.EnableKinesisStreamingConfiguration, {});
      const failed = await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }));
      assert.deepEqual(failed.KinesisDataStreamDestinations, [{ StreamArn: STREAM, DestinationStatus: "ENABLE_FAILED", DestinationStatusDescription: NO_PERMISSION }]);

      // A failed entry takes a new Enable (it flips, not doubles); another stream goes first.
      await env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM }));
      await env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: OTHER_STREAM }));
      const both = await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }));
      assert.deepEqual(
        both.KinesisDataStreamDestinations?.map((d) => `${d.StreamArn}=${d.DestinationStatus}`),
        [`${OTHER_STREAM}=ENABLE_FAILED`, `${STREAM}=ENABLE_FAILED`],
      );
      // A stream in another region fails with its own description.
      const elsewhere = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/orders`;
      await env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: elsewhere }));
      const regional = (await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }))).KinesisDataStreamDestinations?.[0];
      assert.equal(regional?.DestinationStatusDescription, "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in the current region");

      await fails(env.ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM })), "ValidationException", DISABLE_STATE);
      await fails(
        env.ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "MICROSECOND" } })),
        "ValidationException",
        `Table is not in a valid state to enable Kinesis Streaming Destination: Kinesis streaming is not in ACTIVE state. Updates are only allowed in ACTIVE state. TableName: ${name}, kdsArn: ${STREAM}`,
      );
    });

    test("errors: missing table, unknown destination, missing or bad configuration", async () => {
      const missing = uniqueName("kds");
      const message = `Requested resource not found: Table: ${missing} not found`;
      await fails(env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: missing })), "ResourceNotFoundException", message);
      await fails(env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: missing, StreamArn: STREAM })), "ResourceNotFoundException", message);
      await fails(env.ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: missing, StreamArn: STREAM })), "ResourceNotFoundException", message);
      await fails(
        env.ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: missing, StreamArn: STREAM, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "MICROSECOND" } })),
        "ResourceNotFoundException",
        message,
      );

      const name = uniqueName("kds");
      await env.ddb.send(new CreateTableCommand(indexedTable(name)));
      await fails(env.ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM })), "ValidationException", DISABLE_STATE);
      await fails(
        env.ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "MICROSECOND" } })),
        "ValidationException",
        `Table is not in a valid state to enable Kinesis Streaming Destination: No streaming destination with streamArn: ${STREAM} found for table with tableName: ${name}`,
      );
      await fails(
        env.ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM })),
        "ValidationException",
        "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration cannot be null or contain only null values",
      );
      await fails(
        env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM, EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "SECOND" as "MILLISECOND" } })),
        "ValidationException",
        "1 validation error detected: Value 'SECOND' at 'enableKinesisStreamingConfiguration.approximateCreationDateTimePrecision' failed to satisfy constraint: Member must satisfy enum value set: [MILLISECOND, MICROSECOND]",
      );
    });
  });

  describe("with a Kinesis service registered", () => {
    const asked: string[] = [];
    // A stand-in Kinesis that knows two ACTIVE streams, as DescribeStreamSummary tells them.
    const kinesis: ServiceDefinition = {
      handlers: {
        DescribeStreamSummary: (input: { StreamARN?: string }) => {
          asked.push(input.StreamARN ?? "");
          const name = /stream\/(.+)$/.exec(input.StreamARN ?? "")?.[1] ?? "";
          if (input.StreamARN !== STREAM && input.StreamARN !== OTHER_STREAM) {
            throw new AwsError("ResourceNotFoundException", `Stream ${name} under account ${ACCOUNT} not found.`, 400);
          }
          return { StreamDescriptionSummary: { StreamName: name, StreamARN: input.StreamARN, StreamStatus: "ACTIVE" } };
        },
      } as unknown as ServiceDefinition["handlers"],
    };
    const env = suite({ services: { kinesis } });

    test("ENABLING to ACTIVE, one live destination, precision updates, DISABLING to DISABLED", async () => {
      const name = uniqueName("kds");
      await env.ddb.send(new CreateTableCommand(indexedTable(name)));
      const tableId = (await env.ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableId ?? "";
      const enabled = await env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM }));
      assert.equal(enabled.DestinationStatus, "ENABLING");
      assert.deepEqual(asked, [STREAM], "DynamoDB asked Kinesis about the stream");
      // Active, and without a precision until one is set (MILLISECOND is the default).
      assert.deepEqual((await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }))).KinesisDataStreamDestinations, [
        { StreamArn: STREAM, DestinationStatus: "ACTIVE" },
      ]);

      await fails(env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM })), "ValidationException", ENABLE_STATE);
      await fails(env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: OTHER_STREAM })), "ValidationException", ENABLE_STATE);
      await fails(
        env.ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "MILLISECOND" } })),
        "ValidationException",
        `Invalid Request: Precision is already set to the desired value of MILLISECOND for tableId: ${tableId}, kdsArn: ${STREAM}`,
      );
      const updated = await env.ddb.send(
        new UpdateKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "MICROSECOND" } }),
      );
      assert.equal(updated.DestinationStatus, "UPDATING");
      assert.deepEqual(updated.UpdateKinesisStreamingConfiguration, { ApproximateCreationDateTimePrecision: "MICROSECOND" });
      assert.deepEqual((await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }))).KinesisDataStreamDestinations, [
        { StreamArn: STREAM, DestinationStatus: "ACTIVE", ApproximateCreationDateTimePrecision: "MICROSECOND" },
      ]);

      const disabled = await env.ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: STREAM }));
      assert.equal(disabled.DestinationStatus, "DISABLING");
      assert.deepEqual((await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }))).KinesisDataStreamDestinations, [
        { StreamArn: STREAM, DestinationStatus: "DISABLED" },
      ]);

      // Another stream may now be enabled, with its precision; a missing stream fails.
      const again = await env.ddb.send(
        new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: OTHER_STREAM, EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "MICROSECOND" } }),
      );
      assert.deepEqual(again.EnableKinesisStreamingConfiguration, { ApproximateCreationDateTimePrecision: "MICROSECOND" });
      assert.deepEqual((await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }))).KinesisDataStreamDestinations, [
        { StreamArn: OTHER_STREAM, DestinationStatus: "ACTIVE", ApproximateCreationDateTimePrecision: "MICROSECOND" },
        { StreamArn: STREAM, DestinationStatus: "DISABLED" },
      ]);
      await env.ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: OTHER_STREAM }));
      const gone = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/gone`;
      await env.ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: name, StreamArn: gone }));
      const first = (await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }))).KinesisDataStreamDestinations?.[0];
      assert.deepEqual(first, { StreamArn: gone, DestinationStatus: "ENABLE_FAILED", DestinationStatusDescription: NO_PERMISSION });

      // The destinations go with the table.
      await env.ddb.send(new DeleteTableCommand({ TableName: name }));
      await env.ddb.send(new CreateTableCommand(indexedTable(name)));
      assert.deepEqual((await env.ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: name }))).KinesisDataStreamDestinations, []);
    });
  });
});
