# Sourced by the pgBackRest scripts: the [global] lines naming the Nimbus repository (through
# the TLS proxy on $TLS_PORT), written to $WORK/pgbackrest.conf; each script adds its own.
cat > "$WORK/pgbackrest.conf" <<CONF
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
log-path=$WORK
log-level-file=off
CONF
