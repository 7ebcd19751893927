# Perl's Net::Amazon::S3 (Debian libnet-amazon-s3-perl) against Nimbus, signing with the class
# named by SIGNATURE (Net::Amazon::S3::Signature::V2 or ::V4). Prints one JSON object of what it saw.
use strict;
use warnings;
use utf8;
use JSON::PP;
use LWP::UserAgent;
use Net::Amazon::S3;
use Net::Amazon::S3::Client;
use Net::Amazon::S3::Vendor::Generic;
use Net::Amazon::S3::Authorization::Basic;

my $signature = $ENV{SIGNATURE};
eval "require $signature" or die $@;
my $s3 = Net::Amazon::S3->new(
  authorization_context => Net::Amazon::S3::Authorization::Basic->new(aws_access_key_id => $ENV{ACCESS_KEY}, aws_secret_access_key => $ENV{SECRET_KEY}),
  vendor => Net::Amazon::S3::Vendor::Generic->new(host => $ENV{HOST}, use_https => 0, use_virtual_host => 0, authorization_method => $signature, default_region => 'us-east-1'),
  retry => 0);
my %out;
sub step {
  my ($name, $code) = @_;
  my $result = eval { $code->() };
  $out{$name} = $@ ? { error => ($s3->err // "$@" =~ s/ at \/.*//sr) } : $result;
}
sub ok_or_die { $_[0] or die(($s3->err // 'error') . "\n") }

# Keys are character strings: the library encodes them as UTF-8 itself.
my @keys = ("a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "q?&=#.txt");
my $bucket = ok_or_die($s3->add_bucket({ bucket => $ENV{BUCKET} }));
for my $k (@keys) { ok_or_die($bucket->add_key($k, "body", { content_type => 'text/plain', 'x-amz-meta-mk' => 'mv' })) }
step(get => sub { [ map { my $r = ok_or_die($bucket->get_key($_)); [ $r->{value}, $r->{content_type}, $r->{'x-amz-meta-mk'} ] } @keys ] });
step(head => sub { my $r = ok_or_die($bucket->head_key("a b+c.txt")); [ $r->{etag}, $r->{content_length} ] });
step(headMissing => sub { [ $bucket->head_key("missing") ? 'found' : 'absent' ] });
step(list => sub { my $r = ok_or_die($bucket->list); [ map { $_->{key} } @{ $r->{keys} } ] });
step(listDelimiter => sub { my $r = ok_or_die($bucket->list({ delimiter => '/' })); [ [ map { $_->{key} } @{ $r->{keys} } ], $r->{common_prefixes} ] });
step(listAll => sub { my $r = ok_or_die($bucket->list_all({ max_keys => 1 })); [ map { $_->{key} } @{ $r->{keys} } ] });
step(copy => sub { ok_or_die($bucket->copy_key("copied", "/$ENV{BUCKET}/a%20b%2Bc.txt")); $bucket->get_key("copied")->{value} });
step(editMetadata => sub { ok_or_die($bucket->edit_metadata("copied", { 'x-amz-meta-new' => 'n1', content_type => 'app/x' })); my $r = $bucket->head_key("copied"); [ $r->{content_type}, $r->{'x-amz-meta-new'} ] });
step(acl => sub { ok_or_die($bucket->get_acl) =~ /FULL_CONTROL/ ? 'FULL_CONTROL' : 'none' });
step(presigned => sub { my $r = LWP::UserAgent->new->get($bucket->query_string_authentication_uri("dir/ünï cødé.txt", time + 60)); [ $r->code, $r->content ] });
my $client = Net::Amazon::S3::Client->new(s3 => $s3);
my $cb = $client->bucket(name => $ENV{BUCKET});
step(clientObject => sub {
  my $o = $cb->object(key => "cl ient+/ö.txt", content_type => 'text/plain', user_metadata => { um => 'x' });
  $o->put("client body");
  my $meta = $cb->object(key => "cl ient+/ö.txt")->head;
  [ $o->get, $cb->object(key => "cl ient+/ö.txt")->range("bytes=1-3")->get, $meta->{MetaUm}, $meta->{ContentType}, $meta->{ContentLength}, $cb->object(key => "missing")->exists ? 1 : 0 ] });
step(clientList => sub { my $stream = $cb->list({ prefix => "cl" }); my @k; until ($stream->is_done) { push @k, map { $_->key } $stream->items } \@k });
step(deleteMulti => sub { ok_or_die($bucket->delete_multi_object(@keys)); [ map { $_->{key} } @{ $bucket->list->{keys} } ] });
step(deleteBucket => sub { $bucket->delete_key($_->{key}) for @{ $bucket->list_all->{keys} }; ok_or_die($bucket->delete_bucket); 1 });
step(missingBucket => sub { $s3->bucket("$ENV{BUCKET}-missing")->delete_bucket ? 'deleted' : [ $s3->err, $s3->errstr ] });
print JSON::PP->new->utf8->canonical->encode(\%out), "\n";
