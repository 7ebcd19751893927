# fog-aws DynamoDB (2012-08-10 JSON API) against Nimbus. Prints one JSON object of what it saw.
require "fog/aws"
require "json"
require "uri"

uri = URI.parse(ENV.fetch("ENDPOINT"))
table = ENV.fetch("TABLE")
ddb = Fog::AWS::DynamoDB.new(aws_access_key_id: ENV.fetch("ACCESS_KEY"), aws_secret_access_key: ENV.fetch("SECRET_KEY"),
                             region: "us-east-1", host: uri.host, port: uri.port, scheme: "http")
seen = {}

def step(seen, name)
  seen[name] = yield
rescue Excon::Error => e
  body = e.response ? e.response.body.to_s : ""
  parsed = begin JSON.parse(body) rescue body end
  seen[name] = { "error" => e.class.name, "status" => e.response&.status, "type" => parsed.is_a?(Hash) ? parsed["__type"].to_s.split("#").last : nil,
                 "message" => parsed.is_a?(Hash) ? (parsed["message"] || parsed["Message"]) : parsed }
rescue StandardError => e
  seen[name] = { "error" => e.class.name, "message" => e.message[0, 300] }
end

# fog's create_table sends no AttributeDefinitions, which the 2012-08-10 API requires.
step(seen, "createTableFog") do
  ddb.create_table("#{table}-bare", [{ "AttributeName" => "pk", "KeyType" => "HASH" }], { "ReadCapacityUnits" => 1, "WriteCapacityUnits" => 1 }).body
end
# So applications send the full 2012-08-10 body through fog's (private) signed request.
step(seen, "createTable") do
  body = {
    "TableName" => table,
    "AttributeDefinitions" => [{ "AttributeName" => "pk", "AttributeType" => "S" }, { "AttributeName" => "sk", "AttributeType" => "N" }, { "AttributeName" => "g", "AttributeType" => "S" }],
    "KeySchema" => [{ "AttributeName" => "pk", "KeyType" => "HASH" }, { "AttributeName" => "sk", "KeyType" => "RANGE" }],
    "ProvisionedThroughput" => { "ReadCapacityUnits" => 5, "WriteCapacityUnits" => 5 },
    "GlobalSecondaryIndexes" => [{ "IndexName" => "byG", "KeySchema" => [{ "AttributeName" => "g", "KeyType" => "HASH" }],
                                   "Projection" => { "ProjectionType" => "ALL" }, "ProvisionedThroughput" => { "ReadCapacityUnits" => 1, "WriteCapacityUnits" => 1 } }]
  }
  r = ddb.send(:request, body: Fog::JSON.encode(body), headers: { "x-amz-target" => "DynamoDB_20120810.CreateTable" }).body
  r["TableDescription"]["TableStatus"]
end
step(seen, "describeTable") do
  t = ddb.describe_table(table).body["Table"]
  [t["TableName"], t["KeySchema"].map { |k| k["AttributeName"] }, t["GlobalSecondaryIndexes"].map { |i| i["IndexName"] }, t["TableStatus"]]
end
step(seen, "listTables") { ddb.list_tables("Limit" => 100).body["TableNames"].include?(table) }
step(seen, "putItem") do
  (1..6).each do |i|
    ddb.put_item(table, { "pk" => { "S" => "a" }, "sk" => { "N" => i.to_s }, "g" => { "S" => i.even? ? "even" : "odd" }, "n" => { "N" => (i * 10).to_s },
                          "b" => { "B" => ["\x00\xffbin".b].pack("m0") }, "ss" => { "SS" => ["x", "y"] }, "m" => { "M" => { "k" => { "L" => [{ "BOOL" => true }, { "NULL" => true }] } } } })
  end
  ddb.put_item(table, { "pk" => { "S" => "b" }, "sk" => { "N" => "1" } }, { "ReturnValues" => "ALL_OLD" }).body
end
step(seen, "putExpected") do
  ddb.put_item(table, { "pk" => { "S" => "a" }, "sk" => { "N" => "1" } }, { "Expected" => { "pk" => { "Exists" => false } } }).body
end
step(seen, "putCondition") do
  ddb.put_item(table, { "pk" => { "S" => "a" }, "sk" => { "N" => "1" } }, { "ConditionExpression" => "attribute_not_exists(pk)" }).body
