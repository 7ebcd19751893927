#!/bin/sh
# pgBackRest's own C S3 client (HTTPS only: $TLS_PORT is a TLS proxy in front of Nimbus).
# Repository commands that need no PostgreSQL; the bucket exists already.
set -eu
cd "$WORK"
. "$(dirname "$0")/pgbackrest-repo.sh"
echo "repo1-storage-upload-chunk-size=5MiB" >> pgbackrest.conf
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
