"""smart_open (Debian's python3-smart-open) streaming S3 reads and writes against Nimbus.

Usage: smart-open.py ENDPOINT BUCKET (the bucket exists). Prints one JSON object.
"""
import json, os, sys
import boto3, smart_open

endpoint, bucket = sys.argv[1], sys.argv[2]
client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
tp = {"client": client}
out = {}

# Writes stream in 5 MiB parts (a multipart upload); reads seek with ranged GETs.
data = os.urandom(11 * 1024 * 1024 + 17)
with smart_open.open(f"s3://{bucket}/stream/big.bin", "wb", transport_params=dict(tp, min_part_size=5 * 1024 * 1024)) as f:
    for i in range(0, len(data), 1000003):
        f.write(data[i : i + 1000003])
head = client.head_object(Bucket=bucket, Key="stream/big.bin")
out["etag"] = head["ETag"]
out["length"] = head["ContentLength"] == len(data)
with smart_open.open(f"s3://{bucket}/stream/big.bin", "rb", transport_params=tp) as f:
    out["read"] = f.read() == data
    f.seek(6 * 1024 * 1024 + 5)
    out["seek"] = f.read(1000) == data[6 * 1024 * 1024 + 5 : 6 * 1024 * 1024 + 1005]
    f.seek(-10, 2)
    out["seekEnd"] = f.read() == data[-10:]

# Text through gzip, to a key with characters that need encoding.
key = "text/ü k+y.txt.gz"
with smart_open.open(f"s3://{bucket}/{key}", "wt", encoding="utf-8", transport_params=tp) as f:
    f.write("línea 1\nline 2\n")
with smart_open.open(f"s3://{bucket}/{key}", "rt", encoding="utf-8", transport_params=tp) as f:
    out["text"] = f.read().splitlines()
out["gzip"] = client.get_object(Bucket=bucket, Key=key)["Body"].read()[:2] == b"\x1f\x8b"

# An empty write (smart_open aborts its multipart upload and puts an empty object); reading it
# back meets the 416 S3 answers a ranged GET of an empty object.
with smart_open.open(f"s3://{bucket}/empty", "wb", transport_params=tp) as f:
    f.write(b"")
out["emptyLength"] = client.head_object(Bucket=bucket, Key="empty")["ContentLength"]
with smart_open.open(f"s3://{bucket}/empty", "rb", transport_params=tp) as f:
    out["emptyRead"] = f.read() == b""
out["uploadsLeft"] = len(client.list_multipart_uploads(Bucket=bucket).get("Uploads", []))
try:
    smart_open.open(f"s3://{bucket}/missing", "rb", transport_params=tp)
    out["missing"] = None
except OSError as e:
    out["missing"] = "NoSuchKey" in str(e)
print(json.dumps(out))
