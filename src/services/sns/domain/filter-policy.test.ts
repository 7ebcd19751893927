import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  matchesFilterPolicy,
  matchesMessageAttributes,
  matchesMessageBody,
  parseCidr,
  validateFilterPolicy,
  validateFilterPolicyScope,
  type FilterPolicyOperation,
  type FilterPolicyScope,
  type FilterableAttribute,
} from "./filter-policy.js";

function assertInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, "InvalidParameterException");
    assert.equal(e.queryCode, "InvalidParameter");
    assert.equal(e.status, 400);
    assert.equal(e.message, message);
    return true;
  });
}

const validate = (policy: string, scope: FilterPolicyScope = "MessageAttributes", operation: FilterPolicyOperation = "Subscribe") =>
  validateFilterPolicy(policy, { scope, operation });

const SUB = "Invalid parameter: Attributes Reason: FilterPolicy: ";
const loc = (policy: string, column: number) => `\n at [Source: (String)"${policy}"; line: 1, column: ${column}]`;

describe("filter policy validation: errors recorded from real SNS (Subscribe)", () => {
  // Each row: the policy as AWS quotes it, reason, Jackson column. Recorded May 2024 against AWS,
  // the policies sent as Python's json.dumps prints them (", " and ": " between tokens).
  const recorded: Array<[string, string, number]> = [
    ['{"key":[["value"]]}', "Match value must be String, number, true, false, or null", 10],
    ['{"key":[{"wrong-operator":true}]}', "Unrecognized match type wrong-operator", 31],
    ['{"key":[{"suffix":"value","prefix":"value2"}]}', "Only one key allowed in match expression", 37],
    ['{"key":[{"suffix":100}]}', "suffix match pattern must be a string", 22],
    ['{"key":[{"suffix":null}]}', "suffix match pattern must be a string", 23],
    ['{"key":{"suffix":"value"}}', '"suffix" must be an object or an array', 19],
    ['{"key":[{"suffix":[]}]}', "suffix match pattern must be a string", 20],
    ['{"key":[{"suffix":["test","test2"]}]}', "suffix match pattern must be a string", 20],
    ['{"key":{"suffix":"value","prefix":"value"}}', '"suffix" must be an object or an array', 19],
    ['{"key":{"not-an-operator":"value"}}', '"not-an-operator" must be an object or an array', 28],
    ['{"key":[{"numeric":[]}]}', "Invalid member in numeric match: ]", 22],
    ['{"key":[{"numeric":["operator"]}]}', "Unrecognized numeric range operator: operator", 32],
    ['{"key":[{"numeric":[1,"<="]}]}', "Invalid member in numeric match: 1", 22],
    ['{"key":[{"numeric":["=","000"]}]}', "Value of equals must be numeric", 26],
    ['{"key":[{"numeric":[">="]}]}', "Value of >= must be numeric", 26],
    ['{"key":[{"numeric":["<",100,">",10]}]}', "Too many elements in numeric expression", 30],
    ['{"key":[{"numeric":[">=",1,">",2]}]}', "Bad numeric range operator: >", 31],
    ['{"key":[{"numeric":[">",3,"<",1]}]}', "Bottom must be less than top", 33],
    ['{"key":[{"numeric":[">",20,"<="]}]}', "Value of <= must be numeric", 33],
    ['{"key":[{"numeric":[">",20,30]}]}', "Bad value in numeric range: 30", 30],
    ['{"key":[{"numeric":[">",20,"test"]}]}', "Bad numeric range operator: test", 34],
    ['{"key":[{"numeric":[">","20","<","30"]}]}', "Value of > must be numeric", 26],
    ['{"key":[{"numeric":[">",20,"<","30"]}]}', "Value of < must be numeric", 33],
    ['{"key":[{"numeric":[">",20,"<",30,"<",50]}]}', "Too many terms in numeric range expression", 36],
    ['{"key":[{"exists":null}]}', "exists match pattern must be either true or false.", 23],
    ['{"key":[{"exists":"no"}]}', "exists match pattern must be either true or false.", 20],
    ['{"key":[{"anything-but":{"wrong-operator":null}}]}', "Unsupported anything-but pattern: wrong-operator", 47],
    ['{"key":[{"anything-but":{"suffix":"test"}}]}', "Unsupported anything-but pattern: suffix", 36],
    ['{"key":[{"anything-but":{"exists":false}}]}', "Unsupported anything-but pattern: exists", 40],
    ['{"key":[{"anything-but":{"prefix":false}}]}', "prefix match pattern must be a string", 40],
  ];
  for (const [policy, reason, column] of recorded) {
    test(`${reason} <- ${policy}`, () => assertInvalid(() => validate(policy), `${SUB}${reason}${loc(policy, column)}`));
  }

  test("a policy sent with whitespace is located in its compact form, as recorded", () => {
    for (const [policy, reason, column] of recorded) {
      const sent = JSON.stringify(JSON.parse(policy) as unknown, null, 1).replace(/\n */g, " ");
      assert.notEqual(sent, policy);
      assertInvalid(() => validate(sent), `${SUB}${reason}${loc(policy, column)}`);
    }
  });

  test("SetSubscriptionAttributes has no 'Attributes Reason:' wrapping", () => {
    const policy = '{"key_a":"value_one"}';
    assertInvalid(
      () => validate(policy, "MessageBody", "SetSubscriptionAttributes"),
      `Invalid parameter: FilterPolicy: "key_a" must be an object or an array${loc(policy, 11)}`,
    );
  });

  test("nested keys in MessageAttributes scope (recorded)", () => {
    assertInvalid(
      () => validate('{"object":{"key":[{"prefix":"auto-"}]}}', "MessageAttributes", "SetSubscriptionAttributes"),
      "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy",
    );
    assertInvalid(
      () => validate('{"object":{"key":[{"prefix":"auto-"}]}}', "MessageAttributes", "Subscribe"),
      "Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested filter policy",
    );
    validate('{"object":{"key":[{"prefix":"auto-"}]}}', "MessageBody");
  });

  test("more than 5 keys (recorded)", () => {
    const policy = JSON.stringify(Object.fromEntries(["a", "b", "c", "d", "e", "f"].map((k) => [`key_${k}`, ["v"]])));
    assertInvalid(() => validate(policy, "MessageBody", "SetSubscriptionAttributes"), "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys");
    validate(JSON.stringify(Object.fromEntries(["a", "b", "c", "d", "e"].map((k) => [`key_${k}`, ["v"]]))));
  });

  test("complexity over 150 combinations (recorded message)", () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    validate(JSON.stringify({ a: values(150) }));
    assertInvalid(() => validate(JSON.stringify({ a: values(151) })), `${SUB}Filter policy is too complex`);
    validate(JSON.stringify({ a: values(10), b: values(15) }));
    assertInvalid(() => validate(JSON.stringify({ a: values(10), b: values(16) })), `${SUB}Filter policy is too complex`);
    // Documented nested example: 4 values 3 levels deep, 3 values 2 levels deep -> 4x3 x 3x2 = 72.
    validate(JSON.stringify({ key_a: { key_b: { key_c: values(4) } }, key_d: { key_e: values(3) } }), "MessageBody");
    // Nesting multiplies: 26 values at depth 3 -> 78, times 2 values at depth 1 -> 156.
    assertInvalid(
      () => validate(JSON.stringify({ a: { b: { c: values(26) } }, d: values(2) }), "MessageBody"),
      `${SUB}Filter policy is too complex`,
    );
    // $or alternatives add up.
    validate(JSON.stringify({ $or: [{ a: values(75) }, { b: values(75) }] }));
    assertInvalid(() => validate(JSON.stringify({ $or: [{ a: values(75) }, { b: values(76) }] })), `${SUB}Filter policy is too complex`);
  });

  test("JSON that does not parse", () => {
    assertInvalid(() => validate("{invalidjson}", "MessageAttributes", "SetSubscriptionAttributes"), "Invalid parameter: FilterPolicy: failed to parse JSON.");
    assertInvalid(() => validate(""), `${SUB}failed to parse JSON.`);
  });

  test("scope values (recorded)", () => {
    assert.equal(validateFilterPolicyScope("MessageBody", "SetSubscriptionAttributes"), "MessageBody");
    assert.equal(validateFilterPolicyScope("MessageAttributes", "Subscribe"), "MessageAttributes");
    assertInvalid(
      () => validateFilterPolicyScope("RandomValue", "SetSubscriptionAttributes"),
      "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes",
    );
  });
});

