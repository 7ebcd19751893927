// Drives Nimbus DynamoDB and DynamoDB Streams with the AWS SDK for Go v1.
// Usage: dynamodb <endpoint> <table-prefix>. Prints "ok <check>" or "FAIL <check>: why" per check (a call that must succeed is a check).
package main

import (
	. "../checks"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/service/dynamodb"
	"github.com/aws/aws-sdk-go/service/dynamodb/dynamodbattribute"
	"github.com/aws/aws-sdk-go/service/dynamodb/expression"
	"github.com/aws/aws-sdk-go/service/dynamodbstreams"
)

type Inner struct {
	Label string
	Tags  []string `dynamodbav:",stringset"`
}

type Item struct {
	PK      string                   `dynamodbav:"pk"`
	SK      int                      `dynamodbav:"sk"`
	Name    string                   `dynamodbav:"name,omitempty"`
	Big     dynamodbattribute.Number `dynamodbav:"big"`
	Float   float64                  `dynamodbav:"float"`
	Neg     int64                    `dynamodbav:"neg"`
	Flag    bool                     `dynamodbav:"flag"`
	Nothing *string                  `dynamodbav:"nothing"`
	Blob    []byte                   `dynamodbav:"blob"`
	Strs    []string                 `dynamodbav:"strs,stringset"`
	Nums    []int                    `dynamodbav:"nums,numberset"`
	Bins    [][]byte                 `dynamodbav:"bins,binaryset"`
	List    []interface{}            `dynamodbav:"list"`
	Map     map[string]interface{}   `dynamodbav:"map"`
	Inner   Inner                    `dynamodbav:"inner"`
	Empty   string                   `dynamodbav:"empty"`
}

