#!/bin/sh
# duplicity 0.8's boto3+s3:// backend against Nimbus; the bucket exists already. No gpg: it
# changes nothing S3 sees and halves the time.
set -eu
cd "$WORK"
url="boto3+s3://$BUCKET/back"
d() { duplicity "$@" --s3-endpoint-url "$ENDPOINT" --archive-dir "$WORK/archive" --no-print-statistics --no-encryption; }
mkdir -p src/sub
head -c 14000000 /dev/urandom > src/big.bin # two volumes; the first a multipart upload
echo hi > "src/sub/s p+ace&.txt"
d full --volsize 12 --s3-multipart-chunk-size 5 --s3-use-ia src "$url"
echo more > src/new.txt
d incremental src "$url"
d list-current-files "$url"
d restore "$url" out
diff -r src out
d full src "$url"
d remove-all-but-n-full 1 --force "$url"
