"""boto 2 (python3-boto) against Nimbus DynamoDB through boto.dynamodb: Layer2, API 2011-12-05.

Prints what it saw as one JSON object; each step runs on its own and a failure is recorded.
boto checks every response's x-amz-crc32 itself (validate_checksums, on by default) and signs
with its HmacAuthV4 handler.
"""
import json
import os
import traceback
from decimal import Decimal

import boto
from boto.dynamodb.condition import BETWEEN, BEGINS_WITH, EQ, GT
from boto.dynamodb.exceptions import DynamoDBResponseError
from boto.dynamodb.layer2 import Layer2
from boto.dynamodb.types import Binary
from boto.regioninfo import RegionInfo

if not boto.config.has_section("Boto"):
    boto.config.add_section("Boto")
boto.config.set("Boto", "num_retries", "0")

NAME = os.environ["TABLE"]
conn = Layer2(
    aws_access_key_id=os.environ["ACCESS_KEY"],
    aws_secret_access_key=os.environ["SECRET_KEY"],
    is_secure=False,
    port=int(os.environ["PORT"]),
    region=RegionInfo(name="us-east-1", endpoint="127.0.0.1"),
)
conn.use_decimals()

seen = {}


def step(name):
    def wrap(fn):
        try:
            seen[name] = fn()
        except DynamoDBResponseError as e:
            seen[name] = failed(e)
        except Exception as e:  # noqa: BLE001 - recorded for the test to report
            seen[name] = {"error": type(e).__name__, "detail": str(e), "trace": traceback.format_exc()[-800:]}
        return fn
    return wrap


def failed(e):
    return [type(e).__name__, e.status, e.error_code, e.message]


def failure(fn):
    try:
        fn()
        return None
    except DynamoDBResponseError as e:
        return failed(e)


def plain(v):
    """JSON-friendly form of what boto decoded (Decimal, set, Binary)."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, (set, frozenset)):
        return sorted(plain(x) for x in v)
    if isinstance(v, Binary):
        return ["B", v.value.decode("latin-1")]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in sorted(v.items())}
    return v


table = None


@step("create")
def _():
    global table
    schema = conn.create_schema(hash_key_name="user", hash_key_proto_value=str, range_key_name="ts", range_key_proto_value=int)
    table = conn.create_table(NAME, schema, read_units=5, write_units=5)
    created = table.status
    table.refresh(wait_for_active=True, retry_seconds=1)
    return [created, table.status, table.schema.hash_key_name, table.schema.hash_key_type, table.schema.range_key_name, table.schema.range_key_type, table.read_units, table.write_units]


@step("listed")
def _():
    return NAME in conn.list_tables()


@step("put")
def _():
    item = table.new_item(hash_key="alice", range_key=1, attrs={"kind": "login", "tags": set(["a", "b"]), "blob": Binary(b"\x00\x01\xff"), "ratio": Decimal("0.125"), "text": u"\u00fcn\u00ef c\u00f8d\u00e9"})
    return item.put()


@step("get")
def _():
    item = table.get_item("alice", 1)
    return [plain(dict(item)), item.consumed_units, table.has_item("alice", 1), table.has_item("alice", 99)]


@step("conditionalPut")
def _():
    return failure(lambda: table.new_item(hash_key="alice", range_key=1, attrs={"kind": "again"}).put(expected_value={"kind": False}))


@step("update")
def _():
    item = table.get_item("alice", 1, consistent_read=True)
    item.add_attribute("hits", 2)
    item.put_attribute("kind", "edited")
    item.delete_attribute("tags", set(["a"]))
    answer = item.save(expected_value={"kind": "login"}, return_values="ALL_NEW")
    return [plain(answer["Attributes"]), answer["ConsumedCapacityUnits"]]


@step("missingItem")
def _():
    try:
        table.get_item("nobody", 1)
    except boto.dynamodb.exceptions.DynamoDBKeyNotFoundError as e:
        return type(e).__name__
    return None


for ts in range(2, 11):
    table.new_item(hash_key="bob", range_key=ts, attrs={"kind": "even" if ts % 2 == 0 else "odd"}).put()


@step("queryGt")
def _():
    return [int(i["ts"]) for i in table.query("bob", GT(7))]


@step("queryBetweenReverse")
def _():
    return [int(i["ts"]) for i in table.query("bob", BETWEEN(3, 6), scan_index_forward=False)]


@step("queryPages")
def _():
    # request_limit 2: boto follows LastEvaluatedKey page after page itself.
    result = table.query("bob", GT(1), request_limit=2)
    return [[int(i["ts"]) for i in result], result.count, float(result.consumed_units) > 0]


@step("queryCount")
def _():
    result = table.query("bob", count=True)
    list(result)
    return result.count


@step("scan")
def _():
    result = table.scan({"kind": EQ("odd")}, request_limit=3)
    found = sorted(int(i["ts"]) for i in result)
    return [found, result.scanned_count]


@step("scanBeginsWith")
def _():
    return sorted(i["user"] for i in table.scan({"kind": BEGINS_WITH("edi")}))


@step("batchGet")
def _():
    batch = conn.new_batch_list()
    batch.add_batch(table, keys=[("bob", 2), ("bob", 3), ("nobody", 1)], attributes_to_get=["ts", "kind"])
    answer = conn.batch_get_item(batch)
    response = answer["Responses"][NAME]
    return [sorted(int(i["ts"]) for i in response["Items"]), response["ConsumedCapacityUnits"], answer["UnprocessedKeys"]]


@step("batchGetTable")
def _():
    return sorted(int(i["ts"]) for i in table.batch_get_item([("bob", 4), ("bob", 5)]))


@step("batchWrite")
def _():
    batch = conn.new_batch_write_list()
    batch.add_batch(table, puts=[table.new_item(hash_key="carol", range_key=1, attrs={"kind": "batch"})], deletes=[("bob", 10)])
    answer = conn.batch_write_item(batch)
    return [answer["Responses"], answer["UnprocessedItems"], table.has_item("carol", 1), table.has_item("bob", 10)]


@step("deleteItem")
def _():
    item = table.get_item("carol", 1)
    answer = item.delete(expected_value={"kind": "batch"}, return_values="ALL_OLD")
    return [plain(answer["Attributes"]), answer["ConsumedCapacityUnits"], table.has_item("carol", 1)]


@step("errors")
def _():
    missing = conn.layer1
    return [
        failure(lambda: missing.describe_table(NAME + "-missing")),
        failure(lambda: missing.get_item(NAME, {"HashKeyElement": {"S": "alice"}})),
    ]


@step("throughput")
def _():
    table.update_throughput(10, 5)
    return [table.read_units, table.write_units, table.status]


@step("delete")
def _():
    table.delete()
    return [table.status, failure(lambda: conn.describe_table(NAME))]


print(json.dumps(seen))
