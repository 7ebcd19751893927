import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  corsHeadersForRequest,
  evaluatePreflight,
  matchCorsRule,
  validateCorsConfiguration,
  wildcardMatch,
  type CorsRule,
} from "./cors.js";

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected an error");
}

const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";
const VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

describe("validateCorsConfiguration", () => {
  test("a valid configuration passes", () => {
    validateCorsConfiguration([
      { allowedOrigins: ["http://*.example.com", ""], allowedMethods: ["GET", "PUT"], allowedHeaders: ["x-amz-*"], exposeHeaders: ["ETag"] },
    ]);
  });

  test("unsupported methods, including OPTIONS", () => {
    for (const method of ["MYMETHOD", "OPTIONS", "get", ""]) {
      const err = thrown(() => validateCorsConfiguration([{ allowedOrigins: ["*"], allowedMethods: [method] }]));
      assert.equal(err.code, "InvalidRequest");
      assert.equal(err.status, 400);
      assert.equal(err.message, `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
  });

  test("two wildcards in an origin or a header; any in an expose header", () => {
    assert.equal(
      thrown(() => validateCorsConfiguration([{ allowedOrigins: ["*example*.com"], allowedMethods: ["GET"] }])).message,
      'AllowedOrigin "*example*.com" can not have more than one wildcard.',
    );
    assert.equal(
      thrown(() => validateCorsConfiguration([{ allowedOrigins: ["*"], allowedMethods: ["GET"], allowedHeaders: ["x-*-*"] }])).message,
      'AllowedHeader "x-*-*" can not have more than one wildcard.',
    );
    assert.equal(
      thrown(() => validateCorsConfiguration([{ allowedOrigins: ["*"], allowedMethods: ["GET"], exposeHeaders: ["*"] }])).message,
      'ExposeHeader "*" contains wildcard. We currently do not support wildcard for ExposeHeader.',
    );
  });

  test("an expose header is a header name: a line break or a space in one is refused, a token is taken", () => {
    for (const header of ["x-a\ny", "x-a\r\nSet-Cookie: a=b", "ETag, x-amz-id-2"]) {
      const err = thrown(() => validateCorsConfiguration([{ allowedOrigins: ["*"], allowedMethods: ["GET"], exposeHeaders: [header] }]));
      assert.deepEqual([err.code, err.status, err.message], ["InvalidRequest", 400, `ExposeHeader "${header}" contains invalid character.`]);
    }
    validateCorsConfiguration([{ allowedOrigins: ["*"], allowedMethods: ["GET"], exposeHeaders: ["ETag", "x-amz-meta-custom_header", "X.Custom~1"] }]);
  });

  test("no rules, or a rule without origins or methods, is MalformedXML", () => {
    for (const rules of [[], [{ allowedOrigins: [], allowedMethods: ["GET"] }], [{ allowedOrigins: ["*"], allowedMethods: [] }]] as CorsRule[][]) {
      const err = thrown(() => validateCorsConfiguration(rules));
      assert.equal(err.code, "MalformedXML");
      assert.equal(err.message, "The XML you provided was not well-formed or did not validate against our published schema");
    }
  });

  test("more than 100 rules is refused", () => {
    const rules = Array.from({ length: 101 }, () => ({ allowedOrigins: ["*"], allowedMethods: ["GET"] }));
    assert.equal(thrown(() => validateCorsConfiguration(rules)).code, "MalformedXML");
  });
});

describe("matching", () => {
  test("wildcards match any run, even empty, anchored both ends (s3-tests origin cases)", () => {
    const rules: CorsRule[] = [
      { allowedOrigins: ["*suffix"], allowedMethods: ["GET"] },
      { allowedOrigins: ["start*end"], allowedMethods: ["GET"] },
      { allowedOrigins: ["prefix*"], allowedMethods: ["GET"] },
      { allowedOrigins: ["*.put"], allowedMethods: ["PUT"] },
    ];
    for (const origin of ["foo.suffix", "startend", "start1end", "start12end", "prefix", "prefix.suffix"]) {
      assert.ok(matchCorsRule(rules, { origin, method: "GET" }), origin);
    }
    for (const origin of ["foo.bar", "foo.suffix.get", "0start12end", "bla.prefix"]) {
      assert.equal(matchCorsRule(rules, { origin, method: "GET" }), undefined, origin);
    }
    assert.ok(matchCorsRule(rules, { origin: "foo.put", method: "OPTIONS", accessControlRequestMethod: "PUT" }));
    assert.equal(matchCorsRule(rules, { origin: "foo.put", method: "OPTIONS", accessControlRequestMethod: "GET" }), undefined);
  });

  test("scheme, host and port must match exactly; a trailing slash does not match", () => {
    const rules: CorsRule[] = [{ allowedOrigins: ["http://www.example.com"], allowedMethods: ["GET"] }];
    assert.ok(matchCorsRule(rules, { origin: "http://www.example.com", method: "GET" }));
    for (const origin of ["https://www.example.com", "http://www.example.com:80", "http://www.example.com/"]) {
      assert.equal(matchCorsRule(rules, { origin, method: "GET" }), undefined, origin);
    }
  });

  test("requested headers match AllowedHeaders case-insensitively, with wildcards", () => {
    const rules: CorsRule[] = [{ allowedOrigins: ["*"], allowedMethods: ["PUT"], allowedHeaders: ["x-AMZ-*", "Content-Type"] }];
    const req = (h: string) => ({ origin: "o", method: "OPTIONS", accessControlRequestMethod: "PUT", accessControlRequestHeaders: h });
    assert.ok(matchCorsRule(rules, req("X-Amz-Date, content-type")));
    assert.ok(matchCorsRule(rules, req("x-amz-date,content-type")));
    assert.equal(matchCorsRule(rules, req("authorization")), undefined);
  });

  test("a rule without AllowedHeaders allows no requested header", () => {
    const rules: CorsRule[] = [{ allowedOrigins: ["*"], allowedMethods: ["GET"], exposeHeaders: ["x-amz-meta-header1"] }];
    assert.equal(matchCorsRule(rules, { origin: "o", method: "OPTIONS", accessControlRequestMethod: "GET", accessControlRequestHeaders: "x-amz-meta-header2" }), undefined);
  });

  test("the first matching rule wins", () => {
    const first: CorsRule = { id: "first", allowedOrigins: ["*"], allowedMethods: ["GET"] };
    const second: CorsRule = { id: "second", allowedOrigins: ["http://a"], allowedMethods: ["GET"] };
    assert.equal(matchCorsRule([first, second], { origin: "http://a", method: "GET" })?.id, "first");
  });

  test("wildcardMatch", () => {
    assert.equal(wildcardMatch("a*a", "a"), false);
    assert.equal(wildcardMatch("a*a", "aa"), true);
    assert.equal(wildcardMatch("*", ""), true);
  });
});

describe("preflight", () => {
  const rules: CorsRule[] = [
    { allowedOrigins: ["https://localhost:4200"], allowedMethods: ["GET", "PUT"], allowedHeaders: ["*"], maxAgeSeconds: 3000 },
  ];

  test("a matching preflight: S3's recorded headers", () => {
    assert.deepEqual(evaluatePreflight(rules, { origin: "https://localhost:4200", method: "OPTIONS", accessControlRequestMethod: "PUT" }), {
      "Access-Control-Allow-Origin": "https://localhost:4200",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": "GET, PUT",
      "Access-Control-Max-Age": "3000",
      Vary: VARY,
    });
  });

  test("requested headers are echoed lower-case in request order; ExposeHeaders listed", () => {
    const headers = evaluatePreflight(
      [{ allowedOrigins: ["*"], allowedMethods: ["GET"], allowedHeaders: ["x-amz-expected-bucket-owner", "x-AMZ-server-SIDE-encryption"], exposeHeaders: ["x-amz-id-2", "x-amz-request-id"] }],
      { origin: "http://random:1234", method: "OPTIONS", accessControlRequestMethod: "GET", accessControlRequestHeaders: "x-AMZ-expected-BUCKET-owner,x-amz-server-side-encryption" },
    );
    assert.deepEqual(headers, {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET",
      "Access-Control-Allow-Headers": "x-amz-expected-bucket-owner, x-amz-server-side-encryption",
      "Access-Control-Expose-Headers": "x-amz-id-2, x-amz-request-id",
      Vary: VARY,
    });
  });

  test("no Origin is 400 BadRequest", () => {
    const err = thrown(() => evaluatePreflight(rules, { method: "OPTIONS", accessControlRequestMethod: "GET" }));
    assert.equal(err.code, "BadRequest");
    assert.equal(err.status, 400);
    assert.equal(err.message, "Insufficient information. Origin request header needed.");
  });

  test("no configuration is 403 AccessForbidden, Method and ResourceType BUCKET", () => {
    const err = thrown(() => evaluatePreflight(undefined, { origin: "http://a", method: "OPTIONS", accessControlRequestMethod: "PUT" }));
    assert.equal(err.code, "AccessForbidden");
    assert.equal(err.status, 403);
    assert.equal(err.message, "CORSResponse: CORS is not enabled for this bucket.");
    assert.deepEqual(err.fields, { Method: "PUT", ResourceType: "BUCKET" });
    const noMethod = thrown(() => evaluatePreflight(undefined, { origin: "http://a", method: "OPTIONS" }));
    assert.deepEqual(noMethod.fields, { Method: "OPTIONS", ResourceType: "BUCKET" });
  });

  test("no bucket is 403 AccessForbidden 'Bucket not found', before any configuration is looked at", () => {
    const err = thrown(() => evaluatePreflight("NoSuchBucket", { origin: "http://a", method: "OPTIONS", accessControlRequestMethod: "GET" }, "OBJECT"));
    assert.equal(err.code, "AccessForbidden");
    assert.equal(err.status, 403);
    assert.equal(err.message, "CORSResponse: Bucket not found");
    assert.deepEqual(err.fields, { Method: "GET", ResourceType: "BUCKET" });
    assert.deepEqual(thrown(() => evaluatePreflight("NoSuchBucket", { origin: "http://a", method: "OPTIONS" })).fields, { Method: "OPTIONS", ResourceType: "BUCKET" });
    assert.equal(thrown(() => evaluatePreflight("NoSuchBucket", { method: "OPTIONS" })).code, "BadRequest");
  });

  test("no matching rule is 403 AccessForbidden with S3's sentence", () => {
    const err = thrown(() => evaluatePreflight(rules, { origin: "http://localhost:4200", method: "OPTIONS", accessControlRequestMethod: "PUT" }));
    assert.equal(err.code, "AccessForbidden");
    assert.equal(err.status, 403);
    assert.equal(err.message, NOT_ALLOWED);
    assert.deepEqual(err.fields, { Method: "PUT", ResourceType: "OBJECT" });
  });

  test("a missing or invalid Access-Control-Request-Method on a configured bucket is 400", () => {
    assert.equal(
      thrown(() => evaluatePreflight(rules, { origin: "https://localhost:4200", method: "OPTIONS" })).message,
      "Invalid Access-Control-Request-Method: null",
    );
    const err = thrown(() => evaluatePreflight(rules, { origin: "https://localhost:4200", method: "OPTIONS", accessControlRequestMethod: "YUCK" }));
    assert.equal(err.code, "BadRequest");
    assert.equal(err.message, "Invalid Access-Control-Request-Method: YUCK");
  });
});

describe("actual requests", () => {
  const rules: CorsRule[] = [{ allowedOrigins: ["https://localhost:4200"], allowedMethods: ["GET"], maxAgeSeconds: 3000 }];

  test("a matching request gets the headers", () => {
    assert.deepEqual(corsHeadersForRequest(rules, { origin: "https://localhost:4200", method: "GET" }), {
      "Access-Control-Allow-Origin": "https://localhost:4200",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": "GET",
      "Access-Control-Max-Age": "3000",
      Vary: VARY,
    });
  });

  test("no Origin, no configuration, or no match: no headers and no error", () => {
    assert.deepEqual(corsHeadersForRequest(rules, { method: "GET" }), {});
    assert.deepEqual(corsHeadersForRequest(undefined, { origin: "https://localhost:4200", method: "GET" }), {});
    assert.deepEqual(corsHeadersForRequest(rules, { origin: "https://localhost:4200", method: "PUT" }), {});
  });

  test("Access-Control-Request-Method decides on an actual request too", () => {
    assert.deepEqual(corsHeadersForRequest(rules, { origin: "https://localhost:4200", method: "GET", accessControlRequestMethod: "PUT" }), {});
  });
});