describe("filter policy validation: Event Ruler's other refusals", () => {
  // Not recorded from AWS: the reasons are Event Ruler's, the columns follow the Jackson
  // reading model that reproduces every recorded location above.
  const cases: Array<[string, string, number]> = [
    ["[1]", "Filter is not an object", 2],
    ['{"key":[]}', "Empty arrays are not allowed", 10],
    ['{"key":{}}', "Empty objects are not allowed", 10],
    ['{"key":[{}]}', "Match expression name not found", 11],
    ['{"key":[{"numeric":">"}]}', "Value of numeric must be an array.", 21],
    ['{"key":[{"prefix":"a","suffix":"b"}]}', "Only one key allowed in match expression", 33],
    ['{"key":[{"equals-ignore-case":1}]}', "equals-ignore-case match pattern must be a string", 32],
    ['{"key":[{"cidr":10}]}', "prefix match pattern must be a string", 19],
    ['{"key":[{"anything-but":true}]}', "Value of anything-but must be an array or single string/number value.", 29],
    ['{"key":[{"anything-but":["a",1]}]}', "Inside anything but list, either all values are number or string, mixed type is not supported", 32],
    ['{"key":[{"anything-but":[]}]}', "Inside anything but list, either all values are number or string, mixed type is not supported", 27],
    ['{"key":[{"anything-but":["a",null]}]}', "Inside anything but list, start|null|boolean is not supported.", 34],
    ['{"key":[{"anything-but":{"prefix":""}}]}', "Null prefix not allowed", 37],
    ['{"key":[{"anything-but":"a","x":1}]}', "Too many elements in numeric expression", 34],
    ['{"key":[{"wildcard":"a*"}]}', "Unrecognized match type wildcard", 22],
    ['{"$or":{"a":["b"]}}', "It must be an Array followed with $or.", 9],
    ['{"$or":[{"a":["b"]}]}', "There must have at least 2 Objects in $or relationship.", 21],
    ['{"$or":[{"a":["b"]},"c"]}', "Only JSON object is allowed in array of $or relationship.", 22],
    ['{"$or":[{"a":["b"]},{"prefix":["c"]}]}', "prefix is Ruler reserved fieldName which cannot be used inside $or.", 32],
  ];
  for (const [policy, reason, column] of cases) {
    test(`${reason} <- ${policy}`, () => assertInvalid(() => validate(policy), `${SUB}${reason}${loc(policy, column)}`));
  }

  test("numeric operands outside -1e9..1e9 (Filter policy constraints) are refused", () => {
    // Event Ruler's number encoding, with the bound SNS documents: "Value must be between ...".
    // The reason is Ruler's template, not a recording; numeric operands are encoded once their
    // array is read (the column after "]"), anything-but list members one by one.
    const reason = "Value must be between -1.0E9 and 1.0E9, inclusive";
    const cases: Array<[string, number]> = [
      ['{"key":[{"numeric":["=",1000000001]}]}', 36],
      ['{"key":[{"numeric":["<=",-1e10]}]}', 32],
      ['{"key":[{"numeric":[">",1.5e9]}]}', 31],
      ['{"key":[{"numeric":[">",0,"<",2000000000]}]}', 42],
      // both ends are encoded before they are compared
      ['{"key":[{"numeric":[">",2000000000,"<",1]}]}', 42],
      ['{"key":[{"anything-but":[1,2000000000,3]}]}', 38],
    ];
    for (const [policy, column] of cases) assertInvalid(() => validate(policy), `${SUB}${reason}${loc(policy, column)}`);
    // A lone anything-but number is encoded outside the JSON reader: no location.
    assertInvalid(() => validate('{"key":[{"anything-but":-2000000000}]}'), `${SUB}${reason}`);
    // The bounds themselves are inclusive; plain values are compared as written, unbounded.
    validate(JSON.stringify({ a: [{ numeric: [">=", -1e9, "<=", 1e9] }], b: [{ "anything-but": [1e9, -1e9] }], c: [{ "anything-but": 1e9 }], d: [5e9] }));
    // Syntax problems are still found first.
    assertInvalid(() => validate('{"key":[{"numeric":["=",2000000000,1]}]}'), `${SUB}Too many elements in numeric expression${loc('{"key":[{"numeric":["=",2000000000,1]}]}', 37)}`);
  });

  test("a pretty-printed policy is quoted on one line, without its whitespace; strings keep theirs", () => {
    const policy = '{\r\n  "key": [\n\t{"suffix": 1, "a b": ["x \\" y"]}\n  ]\n}';
    const compact = '{"key":[{"suffix":1,"a b":["x \\" y"]}]}';
    assertInvalid(() => validate(policy), `${SUB}suffix match pattern must be a string${loc(compact, 20)}`);
  });

  test("the source in a location is cut at 500 characters", () => {
    const policy = `{"pad":["${"x".repeat(600)}"],"key":[{"suffix":1}]}`;
    const column = policy.indexOf('{"suffix":1}') + '{"suffix":1'.length + 1;
    assertInvalid(
      () => validate(policy),
      `${SUB}suffix match pattern must be a string\n at [Source: (String)"${policy.slice(0, 500)}"[truncated ${policy.length - 500} chars]; line: 1, column: ${column}]`,
    );
  });

  test("CIDR refusals carry no location", () => {
    const cases: Array<[string, string]> = [
      ["10.0.0.0", "Malformed CIDR, one '/' required"],
      ["10.0.0.0/", "Malformed CIDR, one '/' required"],
      ["10.0.0.0/x", "Malformed CIDR, mask bits must be an integer"],
      ["10.0.0.0/-1", "Malformed CIDR, mask bits must not be negative"],
      ["10.0.0.0/32", "IPv4 mask bits must be < 32"],
      ["::1/128", "IPv6 mask bits must be < 128"],
      ["host/24", "Nonstandard IP address: host"],
      ["999.0.0.1/8", "Invalid IP address: 999.0.0.1"],
      ["1:2:3/64", "Invalid IP address: 1:2:3"],
    ];
    for (const [cidr, reason] of cases) {
      assertInvalid(() => validate(JSON.stringify({ ip: [{ cidr }] })), `${SUB}${reason}`);
    }
  });

  test("valid policies of every operator", () => {
    for (const policy of [
      { a: ["x", 1, 1.5e3, true, false, null] },
      { a: [{ prefix: "" }, { suffix: "z" }, { "equals-ignore-case": "X" }] },
      { a: [{ "anything-but": "x" }, { "anything-but": 5 }, { "anything-but": ["x", "y"] }, { "anything-but": [1, 2] }] },
      { a: [{ "anything-but": { prefix: "order-" } }] },
      { a: [{ numeric: ["=", 301.5] }, { numeric: [">", 0, "<=", 150] }, { numeric: [">=", -1e9] }, { numeric: ["<", 0] }] },
      { a: [{ exists: true }], b: [{ exists: false }] },
      { a: [{ cidr: "10.0.0.0/24" }, { cidr: "2001:db8::/32" }] },
      { $or: [{ a: ["x"] }, { b: ["y"], c: ["z"] }], d: ["w"] },
    ]) {
      validate(JSON.stringify(policy));
    }
    assert.deepEqual(validate("{}").branches, []);
  });
});

