# fog-aws S3 against Nimbus: the model layer and the request layer, signed with SigV4 (fog's own
# signer; Excon form-encodes the query) or SigV2 (SIGNATURE=2). Prints one JSON object of what it saw.
require "fog/aws"
require "json"
require "net/http"
require "uri"
require "tempfile"
require "digest"

uri = URI.parse(ENV.fetch("ENDPOINT"))
bucket = ENV.fetch("BUCKET")
s3 = Fog::Storage.new(provider: "AWS", aws_access_key_id: ENV.fetch("ACCESS_KEY"), aws_secret_access_key: ENV.fetch("SECRET_KEY"),
                      region: "us-east-1", endpoint: "#{uri.scheme}://#{uri.host}:#{uri.port}", path_style: true,
                      aws_signature_version: ENV.fetch("SIGNATURE", "4").to_i)
v4 = ENV.fetch("SIGNATURE", "4") == "4"
seen = {}

def failure(e)
  status = e.respond_to?(:response) && e.response ? e.response.status : nil
  body = e.respond_to?(:response) && e.response ? e.response.body.to_s : ""
  code = body[%r{<Code>([^<]*)</Code>}, 1]
  { "error" => e.class.name, "status" => status, "code" => code }
end

def step(seen, name)
  seen[name] = yield
rescue StandardError => e
  seen[name] = { "error" => e.class.name, "message" => e.message[0, 300] }
end

# host: the Host the URL was signed for, when fog left the endpoint's port out of it.
def fetch(url, port = nil)
  u = URI.parse(url)
  req = Net::HTTP::Get.new(u.request_uri)
  req["Host"] = u.host if port
  r = Net::HTTP.start(u.host, port || u.port) { |h| h.request(req) }
  [r.code, r.body.to_s.force_encoding("UTF-8")]
end

KEYS = ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "t~il!de*'().txt", "q?&=#.txt"]
dir = nil
step(seen, "createDir") { dir = s3.directories.create(key: bucket); dir.key }
step(seen, "getDir") { d = s3.directories.get(bucket); [d.key, d.location] }
step(seen, "location") { s3.get_bucket_location(bucket).body }
step(seen, "create") do
  KEYS.map do |k|
    f = dir.files.create(key: k, body: "v-#{k}", content_type: "text/plain", metadata: { "x-amz-meta-color" => "blue" }, public: false)
    f.etag
  end.length
end
step(seen, "get") do
  KEYS.map { |k| f = dir.files.get(k); [f.body, f.content_type, f.metadata["x-amz-meta-color"]] }
end
step(seen, "head") { f = dir.files.head(KEYS[1]); [f.content_length, f.content_type, f.etag] }
step(seen, "missingModel") { [dir.files.get("nope"), dir.files.head("nope")] }
step(seen, "missingRequest") do
  begin
    s3.get_object(bucket, "nope")
    "no error"
  rescue Excon::Error::NotFound => e
    failure(e)
  end
end
step(seen, "missingBucket") do
  begin
    s3.get_bucket("#{bucket}-nope")
    "no error"
  rescue Excon::Error::NotFound => e
    failure(e)
  end
end
step(seen, "listDelimiter") do
  fs = dir.files.all(delimiter: "/")
  [fs.map(&:key), fs.common_prefixes]
end
step(seen, "listPrefix") { dir.files.all(prefix: "dir/").map(&:key) }
step(seen, "getBucketSpaces") do
  [s3.get_bucket(bucket, "prefix" => "a b").body["Contents"].map { |c| c["Key"] },
   s3.get_bucket(bucket, "marker" => "a b+c.txt", "max-keys" => 1).body["Contents"].map { |c| c["Key"] },
   dir.files.all(prefix: "dir/ünï c").map(&:key)]
end
step(seen, "getBucketPaged") do
  b1 = s3.get_bucket(bucket, "max-keys" => 2).body
  b2 = s3.get_bucket(bucket, "max-keys" => 10, "marker" => b1["Contents"].last["Key"]).body
  [b1["Contents"].map { |c| c["Key"] }, b1["IsTruncated"], b2["Contents"].map { |c| c["Key"] }, b2["IsTruncated"]]
end
step(seen, "getBucketDelimiter") { b = s3.get_bucket(bucket, "delimiter" => "/", "prefix" => "").body; [b["CommonPrefixes"], b["Delimiter"], b["Prefix"]] }
step(seen, "range") { r = s3.get_object(bucket, KEYS[0], "Range" => "bytes=2-4"); [r.status, r.body, r.headers["Content-Range"]] }
etag = nil
step(seen, "ifNoneMatch") do
  etag = s3.head_object(bucket, KEYS[0]).headers["ETag"]
  begin
    r = s3.get_object(bucket, KEYS[0], "If-None-Match" => etag)
    [r.status, r.body]
  rescue Excon::Error => e
    failure(e)
  end
