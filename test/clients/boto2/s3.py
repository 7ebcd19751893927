"""boto 2 (python3-boto) against Nimbus S3: prints what it saw as one JSON object.

Each step runs on its own; a failure is recorded as {"error": ...} and the next step still runs.
SIGV4=1 in the environment switches boto to its s3-sigv4 signer (S3_USE_SIGV4).
"""
import io
import json
import os
import tempfile
import traceback
import urllib.error
import urllib.request

import boto
from boto.s3.connection import OrdinaryCallingFormat, S3Connection
from boto.s3.cors import CORSConfiguration
from boto.s3.lifecycle import Expiration, Lifecycle, Transition
from boto.s3.tagging import Tags, TagSet
from boto.s3.website import RedirectLocation, RoutingRule, RoutingRules
from boto.exception import S3ResponseError

PORT = int(os.environ["PORT"])
BUCKET = os.environ["BUCKET"]
SIGV4 = os.environ.get("SIGV4") == "1"

if SIGV4:
    if not boto.config.has_section("s3"):
        boto.config.add_section("s3")
    boto.config.set("s3", "use-sigv4", "True")
    # boto's s3-sigv4 signer takes its region from the host unless told.
    boto.config.set("s3", "host", "127.0.0.1")
if not boto.config.has_section("Boto"):
    boto.config.add_section("Boto")
boto.config.set("Boto", "num_retries", "0")

conn = S3Connection(
    host="127.0.0.1",
    port=PORT,
    is_secure=False,
    calling_format=OrdinaryCallingFormat(),
    aws_access_key_id=os.environ["ACCESS_KEY"],
    aws_secret_access_key=os.environ["SECRET_KEY"],
)
if SIGV4:
    conn.auth_region_name = "us-east-1"

seen = {}


def step(name):
    def wrap(fn):
        try:
            seen[name] = fn()
        except S3ResponseError as e:
            seen[name] = {"error": e.error_code, "status": e.status, "reason": e.reason, "message": e.message}
        except Exception as e:  # noqa: BLE001 - recorded for the test to report
            seen[name] = {"error": type(e).__name__, "detail": str(e), "trace": traceback.format_exc()[-800:]}
        return fn
    return wrap


def err(fn):
    try:
        fn()
        return None
    except S3ResponseError as e:
        return [e.status, e.reason, e.error_code, e.message]


bucket = None


@step("createBucket")
def _():
    global bucket
    bucket = conn.create_bucket(BUCKET)
    return bucket.name


@step("createBucketLocation")
def _():
    # SigV2 names no Region, so the bucket is reachable whatever its Region; SigV4 here signs for
    # us-east-1, and AWS answers a request for a bucket elsewhere 301 PermanentRedirect.
    out = []
    for loc in ["EU", "eu-west-1", "us-east-1", ""]:
        try:
            b = conn.create_bucket("%s-%s" % (BUCKET, loc.lower() or "default"), location=loc)
            out.append(b.get_location())
            out.append(err(b.delete))
        except S3ResponseError as e:
            out.append([e.status, e.error_code, e.message])
    return out


@step("location")
def _():
    return bucket.get_location()


@step("allBuckets")
def _():
    return BUCKET in [b.name for b in conn.get_all_buckets()]


@step("lookup")
def _():
    return [conn.lookup(BUCKET) is not None, conn.lookup(BUCKET + "-missing") is None]


@step("getMissingBucket")
def _():
    return err(lambda: conn.get_bucket(BUCKET + "-missing"))


KEYS = ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "q?&=#.txt", "dir/sub/x~y!*'().txt"]


@step("put")
def _():
    out = []
    for name in KEYS:
        k = bucket.new_key(name)
        k.set_metadata("color", "blue")
        k.set_contents_from_string("v-" + name, headers={"Content-Type": "text/plain", "Cache-Control": "max-age=3"})
        out.append(k.etag is not None)
    return out


@step("get")
def _():
    out = []
    for name in KEYS:
        k = bucket.get_key(name)
        out.append([k.get_contents_as_string().decode(), k.content_type, k.cache_control, k.get_metadata("color"), k.size])
    return out


@step("range")
def _():
    k = bucket.get_key("a b+c.txt")
    k.open_read(headers={"Range": "bytes=2-4"})
    status, content_range = k.resp.status, k.resp.getheader("content-range")
    body = k.read().decode()
    k.close()
    return [status, body, content_range]


