#!/bin/sh
# git-annex's S3 special remote (the Haskell aws library, signing SigV2 by default) against Nimbus.
set -eu
cd "$WORK"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
git init -q repo
cd repo
git annex init test
git config annex.security.allowed-ip-addresses all # 127.0.0.1 is refused by default
head -c 2500000 /dev/urandom > big.bin
echo small > "s p+ace&.txt"
git annex add .
git commit -qm one
remote="type=S3 host=127.0.0.1 port=$PORT protocol=http requeststyle=path encryption=none"
git annex initremote chunked $remote bucket="$BUCKET-c" chunk=1MiB fileprefix="pre fix/"
git annex copy --to chunked .
git annex drop .
git annex get .
git annex fsck --from chunked
git annex whereis big.bin
# Versioned, exported tree; a multipart upload (git-annex sends parts a little under partsize).
git annex initremote versioned $remote bucket="$BUCKET-v" versioning=yes exporttree=yes partsize=6MiB
head -c 13000000 /dev/urandom > huge.bin
git annex add huge.bin
git commit -qm two
git annex export master --to versioned
cp huge.bin ../huge.v1
git annex unlock huge.bin
echo replaced > huge.bin
git annex add huge.bin
git commit -qm three
git annex export master --to versioned
git checkout -q HEAD~1 -- huge.bin # the first version, which S3 keeps under its version id
git annex drop --force huge.bin
git annex get --from versioned huge.bin
cmp huge.bin ../huge.v1
git annex drop --from chunked --force .
git annex whereis --json big.bin
