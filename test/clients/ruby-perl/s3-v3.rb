# The AWS SDK for Ruby v3 (Debian ruby-aws-sdk-s3) against Nimbus: prints one JSON object of what it saw.
require "aws-sdk-s3"
require "json"
require "net/http"
require "tempfile"

s3 = Aws::S3::Client.new(endpoint: ENV.fetch("ENDPOINT"), force_path_style: true, region: "us-east-1",
  credentials: Aws::Credentials.new(ENV.fetch("ACCESS_KEY"), ENV.fetch("SECRET_KEY")))
res = Aws::S3::Resource.new(client: s3)
b = ENV.fetch("BUCKET")
out = {}
step = lambda do |name, &blk|
  out[name] = begin
    blk.call
  rescue Aws::S3::Errors::ServiceError => e
    {"error" => e.class.name, "message" => e.message, "status" => e.context.http_response.status_code}
  rescue => e
    {"error" => e.class.name, "message" => e.message}
  end
end

keys = ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "dir/sub/x~y!*'().txt", "q?&=#.txt"]
s3.create_bucket(bucket: b)
keys.each { |k| s3.put_object(bucket: b, key: k, body: "v-#{k}", metadata: {"my-key" => "v 1"}, content_type: "text/plain", cache_control: "max-age=3") }
step.("get") { keys.map { |k| r = s3.get_object(bucket: b, key: k); [r.body.read.force_encoding("UTF-8"), r.metadata["my-key"], r.content_type, r.cache_control] } }
step.("listV1Delimiter") { r = s3.list_objects(bucket: b, delimiter: "/"); [r.contents.map(&:key), r.common_prefixes.map(&:prefix)] }
step.("listV2Pages") { s3.list_objects_v2(bucket: b, max_keys: 2).each_page.map { |p| p.contents.map(&:key) } }
step.("listPlusPrefix") { r = s3.list_objects(bucket: b, prefix: "a b+", delimiter: "+"); [r.prefix, r.delimiter, r.contents.map(&:key), r.common_prefixes.map(&:prefix)] }
step.("range") { r = s3.get_object(bucket: b, key: "a b+c.txt", range: "bytes=2-4"); [r.body.read, r.content_range] }
etag = s3.head_object(bucket: b, key: "a b+c.txt").etag
step.("ifNoneMatch") { s3.get_object(bucket: b, key: "a b+c.txt", if_none_match: etag); "no error" }
step.("ifMatch") { s3.get_object(bucket: b, key: "a b+c.txt", if_match: "\"0\""); "no error" }
step.("noSuchKey") { s3.get_object(bucket: b, key: "missing"); "no error" }
step.("headMissing") { s3.head_object(bucket: b, key: "missing"); "no error" }
step.("copy") { s3.copy_object(bucket: b, key: "copied", copy_source: "#{b}/a%20b%2Bc.txt"); s3.get_object(bucket: b, key: "copied").body.read }
step.("checksum") { s3.put_object(bucket: b, key: "ck", body: "hello", checksum_algorithm: "CRC32"); r = s3.get_object(bucket: b, key: "ck", checksum_mode: "ENABLED"); [r.body.read, r.checksum_crc32, r.context[:http_checksum][:validated]] }
step.("tagging") { s3.put_object_tagging(bucket: b, key: "ck", tagging: {tag_set: [{key: "k 1", value: "v+1"}]}); s3.get_object_tagging(bucket: b, key: "ck").tag_set.map { |t| [t.key, t.value] } }
big = Tempfile.new("big")
big.write(Random.new(7).bytes(11 * 1024 * 1024))
big.flush
step.("uploadFile") { res.bucket(b).object("big bin").upload_file(big.path, multipart_threshold: 5 * 1024 * 1024); h = s3.head_object(bucket: b, key: "big bin"); [h.etag[-3..], h.content_length] }
step.("downloadFile") { dl = Tempfile.new("dl"); res.bucket(b).object("big bin").download_file(dl.path); File.binread(dl.path) == File.binread(big.path) }
step.("multipartCopy") { res.bucket(b).object("big copy").copy_from({bucket: b, key: "big bin"}, multipart_copy: true, min_part_size: 5 * 1024 * 1024); h = s3.head_object(bucket: b, key: "big copy"); [h.etag[-3..], h.content_length] }
step.("exists") { [res.bucket(b).object("ck").exists?, res.bucket(b).object("missing").exists?] }
step.("waiter") { s3.wait_until(:object_exists, {bucket: b, key: "ck"}, max_attempts: 1); s3.wait_until(:object_not_exists, {bucket: b, key: "missing"}, max_attempts: 1); "ok" }
step.("presignedGet") { url = Aws::S3::Presigner.new(client: s3).presigned_url(:get_object, bucket: b, key: "dir/ünï cødé.txt", expires_in: 60); r = Net::HTTP.get_response(URI(url)); [r.code, r.body.force_encoding("UTF-8")] }
step.("presignedPut") { u = URI(Aws::S3::Presigner.new(client: s3).presigned_url(:put_object, bucket: b, key: "pp +x.txt")); r = Net::HTTP.start(u.host, u.port) { |h| h.send_request("PUT", u.request_uri, "data") }; [r.code, s3.get_object(bucket: b, key: "pp +x.txt").body.read] }
step.("presignedPost") do
  post = res.bucket(b).presigned_post(key: "posted/${filename}", content_length_range: 0..100, success_action_status: "201", metadata: {"a" => "b"})
  u = URI(post.url)
  req = Net::HTTP::Post.new(u)
  req.set_form(post.fields.to_a + [["file", "posted body", {filename: "f n.txt", content_type: "text/plain"}]], "multipart/form-data")
  r = Net::HTTP.start(u.host, u.port) { |h| h.request(req) }
  o = s3.get_object(bucket: b, key: "posted/f n.txt")
  [r.code, o.body.read, o.metadata["a"]]
end
step.("versions") do
  s3.put_bucket_versioning(bucket: b, versioning_configuration: {status: "Enabled"})
  v1 = s3.put_object(bucket: b, key: "v", body: "1").version_id
  s3.put_object(bucket: b, key: "v", body: "2")
  s3.delete_object(bucket: b, key: "v")
  r = s3.list_object_versions(bucket: b, prefix: "v")
  [r.versions.map(&:is_latest), r.delete_markers.map(&:is_latest), s3.get_object(bucket: b, key: "v", version_id: v1).body.read]
end
step.("batchDelete") do
  res.bucket(b).object_versions.batch_delete!
  s3.delete_bucket(bucket: b)
  res.bucket(b).exists?
end
puts JSON.generate(out)
