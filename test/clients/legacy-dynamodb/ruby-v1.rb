# The AWS SDK for Ruby v1 (Debian's ruby-aws-sdk) against Nimbus DynamoDB through its high-level
# AWS::DynamoDB, which speaks API 2011-12-05 only: tables, items, attributes, query, scan, batches.
# Prints what it saw as one JSON object; each step runs on its own and a failure is recorded.
# The SDK signs with SigV4 and checks every response's x-amz-crc32 (dynamo_db_crc32).
require "aws-sdk"
require "json"
require "set"

AWS.config(
  access_key_id: ENV.fetch("ACCESS_KEY"),
  secret_access_key: ENV.fetch("SECRET_KEY"),
  region: "us-east-1",
  dynamo_db_endpoint: "127.0.0.1",
  dynamo_db_port: Integer(ENV.fetch("PORT")),
  use_ssl: false,
  max_retries: 0,
  # Numbers as Floats: the SDK's BigDecimal.new is gone from Ruby 2.7 on.
  dynamo_db_big_decimals: false,
)

NAME = ENV.fetch("TABLE")
$seen = {}

def failed(e)
  [e.class.name, e.http_response.status, e.code, e.message]
end

def step(name)
  $seen[name] = yield
rescue AWS::Errors::Base => e
  $seen[name] = failed(e)
rescue StandardError => e
  $seen[name] = { "error" => e.class.name, "detail" => e.message, "trace" => e.backtrace.first(6).join("\n") }
end

def failure
  yield
  nil
rescue AWS::Errors::Base => e
  failed(e)
end

def plain(v)
  case v
  when Float then v == v.to_i ? v.to_i : v
  when Set then v.map { |x| plain(x) }.sort
  when Hash then v.keys.sort.to_h { |k| [k, plain(v[k])] }
  when AWS::DynamoDB::Binary then ["B", v.to_s.bytes]
  else v
  end
end

ddb = AWS::DynamoDB.new
table = nil

step("create") do
  table = ddb.tables.create(NAME, 5, 5, hash_key: { user: :string }, range_key: { ts: :number })
  created = table.status
  sleep 0.05 while table.status == :creating
  [created.to_s, table.status.to_s, table.hash_key.name, table.hash_key.type.to_s, table.range_key.name, table.range_key.type.to_s, table.read_capacity_units, table.write_capacity_units]
end

step("listed") { ddb.tables.map(&:name).include?(NAME) }

step("put") do
  table.items.create("user" => "alice", "ts" => 1, "kind" => "login", "tags" => Set["a", "b"], "ratio" => 0.125, "blob" => AWS::DynamoDB::Binary.new("\x00\x01".b))
  item = table.items["alice", 1]
  [plain(item.attributes.to_hash), item.exists?, table.items["alice", 99].exists?]
end

step("conditionalPut") { failure { table.items.put({ "user" => "alice", "ts" => 1 }, unless_exists: "user") } }

step("update") do
  item = table.items["alice", 1]
  values = item.attributes.update(if: { kind: "login" }, return: :all_new) do |u|
    u.add(hits: 2)
    u.set(kind: "edited")
    u.delete(tags: ["a"])
  end
  plain(values)
end

step("staleUpdate") { failure { table.items["alice", 1].attributes.update(if: { kind: "login" }) { |u| u.set(kind: "stale") } } }

(2..10).each { |ts| table.items.create("user" => "bob", "ts" => ts, "kind" => ts.even? ? "even" : "odd") }

step("queryGt") { table.items.query(hash_value: "bob", range_greater_than: 7).map { |i| i.range_value.to_i } }

step("queryBetweenReverse") do
  table.items.query(hash_value: "bob", range_value: 3..6, scan_index_forward: false, select: [:ts]).map { |data| data.attributes["ts"].to_i }
end

step("queryPages") { table.items.query(hash_value: "bob", range_gte: 2, batch_size: 2).map { |i| i.range_value.to_i } }

step("scanWhere") { table.items.where(:kind).equals("odd").select(:ts).map { |data| data.attributes["ts"].to_i }.sort }

step("scanPages") do
  seen = 0
  table.items.each(batch_size: 3) { seen += 1 }
  seen
end

step("count") { table.items.count }

step("batchGet") do
  got = []
  table.batch_get(["ts", "kind"], [["bob", 2], ["bob", 3], ["nobody", 1]]) { |attrs| got << [attrs["ts"].to_i, attrs["kind"]] }
  got.sort
end

step("batchWrite") do
  table.batch_put([{ "user" => "carol", "ts" => 1, "kind" => "batch" }])
  table.batch_delete([["bob", 10]])
  [table.items["carol", 1].exists?, table.items["bob", 10].exists?]
end

step("deleteItem") do
  old = table.items["carol", 1].delete(if: { kind: "batch" }, return: :all_old)
  [plain(old), table.items["carol", 1].exists?]
end

step("errors") do
  [
    failure { ddb.client.describe_table(table_name: NAME + "-missing") },
    failure { ddb.client.get_item(table_name: NAME, key: { hash_key_element: { s: "alice" } }) },
  ]
end

step("throughput") do
  table.provision_throughput(read_capacity_units: 10, write_capacity_units: 5)
  [table.read_capacity_units, table.write_capacity_units, table.status.to_s]
end

step("delete") do
  table.delete
  failure { ddb.client.describe_table(table_name: NAME) }
end

puts JSON.generate($seen)