@step("fromFile")
def _():
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"x" * 1000)
        f.seek(0)
        k = bucket.new_key("file.bin")
        k.set_contents_from_file(f, headers={"Content-Type": "application/octet-stream"})
    k2 = bucket.get_key("file.bin")
    return [k2.size, k2.content_type, k2.etag]


@step("responseHeaders")
def _():
    # response-* parameters are part of what SigV2 signs (boto/utils.py qsa_of_interest).
    k = bucket.get_key("a b+c.txt")
    body = k.get_contents_as_string(response_headers={"response-content-type": "x/y", "response-content-disposition": 'attachment; filename="a b.txt"'})
    return [body.decode(), k.content_type, k.content_disposition]


@step("putOptions")
def _():
    bucket.new_key("sse.txt").set_contents_from_string("s", encrypt_key=True)
    bucket.new_key("rrs.txt").set_contents_from_string("r", reduced_redundancy=True)
    kept = bucket.new_key("a b+c.txt").set_contents_from_string("other", replace=False)
    out = [bucket.get_key("sse.txt").encrypted, bucket.get_key("rrs.txt").storage_class, [k.storage_class for k in bucket.list(prefix="rrs")], kept, bucket.get_key("a b+c.txt").size]
    bucket.delete_keys(["sse.txt", "rrs.txt"])
    return out


@step("badDigest")
def _():
    wrong = "0W+zbwkR+HiZjBNhka9wXg=="
    return err(lambda: bucket.new_key("m.txt").set_contents_from_string("abc", md5=("d16fb36f0911f878998c136191af705e", wrong)))


@step("exists")
def _():
    return [bucket.new_key("a b+c.txt").exists(), bucket.new_key("nope").exists()]


@step("noSuchKey")
def _():
    return err(lambda: bucket.new_key("nope").get_contents_as_string())


@step("copyReplace")
def _():
    bucket.copy_key("copy.txt", BUCKET, "a b+c.txt", metadata={"shape": "round"})
    k = bucket.get_key("copy.txt")
    return [k.get_contents_as_string().decode(), k.get_metadata("shape"), k.get_metadata("color")]


@step("copyKeep")
def _():
    bucket.copy_key("copy2.txt", BUCKET, "dir/ünï cødé.txt", preserve_acl=False)
    k = bucket.get_key("copy2.txt")
    return [k.get_contents_as_string().decode(), k.get_metadata("color")]


@step("listDelimiter")
def _():
    items = list(bucket.list(delimiter="/"))
    return [[i.name for i in items if i.__class__.__name__ == "Key"], [i.name for i in items if i.__class__.__name__ == "Prefix"]]


@step("listPrefix")
def _():
    return [k.name for k in bucket.list(prefix="dir/")]


@step("listPages")
def _():
    # BucketListResultSet pages with max_keys and the marker of the last key.
    rs = bucket.get_all_keys(max_keys=2)
    pages = [[k.name for k in rs]]
    while rs.is_truncated:
        rs = bucket.get_all_keys(max_keys=2, marker=rs[-1].name)
        pages.append([k.name for k in rs])
    return pages


@step("listAll")
def _():
    return [k.name for k in bucket.list()]


@step("deleteKeys")
def _():
    r = bucket.delete_keys(["copy.txt", "copy2.txt", "never-existed"])
    return [sorted(d.key for d in r.deleted), [e.key for e in r.errors]]


# boto's s3-sigv4 presigner signs "host:127.0.0.1:PORT:PORT" on a port other than 80/443
# (boto/auth.py host_header appends the port to a host that already has it), so its URLs only
# match on AWS's default ports: presigned URLs are driven with the SigV2 signer alone.
def presigned(fn):
    return (lambda f: f) if SIGV4 else step(fn)


@presigned("presignedGet")
def _():
    url = conn.generate_url(300, "GET", BUCKET, "q?&=#.txt")
    return urllib.request.urlopen(url).read().decode()


@presigned("presignedPut")
def _():
    url = conn.generate_url(300, "PUT", BUCKET, "pre put.txt", headers={"Content-Type": "text/plain"})
    req = urllib.request.Request(url, data=b"presigned", method="PUT", headers={"Content-Type": "text/plain"})
    status = urllib.request.urlopen(req).status
    return [status, bucket.get_key("pre put.txt").get_contents_as_string().decode()]


@presigned("presignedBad")
def _():
    url = conn.generate_url(300, "GET", BUCKET, "a b+c.txt").replace("Signature=", "Signature=x")
    try:
        urllib.request.urlopen(url)
        return None
    except urllib.error.HTTPError as e:
        return [e.code, "SignatureDoesNotMatch" in e.read().decode()]