func main() {
	endpoint, prefix := os.Args[1], os.Args[2]
	sess := NewSession(endpoint, false)
	db := dynamodb.New(sess)
	table := prefix + "-items"

	ct, err := db.CreateTable(&dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []*dynamodb.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: aws.String("S")}, {AttributeName: aws.String("sk"), AttributeType: aws.String("N")}, {AttributeName: aws.String("name"), AttributeType: aws.String("S")}},
		KeySchema:            []*dynamodb.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: aws.String("HASH")}, {AttributeName: aws.String("sk"), KeyType: aws.String("RANGE")}},
		GlobalSecondaryIndexes: []*dynamodb.GlobalSecondaryIndex{{IndexName: aws.String("byName"), KeySchema: []*dynamodb.KeySchemaElement{{AttributeName: aws.String("name"), KeyType: aws.String("HASH")}},
			Projection: &dynamodb.Projection{ProjectionType: aws.String("KEYS_ONLY")}}},
		BillingMode:         aws.String("PAY_PER_REQUEST"),
		StreamSpecification: &dynamodb.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: aws.String("NEW_AND_OLD_IMAGES")},
	})
	if NoErr("CreateTable", err) {
		Check("CreateTable", aws.StringValue(ct.TableDescription.TableName) == table && ct.TableDescription.CreationDateTime != nil && aws.StringValue(ct.TableDescription.LatestStreamArn) != "", "%v", ct)
	}
	NoErr("WaitUntilTableExists", db.WaitUntilTableExists(&dynamodb.DescribeTableInput{TableName: aws.String(table)}))
	dt, err := db.DescribeTable(&dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if NoErr("DescribeTable", err) {
		t := dt.Table
		Check("DescribeTable", aws.StringValue(t.TableStatus) == "ACTIVE" && aws.StringValue(t.BillingModeSummary.BillingMode) == "PAY_PER_REQUEST" && len(t.GlobalSecondaryIndexes) == 1 &&
			aws.StringValue(t.GlobalSecondaryIndexes[0].IndexStatus) == "ACTIVE" && strings.HasPrefix(aws.StringValue(t.TableArn), "arn:aws:dynamodb:us-east-1:") && aws.StringValue(t.StreamSpecification.StreamViewType) == "NEW_AND_OLD_IMAGES", "%v", t)
	}
	_, err = db.DescribeTable(&dynamodb.DescribeTableInput{TableName: aws.String(prefix + "-missing")})
	st, code, msg, rid := ReqFailure(err)
	_, typed := err.(*dynamodb.ResourceNotFoundException)
	Check("DescribeTable missing", typed && st == 400 && code == dynamodb.ErrCodeResourceNotFoundException && strings.HasPrefix(msg, "Requested resource not found") && rid != "", "%T %d %s %q %q", err, st, code, msg, rid)
	lt, err := db.ListTables(&dynamodb.ListTablesInput{})
	if NoErr("ListTables", err) {
		Check("ListTables", contains(aws.StringValueSlice(lt.TableNames), table), "%v", lt)
	}
	lim, err := db.DescribeLimits(&dynamodb.DescribeLimitsInput{})
	if NoErr("DescribeLimits", err) {
		Check("DescribeLimits", aws.Int64Value(lim.TableMaxReadCapacityUnits) == 40000 && aws.Int64Value(lim.AccountMaxWriteCapacityUnits) == 80000, "%v", lim)
	}

	// dynamodbattribute round trip of every type
	item := Item{PK: "p", SK: 1, Name: "alpha", Big: dynamodbattribute.Number("12345678901234567890123456789.123456789"), Float: 3.25, Neg: -42, Flag: true,
		Blob: []byte{0, 1, 2, 255}, Strs: []string{"b", "a"}, Nums: []int{3, 1, 2}, Bins: [][]byte{{1}, {2, 3}},
		List: []interface{}{"s", 1.5, true, nil, []interface{}{"n"}, map[string]interface{}{"k": "v"}}, Map: map[string]interface{}{"deep": map[string]interface{}{"x": 1.0}, "e": ""},
		Inner: Inner{Label: "in", Tags: []string{"t"}}}
	av, err := dynamodbattribute.MarshalMap(item)
	if NoErr("MarshalMap", err) {
		_, err = db.PutItem(&dynamodb.PutItemInput{TableName: aws.String(table), Item: av})
		NoErr("PutItem", err)
		gi, err := db.GetItem(&dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("p")}, "sk": {N: aws.String("1")}}, ConsistentRead: aws.Bool(true)})
		if NoErr("GetItem", err) {
			var back Item
			NoErr("UnmarshalMap", dynamodbattribute.UnmarshalMap(gi.Item, &back))
			sort.Strings(back.Strs)
			sort.Ints(back.Nums)
			sort.Slice(back.Bins, func(i, j int) bool { return len(back.Bins[i]) < len(back.Bins[j]) })
			want := item
			want.Strs = []string{"a", "b"}
			want.Nums = []int{1, 2, 3}
			// The v1 encoder writes empty strings as NULL unless told otherwise.
			want.Map = map[string]interface{}{"deep": map[string]interface{}{"x": 1.0}, "e": nil}
			Check("UnmarshalMap round trip", reflect.DeepEqual(back, want), "%#v", back)
			Check("NULL and empty string", gi.Item["nothing"] != nil && aws.BoolValue(gi.Item["nothing"].NULL) && gi.Item["empty"] != nil && aws.BoolValue(gi.Item["empty"].NULL), "%v %v", gi.Item["nothing"], gi.Item["empty"])
			Check("big number exact", aws.StringValue(gi.Item["big"].N) == "12345678901234567890123456789.123456789", "%v", gi.Item["big"])
		}
	}
	_, err = db.PutItem(&dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("p")}, "sk": {N: aws.String("2")}, "n": {N: aws.String("1e126")}}})
	st, code, msg, _ = ReqFailure(err)
	Check("PutItem number overflow", st == 400 && code == "ValidationException" && strings.Contains(msg, "Number overflow"), "%d %s %q", st, code, msg)

	// Expression builder on nested paths, list indexes, sets and functions
	nested, err := expression.NewBuilder().
		WithUpdate(expression.Set(expression.Name("map.deep.x"), expression.Name("map.deep.x").Plus(expression.Value(1))).
			Set(expression.Name("list[4][0]"), expression.Value("m")).
			Set(expression.Name("tail"), expression.ListAppend(expression.IfNotExists(expression.Name("tail"), expression.Value(&dynamodb.AttributeValue{L: []*dynamodb.AttributeValue{}})), expression.Value([]string{"t"}))).
			Add(expression.Name("strs"), expression.Value(&dynamodb.AttributeValue{SS: aws.StringSlice([]string{"c"})})).
			Delete(expression.Name("nums"), expression.Value(&dynamodb.AttributeValue{NS: aws.StringSlice([]string{"1"})}))).
		WithCondition(expression.And(expression.Name("strs").Contains("a"), expression.Name("name").BeginsWith("al"), expression.Name("blob").Size().Equal(expression.Value(4)),
			expression.Name("flag").In(expression.Value(true), expression.Value(false)), expression.Name("big").AttributeType(expression.Number), expression.Name("inner.Label").AttributeExists())).Build()
	if NoErr("expression nested", err) {
		un, err := db.UpdateItem(&dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("p")}, "sk": {N: aws.String("1")}},
			UpdateExpression: nested.Update(), ConditionExpression: nested.Condition(), ExpressionAttributeNames: nested.Names(), ExpressionAttributeValues: nested.Values(), ReturnValues: aws.String("UPDATED_NEW")})
		if NoErr("UpdateItem nested", err) {
			var out struct {
				Map  map[string]map[string]int `dynamodbav:"map"`
				List []interface{}             `dynamodbav:"list"`
				Tail []string                  `dynamodbav:"tail"`
				Strs []string                  `dynamodbav:"strs,stringset"`
				Nums []int                     `dynamodbav:"nums,numberset"`
			}
			dynamodbattribute.UnmarshalMap(un.Attributes, &out)
			sort.Strings(out.Strs)
			sort.Ints(out.Nums)
			Check("UpdateItem nested", out.Map["deep"]["x"] == 2 && fmt.Sprint(out.List) == "[[m]]" && fmt.Sprint(out.Tail) == "[t]" && len(un.Attributes) == 5 && strings.Join(out.Strs, ",") == "a,b,c" && fmt.Sprint(out.Nums) == "[2 3]", "%+v", out)
		}
	}

	// Expression builder: conditional put, update with ReturnValues, query and scan pages
	for i := 2; i <= 25; i++ {
		name := fmt.Sprintf("n%02d", i%5)
		av, _ := dynamodbattribute.MarshalMap(map[string]interface{}{"pk": "q", "sk": i, "name": name, "count": i, "odd": i%2 == 1})
		cond, _ := expression.NewBuilder().WithCondition(expression.AttributeNotExists(expression.Name("pk"))).Build()
		_, err = db.PutItem(&dynamodb.PutItemInput{TableName: aws.String(table), Item: av, ConditionExpression: cond.Condition(), ExpressionAttributeNames: cond.Names()})
		NoErr(fmt.Sprint("PutItem ", i), err)
	}
	cond, _ := expression.NewBuilder().WithCondition(expression.AttributeNotExists(expression.Name("pk"))).Build()
	_, err = db.PutItem(&dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("2")}},
		ConditionExpression: cond.Condition(), ExpressionAttributeNames: cond.Names()})
	st, code, msg, _ = ReqFailure(err)
	ccf, typed := err.(*dynamodb.ConditionalCheckFailedException)
	Check("ConditionalCheckFailed", typed && st == 400 && code == dynamodb.ErrCodeConditionalCheckFailedException && msg == "The conditional request failed", "%T %d %s %q", err, st, code, msg)
	_ = ccf
	upd, _ := expression.NewBuilder().WithUpdate(expression.Add(expression.Name("count"), expression.Value(10)).Set(expression.Name("tags"), expression.Value([]string{"x"})).Remove(expression.Name("odd"))).
		WithCondition(expression.Name("count").GreaterThan(expression.Value(1))).Build()
	uo, err := db.UpdateItem(&dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("3")}},
		UpdateExpression: upd.Update(), ConditionExpression: upd.Condition(), ExpressionAttributeNames: upd.Names(), ExpressionAttributeValues: upd.Values(), ReturnValues: aws.String("UPDATED_NEW")})
	if NoErr("UpdateItem", err) {
		Check("UpdateItem UPDATED_NEW", len(uo.Attributes) == 2 && aws.StringValue(uo.Attributes["count"].N) == "13" && len(uo.Attributes["tags"].L) == 1, "%v", uo.Attributes)
	}
	uo, err = db.UpdateItem(&dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("3")}},
		UpdateExpression: aws.String("SET #c = #c - :one"), ExpressionAttributeNames: map[string]*string{"#c": aws.String("count")}, ExpressionAttributeValues: map[string]*dynamodb.AttributeValue{":one": {N: aws.String("1")}}, ReturnValues: aws.String("ALL_OLD")})
	if NoErr("UpdateItem ALL_OLD", err) {
		Check("UpdateItem ALL_OLD", aws.StringValue(uo.Attributes["count"].N) == "13" && uo.Attributes["odd"] == nil && aws.StringValue(uo.Attributes["name"].S) == "n03", "%v", uo.Attributes)
	}
	kc, _ := expression.NewBuilder().WithKeyCondition(expression.Key("pk").Equal(expression.Value("q")).And(expression.Key("sk").Between(expression.Value(5), expression.Value(20)))).
		WithFilter(expression.Name("odd").Equal(expression.Value(true))).WithProjection(expression.NamesList(expression.Name("sk"), expression.Name("count"))).Build()
	var sks []int
	pages, scanned := 0, int64(0)
	err = db.QueryPages(&dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: kc.KeyCondition(), FilterExpression: kc.Filter(), ProjectionExpression: kc.Projection(),
		ExpressionAttributeNames: kc.Names(), ExpressionAttributeValues: kc.Values(), Limit: aws.Int64(4), ScanIndexForward: aws.Bool(false)}, func(p *dynamodb.QueryOutput, last bool) bool {
		pages++
		scanned += aws.Int64Value(p.ScannedCount)
		var rows []struct {
			SK    int `dynamodbav:"sk"`
			Count int `dynamodbav:"count"`
		}
		dynamodbattribute.UnmarshalListOfMaps(p.Items, &rows)
		for _, r := range rows {
			sks = append(sks, r.SK)
		}
		Check(fmt.Sprint("Query page ", pages, " count"), aws.Int64Value(p.Count) == int64(len(p.Items)), "%v", p)
		return true
	})
	if NoErr("QueryPages", err) {
		Check("QueryPages", fmt.Sprint(sks) == "[19 17 15 13 11 9 7 5]" && scanned == 16 && pages == 5, "%v scanned %d pages %d", sks, scanned, pages)
	}
	qi, err := db.Query(&dynamodb.QueryInput{TableName: aws.String(table), IndexName: aws.String("byName"), KeyConditionExpression: aws.String("#n = :n"),
		ExpressionAttributeNames: map[string]*string{"#n": aws.String("name")}, ExpressionAttributeValues: map[string]*dynamodb.AttributeValue{":n": {S: aws.String("n01")}}, Select: aws.String("COUNT")})
	if NoErr("Query GSI COUNT", err) {
		Check("Query GSI COUNT", aws.Int64Value(qi.Count) == 4 && qi.Items == nil, "%v", qi)
	}
	total := 0
	pages = 0
	err = db.ScanPages(&dynamodb.ScanInput{TableName: aws.String(table), Limit: aws.Int64(7)}, func(p *dynamodb.ScanOutput, last bool) bool {
		pages++
		total += len(p.Items)
		return true
	})
	if NoErr("ScanPages", err) {
		Check("ScanPages", total == 25 && pages == 4, "%d items %d pages", total, pages)
	}
	sc, err := db.Scan(&dynamodb.ScanInput{TableName: aws.String(table), Segment: aws.Int64(0), TotalSegments: aws.Int64(2), Select: aws.String("COUNT")})
	sc2, err2 := db.Scan(&dynamodb.ScanInput{TableName: aws.String(table), Segment: aws.Int64(1), TotalSegments: aws.Int64(2), Select: aws.String("COUNT")})
	if NoErr("Scan segment 0", err) && NoErr("Scan segment 1", err2) {
		Check("Scan segments", aws.Int64Value(sc.Count)+aws.Int64Value(sc2.Count) == 25, "%v %v", sc, sc2)
	}

	// The legacy parameters older Go code still sends: Expected, AttributeUpdates, KeyConditions, QueryFilter, AttributesToGet
	_, err = db.PutItem(&dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("5")}},
		Expected: map[string]*dynamodb.ExpectedAttributeValue{"pk": {Exists: aws.Bool(false)}}})
	_, typed = err.(*dynamodb.ConditionalCheckFailedException)
	Check("PutItem Expected Exists false", typed, "%T %v", err, err)
	lu, err := db.UpdateItem(&dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("5")}},
		AttributeUpdates: map[string]*dynamodb.AttributeValueUpdate{"count": {Action: aws.String("ADD"), Value: &dynamodb.AttributeValue{N: aws.String("100")}}, "odd": {Action: aws.String("DELETE")}},
		Expected:         map[string]*dynamodb.ExpectedAttributeValue{"count": {ComparisonOperator: aws.String("EQ"), AttributeValueList: []*dynamodb.AttributeValue{{N: aws.String("5")}}}}, ReturnValues: aws.String("ALL_NEW")})
	if NoErr("UpdateItem AttributeUpdates", err) {
		Check("UpdateItem AttributeUpdates", aws.StringValue(lu.Attributes["count"].N) == "105" && lu.Attributes["odd"] == nil, "%v", lu.Attributes)
	}
	lq, err := db.Query(&dynamodb.QueryInput{TableName: aws.String(table), AttributesToGet: aws.StringSlice([]string{"sk"}),
		KeyConditions: map[string]*dynamodb.Condition{"pk": {ComparisonOperator: aws.String("EQ"), AttributeValueList: []*dynamodb.AttributeValue{{S: aws.String("q")}}}, "sk": {ComparisonOperator: aws.String("BETWEEN"), AttributeValueList: []*dynamodb.AttributeValue{{N: aws.String("4")}, {N: aws.String("9")}}}},
		QueryFilter:   map[string]*dynamodb.Condition{"count": {ComparisonOperator: aws.String("GT"), AttributeValueList: []*dynamodb.AttributeValue{{N: aws.String("50")}}}}})
	if NoErr("Query KeyConditions", err) {
		Check("Query KeyConditions", aws.Int64Value(lq.Count) == 1 && aws.Int64Value(lq.ScannedCount) == 6 && len(lq.Items[0]) == 1 && aws.StringValue(lq.Items[0]["sk"].N) == "5", "%v", lq)
	}

	// Batch operations
	var writes []*dynamodb.WriteRequest
	for i := 0; i < 25; i++ {
		writes = append(writes, &dynamodb.WriteRequest{PutRequest: &dynamodb.PutRequest{Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("b")}, "sk": {N: aws.String(fmt.Sprint(i))}, "pad": {S: aws.String(strings.Repeat("x", 1000))}}}})
	}
	bw, err := db.BatchWriteItem(&dynamodb.BatchWriteItemInput{RequestItems: map[string][]*dynamodb.WriteRequest{table: writes}, ReturnConsumedCapacity: aws.String("TOTAL")})
	if NoErr("BatchWriteItem", err) {
		Check("BatchWriteItem", len(bw.UnprocessedItems) == 0 && len(bw.ConsumedCapacity) == 1 && aws.Float64Value(bw.ConsumedCapacity[0].CapacityUnits) == 25, "%v", bw)
	}
	writes = append(writes, &dynamodb.WriteRequest{PutRequest: &dynamodb.PutRequest{Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("b")}, "sk": {N: aws.String("99")}}}})
	_, err = db.BatchWriteItem(&dynamodb.BatchWriteItemInput{RequestItems: map[string][]*dynamodb.WriteRequest{table: writes}})
	st, code, msg, _ = ReqFailure(err)
	Check("BatchWriteItem 26", st == 400 && code == "ValidationException" && strings.Contains(msg, "Member must have length less than or equal to 25"), "%d %s %q", st, code, msg)
	var keys []map[string]*dynamodb.AttributeValue
	for i := 0; i < 30; i++ {
		keys = append(keys, map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("b")}, "sk": {N: aws.String(fmt.Sprint(i))}})
	}
	bg, err := db.BatchGetItem(&dynamodb.BatchGetItemInput{RequestItems: map[string]*dynamodb.KeysAndAttributes{table: {Keys: keys[:25], ProjectionExpression: aws.String("sk")}}})
	if NoErr("BatchGetItem", err) {
		Check("BatchGetItem", len(bg.Responses[table]) == 25 && len(bg.UnprocessedKeys) == 0 && len(bg.Responses[table][0]) == 1, "%d %v", len(bg.Responses[table]), bg.UnprocessedKeys)
	}
	got := 0
	err = db.BatchGetItemPages(&dynamodb.BatchGetItemInput{RequestItems: map[string]*dynamodb.KeysAndAttributes{table: {Keys: keys[20:30]}}}, func(p *dynamodb.BatchGetItemOutput, last bool) bool {
		got += len(p.Responses[table])
		return true
	})
	if NoErr("BatchGetItemPages", err) {
		Check("BatchGetItemPages", got == 5, "%d", got)
	}

	// Transactions
	_, err = db.TransactWriteItems(&dynamodb.TransactWriteItemsInput{TransactItems: []*dynamodb.TransactWriteItem{
		{Put: &dynamodb.Put{TableName: aws.String(table), Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("t")}, "sk": {N: aws.String("1")}}}},
		{ConditionCheck: &dynamodb.ConditionCheck{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("2")}}, ConditionExpression: aws.String("attribute_not_exists(pk)"), ReturnValuesOnConditionCheckFailure: aws.String("ALL_OLD")}},
		{Delete: &dynamodb.Delete{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("4")}}}},
	}})
	st, code, msg, _ = ReqFailure(err)
	tce, typed := err.(*dynamodb.TransactionCanceledException)
	Check("TransactionCanceledException", typed && st == 400 && code == dynamodb.ErrCodeTransactionCanceledException && msg == "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]", "%T %d %s %q", err, st, code, msg)
	if typed {
		r := tce.CancellationReasons
		Check("CancellationReasons", len(r) == 3 && aws.StringValue(r[0].Code) == "None" && aws.StringValue(r[1].Code) == "ConditionalCheckFailed" && aws.StringValue(r[1].Message) == "The conditional request failed" &&
			r[1].Item != nil && aws.StringValue(r[1].Item["name"].S) == "n02" && aws.StringValue(r[2].Code) == "None", "%v", r)
	}
	_, err = db.TransactWriteItems(&dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String(prefix + "-tok"), TransactItems: []*dynamodb.TransactWriteItem{
		{Put: &dynamodb.Put{TableName: aws.String(table), Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("t")}, "sk": {N: aws.String("1")}}}},
		{Update: &dynamodb.Update{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("2")}}, UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]*dynamodb.AttributeValue{":v": {S: aws.String("t")}}}},
	}})
	NoErr("TransactWriteItems", err)
	tg, err := db.TransactGetItems(&dynamodb.TransactGetItemsInput{TransactItems: []*dynamodb.TransactGetItem{
		{Get: &dynamodb.Get{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("2")}}}},
		{Get: &dynamodb.Get{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("none")}, "sk": {N: aws.String("2")}}}},
	}})
	if NoErr("TransactGetItems", err) {
		Check("TransactGetItems", len(tg.Responses) == 2 && aws.StringValue(tg.Responses[0].Item["v"].S) == "t" && tg.Responses[1].Item == nil, "%v", tg)
	}

	// PartiQL
	es, err := db.ExecuteStatement(&dynamodb.ExecuteStatementInput{Statement: aws.String(fmt.Sprintf(`SELECT sk, "count" FROM "%s" WHERE pk = ? AND sk < 5`, table)), Parameters: []*dynamodb.AttributeValue{{S: aws.String("q")}}})
	if NoErr("ExecuteStatement", err) {
		Check("ExecuteStatement", len(es.Items) == 3, "%v", es)
	}
	_, err = db.ExecuteStatement(&dynamodb.ExecuteStatementInput{Statement: aws.String(fmt.Sprintf(`INSERT INTO "%s" VALUE {'pk': 'q', 'sk': 2}`, table))})
	st, code, msg, _ = ReqFailure(err)
	Check("ExecuteStatement duplicate", st == 400 && code == "DuplicateItemException" && msg == "Duplicate primary key exists in table", "%d %s %q", st, code, msg)
	_, err = db.ExecuteStatement(&dynamodb.ExecuteStatementInput{Statement: aws.String("SELEC * FROM x")})
	st, code, _, _ = ReqFailure(err)
	Check("ExecuteStatement syntax", st == 400 && code == "ValidationException", "%d %s", st, code)
	bes, err := db.BatchExecuteStatement(&dynamodb.BatchExecuteStatementInput{Statements: []*dynamodb.BatchStatementRequest{
		{Statement: aws.String(fmt.Sprintf(`INSERT INTO "%s" VALUE {'pk': 'q', 'sk': 100}`, table))},
		{Statement: aws.String(fmt.Sprintf(`INSERT INTO "%s" VALUE {'pk': 'q', 'sk': 2}`, table))},
	}})
	if NoErr("BatchExecuteStatement", err) {
		Check("BatchExecuteStatement", len(bes.Responses) == 2 && bes.Responses[0].Error == nil && bes.Responses[1].Error != nil && aws.StringValue(bes.Responses[1].Error.Code) == "DuplicateItem", "%v", bes)
	}

	do, err := db.DeleteItem(&dynamodb.DeleteItemInput{TableName: aws.String(table), Key: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("q")}, "sk": {N: aws.String("100")}}, ReturnValues: aws.String("ALL_OLD")})
	if NoErr("DeleteItem", err) {
		Check("DeleteItem ALL_OLD", aws.StringValue(do.Attributes["sk"].N) == "100", "%v", do)
	}

	// A 1 MB page: Scan stops at the size limit and the SDK checks x-amz-crc32 over the whole body.
	var bigWrites []*dynamodb.WriteRequest
	for i := 0; i < 25; i++ {
		bigWrites = append(bigWrites, &dynamodb.WriteRequest{PutRequest: &dynamodb.PutRequest{Item: map[string]*dynamodb.AttributeValue{"pk": {S: aws.String("big")}, "sk": {N: aws.String(fmt.Sprint(i))}, "pad": {S: aws.String(strings.Repeat("y", 100*1024))}}}})
	}
	_, err = db.BatchWriteItem(&dynamodb.BatchWriteItemInput{RequestItems: map[string][]*dynamodb.WriteRequest{table: bigWrites}})
	NoErr("BatchWriteItem 100 KB items", err)
	bq, err := db.Query(&dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]*dynamodb.AttributeValue{":p": {S: aws.String("big")}}})
	if NoErr("Query 1 MB", err) {
		Check("Query 1 MB page", len(bq.Items) >= 10 && len(bq.Items) <= 11 && bq.LastEvaluatedKey != nil && aws.StringValue(bq.LastEvaluatedKey["sk"].N) == fmt.Sprint(len(bq.Items)-1), "%d %v", len(bq.Items), bq.LastEvaluatedKey)
	}
	var stmtItems int
	var token *string
	for i := 0; i < 10; i++ {
		es, err := db.ExecuteStatement(&dynamodb.ExecuteStatementInput{Statement: aws.String(fmt.Sprintf(`SELECT sk FROM "%s" WHERE pk = 'q'`, table)), Limit: aws.Int64(10), NextToken: token})
		if !NoErr("ExecuteStatement page", err) {
			break
		}
		stmtItems += len(es.Items)
		if token = es.NextToken; token == nil {
			break
		}
	}
	Check("ExecuteStatement pages", stmtItems == 24, "%d", stmtItems)
	_, err = db.UpdateTimeToLive(&dynamodb.UpdateTimeToLiveInput{TableName: aws.String(table), TimeToLiveSpecification: &dynamodb.TimeToLiveSpecification{AttributeName: aws.String("ttl"), Enabled: aws.Bool(true)}})
	NoErr("UpdateTimeToLive", err)
	ttl, err := db.DescribeTimeToLive(&dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if NoErr("DescribeTimeToLive", err) {
		Check("DescribeTimeToLive", aws.StringValue(ttl.TimeToLiveDescription.AttributeName) == "ttl" && strings.HasPrefix(aws.StringValue(ttl.TimeToLiveDescription.TimeToLiveStatus), "ENABL"), "%v", ttl)
	}
	if dt != nil {
		_, err = db.TagResource(&dynamodb.TagResourceInput{ResourceArn: dt.Table.TableArn, Tags: []*dynamodb.Tag{{Key: aws.String("env"), Value: aws.String("go")}}})
		NoErr("TagResource", err)
		tags, err := db.ListTagsOfResource(&dynamodb.ListTagsOfResourceInput{ResourceArn: dt.Table.TableArn})
		if NoErr("ListTagsOfResource", err) {
			Check("ListTagsOfResource", len(tags.Tags) == 1 && aws.StringValue(tags.Tags[0].Value) == "go", "%v", tags)
		}
	}

	// Streams
	streams := dynamodbstreams.New(sess)
	ls, err := streams.ListStreams(&dynamodbstreams.ListStreamsInput{TableName: aws.String(table)})
	if NoErr("ListStreams", err) && len(ls.Streams) == 1 {
		arn := ls.Streams[0].StreamArn
		ds, err := streams.DescribeStream(&dynamodbstreams.DescribeStreamInput{StreamArn: arn})
		if NoErr("DescribeStream", err) {
			d := ds.StreamDescription
			Check("DescribeStream", aws.StringValue(d.StreamStatus) == "ENABLED" && aws.StringValue(d.StreamViewType) == "NEW_AND_OLD_IMAGES" && len(d.Shards) >= 1 && len(d.KeySchema) == 2, "%v", d)
			it, err := streams.GetShardIterator(&dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: d.Shards[0].ShardId, ShardIteratorType: aws.String("TRIM_HORIZON")})
			if NoErr("GetShardIterator", err) {
				var events []string
				iter := it.ShardIterator
				for i := 0; i < 10 && iter != nil; i++ {
					gr, err := streams.GetRecords(&dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int64(20)})
					if !NoErr("GetRecords", err) {
						break
					}
					for _, r := range gr.Records {
						events = append(events, aws.StringValue(r.EventName))
						if i == 0 && len(events) == 1 {
							Check("stream record", aws.StringValue(r.EventSource) == "aws:dynamodb" && r.Dynamodb.ApproximateCreationDateTime != nil && aws.StringValue(r.Dynamodb.NewImage["pk"].S) == "p" &&
								aws.StringValue(r.Dynamodb.StreamViewType) == "NEW_AND_OLD_IMAGES" && aws.StringValue(r.Dynamodb.SequenceNumber) != "" && len(r.Dynamodb.NewImage["bins"].BS) == 2, "%v", r)
						}
					}
					if len(gr.Records) == 0 {
						break
					}
					iter = gr.NextShardIterator
				}
				Check("GetRecords events", len(events) > 50 && events[0] == "INSERT" && contains(events, "MODIFY") && contains(events, "REMOVE"), "%d %v", len(events), events)
			}
		}
	} else {
		Check("ListStreams", false, "%v", ls)
	}

	// Delete
	_, err = db.DeleteTable(&dynamodb.DeleteTableInput{TableName: aws.String(table)})
	NoErr("DeleteTable", err)
	NoErr("WaitUntilTableNotExists", db.WaitUntilTableNotExists(&dynamodb.DescribeTableInput{TableName: aws.String(table)}))
	Exit()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
