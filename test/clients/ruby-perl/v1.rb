# The AWS SDK for Ruby v1 (Debian ruby-aws-sdk, `aws-sdk-v1`) against Nimbus: S3 signed with SigV4
# and DynamoDB through the 2012-08-10 client (which checks every response's x-amz-crc32).
# Prints one JSON object of what it saw.
require "aws-sdk-v1"
require "json"
require "net/http"

uri = URI(ENV.fetch("ENDPOINT"))
AWS.config(access_key_id: ENV.fetch("ACCESS_KEY"), secret_access_key: ENV.fetch("SECRET_KEY"), region: "us-east-1",
  s3_endpoint: uri.host, s3_port: uri.port, s3_force_path_style: true, s3_signature_version: :v4,
  dynamo_db_endpoint: uri.host, dynamo_db_port: uri.port, use_ssl: false, logger: nil)
out = {}
step = lambda do |name, &blk|
  out[name] = begin
    blk.call
  rescue AWS::Errors::Base => e
    {"error" => e.class.name, "message" => e.message, "status" => e.http_response.status}
  rescue => e
    {"error" => e.class.name, "message" => e.message}
  end
end

s3 = AWS::S3.new
bucket = s3.buckets.create(ENV.fetch("BUCKET"))
keys = ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "q?&=#.txt"]
keys.each { |k| bucket.objects[k].write("v-#{k}", metadata: {"mk" => "mv"}, content_type: "text/plain") }
step.("read") { keys.map { |k| o = bucket.objects[k]; [o.read.force_encoding("UTF-8"), o.metadata["mk"], o.content_type] } }
step.("tree") { bucket.as_tree.children.map { |c| c.respond_to?(:prefix) ? "prefix:#{c.prefix}" : c.key } }
step.("listMarker") { d = s3.client.list_objects(bucket_name: bucket.name, max_keys: 2).data; [d[:contents].map { |c| c[:key] }, d[:truncated]] }
step.("missing") { bucket.objects["missing"].read }
step.("exists") { [bucket.objects["missing"].exists?, bucket.objects["a b+c.txt"].exists?] }
step.("copy") { bucket.objects["copy"].copy_from("dir/ünï cødé.txt"); bucket.objects["copy"].read.force_encoding("UTF-8") }
step.("ifNoneMatch") { o = bucket.objects["copy"]; o.read(if_none_match: o.etag); "no error" }
step.("multipart") { o = bucket.objects["mp"]; o.multipart_upload { |u| u.add_part("a" * 5 * 1024 * 1024); u.add_part("b") }; [o.etag[-3..], o.content_length, o.read(range: 5 * 1024 * 1024 - 1..5 * 1024 * 1024)] }
step.("presignedPost") do
  post = bucket.presigned_post(key: "post/${filename}", success_action_status: 201, metadata: {"a" => "b"})
  u = URI("#{ENV.fetch("ENDPOINT")}/#{bucket.name}") # the v1 SDK builds a virtual-hosted URL
  req = Net::HTTP::Post.new(u)
  req.set_form(post.fields.map { |k, v| [k.to_s, v] } + [["file", "posted", {filename: "f n.txt"}]], "multipart/form-data")
  r = Net::HTTP.start(u.host, u.port) { |h| h.request(req) }
  [r.code, bucket.objects["post/f n.txt"].read, bucket.objects["post/f n.txt"].metadata["a"]]
end
step.("versions") { bucket.enable_versioning; o = bucket.objects["vv"]; o.write("1"); o.write("2"); o.delete; o.versions.map { |v| v.delete_marker? ? "marker" : v.read } }
step.("deleteAll") { bucket.versions.each(&:delete); bucket.delete; s3.buckets[bucket.name].exists? }

ddb = AWS::DynamoDB::Client.new(api_version: "2012-08-10")
t = ENV.fetch("TABLE")
key = ->(pk, sk) { {"pk" => {s: pk}, "sk" => {n: sk.to_s}} }
step.("createTable") { ddb.create_table(table_name: t, attribute_definitions: [{attribute_name: "pk", attribute_type: "S"}, {attribute_name: "sk", attribute_type: "N"}], key_schema: [{attribute_name: "pk", key_type: "HASH"}, {attribute_name: "sk", key_type: "RANGE"}], provisioned_throughput: {read_capacity_units: 5, write_capacity_units: 5})[:table_description][:table_status] }
ddb.put_item(table_name: t, item: key.("a", 1).merge("b" => {b: "\x00\xffbin"}, "ss" => {ss: ["p", "q"]}, "ns" => {ns: ["1", "2.5"]}))
step.("getItem") { i = ddb.get_item(table_name: t, key: key.("a", 1), consistent_read: true)[:item]; [i["b"][:b].bytes, i["ss"][:ss].sort, i["ns"][:ns].sort] }
step.("conditionalPut") { ddb.put_item(table_name: t, item: key.("a", 1), expected: {"pk" => {exists: false}}); "no error" }
step.("updateItem") { ddb.update_item(table_name: t, key: key.("a", 1), attribute_updates: {"c" => {action: "ADD", value: {n: "5"}}, "ss" => {action: "ADD", value: {ss: ["r"]}}, "ns" => {action: "DELETE"}}, expected: {"ss" => {value: {ss: ["p", "q"]}}}, return_values: "ALL_NEW")[:attributes].keys.sort }
step.("batchWrite") { ddb.batch_write_item(request_items: {t => (2..25).map { |i| {put_request: {item: key.("a", i)}} }})[:unprocessed_items] }
step.("query") { r = ddb.query(table_name: t, key_conditions: {"pk" => {comparison_operator: "EQ", attribute_value_list: [{s: "a"}]}, "sk" => {comparison_operator: "BETWEEN", attribute_value_list: [{n: "3"}, {n: "6"}]}}, scan_index_forward: false); [r[:count], r[:member].map { |i| i["sk"][:n] }] }
step.("queryPage") { r = ddb.query(table_name: t, key_conditions: {"pk" => {comparison_operator: "EQ", attribute_value_list: [{s: "a"}]}}, limit: 10); [r[:count], r[:last_evaluated_key]] }
step.("scanFilter") { r = ddb.scan(table_name: t, scan_filter: {"sk" => {comparison_operator: "GT", attribute_value_list: [{n: "22"}]}}); [r[:count], r[:scanned_count]] }
step.("batchGet") { r = ddb.batch_get_item(request_items: {t => {keys: [key.("a", 2), key.("a", 99)], attributes_to_get: ["sk"]}}); r[:responses][t] }
step.("deleteItem") { ddb.delete_item(table_name: t, key: key.("a", 2), return_values: "ALL_OLD")[:attributes] }
step.("validation") { ddb.put_item(table_name: t, item: {"pk" => {s: "a"}}); "no error" }
step.("deleteTable") { ddb.delete_table(table_name: t)[:table_description][:table_status] }
step.("missingTable") { ddb.describe_table(table_name: t); "no error" }
puts JSON.generate(out)