@presigned("presignedMore")
def _():
    head = urllib.request.urlopen(urllib.request.Request(conn.generate_url(60, "HEAD", BUCKET, "a b+c.txt"), method="HEAD"))
    typed = urllib.request.urlopen(conn.generate_url(60, "GET", BUCKET, "a b+c.txt", response_headers={"response-content-type": "x/y"}))
    listing = urllib.request.urlopen(conn.generate_url(60, "GET", BUCKET)).read().decode()
    try:
        urllib.request.urlopen(conn.generate_url(-10, "GET", BUCKET, "a b+c.txt"))
        expired = None
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        expired = [e.code, "<Code>AccessDenied</Code>" in body, "<Message>Request has expired</Message>" in body]
    # boto puts the x-amz-* headers it signs into the URL too: the uploader sends the body alone.
    url = conn.generate_url(60, "PUT", BUCKET, "meta.txt", headers={"x-amz-meta-foo": "bar", "Content-Type": "text/plain"})
    urllib.request.urlopen(urllib.request.Request(url, data=b"m", method="PUT", headers={"Content-Type": "text/plain"}))
    meta = bucket.get_key("meta.txt").metadata
    bucket.delete_key("meta.txt")
    return [head.status, head.headers["content-length"], typed.headers["content-type"], "<Key>a b+c.txt</Key>" in listing, expired, meta]


@step("multipart")
def _():
    mp = bucket.initiate_multipart_upload("big.bin", metadata={"m": "1"})
    for i, size in enumerate([5 * 1024 * 1024, 1234], start=1):
        with tempfile.NamedTemporaryFile() as f:
            f.write(bytes([96 + i]) * size)
            f.seek(0)
            mp.upload_part_from_file(f, i)
    parts = [[p.part_number, p.size] for p in mp]
    pending = [u.key_name for u in bucket.get_all_multipart_uploads()]
    done = mp.complete_upload()
    k = bucket.get_key("big.bin")
    return [parts, pending, done.etag.endswith('-2"'), k.size, k.get_metadata("m")]


@step("partsAndUploadsPaging")
def _():
    mp = bucket.initiate_multipart_upload("p.bin")
    for i in range(1, 4):
        mp.upload_part_from_file(io.BytesIO(b"z" * 10), i)
    first = [p.part_number for p in mp.get_all_parts(max_parts=2)]
    paged = [first, mp.next_part_number_marker, mp.is_truncated, [p.part_number for p in mp]]
    others = [bucket.initiate_multipart_upload(n) for n in ["u1", "u2"]]
    rs = bucket.get_all_multipart_uploads(max_uploads=2)
    paged += [[u.key_name for u in rs], rs.is_truncated, rs.next_key_marker, sorted(u.key_name for u in bucket.list_multipart_uploads())]
    for u in [mp] + others:
        u.cancel_upload()
    return paged


@step("cancelUpload")
def _():
    mp = bucket.initiate_multipart_upload("gone.bin")
    mp.cancel_upload()
    return [u.key_name for u in bucket.get_all_multipart_uploads()]


@step("acl")
def _():
    # New buckets own their objects (BucketOwnerEnforced): ACLs read fine, setting one is refused.
    policy = bucket.get_acl("a b+c.txt")
    grants = [[g.permission, g.type, g.id == policy.owner.id] for g in policy.acl.grants]
    bpolicy = bucket.get_acl()
    refused = err(lambda: bucket.set_canned_acl("public-read", "a b+c.txt"))
    ow = conn.create_bucket(BUCKET + "-ow", headers={"x-amz-object-ownership": "ObjectWriter"})
    ow.new_key("k").set_contents_from_string("x")
    public = err(lambda: ow.set_canned_acl("authenticated-read", "k"))
    ow.set_canned_acl("bucket-owner-read", "k")
    ow_grants = sorted([g.permission, g.type] for g in ow.get_acl("k").acl.grants)
    ow.delete_key("k")
    ow.delete()
    return [grants, [g.permission for g in bpolicy.acl.grants], refused, public[:3], ow_grants]


@step("lifecycle")
def _():
    lc = Lifecycle()
    lc.add_rule("expire-logs", prefix="logs/", status="Enabled", expiration=Expiration(days=30))
    bucket.configure_lifecycle(lc)
    got = bucket.get_lifecycle_config()
    return [[r.id, r.prefix, r.status, r.expiration.days] for r in got]


