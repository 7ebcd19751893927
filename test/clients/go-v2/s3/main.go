// Drives Nimbus's S3 with the AWS SDK for Go v2 (Debian's golang-github-aws-aws-sdk-go-v2-dev).
// Usage: s3 <endpoint> <path|vhost>. Prints "ok <check>" or "FAIL <check>: why" per check.
package main

import (
	. "../checks"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

var ctx = context.Background()

func body(out *s3.GetObjectOutput) string {
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	return string(b)
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func main() {
	endpoint, mode := os.Args[1], os.Args[2]
	// Every host (bucket.localhost for virtual-hosted style) dials the Nimbus port on loopback.
	port := endpoint[strings.LastIndex(endpoint, ":")+1:]
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.DialContext = func(c context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(c, network, "127.0.0.1:"+port)
		}
	})
	opts := s3.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		EndpointResolver: s3.EndpointResolverFromURL(endpoint, func(e *aws.Endpoint) {
			e.HostnameImmutable = false
		}),
		UsePathStyle: mode == "path",
		HTTPClient:   httpClient,
	}
	client := s3.New(opts)
	// A bucket in eu-west-1 is addressed with that region's signature (else 301 PermanentRedirect).
	// Its own resolver: EndpointResolverFromURL keeps the first Region it is asked for as SigningRegion.
	clientEU := s3.New(opts, func(o *s3.Options) {
		o.Region = "eu-west-1"
		o.EndpointResolver = s3.EndpointResolverFromURL(endpoint, func(e *aws.Endpoint) { e.HostnameImmutable = false })
	})
	suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1e9)
	bucket := "gov2-" + mode + "-" + suffix
	bucketEU := "gov2-eu-" + mode + "-" + suffix

	Check("CreateBucket", func() error {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
		return err
	}())
	Check("CreateBucket LocationConstraint", func() error {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucketEU,
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
		if err != nil {
			return err
		}
		loc, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &bucketEU})
		if err != nil {
			return err
		}
		return Expect(loc.LocationConstraint == types.BucketLocationConstraintEuWest1, "location %q", loc.LocationConstraint)
	}())
	Check("HeadBucket/ListBuckets", func() error {
		if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket}); err != nil {
			return err
		}
		out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			return err
		}
		seen := 0
		for _, b := range out.Buckets {
			if *b.Name == bucket || *b.Name == bucketEU {
				seen++
				if b.CreationDate == nil || time.Since(*b.CreationDate) > time.Hour {
					return fmt.Errorf("creation date %v", b.CreationDate)
				}
			}
		}
		return Expect(seen == 2 && out.Owner != nil && out.Owner.ID != nil, "seen %d owner %v", seen, out.Owner)
	}())
	Check("wrong secret refused (signatures enforced)", func() error {
		wrong := s3.New(opts, func(o *s3.Options) {
			o.Credentials = credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "not-the-secret", "")
			o.RetryMaxAttempts = 1
		})
		_, err := wrong.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
		return Expect(APICode(err) == "SignatureDoesNotMatch" && httpStatus(err) == 403, "%v", err)
	}())
	Check("BucketExists waiter", s3.NewBucketExistsWaiter(client).Wait(ctx, &s3.HeadBucketInput{Bucket: &bucket}, 10*time.Second))

	expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	Check("PutObject/GetObject headers", func() error {
		put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"),
			Body: strings.NewReader("hello, world"), ContentType: aws.String("text/plain; charset=utf-8"),
			ContentDisposition: aws.String(`attachment; filename="d.txt"`), CacheControl: aws.String("max-age=60"),
			ContentLanguage: aws.String("en"), ContentEncoding: aws.String("identity"), Expires: &expires,
			Metadata: map[string]string{"Color": "blue", "two-words": "a b"}})
		if err != nil {
			return err
		}
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("doc.txt")})
		if err != nil {
			return err
		}
		b := body(out)
		if b != "hello, world" || *out.ETag != *put.ETag || out.ContentLength != 12 {
			return fmt.Errorf("body %q etag %v/%v len %d", b, *out.ETag, *put.ETag, out.ContentLength)
		}
		if *out.ContentType != "text/plain; charset=utf-8" || *out.ContentDisposition != `attachment; filename="d.txt"` ||
			*out.CacheControl != "max-age=60" || *out.ContentLanguage != "en" || aws.ToString(out.ContentEncoding) != "identity" {
			return fmt.Errorf("headers %v %v %v %v %v", *out.ContentType, *out.ContentDisposition, *out.CacheControl, *out.ContentLanguage, aws.ToString(out.ContentEncoding))
		}
		if out.Expires == nil || !out.Expires.Equal(expires) {
			return fmt.Errorf("expires %v", out.Expires)
		}
		if out.Metadata["color"] != "blue" || out.Metadata["two-words"] != "a b" || out.LastModified == nil {
			return fmt.Errorf("metadata %v", out.Metadata)
		}
		head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("doc.txt")})
		if err != nil {
			return err
		}
		return Expect(head.ContentLength == 12 && *head.ETag == *put.ETag && head.Metadata["color"] == "blue" && head.AcceptRanges != nil,
			"head %d %v %v %v", head.ContentLength, *head.ETag, head.Metadata, head.AcceptRanges)
	}())
	Check("GetObject Range", func() error {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"), Range: aws.String("bytes=7-")})
		if err != nil {
			return err
		}
		b := body(out)
		return Expect(b == "world" && aws.ToString(out.ContentRange) == "bytes 7-11/12" && out.ContentLength == 5, "%q %v %d", b, aws.ToString(out.ContentRange), out.ContentLength)
	}())
	Check("GetObject Range suffix", func() error {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"), Range: aws.String("bytes=-3")})
		if err != nil {
			return err
		}
		b := body(out)
		return Expect(b == "rld" && aws.ToString(out.ContentRange) == "bytes 9-11/12", "%q %v", b, aws.ToString(out.ContentRange))
	}())
	Check("conditional reads", func() error {
		head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("doc.txt")})
		if err != nil {
			return err
		}
		_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"), IfNoneMatch: head.ETag})
		if httpStatus(err) != 304 {
			return fmt.Errorf("If-None-Match: %v", err)
		}
		_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"), IfMatch: aws.String(`"0000"`)})
		if httpStatus(err) != 412 || APICode(err) != "PreconditionFailed" {
			return fmt.Errorf("If-Match: %v", err)
		}
		_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"), IfMatch: aws.String(`"0000"`)})
		if httpStatus(err) != 412 {
			return fmt.Errorf("HEAD If-Match: %v", err)
		}
		_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"), IfModifiedSince: head.LastModified})
		if httpStatus(err) != 304 {
			return fmt.Errorf("If-Modified-Since: %v", err)
		}
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("doc.txt"), IfUnmodifiedSince: aws.Time(time.Now().Add(time.Hour)), IfMatch: head.ETag})
		if err != nil {
			return err
		}
		body(out)
		return nil
	}())

	// Keys whose paths the signer must leave as they are: S3 normalizes no "//", "." or "..".
	keys := []string{"dir/a b.txt", "dir/a+b.txt", "dir/ünï/çødé.txt", "dir/100%.txt", "dir/sub/x?y=z&w", "top~'!*().txt", "dir/tab\there",
		"/lead", "x//y", "x/./y/../z", "semi;colon,comma$@:=[]{}|^`"}
	Check("PutObject keys needing encoding", func() error {
		for _, k := range keys {
			if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
				return fmt.Errorf("%q: %w", k, err)
			}
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(k)})
			if err != nil {
				return fmt.Errorf("get %q: %w", k, err)
			}
			if b := body(out); b != k {
				return fmt.Errorf("get %q: %q", k, b)
			}
		}
		return nil
	}())
	Check("ListObjectsV2 paginator", func() error {
		var got []string
		pages := 0
		p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("dir/"), MaxKeys: 2})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			pages++
			for _, o := range out.Contents {
				got = append(got, *o.Key)
			}
		}
		want := []string{}
		for _, k := range keys {
			if strings.HasPrefix(k, "dir/") {
				want = append(want, k)
			}
		}
		sort.Strings(want)
		return Expect(strings.Join(got, "|") == strings.Join(want, "|") && pages == 3, "pages %d got %q want %q", pages, got, want)
	}())
	Check("ListObjectsV2 delimiter", func() error {
		var prefixes, contents []string
		p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("dir/"), Delimiter: aws.String("/"), MaxKeys: 1})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, cp := range out.CommonPrefixes {
				prefixes = append(prefixes, *cp.Prefix)
			}
			for _, o := range out.Contents {
				contents = append(contents, *o.Key)
			}
		}
		return Expect(strings.Join(prefixes, "|") == "dir/sub/|dir/ünï/" && len(contents) == 4, "prefixes %q contents %q", prefixes, contents)
	}())
	Check("ListObjects (v1) marker", func() error {
		out, err := client.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &bucket, Prefix: aws.String("dir/"), MaxKeys: 2})
		if err != nil {
			return err
		}
		if !out.IsTruncated || len(out.Contents) != 2 {
			return fmt.Errorf("truncated %v %d", out.IsTruncated, len(out.Contents))
		}
		out2, err := client.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &bucket, Prefix: aws.String("dir/"), Marker: out.Contents[1].Key})
		if err != nil {
			return err
		}
		return Expect(len(out2.Contents) == 4, "second page %d", len(out2.Contents))
	}())
	Check("CopyObject", func() error {
		src := "dir/ünï/çødé.txt"
		_, err := client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &bucket, Key: aws.String("copy/a b+ü.txt"),
			CopySource: aws.String(bucket + "/" + strings.ReplaceAll(urlPathEscape(src), "%2F", "/"))})
		if err != nil {
			return err
		}
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("copy/a b+ü.txt")})
		if err != nil {
			return err
		}
		if b := body(out); b != src {
			return fmt.Errorf("copy body %q", b)
		}
		r, err := client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &bucket, Key: aws.String("copy/doc"), CopySource: aws.String(bucket + "/doc.txt"),
			MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"new": "1"}, ContentType: aws.String("text/x")})
		if err != nil {
			return err
		}
		h, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("copy/doc")})
		if err != nil {
			return err
		}
		return Expect(h.Metadata["new"] == "1" && h.Metadata["color"] == "" && *h.ContentType == "text/x" && r.CopyObjectResult != nil && *r.CopyObjectResult.ETag == *h.ETag,
			"meta %v ct %v", h.Metadata, *h.ContentType)
	}())
	Check("Tagging", func() error {
		_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("tagged"), Body: strings.NewReader("t"), Tagging: aws.String("a=1&b=two%20words")})
		if err != nil {
			return err
		}
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("tagged")})
		if err != nil {
			return err
		}
		body(out)
		if out.TagCount != 2 {
			return fmt.Errorf("tag count %d", out.TagCount)
		}
		_, err = client.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: &bucket, Key: aws.String("tagged"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("k"), Value: aws.String("v w+x=y:z/@")}}}})
		if err != nil {
			return err
		}
		tags, err := client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: &bucket, Key: aws.String("tagged")})
		if err != nil {
			return err
		}
		if len(tags.TagSet) != 1 || *tags.TagSet[0].Value != "v w+x=y:z/@" {
			return fmt.Errorf("tags %v", tags.TagSet)
		}
		_, err = client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &bucket, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}})
		if err != nil {
			return err
		}
		bt, err := client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &bucket})
		if err != nil {
			return err
		}
		return Expect(len(bt.TagSet) == 1 && *bt.TagSet[0].Key == "env", "bucket tags %v", bt.TagSet)
	}())
	Check("DeleteObjects", func() error {
		ids := []types.ObjectIdentifier{}
		for _, k := range keys {
			ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
		}
		out, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: ids}})
		if err != nil {
			return err
		}
		got := []string{}
		for _, d := range out.Deleted {
			got = append(got, *d.Key)
		}
		sort.Strings(got)
		want := append([]string{}, keys...)
		sort.Strings(want)
		if strings.Join(got, "|") != strings.Join(want, "|") || len(out.Errors) != 0 {
			return fmt.Errorf("deleted %q errors %v", got, out.Errors)
		}
		q, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: ids[:1], Quiet: true}})
		if err != nil {
			return err
		}
		return Expect(len(q.Deleted) == 0, "quiet deleted %v", q.Deleted)
	}())
	Check("ObjectExists/ObjectNotExists waiters", func() error {
		if err := s3.NewObjectExistsWaiter(client).Wait(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("doc.txt")}, 10*time.Second); err != nil {
			return err
		}
		return s3.NewObjectNotExistsWaiter(client).Wait(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("dir/a b.txt")}, 10*time.Second)
	}())
	Check("errors", func() error {
		_, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("missing key")})
		var nsk *types.NoSuchKey
		if !errors.As(err, &nsk) || httpStatus(err) != 404 {
			return fmt.Errorf("GetObject missing: %T %v", err, err)
		}
		var re interface {
			ServiceHostID() string
			ServiceRequestID() string
		}
		if !errors.As(err, &re) || re.ServiceRequestID() == "" || re.ServiceHostID() == "" {
			return fmt.Errorf("request/host id missing: %v", err)
		}
		_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("missing")})
		// This SDK models no error for HeadObject: a 404 is a generic APIError with code NotFound.
		if APICode(err) != "NotFound" || httpStatus(err) != 404 {
			return fmt.Errorf("HeadObject missing: %T %v", err, err)
		}
		_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket + "-nope"), Key: aws.String("k")})
		// GetObject models NoSuchKey only: a missing bucket is a generic APIError.
		if APICode(err) != "NoSuchBucket" || httpStatus(err) != 404 {
			return fmt.Errorf("GetObject no bucket: %T %v", err, err)
		}
		_, err = client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket + "-nope")})
		var nf *types.NotFound
		if !errors.As(err, &nf) {
			return fmt.Errorf("HeadBucket no bucket: %T %v", err, err)
		}
		_, err = client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
		if APICode(err) != "BucketNotEmpty" || httpStatus(err) != 409 {
			return fmt.Errorf("DeleteBucket non-empty: %v", err)
		}
		// us-east-1 answers 200 to re-creating a bucket one owns (legacy); other Regions BucketAlreadyOwnedByYou.
		if _, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
			return fmt.Errorf("CreateBucket again in us-east-1: %v", err)
		}
		_, err = clientEU.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucketEU,
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
		var owned *types.BucketAlreadyOwnedByYou
		if !errors.As(err, &owned) || httpStatus(err) != 409 {
			return fmt.Errorf("CreateBucket again in eu-west-1: %T %v", err, err)
		}
		return nil
	}())

	Check("versioning", func() error {
		if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &bucket,
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			return err
		}
		v, err := client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &bucket})
		if err != nil || v.Status != types.BucketVersioningStatusEnabled {
			return fmt.Errorf("status %v %v", v, err)
		}
		p1, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("v key+1"), Body: strings.NewReader("one")})
		if err != nil {
			return err
		}
		if _, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("v key+1"), Body: strings.NewReader("two")}); err != nil {
			return err
		}
		d, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String("v key+1")})
		if err != nil || !d.DeleteMarker || d.VersionId == nil {
			return fmt.Errorf("delete %v %v", d, err)
		}
		lv, err := client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: &bucket, Prefix: aws.String("v key")})
		if err != nil {
			return err
		}
		if len(lv.Versions) != 2 || len(lv.DeleteMarkers) != 1 || !lv.DeleteMarkers[0].IsLatest || *lv.Versions[1].VersionId != *p1.VersionId || *lv.Versions[0].Key != "v key+1" {
			return fmt.Errorf("versions %d markers %d", len(lv.Versions), len(lv.DeleteMarkers))
		}
		g, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("v key+1"), VersionId: p1.VersionId})
		if err != nil {
			return err
		}
		if b := body(g); b != "one" || *g.VersionId != *p1.VersionId {
			return fmt.Errorf("old version %q", b)
		}
		_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("v key+1")})
		var nsk *types.NoSuchKey
		if !errors.As(err, &nsk) {
			return fmt.Errorf("after delete marker: %v", err)
		}
		// Paginate versions one at a time (KeyMarker / VersionIdMarker).
		n := 0
		in := &s3.ListObjectVersionsInput{Bucket: &bucket, Prefix: aws.String("v key"), MaxKeys: 1}
		for i := 0; i < 10; i++ {
			page, err := client.ListObjectVersions(ctx, in)
			if err != nil {
				return err
			}
			n += len(page.Versions) + len(page.DeleteMarkers)
			if !page.IsTruncated {
				break
			}
			in.KeyMarker, in.VersionIdMarker = page.NextKeyMarker, page.NextVersionIdMarker
		}
		return Expect(n == 3, "paged %d", n)
	}())

	big := make([]byte, 12*1024*1024+123)
	for i := range big {
		big[i] = byte(i * 7 % 251)
	}
	Check("manager Uploader/Downloader", func() error {
		up := manager.NewUploader(client, func(u *manager.Uploader) { u.PartSize = 5 * 1024 * 1024; u.Concurrency = 3 })
		res, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("big/ü file.bin"), Body: bytes.NewReader(big)})
		if err != nil {
			return err
		}
		if res.UploadID == "" || !strings.HasSuffix(aws.ToString(res.ETag), `-3"`) {
			return fmt.Errorf("upload %v etag %v", res.UploadID, aws.ToString(res.ETag))
		}
		down := manager.NewDownloader(client, func(d *manager.Downloader) { d.PartSize = 5 * 1024 * 1024; d.Concurrency = 3 })
		buf := manager.NewWriteAtBuffer(nil)
		n, err := down.Download(ctx, buf, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("big/ü file.bin")})
		if err != nil {
			return err
		}
		return Expect(n == int64(len(big)) && bytes.Equal(buf.Bytes(), big), "downloaded %d", n)
	}())
	Check("manager Uploader unseekable + checksum", func() error {
		up := manager.NewUploader(client, func(u *manager.Uploader) { u.PartSize = 5 * 1024 * 1024 })
		_, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("big/stream"), Body: io.MultiReader(bytes.NewReader(big)),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			return err
		}
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("big/stream"), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			return err
		}
		b := body(out)
		return Expect(b == string(big) && strings.HasSuffix(aws.ToString(out.ChecksumCRC32), "-3"), "len %d crc %v", len(b), aws.ToString(out.ChecksumCRC32))
	}())
	Check("manager Uploader small (single PutObject)", func() error {
		up := manager.NewUploader(client)
		_, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("small"), Body: io.MultiReader(strings.NewReader("tiny"))})
		return err
	}())

	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		Check("checksum "+string(alg), func() error {
			key := "sum/" + string(alg)
			put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(key), Body: strings.NewReader("checksum me"), ChecksumAlgorithm: alg})
			if err != nil {
				return err
			}
			sums := func(a, b, c, d *string) string {
				return aws.ToString(a) + aws.ToString(b) + aws.ToString(c) + aws.ToString(d)
			}
			ps := sums(put.ChecksumCRC32, put.ChecksumCRC32C, put.ChecksumSHA1, put.ChecksumSHA256)
			if ps == "" {
				return fmt.Errorf("PutObject returned no checksum")
			}
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				return err
			}
			b := body(out)
			gs := sums(out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumSHA1, out.ChecksumSHA256)
			if b != "checksum me" || gs != ps {
				return fmt.Errorf("get %q sum %q want %q", b, gs, ps)
			}
			// A ranged read carries no whole-object checksum to validate.
			r, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled, Range: aws.String("bytes=0-2")})
			if err != nil {
				return fmt.Errorf("ranged: %w", err)
			}
			if b := body(r); b != "che" {
				return fmt.Errorf("ranged %q", b)
			}
			h, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				return err
			}
			return Expect(sums(h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumSHA1, h.ChecksumSHA256) == ps, "head sum")
		}())
	}
	Check("multipart with SHA256 part checksums + GetObjectAttributes", func() error {
		key := "mp/sha"
		c, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: aws.String(key), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		if err != nil {
			return err
		}
		parts := []types.CompletedPart{}
		for i, chunk := range [][]byte{big[:5*1024*1024], big[5*1024*1024 : 5*1024*1024+10]} {
			up, err := client.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String(key), UploadId: c.UploadId, PartNumber: int32(i + 1),
				Body: bytes.NewReader(chunk), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
			if err != nil {
				return err
			}
			if up.ChecksumSHA256 == nil {
				return fmt.Errorf("part %d: no checksum", i+1)
			}
			parts = append(parts, types.CompletedPart{ETag: up.ETag, PartNumber: int32(i + 1), ChecksumSHA256: up.ChecksumSHA256})
		}
		lp, err := client.ListParts(ctx, &s3.ListPartsInput{Bucket: &bucket, Key: aws.String(key), UploadId: c.UploadId})
		if err != nil {
			return err
		}
		if len(lp.Parts) != 2 || aws.ToString(lp.Parts[0].ChecksumSHA256) != aws.ToString(parts[0].ChecksumSHA256) {
			return fmt.Errorf("list parts %d", len(lp.Parts))
		}
		done, err := client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: aws.String(key), UploadId: c.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		if err != nil {
			return err
		}
		if !strings.HasSuffix(aws.ToString(done.ChecksumSHA256), "-2") {
			return fmt.Errorf("complete checksum %v", aws.ToString(done.ChecksumSHA256))
		}
		g, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled, PartNumber: 2})
		if err != nil {
			return fmt.Errorf("get part 2: %w", err)
		}
		if b := body(g); b != string(big[5*1024*1024:5*1024*1024+10]) || g.PartsCount != 2 {
			return fmt.Errorf("part 2 %d bytes, parts %d", len(b), g.PartsCount)
		}
		a, err := client.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: &bucket, Key: aws.String(key),
			ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts, types.ObjectAttributesStorageClass, types.ObjectAttributesObjectSize}})
		if err != nil {
			return err
		}
		if a.ObjectSize != int64(5*1024*1024+10) || a.StorageClass != types.StorageClassStandard || a.ObjectParts == nil || a.ObjectParts.TotalPartsCount != 2 ||
			a.Checksum == nil || aws.ToString(a.Checksum.ChecksumSHA256)+"-2" != aws.ToString(done.ChecksumSHA256) || "\""+aws.ToString(a.ETag)+"\"" != aws.ToString(done.ETag) {
			return fmt.Errorf("attributes size %d class %v parts %+v checksum %+v etag %v", a.ObjectSize, a.StorageClass, a.ObjectParts, a.Checksum, aws.ToString(a.ETag))
		}
		return nil
	}())
	Check("presign GET/PUT", func() error {
		pc := s3.NewPresignClient(client)
		put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("pre/a b+ü.txt")})
		if err != nil {
			return err
		}
		req, _ := http.NewRequest(put.Method, put.URL, strings.NewReader("presigned"))
		// This signer leaves Content-Type out of a presigned PUT; sent unsigned, S3 stores it.
		req.Header.Set("Content-Type", "text/plain")
		for k, v := range put.SignedHeader {
			if !strings.EqualFold(k, "host") {
				req.Header[k] = v
			}
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			return err
		}
		rb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("PUT %d %s (%s)", resp.StatusCode, rb, put.URL)
		}
		get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("pre/a b+ü.txt")}, s3.WithPresignExpires(time.Minute))
		if err != nil {
			return err
		}
		req, _ = http.NewRequest("GET", get.URL, nil)
		resp, err = httpClient.Do(req)
		if err != nil {
			return err
		}
		gb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return Expect(resp.StatusCode == 200 && string(gb) == "presigned" && resp.Header.Get("Content-Type") == "text/plain", "GET %d %q %q (PUT %s signed %v)", resp.StatusCode, gb, resp.Header.Get("Content-Type"), put.URL, put.SignedHeader)
	}())

	// Over HTTPS the SDK streams a checksum as an aws-chunked trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER);
	// over HTTP it sends a header. The client believes in TLS here: the https dial is plain TCP to Nimbus.
	Check("aws-chunked trailing checksums (SDK believes HTTPS)", func() error {
		tlsClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.DialTLSContext = func(c context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(c, network, "127.0.0.1:"+port)
			}
		})
		secure := s3.New(opts, func(o *s3.Options) {
			o.HTTPClient = tlsClient
			o.EndpointResolver = s3.EndpointResolverFromURL(strings.Replace(endpoint, "http:", "https:", 1), func(e *aws.Endpoint) { e.HostnameImmutable = false })
		})
		for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
			key := "trailer/" + string(alg)
			// An unseekable body: the SDK can only send its checksum after it.
			if _, err := secure.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: io.MultiReader(strings.NewReader("trailing checksum")),
				ContentLength: 17, ChecksumAlgorithm: alg}); err != nil {
				return fmt.Errorf("%s: %w", alg, err)
			}
			out, err := secure.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key, ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				return err
			}
			if b := body(out); b != "trailing checksum" {
				return fmt.Errorf("%s: body %q", alg, b)
			}
		}
		up := manager.NewUploader(secure, func(u *manager.Uploader) { u.PartSize = 5 * 1024 * 1024; u.Concurrency = 2 })
		if _, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("trailer/multipart"), Body: io.MultiReader(bytes.NewReader(big)),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c}); err != nil {
			return err
		}
		out, err := secure.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("trailer/multipart"), ChecksumMode: types.ChecksumModeEnabled, PartNumber: 3})
		if err != nil {
			return err
		}
		b := body(out)
		return Expect(b == string(big[10*1024*1024:]) && aws.ToString(out.ChecksumCRC32C) != "", "part 3: %d bytes, crc32c %q", len(b), aws.ToString(out.ChecksumCRC32C))
	}())

	// Clean up: empty both buckets (all versions) and delete them.
	Check("cleanup", func() error {
		for b, client := range map[string]*s3.Client{bucket: client, bucketEU: clientEU} {
			for {
				page, err := client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
				if err != nil {
					return fmt.Errorf("%s: %w", b, err)
				}
				ids := []types.ObjectIdentifier{}
				for _, v := range page.Versions {
					ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
				}
				for _, v := range page.DeleteMarkers {
					ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
				}
				if len(ids) > 0 {
					if _, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &types.Delete{Objects: ids, Quiet: true}}); err != nil {
						return err
					}
				}
				if !page.IsTruncated {
					break
				}
			}
			if _, err := client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(b)}); err != nil {
				return err
			}
		}
		return s3.NewBucketNotExistsWaiter(client).Wait(ctx, &s3.HeadBucketInput{Bucket: &bucket}, 10*time.Second)
	}())
	Exit()
}

// urlPathEscape escapes a key for a CopySource header the way the SDK docs ask (URL-encoded).
func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