end
step(seen, "ifMatch") do
  begin
    s3.get_object(bucket, KEYS[0], "If-Match" => '"0000"')
    "no error"
  rescue Excon::Error => e
    failure(e)
  end
end
step(seen, "ifModifiedSince") do
  r = s3.get_object(bucket, KEYS[0], "If-Modified-Since" => Time.at(0))
  r.status
end
step(seen, "copyModel") { f = dir.files.get(KEYS[1]); c = f.copy(bucket, "copy/#{KEYS[1]}"); [c.key, dir.files.get("copy/#{KEYS[1]}").body] }
step(seen, "copyReplace") do
  s3.copy_object(bucket, KEYS[2], bucket, "copy/replaced", "x-amz-metadata-directive" => "REPLACE", "x-amz-meta-shape" => "round", "Content-Type" => "application/x-new")
  h = s3.head_object(bucket, "copy/replaced").headers
  [h["x-amz-meta-shape"], h["x-amz-meta-color"], h["Content-Type"]]
end
step(seen, "copyResult") { r = s3.copy_object(bucket, KEYS[3], bucket, "copy/plain"); [r.body.keys.sort, r.body["ETag"] == etag || r.body["ETag"].is_a?(String)] }
step(seen, "presigned") do
  f = dir.files.get(KEYS[1])
  code, body = fetch(f.url(Time.now + 300))
  code2, body2 = fetch(s3.get_object_url(bucket, KEYS[0], Time.now + 300))
  # get_http_url signs for the endpoint's host without its port (fog drops it when it forces a scheme).
  code3, body3 = fetch(dir.files.get_http_url(KEYS[3], Time.now + 300), uri.port)
  [code, body, code2, body2, code3, body3]
end
step(seen, "encryption") do
  f = dir.files.new(key: "enc.txt", body: "secret", encryption: "AES256")
  f.save
  h = s3.head_object(bucket, "enc.txt").headers
  [h["x-amz-server-side-encryption"], dir.files.get("enc.txt").encryption]
end
step(seen, "acl") do
  acl = s3.get_object_acl(bucket, KEYS[0]).body["AccessControlList"].map { |g| g["Permission"] }
  f = dir.files.get(KEYS[0])
  f.acl = "public-read"
  begin
    f.save
    [acl, "no error"]
  rescue Excon::Error => e
    # New buckets enforce bucket ownership: ACLs other than private are refused, as on AWS since April 2023.
    [acl, failure(e)]
  end
end
step(seen, "multipartModel") do
  f = dir.files.create(key: "big file+.bin", body: "x" * (11 * 1024 * 1024), multipart_chunk_size: 5 * 1024 * 1024)
  h = s3.head_object(bucket, "big file+.bin").headers
  [h["ETag"], h["Content-Length"].to_i]
end
step(seen, "multipartConcurrent") do
  f = dir.files.create(key: "conc.bin", body: "y" * (16 * 1024 * 1024), multipart_chunk_size: 5 * 1024 * 1024, concurrency: 3)
  h = s3.head_object(bucket, "conc.bin").headers
  [h["ETag"], h["Content-Length"].to_i]
end
# An IO body goes out as signed aws-chunked (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) with no Content-Encoding.
step(seen, "streamed") do
  data = Random.new(1).bytes(3 * 1024 * 1024 + 17)
  io = Tempfile.new("fog")
  io.binmode
  io.write(data)
  io.flush
  io.rewind
  etag = s3.put_object(bucket, "streamed ü.bin", io).headers["ETag"]
  h = s3.head_object(bucket, "streamed ü.bin").headers
  [etag == "\"#{Digest::MD5.hexdigest(data)}\"", h["Content-Length"].to_i, h["Content-Encoding"], s3.get_object(bucket, "streamed ü.bin").body == data]
ensure
  io&.close!
end
step(seen, "multipartRequest") do
  up = s3.initiate_multipart_upload(bucket, "mp ü.bin", "Content-Type" => "application/x-mp", "x-amz-meta-k" => "v").body
  id = up["UploadId"]
  p1 = s3.upload_part(bucket, "mp ü.bin", id, 1, "a" * (5 * 1024 * 1024)).headers["ETag"]
  p2 = s3.upload_part(bucket, "mp ü.bin", id, 2, "b").headers["ETag"]
  parts = s3.list_parts(bucket, "mp ü.bin", id).body
  uploads = s3.list_multipart_uploads(bucket).body
  done = s3.complete_multipart_upload(bucket, "mp ü.bin", id, [p1, p2]).body
  h = s3.head_object(bucket, "mp ü.bin").headers
  [up["Key"], parts["Part"].map { |p| [p["PartNumber"], p["Size"]] }, uploads["Upload"].map { |u| u["Key"] }, done["Key"], done["ETag"], h["Content-Length"].to_i, h["Content-Type"], h["x-amz-meta-k"]]