end
step(seen, "getItem") do
  item = ddb.get_item(table, { "pk" => { "S" => "a" }, "sk" => { "N" => "2" } }, { "ConsistentRead" => true }).body["Item"]
  [item["b"]["B"].unpack1("m0").bytes, item["ss"]["SS"].sort, item["m"], item["n"]]
end
step(seen, "getMissing") { ddb.get_item(table, { "pk" => { "S" => "zz" }, "sk" => { "N" => "1" } }).body }
step(seen, "updateItem") do
  r = ddb.update_item(table, { "pk" => { "S" => "a" }, "sk" => { "N" => "3" } },
                      { "UpdateExpression" => "SET #n = #n + :d, t = :t REMOVE ss", "ExpressionAttributeNames" => { "#n" => "n" },
                        "ExpressionAttributeValues" => { ":d" => { "N" => "5" }, ":t" => { "S" => "new" } }, "ReturnValues" => "UPDATED_NEW" }).body
  r["Attributes"]
end
step(seen, "queryExpression") do
  r = ddb.query(table, { "KeyConditionExpression" => "pk = :p AND sk BETWEEN :lo AND :hi", "ExpressionAttributeValues" => { ":p" => { "S" => "a" }, ":lo" => { "N" => "2" }, ":hi" => { "N" => "5" } },
                         "ScanIndexForward" => false }).body
  [r["Count"], r["Items"].map { |i| i["sk"]["N"] }]
end
step(seen, "queryKeyConditions") do
  r = ddb.query(table, { "KeyConditions" => { "pk" => { "AttributeValueList" => [{ "S" => "a" }], "ComparisonOperator" => "EQ" },
                                              "sk" => { "AttributeValueList" => [{ "N" => "4" }], "ComparisonOperator" => "GE" } } }).body
  [r["Count"], r["Items"].map { |i| i["sk"]["N"] }]
end
step(seen, "queryPaged") do
  r = ddb.query(table, { "KeyConditionExpression" => "pk = :p", "ExpressionAttributeValues" => { ":p" => { "S" => "a" } }, "Limit" => 2 }).body
  [r["Count"], r["LastEvaluatedKey"]]
end
# fog's older call form (a hash key value first) sends the 2011-12-05 API's Query (DynamoDB_20111205.Query).
step(seen, "queryDeprecated") do
  range = { "AttributeValueList" => [{ "N" => "4" }], "ComparisonOperator" => "GE" }
  r = ddb.query(table, { "S" => "a" }, { "RangeKeyCondition" => range, "Limit" => 2 }).body
  [r["Count"], r["Items"].map { |i| i["sk"]["N"] }, r["LastEvaluatedKey"], r["ConsumedCapacityUnits"]]
end
step(seen, "queryIndex") do
  r = ddb.query(table, { "IndexName" => "byG", "KeyConditionExpression" => "g = :g", "ExpressionAttributeValues" => { ":g" => { "S" => "even" } } }).body
  r["Items"].map { |i| i["sk"]["N"] }.sort
end
step(seen, "scan") do
  r = ddb.scan(table, { "FilterExpression" => "n > :v", "ExpressionAttributeValues" => { ":v" => { "N" => "30" } } }).body
  [r["Count"], r["ScannedCount"]]
end
step(seen, "batchWrite") do
  ddb.batch_write_item({ table => [{ "PutRequest" => { "Item" => { "pk" => { "S" => "c" }, "sk" => { "N" => "1" } } } },
                                   { "DeleteRequest" => { "Key" => { "pk" => { "S" => "b" }, "sk" => { "N" => "1" } } } }] }).body
end
step(seen, "batchGet") do
  r = ddb.batch_get_item({ table => { "Keys" => [{ "pk" => { "S" => "c" }, "sk" => { "N" => "1" } }, { "pk" => { "S" => "b" }, "sk" => { "N" => "1" } }], "ProjectionExpression" => "pk" } }).body
  [r["Responses"][table], r["UnprocessedKeys"]]
end
step(seen, "deleteItem") do
  ddb.delete_item(table, { "pk" => { "S" => "a" }, "sk" => { "N" => "6" } }, { "ReturnValues" => "ALL_OLD" }).body["Attributes"]["g"]
end
step(seen, "validation") { ddb.put_item(table, { "pk" => { "S" => "a" } }).body }
step(seen, "missingTable") { ddb.describe_table("#{table}-nope").body }
step(seen, "deleteTable") { ddb.delete_table(table).body["TableDescription"]["TableStatus"] }
puts JSON.generate(seen)
