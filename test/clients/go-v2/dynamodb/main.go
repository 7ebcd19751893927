// Drives Nimbus's DynamoDB and DynamoDB Streams with the AWS SDK for Go v2 (Debian's
// golang-github-aws-aws-sdk-go-v2-dev). Usage: dynamodb <endpoint>. Prints "ok <check>" or
// "FAIL <check>: why" per check.
package main

import (
	. "../checks"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	streamsav "github.com/aws/aws-sdk-go-v2/feature/dynamodbstreams/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

var ctx = context.Background()

type Inner struct {
	Name  string
	Tags  []string `dynamodbav:",stringset"`
	Score float64
}

type Item struct {
	PK        string `dynamodbav:"pk"`
	SK        int    `dynamodbav:"sk"`
	GSIKey    string `dynamodbav:"gsi,omitempty"`
	LSIKey    string `dynamodbav:"lsi,omitempty"`
	Str       string
	Empty     string
	Int       int64
	Uint      uint64
	Float     float64
	Big       attributevalue.Number
	BigText   string
	Bool      bool
	Nil       *string
	Bytes     []byte
	StrSet    []string `dynamodbav:",stringset"`
	NumSet    []int    `dynamodbav:",numberset"`
	BinSet    [][]byte `dynamodbav:",binaryset"`
	List      []interface{}
	Map       map[string]interface{}
	Nested    Inner
	Time      time.Time
	Unixtime  attributevalue.UnixTime
	EmptyList []string
	EmptyMap  map[string]string
}

// differing names the fields of two items that differ (times compared as instants).
// differingSets is differing for an item read back, whose sets come in no particular order.
func differingSets(got, want Item) []string {
	sort.Strings(got.StrSet)
	sort.Ints(got.NumSet)
	sort.Slice(got.BinSet, func(i, j int) bool { return bytes.Compare(got.BinSet[i], got.BinSet[j]) < 0 })
	return differing(got, want)
}

func differing(a, b Item) []string {
	var names []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := 0; i < va.NumField(); i++ {
		fa, fb := va.Field(i).Interface(), vb.Field(i).Interface()
		if ta, ok := fa.(time.Time); ok && ta.Equal(fb.(time.Time)) {
			continue
		}
		if ua, ok := fa.(attributevalue.UnixTime); ok && time.Time(ua).Equal(time.Time(fb.(attributevalue.UnixTime))) {
			continue
		}
		if !reflect.DeepEqual(fa, fb) {
			names = append(names, fmt.Sprintf("%s: %#v != %#v", va.Type().Field(i).Name, fa, fb))
		}
	}
	return names
}

func main() {
	endpoint := os.Args[1]
	creds := credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")
	var lastCRC, lastEncoding string
	recordCRC := middleware.DeserializeMiddlewareFunc("recordCRC", func(c context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(c, in)
		if resp, ok := out.RawResponse.(*smithyhttp.Response); ok {
			lastCRC = resp.Header.Get("X-Amz-Crc32")
			lastEncoding = resp.Header.Get("Content-Encoding")
		}
		return out, md, err
	})
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1", Credentials: creds,
		EndpointResolver: dynamodb.EndpointResolverFromURL(endpoint),
		HTTPClient:       awshttp.NewBuildableClient(),
		APIOptions:       []func(*middleware.Stack) error{func(s *middleware.Stack) error { return s.Deserialize.Add(recordCRC, middleware.After) }},
		Retryer:          aws.NopRetryer{}, // a checksum mismatch must fail, not be retried away
	})
	gzipClient := dynamodb.New(dynamodb.Options{Region: "us-east-1", Credentials: creds,
		EndpointResolver: dynamodb.EndpointResolverFromURL(endpoint), EnableAcceptEncodingGzip: true, Retryer: aws.NopRetryer{},
		APIOptions: []func(*middleware.Stack) error{func(s *middleware.Stack) error { return s.Deserialize.Add(recordCRC, middleware.After) }}})
	streams := dynamodbstreams.New(dynamodbstreams.Options{Region: "us-east-1", Credentials: creds,
		EndpointResolver: dynamodbstreams.EndpointResolverFromURL(endpoint)})
	table := fmt.Sprintf("gov2-%d", time.Now().UnixNano()%1e9)

	Check("CreateTable with GSI, LSI and stream", func() error {
		_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName: &table,
			AttributeDefinitions: []types.AttributeDefinition{
				{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
				{AttributeName: aws.String("gsi"), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String("lsi"), AttributeType: types.ScalarAttributeTypeS},
			},
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
			GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("byGsi"),
				KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("gsi"), KeyType: types.KeyTypeHash}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
			LocalSecondaryIndexes: []types.LocalSecondaryIndex{{IndexName: aws.String("byLsi"),
				KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("lsi"), KeyType: types.KeyTypeRange}},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}},
			BillingMode:         types.BillingModePayPerRequest,
			StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
		})
		if err != nil {
			return err
		}
		if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &table}, 30*time.Second); err != nil {
			return err
		}
		d, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table})
		if err != nil {
			return err
		}
		t := d.Table
		return Expect(t.TableStatus == types.TableStatusActive && len(t.GlobalSecondaryIndexes) == 1 && len(t.LocalSecondaryIndexes) == 1 &&
			t.LatestStreamArn != nil && t.BillingModeSummary != nil && t.BillingModeSummary.BillingMode == types.BillingModePayPerRequest,
			"table %+v", t)
	}())
	Check("X-Amz-Crc32 on responses", Expect(lastCRC != "", "no X-Amz-Crc32 header on DescribeTable"))

	now := time.Date(2024, 2, 29, 12, 30, 45, 123456789, time.UTC)
	bigN := attributevalue.Number("123456789012345678901234567890123456")
	orig := Item{PK: "p#1", SK: 1, GSIKey: "g1", LSIKey: "l1", Str: "ünïcode ✓ \"quoted\" \\ \n", Int: -9007199254740993, Uint: 18446744073709551615,
		Float: 3.141592653589793, Big: bigN, BigText: "0.000000000000000000000000000000000000001", Bool: true, Bytes: []byte{0, 1, 2, 255},
		StrSet: []string{"a", "b", "ç"}, NumSet: []int{1, 2, 3}, BinSet: [][]byte{{1}, {2, 3}},
		List:   []interface{}{"s", 1.5, true, nil, []interface{}{"x"}, map[string]interface{}{"k": "v"}},
		Map:    map[string]interface{}{"deep": map[string]interface{}{"deeper": map[string]interface{}{"n": 42.0}}, "empty": ""},
		Nested: Inner{Name: "n", Tags: []string{"t1"}, Score: 1e-130}, Time: now, Unixtime: attributevalue.UnixTime(now.Truncate(time.Second)),
		EmptyList: []string{}, EmptyMap: map[string]string{}}
	Check("attributevalue round trip", func() error {
		av, err := attributevalue.MarshalMapWithOptions(orig)
		if err != nil {
			return err
		}
		if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: av}); err != nil {
			return err
		}
		out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, ConsistentRead: aws.Bool(true),
			Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "p#1"}, "sk": &types.AttributeValueMemberN{Value: "1"}}})
		if err != nil {
			return err
		}
		var got Item
		if err := attributevalue.UnmarshalMap(out.Item, &got); err != nil {
			return err
		}
		if d := differingSets(got, orig); len(d) > 0 {
			return fmt.Errorf("differs: %v", d)
		}
		if n, ok := out.Item["Big"].(*types.AttributeValueMemberN); !ok || n.Value != "123456789012345678901234567890123456" {
			return fmt.Errorf("Big as stored %#v", out.Item["Big"])
		}
		if _, ok := out.Item["Nil"].(*types.AttributeValueMemberNULL); !ok {
			return fmt.Errorf("Nil as stored %#v", out.Item["Nil"])
		}
		return nil
	}())
	Check("BatchWriteItem / BatchGetItem", func() error {
		var reqs []types.WriteRequest
		for i := 2; i <= 25; i++ {
			av, _ := attributevalue.MarshalMap(map[string]interface{}{"pk": "p#1", "sk": i, "gsi": fmt.Sprintf("g%d", i%3), "lsi": fmt.Sprintf("l%02d", 30-i), "n": i, "pad": strings.Repeat("p", 200)})
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		}
		out, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
		if err != nil {
			return err
		}
		if len(out.UnprocessedItems) != 0 {
			return fmt.Errorf("unprocessed %v", out.UnprocessedItems)
		}
		var keys []map[string]types.AttributeValue
		for _, i := range []int{2, 5, 99} {
			k, _ := attributevalue.MarshalMap(map[string]interface{}{"pk": "p#1", "sk": i})
			keys = append(keys, k)
		}
		proj := expression.NamesList(expression.Name("sk"), expression.Name("n"))
		e, _ := expression.NewBuilder().WithProjection(proj).Build()
		g, err := client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{table: {Keys: keys, ProjectionExpression: e.Projection(), ExpressionAttributeNames: e.Names()}}})
		if err != nil {
			return err
		}
		var rows []map[string]int
		if err := attributevalue.UnmarshalListOfMaps(g.Responses[table], &rows); err != nil {
			return err
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i]["sk"] < rows[j]["sk"] })
		return Expect(len(rows) == 2 && rows[0]["n"] == 2 && rows[1]["n"] == 5 && len(rows[0]) == 2, "rows %v", rows)
	}())
	Check("gzip responses (EnableAcceptEncodingGzip) with CRC32 of the compressed bytes", func() error {
		// Over 4 KB DynamoDB compresses; the SDK checks x-amz-crc32 against the gzip bytes, then inflates.
		out, err := gzipClient.Scan(ctx, &dynamodb.ScanInput{TableName: &table})
		if err != nil {
			return err
		}
		return Expect(len(out.Items) == 25 && lastEncoding == "gzip", "items %d, Content-Encoding %q", len(out.Items), lastEncoding)
	}())
	Check("Query paginator with Limit + key/filter expressions", func() error {
		kc := expression.Key("pk").Equal(expression.Value("p#1")).And(expression.Key("sk").Between(expression.Value(3), expression.Value(20)))
		f := expression.Name("n").GreaterThan(expression.Value(5)).And(expression.AttributeExists(expression.Name("gsi")))
		e, err := expression.NewBuilder().WithKeyCondition(kc).WithFilter(f).Build()
		if err != nil {
			return err
		}
		p := dynamodb.NewQueryPaginator(client, &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: e.KeyCondition(), FilterExpression: e.Filter(),
			ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(), Limit: aws.Int32(4), ScanIndexForward: aws.Bool(false)})
		var sks []int
		pages, scanned := 0, int32(0)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			pages++
			scanned += out.ScannedCount
			for _, it := range out.Items {
				var r struct {
					SK int `dynamodbav:"sk"`
				}
				attributevalue.UnmarshalMap(it, &r)
				sks = append(sks, r.SK)
			}
		}
		// 18 keys in [3,20] read 4 at a time: 5 pages, the last one empty-keyed.
		return Expect(len(sks) == 15 && sks[0] == 20 && sks[14] == 6 && scanned == 18 && pages == 5, "sks %v pages %d scanned %d", sks, pages, scanned)
	}())
	Check("Query GSI and LSI", func() error {
		kc := expression.Key("gsi").Equal(expression.Value("g1"))
		e, _ := expression.NewBuilder().WithKeyCondition(kc).Build()
		out, err := client.Query(ctx, &dynamodb.QueryInput{TableName: &table, IndexName: aws.String("byGsi"), KeyConditionExpression: e.KeyCondition(),
			ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values()})
		if err != nil {
			return err
		}
		if out.Count != 9 { // g1: sk 1 plus i%3==1 for i in 2..25 (4,7,...,25 = 8)
			return fmt.Errorf("gsi count %d", out.Count)
		}
		kc2 := expression.Key("pk").Equal(expression.Value("p#1")).And(expression.Key("lsi").BeginsWith("l0"))
		e2, _ := expression.NewBuilder().WithKeyCondition(kc2).Build()
		out2, err := client.Query(ctx, &dynamodb.QueryInput{TableName: &table, IndexName: aws.String("byLsi"), KeyConditionExpression: e2.KeyCondition(),
			ExpressionAttributeNames: e2.Names(), ExpressionAttributeValues: e2.Values(), Select: types.SelectCount})
		if err != nil {
			return err
		}
		return Expect(out2.Count == 5 && out2.Items == nil, "lsi count %d", out2.Count) // l05..l09: 30-i in 5..9 → i 21..25
	}())
	Check("Scan paginator with Limit and Segment", func() error {
		total := 0
		for seg := int32(0); seg < 2; seg++ {
			p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: &table, Limit: aws.Int32(7), Segment: aws.Int32(seg), TotalSegments: aws.Int32(2)})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return err
				}
				total += len(out.Items)
			}
		}
		return Expect(total == 25, "scanned %d", total)
	}())
	Check("UpdateItem with expression builder", func() error {
		u := expression.Set(expression.Name("Nested.Name"), expression.Value("renamed")).
			Add(expression.Name("Int"), expression.Value(10)).
			Add(expression.Name("StrSet"), expression.Value(&types.AttributeValueMemberSS{Value: []string{"z"}})).
			Delete(expression.Name("NumSet"), expression.Value(&types.AttributeValueMemberNS{Value: []string{"2"}})).
			Remove(expression.Name("Bytes")).
			Set(expression.Name("Map.deep.deeper.n"), expression.Name("Map.deep.deeper.n").Minus(expression.Value(0.5))).
			Set(expression.Name("counter"), expression.Plus(expression.IfNotExists(expression.Name("counter"), expression.Value(0)), expression.Value(1))).
			Set(expression.Name("List"), expression.ListAppend(expression.Name("List"), expression.Value([]string{"tail"})))
		c := expression.Name("Bool").Equal(expression.Value(true)).And(expression.Size(expression.Name("StrSet")).Equal(expression.Value(3)))
		e, err := expression.NewBuilder().WithUpdate(u).WithCondition(c).Build()
		if err != nil {
			return err
		}
		key, _ := attributevalue.MarshalMap(map[string]interface{}{"pk": "p#1", "sk": 1})
		out, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: key, UpdateExpression: e.Update(), ConditionExpression: e.Condition(),
			ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(), ReturnValues: types.ReturnValueAllNew})
		if err != nil {
			return err
		}
		var got map[string]interface{}
		if err := attributevalue.UnmarshalMap(out.Attributes, &got); err != nil {
			return err
		}
		nested := got["Nested"].(map[string]interface{})
		list := got["List"].([]interface{})
		return Expect(nested["Name"] == "renamed" && got["Int"] == float64(-9007199254740983) && got["counter"] == float64(1) && got["Bytes"] == nil &&
			list[len(list)-1] == "tail" && len(list) == 7 &&
			got["Map"].(map[string]interface{})["deep"].(map[string]interface{})["deeper"].(map[string]interface{})["n"] == 41.5, "got %v", got)
	}())
	Check("ConditionalCheckFailedException", func() error {
		key, _ := attributevalue.MarshalMap(map[string]interface{}{"pk": "p#1", "sk": 1})
		c := expression.AttributeNotExists(expression.Name("pk"))
		e, _ := expression.NewBuilder().WithCondition(c).Build()
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: key, ConditionExpression: e.Condition(), ExpressionAttributeNames: e.Names()})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) || ccf.ErrorMessage() != "The conditional request failed" {
			return fmt.Errorf("%T %v", err, err)
		}
		return nil
	}())
	Check("TransactWriteItems cancellation reasons", func() error {
		k1, _ := attributevalue.MarshalMap(map[string]interface{}{"pk": "t", "sk": 1})
		k2, _ := attributevalue.MarshalMap(map[string]interface{}{"pk": "p#1", "sk": 2})
		_, err := client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: &table, Item: k1}},
			{ConditionCheck: &types.ConditionCheck{TableName: &table, Key: k2, ConditionExpression: aws.String("n = :v"),
				ExpressionAttributeValues:           map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: "999"}},
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
		}})
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return fmt.Errorf("%T %v", err, err)
		}
		r := tce.CancellationReasons
		if len(r) != 2 || aws.ToString(r[0].Code) != "None" || aws.ToString(r[1].Code) != "ConditionalCheckFailed" ||
			aws.ToString(r[1].Message) != "The conditional request failed" || r[1].Item == nil {
			return fmt.Errorf("reasons %+v", r)
		}
		if n, ok := r[1].Item["n"].(*types.AttributeValueMemberN); !ok || n.Value != "2" {
			return fmt.Errorf("item %+v", r[1].Item)
		}
		return Expect(strings.Contains(tce.ErrorMessage(), "[None, ConditionalCheckFailed]"), "message %q", tce.ErrorMessage())
	}())
	Check("TransactGetItems", func() error {
		k2, _ := attributevalue.MarshalMap(map[string]interface{}{"pk": "p#1", "sk": 2})
		out, err := client.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{{Get: &types.Get{TableName: &table, Key: k2}}}})
		if err != nil {
			return err
		}
		return Expect(len(out.Responses) == 1 && out.Responses[0].Item != nil, "responses %+v", out.Responses)
	}())
	Check("ExecuteStatement", func() error {
		_, err := client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
			Statement:  aws.String(fmt.Sprintf(`INSERT INTO "%s" VALUE {'pk': ?, 'sk': ?, 'doc': {'a': [1, 'two']}}`, table)),
			Parameters: []types.AttributeValue{&types.AttributeValueMemberS{Value: "pq"}, &types.AttributeValueMemberN{Value: "7"}}})
		if err != nil {
			return err
		}
		out, err := client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
			Statement:  aws.String(fmt.Sprintf(`SELECT doc, sk FROM "%s" WHERE pk = ?`, table)),
			Parameters: []types.AttributeValue{&types.AttributeValueMemberS{Value: "pq"}}})
		if err != nil {
			return err
		}
		var rows []struct {
			Doc map[string][]interface{} `dynamodbav:"doc"`
			SK  int                      `dynamodbav:"sk"`
		}
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &rows); err != nil {
			return err
		}
		if len(rows) != 1 || rows[0].SK != 7 || rows[0].Doc["a"][1] != "two" {
			return fmt.Errorf("rows %+v", rows)
		}
		_, err = client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
			Statement: aws.String(fmt.Sprintf(`INSERT INTO "%s" VALUE {'pk': 'pq', 'sk': 7}`, table))})
		var dup *types.DuplicateItemException
		return Expect(errors.As(err, &dup), "duplicate insert: %T %v", err, err)
	}())
	Check("UpdateTimeToLive / DescribeTimeToLive", func() error {
		out, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: &table,
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("Unixtime"), Enabled: aws.Bool(true)}})
		if err != nil {
			return err
		}
		d, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: &table})
		if err != nil {
			return err
		}
		return Expect(*out.TimeToLiveSpecification.AttributeName == "Unixtime" && d.TimeToLiveDescription != nil &&
			(d.TimeToLiveDescription.TimeToLiveStatus == types.TimeToLiveStatusEnabled || d.TimeToLiveDescription.TimeToLiveStatus == types.TimeToLiveStatusEnabling),
			"ttl %+v", d.TimeToLiveDescription)
	}())
	Check("wrong secret refused (signatures enforced)", func() error {
		wrong := dynamodb.New(dynamodb.Options{Region: "us-east-1", Retryer: aws.NopRetryer{}, EndpointResolver: dynamodb.EndpointResolverFromURL(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "not-the-secret", "")})
		_, err := wrong.ListTables(ctx, &dynamodb.ListTablesInput{})
		return Expect(APICode(err) == "InvalidSignatureException", "%v", err)
	}())
	Check("validation errors", func() error {
		_, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "x"}}})
		if APICode(err) != "ValidationException" {
			return fmt.Errorf("missing sort key: %v", err)
		}
		_, err = client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table + "-missing"), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "x"}}})
		var rnf *types.ResourceNotFoundException
		if !errors.As(err, &rnf) || rnf.ErrorMessage() != "Requested resource not found" {
			return fmt.Errorf("missing table: %T %v", err, err)
		}
		return nil
	}())
	Check("DynamoDB Streams", func() error {
		ls, err := streams.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: &table})
		if err != nil {
			return err
		}
		if len(ls.Streams) != 1 {
			return fmt.Errorf("streams %+v", ls.Streams)
		}
		ds, err := streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: ls.Streams[0].StreamArn})
		if err != nil {
			return err
		}
		sd := ds.StreamDescription
		if sd.StreamStatus != streamtypes.StreamStatusEnabled || sd.StreamViewType != streamtypes.StreamViewTypeNewAndOldImages || len(sd.Shards) == 0 || len(sd.KeySchema) != 2 {
			return fmt.Errorf("description %+v", sd)
		}
		var events []streamtypes.Record
		for _, sh := range sd.Shards {
			it, err := streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: ls.Streams[0].StreamArn, ShardId: sh.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
			if err != nil {
				return err
			}
			iter := it.ShardIterator
			for i := 0; iter != nil && i < 10; i++ {
				out, err := streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(10)})
				if err != nil {
					return err
				}
				events = append(events, out.Records...)
				if len(out.Records) == 0 {
					break
				}
				iter = out.NextShardIterator
			}
		}
		// 1 put, 24 batch puts, 1 update, 1 PartiQL insert (the cancelled transaction wrote nothing).
		if len(events) != 27 {
			return fmt.Errorf("%d records", len(events))
		}
		first := events[0]
		if first.EventName != streamtypes.OperationTypeInsert || aws.ToString(first.EventSource) != "aws:dynamodb" || first.Dynamodb == nil ||
			first.Dynamodb.ApproximateCreationDateTime == nil || first.Dynamodb.SequenceNumber == nil || first.Dynamodb.SizeBytes == nil {
			return fmt.Errorf("first %+v", first)
		}
		var img Item
		if err := streamsav.UnmarshalMap(first.Dynamodb.NewImage, &img); err != nil {
			return err
		}
		if d := differingSets(img, orig); len(d) > 0 {
			return fmt.Errorf("stream image differs: %v", d)
		}
		var modify *streamtypes.Record
		for i := range events {
			if events[i].EventName == streamtypes.OperationTypeModify {
				modify = &events[i]
			}
		}
		if modify == nil || modify.Dynamodb.OldImage == nil || modify.Dynamodb.NewImage == nil {
			return fmt.Errorf("no MODIFY with both images")
		}
		var newName struct{ Nested Inner }
		streamsav.UnmarshalMap(modify.Dynamodb.NewImage, &newName)
		return Expect(newName.Nested.Name == "renamed", "modify image %+v", newName)
	}())
	Check("DeleteTable + TableNotExists waiter", func() error {
		if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &table}); err != nil {
			return err
		}
		return dynamodb.NewTableNotExistsWaiter(client, func(o *dynamodb.TableNotExistsWaiterOptions) {
			o.MinDelay = 100 * time.Millisecond
			o.MaxDelay = time.Second
		}).
			Wait(ctx, &dynamodb.DescribeTableInput{TableName: &table}, 30*time.Second)
	}())
	Exit()
}
