#!/bin/sh
# pgBackRest's own C S3 client (HTTPS only: $TLS_PORT is a TLS proxy in front of Nimbus).
# Repository commands that need no PostgreSQL; the bucket exists already.
set -eu
cd "$WORK"
cat > pgbackrest.conf <<CONF
[global]
repo1-type=s3
repo1-s3-endpoint=127.0.0.1
repo1-s3-uri-style=path
repo1-storage-port=$TLS_PORT
repo1-storage-verify-tls=n
repo1-s3-bucket=$BUCKET
repo1-s3-region=us-east-1
repo1-s3-key=$AWS_ACCESS_KEY_ID
repo1-s3-key-secret=$AWS_SECRET_ACCESS_KEY
repo1-path=/repo
repo1-storage-upload-chunk-size=5MiB
log-path=$WORK
log-level-file=off
CONF
p() { pgbackrest --config="$WORK/pgbackrest.conf" "$@"; }
head -c 12000000 /dev/urandom > big.bin # three parts of a multipart upload
echo "hello pg" | p repo-put x/a.txt
p repo-put x/big.bin < big.bin
p repo-put "x/s p+ace=é.txt" < /etc/hostname
p repo-ls --recurse --output=json
p repo-get x/big.bin | cmp - big.bin
p repo-get x/a.txt
p repo-rm x/a.txt
p repo-ls x
p info
