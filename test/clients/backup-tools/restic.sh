#!/bin/sh
# restic (minio-go) against Nimbus: $PORT, $BUCKET, $WORK; AWS_* credentials in the environment.
# minio-go signs uploads over plain HTTP as aws-chunked STREAMING-AWS4-HMAC-SHA256-PAYLOAD.
set -eu
cd "$WORK"
export RESTIC_PASSWORD=pw RESTIC_REPOSITORY="s3:http://127.0.0.1:$PORT/$BUCKET/repo" RESTIC_CACHE_DIR="$WORK/cache"
mkdir -p src/sub
head -c 6000000 /dev/urandom > src/big.bin # over the 4 MiB pack size asked for below
head -c 300000 /dev/urandom > src/small.bin
echo hello > "src/sub/a b+c&d.txt"
restic init # creates the bucket too
restic backup --pack-size 4 src
restic snapshots --json > snapshots.json
restic check --read-data
restic restore latest --target out
diff -r src out/src
echo more > src/new.txt
restic backup --pack-size 4 src
restic forget --keep-last 1 --prune
restic unlock
restic -o s3.bucket-lookup=path -o s3.list-objects-v1=true check --read-data
restic snapshots --json