describe("CIDR ranges", () => {
  test("host bits of the base address are kept, as Event Ruler does", () => {
    assert.deepEqual(parseCidr("10.0.0.5/24"), { low: [10, 0, 0, 5], high: [10, 0, 0, 255] });
    assert.deepEqual(parseCidr("10.0.0.0/0"), { low: [10, 0, 0, 0], high: [255, 255, 255, 255] });
    const v6 = parseCidr("2001:db8::/126");
    assert.deepEqual(v6.high.slice(-2), [0, 3]);
    assert.equal(v6.low.length, 16);
  });
});

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

const S = (v: string): FilterableAttribute => ({ DataType: "String", StringValue: v });
const N = (v: string): FilterableAttribute => ({ DataType: "Number", StringValue: v });
const A = (v: unknown[]): FilterableAttribute => ({ DataType: "String.Array", StringValue: JSON.stringify(v) });
const B = (v: string): FilterableAttribute => ({ DataType: "Binary", BinaryValue: Buffer.from(v) });

type AttributeCase = [policy: object, attributes: Record<string, FilterableAttribute>, expected: boolean, note?: string];

describe("matching message attributes", () => {
  const table: AttributeCase[] = [
    // exact strings (docs: customer_interests)
    [{ customer_interests: ["rugby", "tennis"] }, { customer_interests: S("rugby") }, true],
    [{ customer_interests: ["rugby", "tennis"] }, { customer_interests: S("tennis") }, true],
    [{ customer_interests: ["rugby", "tennis"] }, { customer_interests: A(["rugby", "tennis"]) }, true],
    [{ customer_interests: ["rugby", "tennis"] }, { customer_interests: S("baseball") }, false],
    [{ customer_interests: ["rugby", "tennis"] }, { customer_interests: A(["baseball"]) }, false],
    [{ customer_interests: ["rugby"] }, { customer_interests: S("Rugby") }, false, "case-sensitive"],
    [{ customer_interests: ["rugby"] }, {}, false, "missing attribute"],
    [{ customer_interests: ["rugby"] }, { other: S("rugby") }, false],
    // typed values: strings and numbers never equal each other
    [{ price: [100] }, { price: N("100") }, true],
    [{ price: [100] }, { price: N("1e2") }, true],
    [{ price: [100] }, { price: N("100.0") }, true],
    [{ price: [100] }, { price: S("100") }, false, "String attribute vs numeric rule"],
    [{ price: ["100"] }, { price: N("100") }, false, "Number attribute vs string rule"],
    [{ price: [100] }, { price: A([5, 100]) }, true],
    [{ flag: [true] }, { flag: A([true]) }, true],
    [{ flag: [true] }, { flag: S("true") }, false],
    // prefix / suffix / equals-ignore-case
    [{ customer_interests: [{ prefix: "bas" }] }, { customer_interests: S("baseball") }, true],
    [{ customer_interests: [{ prefix: "bas" }] }, { customer_interests: S("basketball") }, true],
    [{ customer_interests: [{ prefix: "bas" }] }, { customer_interests: S("rugby") }, false],
    [{ customer_interests: [{ prefix: "bas" }] }, { customer_interests: A(["rugby", "basketball"]) }, true],
    [{ code: [{ prefix: "1" }] }, { code: N("123") }, false, "prefix only applies to strings"],
    [{ customer_interests: [{ suffix: "ball" }] }, { customer_interests: S("baseball") }, true],
    [{ customer_interests: [{ suffix: "ball" }] }, { customer_interests: S("rugby") }, false],
    [{ customer_interests: [{ "equals-ignore-case": "TENNIS" }] }, { customer_interests: S("tennis") }, true],
    [{ customer_interests: [{ "equals-ignore-case": "TENNIS" }] }, { customer_interests: S("Tennis!") }, false],
    [{ any_string: [{ prefix: "" }] }, { any_string: S("x") }, true, "empty prefix matches any string"],
    [{ any_string: [{ prefix: "" }] }, { any_string: N("1") }, false],
    // anything-but
    [{ customer_interests: [{ "anything-but": ["rugby", "tennis"] }] }, { customer_interests: S("baseball") }, true],
    [{ customer_interests: [{ "anything-but": ["rugby", "tennis"] }] }, { customer_interests: S("rugby") }, false],
    [{ customer_interests: [{ "anything-but": ["rugby", "tennis"] }] }, { customer_interests: A(["rugby", "baseball"]) }, true, "docs: one element is not excluded"],
    [{ customer_interests: [{ "anything-but": ["rugby", "tennis"] }] }, { customer_interests: A(["rugby", "tennis"]) }, false],
    [{ customer_interests: [{ "anything-but": ["rugby"] }] }, {}, false, "anything-but needs the attribute"],
    [{ customer_interests: [{ "anything-but": "rugby" }] }, { customer_interests: S("golf") }, true],
    [{ price: [{ "anything-but": [100, 500] }] }, { price: N("101") }, true],
    [{ price: [{ "anything-but": [100, 500] }] }, { price: N("100.1") }, true],
    [{ price: [{ "anything-but": [100, 500] }] }, { price: N("100") }, false],
    [{ price: [{ "anything-but": [100, 500] }] }, { price: A([100, 50]) }, true],
    [{ price: [{ "anything-but": 100 }] }, { price: S("100") }, true, "a string is not the number 100"],
    [{ event: [{ "anything-but": { prefix: "order-" } }] }, { event: S("data-entry") }, true],
    [{ event: [{ "anything-but": { prefix: "order-" } }] }, { event: S("order_number") }, true],
    [{ event: [{ "anything-but": { prefix: "order-" } }] }, { event: S("order-cancelled") }, false],
    // numeric
    [{ price_usd: [{ numeric: ["=", 301.5] }] }, { price_usd: N("301.5") }, true],
    [{ price_usd: [{ numeric: ["=", 301.5] }] }, { price_usd: N("3.015e2") }, true],
    [{ price_usd: [{ numeric: ["=", 301.5] }] }, { price_usd: N("301.50001") }, false],
    [{ price_usd: [{ numeric: ["<", 0] }] }, { price_usd: N("-0.5") }, true],
    [{ price_usd: [{ numeric: ["<", 0] }] }, { price_usd: N("0") }, false],
    [{ price_usd: [{ numeric: [">", 0, "<=", 150] }] }, { price_usd: N("150") }, true],
    [{ price_usd: [{ numeric: [">", 0, "<=", 150] }] }, { price_usd: N("0") }, false],
    [{ price_usd: [{ numeric: [">", 0, "<=", 150] }] }, { price_usd: N("150.01") }, false],
    [{ price_usd: [{ numeric: [">=", 10, "<", 20] }] }, { price_usd: N("10") }, true],
    [{ price_usd: [{ numeric: [">=", 10, "<", 20] }] }, { price_usd: N("20") }, false],
    [{ price_usd: [{ numeric: ["<=", 5] }] }, { price_usd: N("5") }, true],
    [{ price_usd: [{ numeric: [">", 5] }] }, { price_usd: S("6") }, false, "numeric ignores String attributes"],
    [{ price_usd: [{ numeric: [">", 5] }] }, { price_usd: A(["6", 7]) }, true],
    [{ attr1: [{ numeric: [">", 0, "<=", 100] }] }, { attr1: N("99") }, true, "recorded: delivered"],
    [{ attr1: [{ numeric: [">", 0, "<=", 100] }] }, { attr1: N("111") }, false, "recorded: filtered"],
    // exists
    [{ store: [{ exists: true }] }, { store: N("99"), def: N("99") }, true, "recorded"],
    [{ store: [{ exists: true }] }, { def: N("99") }, false, "recorded"],
    [{ store: [{ exists: false }] }, { def: N("99") }, true, "recorded"],
    [{ store: [{ exists: false }] }, { store: S("x") }, false],
    [{ store: [{ exists: true }] }, { store: B("x") }, false, "Binary attributes are ignored"],
    [{ store: [{ exists: false }] }, { store: B("x") }, true, "Binary attributes are ignored"],
    [{ store: ["value1"] }, { store: A(["value1", "value2"]) }, true, "recorded: array attribute"],
    [{ store: ["value1"] }, { store: A(["value2"]) }, false],
    // cidr and IP literals
    [{ source_ip: [{ cidr: "10.0.0.0/24" }] }, { source_ip: S("10.0.0.0") }, true],
    [{ source_ip: [{ cidr: "10.0.0.0/24" }] }, { source_ip: S("10.0.0.255") }, true],
    [{ source_ip: [{ cidr: "10.0.0.0/24" }] }, { source_ip: S("10.1.1.0") }, false],
    [{ source_ip: [{ cidr: "10.0.0.0/24" }] }, { source_ip: S("not-an-ip") }, false],
    [{ source_ip: [{ cidr: "10.0.0.0/24" }] }, { source_ip: S("::ffff:a00:1") }, false, "family must match"],
    [{ source_ip: [{ cidr: "2001:db8::/32" }] }, { source_ip: S("2001:db8:ffff::1") }, true],
    [{ source_ip: [{ cidr: "2001:db8::/32" }] }, { source_ip: S("2001:db9::1") }, false],
    [{ source_ip: ["2001:db8::1"] }, { source_ip: S("2001:0db8:0:0:0:0:0:1") }, true, "IP literals compare as addresses"],
    // AND across keys, OR within a key
    [{ a: ["1"], b: ["2"] }, { a: S("1"), b: S("2") }, true],
    [{ a: ["1"], b: ["2"] }, { a: S("1"), b: S("3") }, false],
    [{ a: ["1", { prefix: "x" }] }, { a: S("xyz") }, true],
    [{ a: [{ exists: false }, "v"] }, {}, true],
    [{ a: [{ exists: false }, "v"] }, { a: S("v") }, true],
    [{ a: [{ exists: false }, "v"] }, { a: S("w") }, false],
    // $or
    [{ $or: [{ a: ["1"] }, { b: ["2"] }] }, { b: S("2") }, true],
    [{ $or: [{ a: ["1"] }, { b: ["2"] }] }, { c: S("2") }, false],
    [{ c: ["3"], $or: [{ a: ["1"] }, { b: ["2"] }] }, { a: S("1"), c: S("3") }, true],
    [{ c: ["3"], $or: [{ a: ["1"] }, { b: ["2"] }] }, { a: S("1") }, false],
    [{ $or: [{ a: ["1"] }, { $or: [{ b: ["2"] }, { c: ["3"] }] }] }, { c: S("3") }, true],
    // docs (example-filter-policies): the transaction message against the accepting and rejecting policies
    [
      { store: ["example_corp"], event: [{ "anything-but": "order_cancelled" }], customer_interests: ["rugby", "football", "baseball"], price_usd: [{ numeric: [">=", 100] }] },
      { customer_interests: A(["soccer", "rugby", "hockey"]), store: S("example_corp"), event: S("order_placed"), price_usd: N("210.75") },
      true,
      "docs: accepts",
    ],
    [
      { store: ["example_corp"], event: ["order_cancelled"], encrypted: [false], customer_interests: ["basketball", "baseball"] },
      { customer_interests: A(["soccer", "rugby", "hockey"]), store: S("example_corp"), event: S("order_placed"), price_usd: N("210.75") },
      false,
      "docs: rejects",
    ],
    // null in a policy never matches an attribute (attributes have no nulls)
    [{ a: [null] }, { a: S("null") }, false],
  ];
  for (const [policy, attributes, expected, note] of table) {
    test(`${JSON.stringify(policy)} vs ${JSON.stringify(attributes)}${note ? ` (${note})` : ""}`, () => {
      const compiled = validateFilterPolicy(JSON.stringify(policy), { scope: "MessageAttributes", operation: "Subscribe" });
      assert.equal(matchesMessageAttributes(compiled, attributes), expected);
      assert.equal(matchesFilterPolicy(compiled, { body: "ignored", attributes }), expected);
    });
  }

  test("an empty policy lets everything through", () => {
    assert.equal(matchesMessageAttributes(validate("{}"), {}), true);
  });
});

