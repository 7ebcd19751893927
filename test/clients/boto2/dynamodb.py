"""boto 2 (python3-boto) against Nimbus DynamoDB (boto.dynamodb2, API 2012-08-10).

Prints what it saw as one JSON object; each step runs on its own and a failure is recorded.
Responses' x-amz-crc32 are checked by boto itself (validate_checksums, on by default).
"""
import json
import os
import traceback
from decimal import Decimal

import boto
from boto.dynamodb.types import Binary, Dynamizer
from boto.dynamodb2 import exceptions
from boto.dynamodb2.fields import AllIndex, GlobalAllIndex, GlobalIncludeIndex, GlobalKeysOnlyIndex, HashKey, IncludeIndex, KeysOnlyIndex, RangeKey
from boto.dynamodb2.layer1 import DynamoDBConnection
from boto.dynamodb2.table import Table
from boto.dynamodb2.types import NUMBER, STRING
from boto.exception import JSONResponseError
from boto.regioninfo import RegionInfo

if not boto.config.has_section("Boto"):
    boto.config.add_section("Boto")
boto.config.set("Boto", "num_retries", "0")

PREFIX = os.environ["PREFIX"]
conn = DynamoDBConnection(
    host="127.0.0.1",
    port=int(os.environ["PORT"]),
    is_secure=False,
    region=RegionInfo(name="us-east-1", endpoint="127.0.0.1"),
    aws_access_key_id=os.environ["ACCESS_KEY"],
    aws_secret_access_key=os.environ["SECRET_KEY"],
)

seen = {}


def step(name):
    def wrap(fn):
        try:
            seen[name] = fn()
        except JSONResponseError as e:
            seen[name] = {"error": type(e).__name__, "status": e.status, "code": e.error_code, "message": e.message}
        except Exception as e:  # noqa: BLE001 - recorded for the test to report
            seen[name] = {"error": type(e).__name__, "detail": str(e), "trace": traceback.format_exc()[-800:]}
        return fn
    return wrap


def failure(fn):
    try:
        fn()
        return None
    except JSONResponseError as e:
        return [type(e).__name__, e.status, e.error_code, e.message]


def plain(v):
    """JSON-friendly form of what boto decoded (Decimal, set, Binary)."""
    if isinstance(v, Decimal):
        return ["N", str(v)]
    if isinstance(v, Binary):
        return ["B", v.value.decode("latin-1")]
    if isinstance(v, (set, frozenset)):
        return sorted((plain(x) for x in v), key=json.dumps)
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in sorted(v.items())}
    return v


NAME = PREFIX + "-events"
table = None


@step("create")
def _():
    global table
    table = Table.create(
        NAME,
        schema=[HashKey("user"), RangeKey("ts", data_type=NUMBER)],
        throughput={"read": 5, "write": 5},
        indexes=[AllIndex("by-kind", parts=[HashKey("user"), RangeKey("kind")])],
        global_indexes=[GlobalAllIndex("by-kind-g", parts=[HashKey("kind"), RangeKey("ts", data_type=NUMBER)], throughput={"read": 1, "write": 1})],
        connection=conn,
    )
    return table.table_name


@step("describe")
def _():
    d = table.describe()["Table"]
    t = Table(NAME, connection=conn)
    t.describe()
    return [
        d["TableStatus"],
        [[k["AttributeName"], k["KeyType"]] for k in d["KeySchema"]],
        sorted(i["IndexName"] for i in d.get("LocalSecondaryIndexes", [])),
        sorted(i["IndexName"] for i in d.get("GlobalSecondaryIndexes", [])),
        [s.name for s in t.schema],
        [i.name for i in t.indexes],
        [i.name for i in t.global_indexes],
        d["ProvisionedThroughput"]["ReadCapacityUnits"],
    ]


@step("putTypes")
def _():
    table.put_item(data={
        "user": "alice",
        "ts": 1,
        "kind": "login",
        "count": 42,
        "ratio": Decimal("0.125"),
        "big": Decimal("12345678901234567890.5"),
        "flag": True,
        "none": None,
        "tags": {"a", "b"},
        "nums": {1, 2, 3},
        "blob": Binary(b"\x00\x01\xff"),
        "blobs": {Binary(b"x"), Binary(b"y")},
        "list": [1, "two", {"three": 3}],
        "map": {"nested": {"deep": ["x"]}},
        "text": "ünï cødé \u2603",
    })
    item = table.get_item(user="alice", ts=1)
    return plain(dict(item.items()))


@step("dynamizer")
def _():
    d = Dynamizer()
    enc = d.encode({"a", "b"})
    return [sorted(enc["SS"]), d.encode(Decimal("1.5")), d.decode({"N": "7"}) == 7, plain(d.decode({"BS": ["eA==", "eQ=="]}))]


@step("conditionalPut")
def _():
    return failure(lambda: table.put_item(data={"user": "alice", "ts": 1, "kind": "again"}))


@step("overwrite")
def _():
    ok = table.put_item(data={"user": "alice", "ts": 1, "kind": "login", "count": 43}, overwrite=True)
    return [ok, int(table.get_item(user="alice", ts=1)["count"])]


