import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { websiteEndpoint } from "../../protocol/routing.js";
import { documentKey, matchRoutingRule, redirectLocation, websiteErrorPage, type RoutingRule } from "./website.js";

describe("websiteEndpoint", () => {
  test("both AWS spellings, with and without a region; other hosts are not website hosts", () => {
    assert.deepEqual(websiteEndpoint("site.s3-website.us-east-1.localhost.localstack.cloud:4566"), { bucket: "site", region: "us-east-1" });
    assert.deepEqual(websiteEndpoint("www.example.com.s3-website-eu-west-1.amazonaws.com"), { bucket: "www.example.com", region: "eu-west-1" });
    assert.deepEqual(websiteEndpoint("site.s3-website.localhost"), { bucket: "site" });
    assert.equal(websiteEndpoint("site.s3.localhost.localstack.cloud"), undefined);
    assert.equal(websiteEndpoint("s3-website.us-east-1.amazonaws.com"), undefined);
    assert.equal(websiteEndpoint("localhost:4566"), undefined);
  });
});

describe("documentKey", () => {
  test("the index suffix completes the root and folders only", () => {
    assert.equal(documentKey("", "index.html"), "index.html");
    assert.equal(documentKey("a/b/", "index.html"), "a/b/index.html");
    assert.equal(documentKey("a/b", "index.html"), "a/b");
    assert.equal(documentKey("", undefined), "");
  });
});

describe("routing rules", () => {
  const rules: RoutingRule[] = [
    { Condition: { KeyPrefixEquals: "docs/", HttpErrorCodeReturnedEquals: "404" }, Redirect: { ReplaceKeyPrefixWith: "archive/" } },
    { Condition: { KeyPrefixEquals: "docs/" }, Redirect: { ReplaceKeyPrefixWith: "documents/", HttpRedirectCode: "307" } },
    { Condition: { HttpErrorCodeReturnedEquals: "404" }, Redirect: { ReplaceKeyWith: "404.html", Protocol: "https", HostName: "x.example" } },
    { Redirect: { HostName: "everything.example" } },
  ];
  test("before the lookup only rules without an error condition apply, first match wins", () => {
    assert.equal(matchRoutingRule(rules, "docs/a.html"), rules[1]);
    assert.equal(matchRoutingRule(rules, "img/a.png"), rules[3]);
    assert.equal(matchRoutingRule(undefined, "a"), undefined);
  });
  test("after an error only rules for that code apply, with their prefix", () => {
    assert.equal(matchRoutingRule(rules, "docs/a.html", 404), rules[0]);
    assert.equal(matchRoutingRule(rules, "img/a.png", 404), rules[2]);
    assert.equal(matchRoutingRule(rules, "img/a.png", 403), undefined);
  });
  test("redirect locations: prefix replacement, whole-key replacement, defaults from the request", () => {
    const request = { protocol: "http", host: "site.s3-website.us-east-1.localhost:4566" };
    assert.deepEqual(redirectLocation(rules[1] as RoutingRule, "docs/my file.html", request), { status: 307, location: "http://site.s3-website.us-east-1.localhost:4566/documents/my%20file.html" });
    assert.deepEqual(redirectLocation(rules[2] as RoutingRule, "anything", request), { status: 301, location: "https://x.example/404.html" });
    assert.deepEqual(redirectLocation(rules[3] as RoutingRule, "a/b", request), { status: 301, location: "http://everything.example/a/b" });
  });
});

describe("websiteErrorPage", () => {
  test("S3's page layout, escaped, with the custom error document's failure when there is one", () => {
    const page = websiteErrorPage({ status: 404, code: "NoSuchKey", message: "The specified key does not exist.", details: { Key: "<b>.html" } }, "REQ1", {
      status: 404,
      code: "NoSuchKey",
      message: "The specified key does not exist.",
      details: { Key: "error.html" },
    });
    const lines = page.split("\n");
    assert.deepEqual(lines.slice(0, 8), [
      "<html>",
      "<head><title>404 Not Found</title></head>",
      "<body>",
      "<h1>404 Not Found</h1>",
      "<ul>",
      "<li>Code: NoSuchKey</li>",
      "<li>Message: The specified key does not exist.</li>",
      "<li>Key: &lt;b&gt;.html</li>",
    ]);
    assert.equal(lines[8], "<li>RequestId: REQ1</li>");
    assert.match(lines[9] ?? "", /^<li>HostId: .+<\/li>$/);
    assert.deepEqual(lines.slice(10), [
      "</ul>",
      "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>",
      "<ul>",
      "<li>Code: NoSuchKey</li>",
      "<li>Message: The specified key does not exist.</li>",
      "<li>Key: error.html</li>",
      "</ul>",
      "<hr/>",
      "</body>",
      "</html>",
      "",
    ]);
  });
});
