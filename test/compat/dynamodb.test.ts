import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

describe("DynamoDB with the AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());

  test("aws dynamodb create-table, wait table-exists, put-item, query, conditional failure", async () => {
    const table = uniqueName("cli");
    const run = async (...args: string[]) => {
      const r = await aws(nimbus.url, ["dynamodb", ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout ? (JSON.parse(r.stdout) as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    await run(
      "create-table", "--table-name", table,
      "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
      "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
      "--billing-mode", "PAY_PER_REQUEST",
    );
    await run("wait", "table-exists", "--table-name", table);
    for (const sk of ["10", "2", "33"]) await run("put-item", "--table-name", table, "--item", JSON.stringify({ pk: { S: "a" }, sk: { N: sk }, v: { S: `v${sk}` } }));
    const q = await run("query", "--table-name", table, "--key-condition-expression", "pk = :p AND sk > :min", "--expression-attribute-values", JSON.stringify({ ":p": { S: "a" }, ":min": { N: "5" } }));
    assert.deepEqual(q["Items"].map((i: { sk: { N: string } }) => i.sk.N), ["10", "33"], "sorted numerically");
    const failed = await aws(nimbus.url, ["dynamodb", "put-item", "--table-name", table, "--item", JSON.stringify({ pk: { S: "a" }, sk: { N: "2" } }), "--condition-expression", "attribute_not_exists(pk)"]);
    assert.equal(failed.code, 254);
    assert.equal(failed.stderr.trim(), "An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: The conditional request failed");
  });

  test("boto3 Table resource: batch_writer, conditions, update with optimistic locking", async () => {
    const table = uniqueName("boto");
    const r = await boto3(
      nimbus.url,
      `
from boto3.dynamodb.conditions import Key, Attr
from decimal import Decimal
db = boto3.resource("dynamodb", endpoint_url=ENDPOINT)
t = db.create_table(TableName=${JSON.stringify(table)}, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
t.wait_until_exists()
with t.batch_writer() as w:
    for i in range(30):
        w.put_item(Item={"pk": "user", "sk": f"item#{i:02d}", "n": Decimal(i) / 10, "version": 1})
items = t.query(KeyConditionExpression=Key("pk").eq("user") & Key("sk").begins_with("item#1"), FilterExpression=Attr("n").gte(Decimal("1.5")))["Items"]
t.update_item(Key={"pk": "user", "sk": "item#00"}, UpdateExpression="SET version = version + :one", ConditionExpression=Attr("version").eq(1), ExpressionAttributeValues={":one": 1})
try:
    t.update_item(Key={"pk": "user", "sk": "item#00"}, UpdateExpression="SET version = version + :one", ConditionExpression=Attr("version").eq(1), ExpressionAttributeValues={":one": 1})
    lost = "not refused"
except db.meta.client.exceptions.ConditionalCheckFailedException as e:
    lost = e.response["Error"]["Code"]
print(json.dumps({"keys": [i["sk"] for i in items], "n": str(items[0]["n"]), "version": int(t.get_item(Key={"pk": "user", "sk": "item#00"})["Item"]["version"]), "lost": lost}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      keys: ["item#15", "item#16", "item#17", "item#18", "item#19"],
      n: "1.5",
      version: 2,
      lost: "ConditionalCheckFailedException",
    });
  });

  /** Runs `aws dynamodb ...`, asserts success and answers the parsed JSON ({} for no output). */
  // The CLI prints JSON of many shapes; the tests read it field by field.
  async function cli(...args: string[]): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await aws(nimbus.url, ["dynamodb", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout ? (JSON.parse(r.stdout) as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  /** Runs `aws dynamodb ...` that must fail; answers the CLI's error line. */
  async function cliError(...args: string[]): Promise<string> {
    const r = await aws(nimbus.url, ["dynamodb", ...args]);
    assert.equal(r.code, 254, r.stdout);
    return r.stderr.trim();
  }

  /** A timestamp as the CLI prints it (botocore's isoformat of a UTC datetime). */
  function cliTime(ms: number): string {
    const [whole, fraction] = new Date(ms).toISOString().replace("Z", "").split(".");
    return `${whole}${fraction && fraction !== "000" ? `.${fraction}000` : ""}+00:00`;
  }

  test("PartiQL with the CLI: execute-statement with --parameters, DuplicateItemException, batch-execute-statement, execute-transaction", async () => {
    const table = uniqueName("cli-pq");
    await cli("create-table", "--table-name", table, "--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST");
    const insert = `INSERT INTO "${table}" VALUE {'pk': ?, 'n': ?}`;
    assert.deepEqual(await cli("execute-statement", "--statement", insert, "--parameters", JSON.stringify([{ S: "a" }, { N: "1" }])), { Items: [] });
    assert.equal(
      await cliError("execute-statement", "--statement", insert, "--parameters", JSON.stringify([{ S: "a" }, { N: "2" }])),
      "An error occurred (DuplicateItemException) when calling the ExecuteStatement operation: Duplicate primary key exists in table",
    );
    await cli("execute-statement", "--statement", insert, "--parameters", JSON.stringify([{ S: "d" }, { N: "1" }]));
    // A batch may name each item once: the duplicate INSERT is of another key than the UPDATE's.
    const batch = await cli(
      "batch-execute-statement",
      "--statements",
      JSON.stringify([
        { Statement: insert, Parameters: [{ S: "b" }, { N: "10" }] },
        { Statement: `INSERT INTO "${table}" VALUE {'pk': 'd'}` },
        { Statement: `UPDATE "${table}" SET n = n + 1 WHERE pk = 'a' RETURNING ALL NEW *` },
        { Statement: `INSERT INTO "${table}" VALUE {'pk': 'open'}` },
      ]),
    );
    assert.deepEqual(batch, {
      Responses: [
        { TableName: table },
        { Error: { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" }, TableName: table },
        { TableName: table, Item: { pk: { S: "a" }, n: { N: "2" } } },
        { TableName: table },
      ],
    });
    await cli(
      "execute-transaction",
      "--transact-statements",
      JSON.stringify([
        { Statement: `UPDATE "${table}" SET n = n - ? WHERE pk = ? AND n >= ?`, Parameters: [{ N: "5" }, { S: "b" }, { N: "5" }] },
        { Statement: `UPDATE "${table}" SET n = n + ? WHERE pk = ?`, Parameters: [{ N: "5" }, { S: "a" }] },
        { Statement: `EXISTS(SELECT * FROM "${table}" WHERE pk = 'open' AND n IS MISSING)` },
      ]),
    );
    assert.equal(
      await cliError(
        "execute-transaction",
        "--transact-statements",
        JSON.stringify([
          { Statement: `UPDATE "${table}" SET n = n - 100 WHERE pk = 'b' AND n >= 100` },
          { Statement: `INSERT INTO "${table}" VALUE {'pk': 'c'}` },
        ]),
      ),
      "An error occurred (TransactionCanceledException) when calling the ExecuteTransaction operation: Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]",
    );
    // The cancelled transaction wrote nothing: no item c.
    const all = await cli("execute-statement", "--statement", `SELECT * FROM "${table}" WHERE pk = ? OR pk = ? OR pk = ?`, "--parameters", JSON.stringify([{ S: "a" }, { S: "b" }, { S: "c" }]));
    assert.deepEqual(all["Items"].sort((x: { pk: { S: string } }, y: { pk: { S: string } }) => x.pk.S.localeCompare(y.pk.S)), [
      { pk: { S: "a" }, n: { N: "7" } },
      { pk: { S: "b" }, n: { N: "5" } },
    ]);
  });

  test("boto3: execute_statement with Parameters paged by NextToken; transact_write_items cancelled, with CancellationReasons", async () => {
    const table = uniqueName("boto-pq");
    const r = await boto3(
      nimbus.url,
      `
c = boto3.client("dynamodb", endpoint_url=ENDPOINT)
t = ${JSON.stringify(table)}
c.create_table(TableName=t, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}], BillingMode="PAY_PER_REQUEST")
c.get_waiter("table_exists").wait(TableName=t)
for i in range(7):
    c.execute_statement(Statement=f'INSERT INTO "{t}" VALUE {{\\'pk\\': ?, \\'sk\\': ?, \\'v\\': ?}}', Parameters=[{"S": "p"}, {"N": str(i)}, {"S": f"v{i}"}])
pages, seen, token = [], [], None
while True:
    out = c.execute_statement(Statement=f'SELECT sk FROM "{t}" WHERE pk = ?', Parameters=[{"S": "p"}], Limit=3, **({"NextToken": token} if token else {}))
    pages.append(len(out["Items"]))
    seen += [i["sk"]["N"] for i in out["Items"]]
    token = out.get("NextToken")
    if not token:
        break
try:
    c.transact_write_items(TransactItems=[
        {"Put": {"TableName": t, "Item": {"pk": {"S": "q"}, "sk": {"N": "1"}}}},
        {"Update": {"TableName": t, "Key": {"pk": {"S": "p"}, "sk": {"N": "0"}}, "UpdateExpression": "SET v = :v", "ConditionExpression": "v = :old",
            "ExpressionAttributeValues": {":v": {"S": "x"}, ":old": {"S": "nope"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        {"ConditionCheck": {"TableName": t, "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_exists(v)"}},
    ])
    cancelled = None
except c.exceptions.TransactionCanceledException as e:
    cancelled = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["CancellationReasons"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
written = c.get_item(TableName=t, Key={"pk": {"S": "q"}, "sk": {"N": "1"}}).get("Item")
print(json.dumps({"pages": pages, "seen": seen, "cancelled": cancelled, "written": written}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      pages: [3, 3, 1],
      seen: ["0", "1", "2", "3", "4", "5", "6"],
      cancelled: [
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]",
        [{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { pk: { S: "p" }, sk: { N: "0" }, v: { S: "v0" } } }, { Code: "None" }],
        400,
      ],
      written: null,
    });
  });

  test("backups and PITR with the CLI: create/list/restore/delete/describe-backup, update/describe-continuous-backups, restore-table-to-point-in-time", async () => {
    const MINUTE = 60_000;
    const table = uniqueName("cli-bk");
    const tableArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
    await cli("create-table", "--table-name", table, "--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST");
    await cli("batch-write-item", "--request-items", JSON.stringify({ [table]: ["a", "b"].map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } })) }));

    const backupAt = nimbus.clock.now();
    const created = await cli("create-backup", "--table-name", table, "--backup-name", "cli.nightly");
    const backupArn = String(created["BackupDetails"]?.["BackupArn"]);
    assert.match(backupArn, new RegExp(`^${tableArn}/backup/0${backupAt}-[0-9a-f]{8}$`));
    const size = Number(created["BackupDetails"]?.["BackupSizeBytes"]);
    assert.deepEqual(created, {
      BackupDetails: { BackupArn: backupArn, BackupName: "cli.nightly", BackupSizeBytes: size, BackupStatus: "CREATING", BackupType: "USER", BackupCreationDateTime: cliTime(backupAt) },
    });
    const listed = (await cli("list-backups", "--table-name", table))["BackupSummaries"];
    assert.deepEqual(listed, [
      {
        TableName: table,
        TableId: listed[0]?.["TableId"],
        TableArn: tableArn,
        BackupArn: backupArn,
        BackupName: "cli.nightly",
        BackupCreationDateTime: cliTime(backupAt),
        BackupStatus: "AVAILABLE",
        BackupType: "USER",
        BackupSizeBytes: size,
      },
    ]);
    const fromBackup = uniqueName("cli-bk-r");
    const restored = (await cli("restore-table-from-backup", "--target-table-name", fromBackup, "--backup-arn", backupArn))["TableDescription"];
    assert.deepEqual([restored["TableStatus"], restored["RestoreSummary"]], [
      "CREATING",
      { SourceBackupArn: backupArn, SourceTableArn: tableArn, RestoreDateTime: cliTime(backupAt), RestoreInProgress: true },
    ]);

    const enabledAt = nimbus.clock.now();
    const enabled = await cli("update-continuous-backups", "--table-name", table, "--point-in-time-recovery-specification", "PointInTimeRecoveryEnabled=true");
    assert.equal(enabled["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"], "ENABLED");
    // The CLI cannot move time; the server's clock can. AWS restores up to five minutes ago at the latest.
    nimbus.manualClock.advance(MINUTE);
    await cli("put-item", "--table-name", table, "--item", JSON.stringify({ pk: { S: "c" } }));
    nimbus.manualClock.advance(10 * MINUTE);
    const latest = nimbus.clock.now() - 5 * MINUTE;
    assert.deepEqual(await cli("describe-continuous-backups", "--table-name", table), {
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: "ENABLED",
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "ENABLED", EarliestRestorableDateTime: cliTime(enabledAt), LatestRestorableDateTime: cliTime(latest) },
      },
    });
    const pointInTime = uniqueName("cli-pitr-r");
    const pitr = (await cli("restore-table-to-point-in-time", "--source-table-name", table, "--target-table-name", pointInTime, "--use-latest-restorable-time"))["TableDescription"];
    assert.deepEqual([pitr["TableStatus"], pitr["RestoreSummary"]], ["CREATING", { SourceTableArn: tableArn, RestoreDateTime: cliTime(latest), RestoreInProgress: true }]);
    await cli("wait", "table-exists", "--table-name", pointInTime);
    // One read of both restored tables: the backup has a and b, the point in time a, b and c.
    const keys = ["a", "b", "c"].map((pk) => ({ pk: { S: pk } }));
    const got = (await cli("batch-get-item", "--request-items", JSON.stringify({ [fromBackup]: { Keys: keys }, [pointInTime]: { Keys: keys } })))["Responses"];
    const pks = (items: { pk: { S: string } }[]) => items.map((i) => i.pk.S).sort();
    assert.deepEqual([pks(got[fromBackup]), pks(got[pointInTime])], [["a", "b"], ["a", "b", "c"]]);

    const deleted = await cli("delete-backup", "--backup-arn", backupArn);
    assert.equal(deleted["BackupDescription"]["BackupDetails"]["BackupStatus"], "DELETED");
    assert.equal(await cliError("describe-backup", "--backup-arn", backupArn), `An error occurred (BackupNotFoundException) when calling the DescribeBackup operation: Backup not found: ${backupArn}`);
  });
  test("the CLI reference's put-item example prints CapacityUnits 1.0: a double travels with its decimal point, as DynamoDB writes it", async () => {
    // awscli/examples/dynamodb/put-item.rst: put-item --return-consumed-capacity TOTAL prints
    // "CapacityUnits": 1.0. DynamoDB sends doubles as 1.0; the CLI (and boto3) read it as a float.
    const table = uniqueName("cap");
    const ok = async (...args: string[]) => {
      const r = await aws(nimbus.url, ["dynamodb", ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    await ok(
      "create-table", "--table-name", table,
      "--attribute-definitions", "AttributeName=Artist,AttributeType=S", "AttributeName=SongTitle,AttributeType=S",
      "--key-schema", "AttributeName=Artist,KeyType=HASH", "AttributeName=SongTitle,KeyType=RANGE",
      "--billing-mode", "PAY_PER_REQUEST",
    );
    const item = JSON.stringify({ Artist: { S: "No One You Know" }, SongTitle: { S: "Call Me Today" }, AlbumTitle: { S: "Somewhat Famous" } });
    const put = await ok("put-item", "--table-name", table, "--item", item, "--return-consumed-capacity", "TOTAL");
    assert.match(put, /"CapacityUnits": 1\.0\b/);
    const get = await ok("get-item", "--table-name", table, "--key", JSON.stringify({ Artist: { S: "No One You Know" }, SongTitle: { S: "Call Me Today" } }), "--consistent-read", "--return-consumed-capacity", "TOTAL");
    assert.match(get, /"CapacityUnits": 1\.0\b/);
    const half = await ok("scan", "--table-name", table, "--return-consumed-capacity", "TOTAL");
    assert.match(half, /"CapacityUnits": 0\.5\b/);
    const r = await boto3(nimbus.url, `
c = boto3.client("dynamodb", endpoint_url=ENDPOINT)
cc = c.put_item(TableName=${JSON.stringify(table)}, Item=json.loads(${JSON.stringify(item)}), ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
print(json.dumps({"units": repr(cc["CapacityUnits"])}))
`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { units: "1.0" });
  });
});