@step("batchWrite")
def _():
    with table.batch_write() as batch:
        for i in range(2, 32):
            batch.put_item(data={"user": "alice" if i % 2 == 0 else "bob", "ts": i, "kind": "click" if i % 3 else "view", "n": i})
    # boto flushes every 25 requests: this delete goes in the second request, the put in the first.
    with table.batch_write() as batch:
        batch.delete_item(user="alice", ts=30)
    return table.query_count(user__eq="alice")


@step("partialSave")
def _():
    item = table.get_item(user="alice", ts=2)
    item["kind"] = "edited"
    item["extra"] = {"x", "y"}
    del item["n"]
    saved = item.partial_save()
    again = table.get_item(user="alice", ts=2, consistent=True)
    return [saved, again["kind"], plain(again["extra"]), "n" in again.keys()]


@step("save")
def _():
    item = table.get_item(user="alice", ts=4)
    item["kind"] = "saved"
    return [item.save(), table.get_item(user="alice", ts=4)["kind"]]


@step("staleSave")
def _():
    a = table.get_item(user="alice", ts=6)
    b = table.get_item(user="alice", ts=6)
    a["kind"] = "first"
    a.save()
    b["kind"] = "second"
    return failure(b.save)


@step("queryGt")
def _():
    return [int(i["ts"]) for i in table.query_2(user__eq="alice", ts__gt=20)]


@step("queryBetweenReverse")
def _():
    return [int(i["ts"]) for i in table.query_2(user__eq="bob", ts__between=[5, 13], reverse=True)]


@step("queryLsiBeginsWith")
def _():
    return sorted(int(i["ts"]) for i in table.query_2(user__eq="alice", kind__beginswith="vi", index="by-kind"))


@step("queryGsi")
def _():
    return [int(i["ts"]) for i in table.query_2(kind__eq="view", ts__lt=16, index="by-kind-g")]


@step("queryFilter")
def _():
    return [int(i["ts"]) for i in table.query_2(user__eq="bob", query_filter={"n__gte": 25, "kind__eq": "click"})]


@step("queryPages")
def _():
    rs = table.query_2(user__eq="bob", limit=7, max_page_size=3)
    return [int(i["ts"]) for i in rs]


@step("queryAttributes")
def _():
    return [sorted(i.keys()) for i in table.query_2(user__eq="bob", ts__eq=3, attributes=["kind", "ts"])]


@step("queryCount")
def _():
    return [table.query_count(user__eq="bob"), table.query_count(user__eq="bob", ts__gte=20), table.query_count(user__eq="bob", query_filter={"kind__eq": "view"})]


@step("scanFilter")
def _():
    return sorted(int(i["ts"]) for i in table.scan(n__between=[10, 14], kind__ne="view"))


@step("scanPages")
def _():
    return len(list(table.scan(max_page_size=4)))


@step("scanOps")
def _():
    return [
        sorted(int(i["ts"]) for i in table.scan(tags__contains="a")),
        sorted(int(i["ts"]) for i in table.scan(extra__null=False)),
        sorted(int(i["ts"]) for i in table.scan(ts__in=[3, 5, 999])),
        sorted(int(i["ts"]) for i in table.scan(kind__beginswith="edi")),
    ]


@step("count")
def _():
    return [table.count(), conn.describe_table(NAME)["Table"]["ItemCount"]]


@step("batchGet")
def _():
    rs = table.batch_get(keys=[{"user": "alice", "ts": 1}, {"user": "bob", "ts": 3}, {"user": "nobody", "ts": 0}])
    return sorted([i["user"], int(i["ts"])] for i in rs)


@step("batchGetMany")
def _():
    # More than BatchGetItem's 100 keys: boto splits them and follows UnprocessedKeys.
    keys = [{"user": "alice" if i % 2 == 0 else "bob", "ts": i} for i in range(2, 32)]
    keys += [{"user": "nobody", "ts": i} for i in range(90)]
    return len(list(table.batch_get(keys=keys, attributes=["ts"])))


@step("scanSegmentsAndOr")
def _():
    segments = [sorted(int(i["ts"]) for i in table.scan(segment=s, total_segments=3)) for s in range(3)]
    either = sorted(int(i["ts"]) for i in table.scan(ts__lt=3, n__gt=30, conditional_operator="OR"))
    queried = sorted(int(i["ts"]) for i in table.query_2(user__eq="bob", query_filter={"n__lt": 6, "kind__eq": "view"}, conditional_operator="OR"))
    return [sorted(sum(segments, [])) == sorted(int(i["ts"]) for i in table.scan()), either, queried]


@step("deleteItem")
def _():
    ok = table.delete_item(user="bob", ts=3)
    # boto answers False for the ConditionalCheckFailedException.
    expected = table.delete_item(expected={"kind__eq": "nope"}, user="bob", ts=5)
    return [ok, table.has_item(user="bob", ts=3), expected]


@step("lookupMissing")
def _():
    try:
        table.get_item(user="nobody", ts=0)
        return None
    except exceptions.ItemNotFound as e:
        return type(e).__name__