@step("lifecycleMore")
def _():
    lc = Lifecycle()
    lc.add_rule("d", prefix="x/", status="Enabled", expiration=Expiration(date="2030-01-01T00:00:00.000Z"))
    lc.add_rule("t", prefix="y/", status="Disabled", expiration=Expiration(days=400), transition=Transition(days=30, storage_class="GLACIER"))
    bucket.configure_lifecycle(lc)
    got = [[r.id, r.expiration.date, r.expiration.days, r.transition and [r.transition.days, r.transition.storage_class]] for r in bucket.get_lifecycle_config()]
    bucket.delete_lifecycle_configuration()
    return [got, err(bucket.get_lifecycle_config)]


@step("cors")
def _():
    c = CORSConfiguration()
    c.add_rule(["GET", "PUT"], "https://example.com", allowed_header="*", max_age_seconds=300, expose_header="ETag")
    bucket.set_cors(c)
    got = bucket.get_cors()
    return [[r.allowed_method, r.allowed_origin, r.max_age_seconds, r.expose_header] for r in got]


@step("website")
def _():
    bucket.configure_website("index.html", "error.html")
    cfg = bucket.get_website_configuration()
    ep = bucket.get_website_endpoint()
    bucket.delete_website_configuration()
    return [cfg["WebsiteConfiguration"]["IndexDocument"]["Suffix"], cfg["WebsiteConfiguration"]["ErrorDocument"]["Key"], ep.startswith(BUCKET)]


@step("websiteRules")
def _():
    rules = RoutingRules().add_rule(RoutingRule.when(key_prefix="old/").then_redirect(replace_key_prefix="new/", http_redirect_code=301))
    bucket.configure_website("index.html", routing_rules=rules)
    got = bucket.get_website_configuration_obj().routing_rules[0]
    bucket.configure_website(redirect_all_requests_to=RedirectLocation("example.com", "https"))
    xml = bucket.get_website_configuration_xml()
    bucket.delete_website_configuration()
    return [got.condition.key_prefix, got.redirect.replace_key_prefix, got.redirect.http_redirect_code, "<HostName>example.com</HostName>" in xml, err(bucket.get_website_configuration)]


@step("requestPayment")
def _():
    before = bucket.get_request_payment()
    bucket.set_request_payment("Requester")
    after = bucket.get_request_payment()
    bucket.set_request_payment("BucketOwner")
    return ["<Payer>BucketOwner</Payer>" in before.decode(), "<Payer>Requester</Payer>" in after.decode()]


@step("tagging")
def _():
    ts = TagSet()
    ts.add_tag("env", "test")
    ts.add_tag("k 1", "v+1")
    tags = Tags()
    tags.add_tag_set(ts)
    bucket.set_tags(tags)
    got = bucket.get_tags()
    out = sorted([t.key, t.value] for s in got for t in s)
    bucket.delete_tags()
    return [out, err(bucket.get_tags)]


@step("xmlTags")
def _():
    bucket.set_xml_tags('<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>')
    return [[t.key, t.value] for s in bucket.get_tags() for t in s]


@step("versions")
def _():
    vb = conn.create_bucket(BUCKET + "-v")
    vb.configure_versioning(True)
    status = vb.get_versioning_status()
    vb.new_key("x").set_contents_from_string("one")
    vb.new_key("x").set_contents_from_string("two")
    vb.delete_key("x")
    vs = list(vb.list_versions())
    kinds = [[v.name, v.__class__.__name__, v.is_latest] for v in vs]
    old = [v for v in vs if v.__class__.__name__ == "Key" and not v.is_latest][0]
    body = vb.get_key("x", version_id=old.version_id).get_contents_as_string().decode()
    vb.new_key("j").set_contents_from_string("j")
    rs = vb.get_all_versions(max_keys=2)
    first = [[v.name for v in rs], rs.is_truncated, rs.next_key_marker]
    rest = [v.name for v in vb.get_all_versions(max_keys=2, key_marker=rs.next_key_marker, version_id_marker=rs.next_version_id_marker)]
    deleted = vb.delete_keys([(v.name, v.version_id) for v in vb.list_versions()])
    vb.delete()
    return [status, kinds, body, first, rest, len(deleted.deleted)]


@step("deleteNonEmpty")
def _():
    return err(bucket.delete)


@step("cleanup")
def _():
    for k in bucket.list():
        k.delete()
    bucket.delete()
    return conn.lookup(BUCKET) is None


print(json.dumps(seen, ensure_ascii=False))