end
step(seen, "abortMultipart") do
  id = s3.initiate_multipart_upload(bucket, "aborted").body["UploadId"]
  s3.abort_multipart_upload(bucket, "aborted", id).status
end
step(seen, "deleteMultiple") do
  r = s3.delete_multiple_objects(bucket, ["copy/plain", "copy/replaced", "not there"], quiet: false).body
  r["DeleteResult"].map { |d| d.keys.first }
end
step(seen, "cors") do
  s3.put_bucket_cors(bucket, "CORSConfiguration" => [{ "AllowedOrigin" => ["http://a.example"], "AllowedMethod" => ["GET", "PUT"], "AllowedHeader" => ["*"], "MaxAgeSeconds" => 300, "ExposeHeader" => ["ETag"] }])
  s3.get_bucket_cors(bucket).body
end
step(seen, "lifecycle") do
  s3.put_bucket_lifecycle(bucket, "Rules" => [{ "ID" => "r1", "Prefix" => "logs/", "Enabled" => true, "Expiration" => { "Days" => 30 } }])
  s3.get_bucket_lifecycle(bucket).body
end
step(seen, "website") do
  s3.put_bucket_website(bucket, IndexDocument: "index.html", ErrorDocument: "err.html")
  s3.get_bucket_website(bucket).body
end
step(seen, "bucketTagging") do
  s3.put_bucket_tagging(bucket, "env" => "test", "k 2" => "v+2")
  s3.get_bucket_tagging(bucket).body
end
step(seen, "objectTagging") do
  s3.put_object_tagging(bucket, KEYS[1], "t" => "1")
  s3.get_object_tagging(bucket, KEYS[1]).body
end
step(seen, "policy") do
  statement = { "Effect" => "Allow", "Principal" => { "AWS" => "arn:aws:iam::000000000000:root" }, "Action" => "s3:GetObject", "Resource" => "arn:aws:s3:::#{bucket}/*" }
  s3.put_bucket_policy(bucket, { "Version" => "2012-10-17", "Statement" => [statement] })
  s3.get_bucket_policy(bucket)["Statement"].map { |st| [st["Action"], st["Principal"]] }
end
v4 && step(seen, "postObject") do
  policy = { "expiration" => (Time.now.utc + 300).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "conditions" => [{ "bucket" => bucket }, ["starts-with", "$key", "posted/"], { "Content-Type" => "text/plain" }] }
  fields = s3.post_object_hidden_fields("policy" => policy, "key" => "posted/${filename}", "Content-Type" => "text/plain")
  req = Net::HTTP::Post.new("/#{bucket}")
  req.set_form(fields.map { |k, v| [k, v] } + [["file", "posted body", { filename: "p 1.txt" }]], "multipart/form-data")
  r = Net::HTTP.start(uri.host, uri.port) { |h| h.request(req) }
  [fields.keys.sort, r.code, dir.files.get("posted/p 1.txt")&.body]
end
step(seen, "restore") do
  s3.put_object(bucket, "cold.txt", "cold", "x-amz-storage-class" => "GLACIER")
  first = s3.post_object_restore(bucket, "cold.txt", 1).status
  again = s3.post_object_restore(bucket, "cold.txt", 1).status
  begin
    s3.post_object_restore(bucket, KEYS[0], 1)
    hot = "no error"
  rescue Excon::Error => e
    hot = failure(e)
  end
  [first, again, s3.head_object(bucket, "cold.txt").headers["x-amz-restore"], hot]
end
step(seen, "versioning") do
  vb = "#{bucket}-v"
  d = s3.directories.create(key: vb)
  d.versioning = true
  s3.put_bucket_versioning(vb, "Enabled")
  st = s3.get_bucket_versioning(vb).body
  d.files.create(key: "k", body: "1")
  d.files.create(key: "k", body: "2")
  d.files.get("k").destroy
  vs = s3.get_bucket_object_versions(vb).body
  model = d.versions.all.map { |v| [v.key, v.latest, v.delete_marker] }
  [st, vs["Versions"].map { |v| v.keys.first }, model]
end
v4 && step(seen, "paging") do
  pb = "#{bucket}-p"
  d = s3.directories.create(key: pb)
  keys = (0...1005).map { |i| format("k%04d", i) }
  threads = 4.times.map { |t| Thread.new { keys.each_with_index { |k, i| s3.put_object(pb, k, "") if i % 4 == t } } }
  threads.each(&:join)
  n = 0
  d.files.each { n += 1 }
  first = s3.get_bucket(pb).body
  [n, first["Contents"].length, first["IsTruncated"]]
end
step(seen, "destroy") do
  f = dir.files.get(KEYS[4])
  f.destroy
  dir.files.head(KEYS[4])
end
puts JSON.generate(seen)