@step("layer1")
def _():
    r = conn.update_item(
        NAME,
        {"user": {"S": "carol"}, "ts": {"N": "1"}},
        update_expression="SET #k = :k ADD hits :one",
        expression_attribute_names={"#k": "kind"},
        expression_attribute_values={":k": {"S": "layer1"}, ":one": {"N": "1"}},
        return_values="ALL_NEW",
    )
    got = conn.get_item(NAME, {"user": {"S": "carol"}, "ts": {"N": "1"}}, consistent_read=True)
    legacy = conn.update_item(
        NAME,
        {"user": {"S": "carol"}, "ts": {"N": "1"}},
        attribute_updates={"hits": {"Action": "ADD", "Value": {"N": "2"}}, "kind": {"Action": "DELETE"}},
        expected={"hits": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
        return_values="UPDATED_OLD",
    )
    return [r["Attributes"], got["Item"], legacy["Attributes"]]


@step("errors")
def _():
    return [
        failure(lambda: conn.describe_table(PREFIX + "-missing")),
        failure(lambda: conn.get_item(NAME, {"user": {"S": "x"}})),
        failure(lambda: conn.put_item(NAME, {"user": {"S": "x"}, "ts": {"S": "not-a-number"}})),
        failure(lambda: Table.create(NAME, schema=[HashKey("user")], connection=conn)),
        failure(lambda: table.query_2(user__eq="alice", kind__eq="x").next()),
    ]


@step("update")
def _():
    ok = table.update(throughput={"read": 10, "write": 7}, global_indexes={"by-kind-g": {"read": 2, "write": 2}})
    d = table.describe()["Table"]
    return [ok, d["ProvisionedThroughput"]["ReadCapacityUnits"], d["ProvisionedThroughput"]["WriteCapacityUnits"], d["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"]]


@step("createGsiOnUpdate")
def _():
    t = Table.create(PREFIX + "-plain", schema=[HashKey("id")], connection=conn)
    t.create_global_secondary_index(GlobalKeysOnlyIndex("by-x", parts=[HashKey("x", data_type=STRING)], throughput={"read": 1, "write": 1}))
    d = t.describe()["Table"]
    t.put_item(data={"id": "1", "x": "y"})
    found = [i["id"] for i in t.query_2(x__eq="y", index="by-x")]
    t.delete()
    return [[g["IndexName"] for g in d["GlobalSecondaryIndexes"]], found]


@step("projections")
def _():
    t = Table.create(
        PREFIX + "-proj",
        schema=[HashKey("h"), RangeKey("r")],
        indexes=[IncludeIndex("inc", parts=[HashKey("h"), RangeKey("s")], includes=["a"]), KeysOnlyIndex("kso", parts=[HashKey("h"), RangeKey("z")])],
        global_indexes=[GlobalIncludeIndex("ginc", parts=[HashKey("s")], includes=["a", "b"]), GlobalKeysOnlyIndex("gkso", parts=[HashKey("z")], throughput={"read": 2, "write": 3})],
        connection=conn,
    )
    t.put_item(data={"h": "h", "r": "1", "s": "s", "z": "z", "a": 1, "b": 2, "c": 3})
    seen = Table(PREFIX + "-proj", connection=conn)
    seen.describe()
    out = [
        [[type(i).__name__, i.name, [p.name for p in i.parts], getattr(i, "includes_fields", None)] for i in seen.indexes],
        # boto rebuilds a described index without its throughput (5/5 whatever the table says).
        [[type(i).__name__, i.name, [p.name for p in i.parts], getattr(i, "includes_fields", None)] for i in seen.global_indexes],
        sorted([g["IndexName"], g["ProvisionedThroughput"]["ReadCapacityUnits"], g["ProvisionedThroughput"]["WriteCapacityUnits"]] for g in seen.describe()["Table"]["GlobalSecondaryIndexes"]),
        sorted(next(iter(t.query_2(h__eq="h", s__eq="s", index="inc"))).keys()),
        sorted(next(iter(t.query_2(s__eq="s", index="ginc"))).keys()),
        sorted(next(iter(t.query_2(z__eq="z", index="gkso"))).keys()),
    ]
    t.update_global_secondary_index({"ginc": {"read": 3, "write": 3}})
    t.delete_global_secondary_index("gkso")
    d = t.describe()["Table"]["GlobalSecondaryIndexes"]
    out.append(sorted([g["IndexName"], g["ProvisionedThroughput"]["ReadCapacityUnits"]] for g in d))
    t.delete()
    return out


@step("listTables")
def _():
    names = []
    start = None
    while True:
        r = conn.list_tables(limit=1, exclusive_start_table_name=start) if start else conn.list_tables(limit=1)
        names += r["TableNames"]
        start = r.get("LastEvaluatedTableName")
        if not start:
            break
    return NAME in names


@step("delete")
def _():
    ok = table.delete()
    return [ok, failure(lambda: conn.describe_table(NAME))]


print(json.dumps(seen, ensure_ascii=False))
