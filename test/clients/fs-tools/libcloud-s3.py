"""Apache Libcloud's S3 driver (its own SigV4 signer, XML parsing and multipart) against Nimbus.

Usage: libcloud-s3.py PORT BUCKET WORKDIR. Prints one "name value" line per check; the
test compares them. Keys are ASCII-only where libcloud parses a listing: it decodes the
list XML with requests' charset guess (S3 sends application/xml without a charset, as AWS does).
"""
import hashlib
import os
import sys

from libcloud.storage.providers import get_driver
from libcloud.storage.types import ContainerDoesNotExistError, ObjectDoesNotExistError, Provider

port, bucket, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cls = get_driver(Provider.S3)
key, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
d = cls(key, secret, host="127.0.0.1", port=port, secure=False, region="us-east-1")


def out(name, value):
    print(name, value, flush=True)


c = d.create_container(bucket)
out("container", c.name)
out("listed_container", bucket in [x.name for x in d.list_containers()])

path = os.path.join(work, "small.txt")
with open(path, "w") as f:
    f.write("hello libcloud\n")
small_key = "dir/a b+c%d é.txt"
o = d.upload_object(path, c, small_key, extra={"meta_data": {"owner": "me"}, "content_type": "text/x-test"}, verify_hash=True)
out("upload_hash", o.hash)

big = os.urandom(12 * 1024 * 1024 + 5)
chunks = [big[i:i + 1000000] for i in range(0, len(big), 1000000)]
streamed = d.upload_object_via_stream(iter(chunks), c, "big/stream.bin", extra={"content_type": "application/x-big", "meta_data": {"k": "v"}})
out("stream_etag_parts", streamed.hash.strip('"').split("-")[1])

g = d.get_object(bucket, small_key)
out("get_small", "%d %s %s %s" % (g.size, g.hash, g.extra.get("content_type"), sorted(g.meta_data.items())))
gb = d.get_object(bucket, "big/stream.bin")
out("get_big", "%d %s %s" % (gb.size, gb.extra.get("content_type"), sorted(gb.meta_data.items())))
out("big_md5_equal", hashlib.md5(b"".join(d.download_object_as_stream(gb))).hexdigest() == hashlib.md5(big).hexdigest())
dest = os.path.join(work, "downloaded")
out("download", d.download_object(g, dest, overwrite_existing=True) and open(dest).read() == "hello libcloud\n")
ranged = os.path.join(work, "ranged")
d.download_object_range(gb, ranged, 100, 200, overwrite_existing=True)
out("range", open(ranged, "rb").read() == big[100:200])
out("range_stream_tail", b"".join(d.download_object_range_as_stream(gb, len(big) - 7)) == big[-7:])

for i in range(12):
    d.upload_object_via_stream(iter([b"x%d" % i]), c, "many/%03d" % i)
out("count_all", len(d.list_container_objects(c)))
out("count_prefix", len(list(d.iterate_container_objects(c, prefix="many/"))))
listed = {x.name: x for x in d.list_container_objects(c, prefix="big/")}
out("listed_big", "%d %s" % (listed["big/stream.bin"].size, listed["big/stream.bin"].hash == gb.hash))

try:
    d.get_object(bucket, "no-such-key")
    out("missing_object", "found")
except ObjectDoesNotExistError:
    out("missing_object", "ObjectDoesNotExistError")
try:
    d.get_container(bucket + "-none")
    out("missing_container", "found")
except ContainerDoesNotExistError:
    out("missing_container", "ContainerDoesNotExistError")
try:
    cls(key, secret, host="127.0.0.1", port=port, secure=False, region="eu-west-1").list_container_objects(c)
    out("wrong_region", "listed")
except Exception as e:  # libcloud raises a bare LibcloudError naming x-amz-bucket-region
    out("wrong_region", "us-east-1" in str(e))

for x in list(d.iterate_container_objects(c, prefix="many/")) + [gb]:
    d.delete_object(x)
out("delete_small", d.delete_object(g))
out("delete_container", d.delete_container(c))