type BodyCase = [policy: object, body: string, expected: boolean, note?: string];

describe("matching message bodies", () => {
  const table: BodyCase[] = [
    [{ customer_interests: ["rugby", "tennis"] }, '{"customer_interests":"rugby"}', true],
    [{ customer_interests: ["rugby", "tennis"] }, '{"customer_interests":"baseball"}', false],
    [{ customer_interests: ["rugby"] }, '{"customer_interests":["baseball","rugby"]}', true],
    [{ price_usd: [{ numeric: ["=", 301.5] }] }, '{"price_usd": 3.015e2}', true],
    [{ price_usd: [{ numeric: [">", 300] }] }, '{"price_usd": "301"}', false, "strings are not numbers"],
    [{ price: [{ "anything-but": [100, 500] }] }, '{"price": [100, 50]}', true, "docs"],
    [{ price: [{ "anything-but": [100, 500] }] }, '{"price": 100}', false, "docs"],
    [{ flag: [true] }, '{"flag": true}', true],
    [{ flag: [false] }, '{"flag": true}', false],
    [{ nothing: [null] }, '{"nothing": null}', true],
    [{ nothing: [null] }, '{"nothing": "null"}', false],
    [{ nothing: [{ exists: true }] }, '{"nothing": null}', true, "null is a value"],
    [{ gone: [{ exists: false }] }, '{"other": 1}', true],
    [{ gone: [{ exists: false }] }, '{"gone": []}', true, "an empty array has no value"],
    [{ gone: [{ exists: true }] }, '{"gone": {}}', false, "an object is not a leaf"],
    // nesting and dotted keys (recorded: both spellings match)
    [{ object: { key: [{ prefix: "auto-" }] } }, '{"object": {"key": "auto-test"}}', true, "recorded"],
    [{ object: { key: [{ prefix: "auto-" }] } }, '{"object": {"key": "manual"}}', false],
    [{ object: { nested: ["string.value"] } }, '{"object": {"nested": "string.value"}}', true, "recorded"],
    [{ object: { nested: ["string.value"] } }, '{"object.nested": "string.value"}', true, "recorded"],
    [{ "object.nested.test": ["string.value"] }, '{"object": {"nested": {"test": "string.value"}}}', true, "recorded"],
    [{ object: { nested: { test: ["string.value"] } } }, '{"object.nested": {"test": "string.value"}}', true, "recorded"],
    [{ object: { nested: { test: ["string.value"] } } }, '{"object": {"nested.test": "string.value"}}', true, "recorded"],
    // arrays of objects (recorded S3-like records)
    [
      { Records: { s3: { object: { key: [{ prefix: "auto-" }] } } } },
      '{"Records":[{"eventSource":"aws:s3","s3":{"object":[[{"key":"auto-insurance-2314.xml","size":17}]]}},{"s3":{"object":{"key":"home-insurance-2314.xml"}}}]}',
      true,
      "recorded: nested arrays",
    ],
    [{ headers: { "route-to": ["queue1"] } }, '{"headers": {"route-to": ["queue1", "queue2"]}}', true, "recorded"],
    [{ headers: { "route-to": ["queue1"] } }, '{"headers": {"route-to": ["queue2"]}}', false, "recorded"],
    // array consistency: fields from different elements do not combine
    [{ r: { a: ["1"], b: ["2"] } }, '{"r": [{"a": "1", "b": "x"}, {"a": "x", "b": "2"}]}', false],
    [{ r: { a: ["1"], b: ["2"] } }, '{"r": [{"a": "1", "b": "x"}, {"a": "1", "b": "2"}]}', true],
    [{ top: ["t"], r: { a: ["1"] } }, '{"top": "t", "r": [{"a": "0"}, {"a": "1"}]}', true],
    // $or over body fields
    [{ $or: [{ a: { b: ["1"] } }, { c: ["2"] }] }, '{"c": "2"}', true],
    [{ $or: [{ a: { b: ["1"] } }, { c: ["2"] }] }, '{"a": {"b": "1"}}', true],
    [{ $or: [{ a: { b: ["1"] } }, { c: ["2"] }] }, '{"a": {"b": "2"}}', false],
    // bodies that are not JSON objects never match
    [{ a: ["1"] }, "plain text", false],
    [{ a: [{ exists: false }] }, "plain text", false],
    [{ a: ["1"] }, '["a", "1"]', false],
    [{ a: ["1"] }, '"1"', false],
  ];
  for (const [policy, body, expected, note] of table) {
    test(`${JSON.stringify(policy)} vs ${body}${note ? ` (${note})` : ""}`, () => {
      const compiled = validateFilterPolicy(JSON.stringify(policy), { scope: "MessageBody", operation: "SetSubscriptionAttributes" });
      assert.equal(matchesMessageBody(compiled, body), expected);
      assert.equal(matchesFilterPolicy(compiled, { body, attributes: { a: S("1") } }), expected);
    });
  }

  test("huge array bodies stay bounded", () => {
    const compiled = validate(JSON.stringify({ r: { a: ["1"] } }), "MessageBody");
    const body = JSON.stringify({ r: Array.from({ length: 5000 }, (_, i) => ({ a: String(i % 3) })) });
    assert.equal(matchesMessageBody(compiled, body), true);
  });
});
