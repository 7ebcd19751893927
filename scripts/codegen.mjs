#!/usr/bin/env node
/**
 * Generates, from the same AWS models the protocol layer reads at run time:
 *  - src/generated/service-index.json: routing metadata of every catalog service, so start-up
 *    does not parse ~50 models to know which service a request is for;
 *  - src/generated/<id>.ts: TypeScript input/output types of every operation of each service
 *    that has a provider (services/<id>/index.ts), so the compiler checks handler names and shapes;
 *  - src/generated/<model file>.v3-members.json: the members (headers, query parameters, XML and
 *    JSON fields, nested structures, lists and maps) that the current v3 client's schema has and
 *    the frozen v2 model lacks, as model patches (src/protocol/model-patches.ts applies them at
 *    run time; the types include them).
 * Output is not committed (it is rebuilt by `npm run build`).
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const apis = join(dirname(require.resolve("aws-sdk/package.json")), "apis");
const outDir = join(root, "src", "generated");
mkdirSync(outDir, { recursive: true });

/** The traits a bit field stands for, bit 0 first (@smithy/core's translateTraits). */
const TRAIT_BITS = ["httpLabel", "idempotent", "idempotencyToken", "sensitive", "httpPayload", "httpResponseCode", "httpQueryParams"];

/** Protocols whose responses (and for query and rest-xml, requests) are XML. */
const XML_PROTOCOLS = new Set(["rest-xml", "query", "ec2"]);

/**
 * Protocols whose new structure, list and map members are written inline (v3Members). Not ec2:
 * its request keys follow ec2QueryName, which the inline shapes do not carry, and no Nimbus
 * provider answers an EC2 operation to test them against; its new scalars are still added.
 */
const NESTED_PROTOCOLS = new Set(["json", "rest-json", "rest-xml", "query"]);

const catalogSource = readFileSync(join(root, "src", "services", "catalog.ts"), "utf8");
// Each catalog line is `{ id: "...", model: "...", <more string fields> ... }`.
/** The v3 package of a service whose v2 id is not its package's name (client-api-gateway...). */
const V3_PACKAGES = {
  apigateway: "api-gateway",
  monitoring: "cloudwatch",
  states: "sfn",
  logs: "cloudwatch-logs",
  dynamodbstreams: "dynamodb-streams",
  events: "eventbridge",
  "cognito-idp": "cognito-identity-provider",
  elasticloadbalancing: "elastic-load-balancing",
  elasticloadbalancingv2: "elastic-load-balancing-v2",
  secretsmanager: "secrets-manager",
};

const entries = [...catalogSource.matchAll(/^\s*\{ id: .*$/gm)].map((line) =>
  Object.fromEntries([...line[0].matchAll(/(\w+): "([^"]*)"/g)].map((m) => [m[1], m[2]])),
);

const index = {};
for (const entry of entries) {
  const model = JSON.parse(readFileSync(join(apis, `${entry.model}.min.json`), "utf8"));
  const md = model.metadata;
  index[entry.id] = {
    model: entry.model,
    protocol: md.protocol,
    endpointPrefix: md.endpointPrefix,
    signingName: md.signingName ?? md.endpointPrefix,
    targetPrefix: md.targetPrefix ?? entry.jsonTargetPrefix ?? null,
    jsonVersion: md.jsonVersion ?? (entry.jsonTargetPrefix ? "1.0" : null),
    queryCompatible: Boolean(md.awsQueryCompatible) || Boolean(entry.jsonTargetPrefix),
    xmlNamespace: md.xmlNamespace ?? entry.xmlNamespace ?? null,
    apiVersion: md.apiVersion,
    serviceId: md.serviceId ?? md.serviceAbbreviation ?? entry.id,
    operations: Object.keys(model.operations).length,
  };
  if (md.protocol === "json" || md.protocol === "rest-json") {
    const upper = errorsWithUpperMessage(entry.id);
    if (upper.length) index[entry.id].upperMessageErrors = upper;
  }
  if (md.awsQueryCompatible) {
    // The frozen v2 model of a service AWS moved from query to JSON lost the XML names that
    // query clients (AWS CLI v2 on Debian, boto3 1.26) still use; the current v3 client's
    // schema carries them (xmlName, xmlFlattened). Record them per operation member path.
    writeFileSync(join(outDir, `${entry.id}.query-traits.json`), JSON.stringify(queryTraits(entry.id, model), null, 1) + "\n");
  }
  const added = v3Operations(entry.id, model);
  if (added) {
    writeFileSync(join(outDir, `${entry.model}.v3-operations.json`), JSON.stringify(added, null, 1) + "\n");
    mergeOperations(model, added);
  }
  const patches = v3Members(entry.id, model);
  if (patches.length) {
    writeFileSync(join(outDir, `${entry.model}.v3-members.json`), JSON.stringify(patches, null, 1) + "\n");
    applyPatches(model, patches);
  }
  if (existsSync(join(root, "src", "services", entry.id, "index.ts"))) {
    writeFileSync(join(outDir, `${entry.id}.ts`), generateTypes(entry.id, model));
  }
  // A previous API version the service still answers under its own target prefix (DynamoDB_20111205):
  // routed by that prefix, typed like the current one (src/generated/<its model>.ts).
  if (entry.previousModel) {
    const previous = JSON.parse(readFileSync(join(apis, `${entry.previousModel}.min.json`), "utf8"));
    index[entry.id].previous = { model: entry.previousModel, targetPrefix: previous.metadata.targetPrefix };
    writeFileSync(join(outDir, `${entry.previousModel}.ts`), generateTypes(entry.previousModel, previous));
  }
}
writeFileSync(join(outDir, "service-index.json"), JSON.stringify(index, null, 1) + "\n");

// The v3 clients' schemas: a structure is [3, namespace, name, traits, memberNames, memberSchemas],
// a union [4, ...] likewise, a list [1, ns, name, traits, memberSchema], a map [2, ns, name,
// traits, keySchema, valueSchema], a named scalar [0, ns, name, traits, code] (a sensitive string,
// a streaming blob); a scalar is a number code. A member schema is a schema, a code, or
// [schema, traits], where traits is an object or a bit field of the common ones (TRAIT_BITS).
function deref(s) {
  return typeof s === "function" ? s() : s;
}

function member(ms) {
  if (Array.isArray(ms) && ms.length === 2 && (typeof ms[1] === "object" || typeof ms[1] === "number") && !(typeof ms[0] === "number" && ms[0] >= 1 && ms[0] <= 9 && typeof ms[1] === "string")) {
    return { target: deref(ms[0]), traits: traitsOf(ms[1]) };
  }
  return { target: deref(ms), traits: {} };
}

/** A member's or shape's traits as an object, whichever way the schema wrote them. */
function traitsOf(traits) {
  if (typeof traits !== "number") return traits ?? {};
  return Object.fromEntries(TRAIT_BITS.filter((_, bit) => (traits >> bit) & 1).map((name) => [name, 1]));
}

/**
 * The errors whose text member the current v3 schema names `Message` (an error schema is
 * [-3, namespace, name, traits, memberNames, memberSchemas]). A JSON service writes an error's
 * members by their model names, so these carry "Message" where the others carry "message"
 * (DynamoDB's TransactionCanceledException); the v2 models strip error shapes.
 */
function errorsWithUpperMessage(id) {
  const client = v3Client(id);
  if (!client) return [];
  const names = Object.entries(client)
    .filter(([key, s]) => key.endsWith("$") && Array.isArray(s) && s[0] === -3 && Array.isArray(s[4]) && s[4].includes("Message") && !s[4].includes("message"))
    .map(([, s]) => s[2]);
  return [...new Set(names)].sort();
}

function v3Client(id) {
  try {
    return require(`@aws-sdk/client-${V3_PACKAGES[id] ?? id}`);
  } catch {
    return undefined;
  }
}

/** A scalar code of the v3 schemas as a v2 model type; undefined for anything else. */
function scalar(code) {
  if (typeof code !== "number") return undefined;
  return {
    0: { type: "string" },
    1: { type: "long" },
    2: { type: "boolean" },
    4: { type: "timestamp" },
    5: { type: "timestamp", timestampFormat: "iso8601" },
    6: { type: "timestamp", timestampFormat: "rfc822" },
    7: { type: "timestamp", timestampFormat: "unixTimestamp" },
    21: { type: "blob" },
  }[code];
}

/** A scalar code, or a named scalar's (a sensitive string or blob), as a v2 model type; undefined for anything else. */
function scalarOf(schema) {
  schema = deref(schema);
  // A streaming blob (42) is only ever a payload, which a patch cannot add.
  return scalar(Array.isArray(schema) && schema[0] === 0 ? schema[4] : schema);
}

/**
 * How a new v3 member is addressed on the wire, as v2 model traits; undefined for placements a
 * patch cannot add: a patch only adds members to a structure, so it cannot give an operation
 * a new URI label, payload or status code (nor an event stream a new header or payload).
 */
function placement(traits) {
  if (traits.eventHeader || traits.eventPayload) return undefined;
  const { payload, ...where } = restPlacement(undefined, traits);
  if (payload || where.location === "uri" || where.location === "statusCode") return undefined;
  return where;
}

/**
 * Whether a member's type can travel where it is bound. A header or a query key carries a
 * scalar or a list of scalars (rest.ts joins and splits them), a query-string map
 * (httpQueryParams) a map of scalars or of lists of them, a header prefix a map of strings.
 * Anything else bound there is left out; the v3 schemas bind nothing else.
 */
function bindable(type, where) {
  const flat = (t) => t !== undefined && !["structure", "list", "map"].includes(t.type);
  const flatOrList = (t) => flat(t) || (t?.type === "list" && flat(t.member));
  if (where.location === "header" || (where.location === "querystring" && where.locationName !== undefined)) return flatOrList(type);
  if (where.location === "querystring") return type.type === "map" && flatOrList(type.value);
  if (where.location === "headers") return type.type === "map" && flat(type.value);
  return true;
}

/**
 * A v3 member's traits that shape its body form, as v2 model traits: in XML its element name
 * (xmlName), flattening, namespace and whether it is an attribute, which xml.ts and query.ts
 * read as locationName, flattened, xmlNamespace and xmlAttribute; nothing in JSON. Undefined
 * for a trait Nimbus's parsers cannot honour: restJson1's jsonName (json.ts reads a member by
 * its own name), so such a member is left out rather than read under the wrong key. The
 * current clients use none.
 */
function bodyTraits(traits, protocol) {
  if (protocol === "rest-json" && traits.jsonName) return undefined;
  if (!XML_PROTOCOLS.has(protocol)) return {};
  // [prefix, uri], as @aws-sdk/core's XML serializer reads it.
  const [prefix, uri] = traits.xmlNamespace ?? [];
  return {
    ...(traits.xmlName ? { locationName: traits.xmlName } : {}),
    ...(traits.xmlFlattened ? { flattened: true } : {}),
    ...(traits.xmlAttribute ? { xmlAttribute: true } : {}),
    ...(uri ? { xmlNamespace: { ...(prefix ? { prefix } : {}), uri } } : {}),
  };
}

/**
 * Members of the current v3 client's schemas that the v2 model lacks, reached through
 * structures, lists ("[]") and maps ("{}") from each operation's input and output. Scalars are
 * added for every protocol; for the NESTED_PROTOCOLS a new structure, list or map member is
 * written inline too (DynamoDB's VectorIndexes, Lambda's MetricsConfig, S3's EventHoldDuration;
 * one whose shape refers to itself is left out, as an inline shape cannot), with the XML traits
 * of each of its members for rest-xml and query. A member bound to a header or the query string
 * keeps its binding where its type can travel there (bindable). A shared v2 shape is patched
 * once, at the first path reaching it.
 */
function v3Members(id, model) {
  const client = v3Client(id);
  if (!client) return [];
  const protocol = model.metadata.protocol;
  const nested = NESTED_PROTOCOLS.has(protocol);
  const patches = [];
  const seen = new Set();
  const walk = (schema, ref, operation, side, path) => {
    schema = deref(schema);
    if (!Array.isArray(schema) || !ref) return;
    const shape = ref.shape ? model.shapes[ref.shape] : ref;
    if (schema[0] === 1) return walk(member(schema[4]).target, shape.member, operation, side, [...path, "[]"]);
    if (schema[0] === 2) return walk(member(schema[5]).target, shape.value, operation, side, [...path, "{}"]);
    if ((schema[0] !== 3 && schema[0] !== 4) || shape.type !== "structure") return;
    const key = ref.shape ?? `${operation}.${side}.${path.join(".")}`;
    if (seen.has(key)) return;
    seen.add(key);
    const members = {};
    (schema[4] ?? []).forEach((name, i) => {
      const { target, traits } = member(schema[5][i]);
      const existing = shape.members?.[name];
      if (existing) return walk(target, existing, operation, side, [...path, name]);
      const type = nested ? inline(target, [], protocol) : scalarOf(target);
      const where = placement(traits);
      const body = where?.location === undefined ? bodyTraits(traits, protocol) : {};
      if (type && where && body && bindable(type, where)) members[name] = withMemberTraits(type, { ...where, ...body });
    });
    if (Object.keys(members).length) patches.push({ operation, side, path, members });
  };
  for (const [op, def] of Object.entries(model.operations)) {
    const schema = client[`${op}$`];
    if (!schema) continue;
    walk(schema[4], def.input, op, "input", []);
    walk(schema[5], def.output, op, "output", []);
  }
  return patches;
}

/**
 * An inline shape with its member's traits. A flattened list's items are named after the
 * member (@aws-sdk/core's XML serializer ignores the list member's xmlName then), while xml.ts
 * and query.ts prefer the list member's locationName: it is dropped so both agree.
 */
function withMemberTraits(type, traits) {
  const ref = { ...type, ...traits };
  if (ref.type === "list" && ref.flattened && ref.member?.locationName !== undefined) {
    const { locationName: _ignored, ...item } = ref.member;
    ref.member = item;
  }
  return ref;
}

/**
 * A v3 schema as an inline v2 model shape, its members carrying their body traits for
 * `protocol` (bodyTraits); undefined for a shape that contains itself or a member Nimbus
 * cannot read. Traits of HTTP bindings inside it are ignored, as Smithy ignores them below the
 * top level.
 */
function inline(schema, stack, protocol) {
  schema = deref(schema);
  if (typeof schema === "number") {
    if (schema >= 128) return { type: "map", key: { type: "string" }, value: scalar(schema - 128) ?? { type: "string" } };
    if (schema >= 64) return { type: "list", member: scalar(schema - 64) ?? { type: "string" } };
    return scalar(schema);
  }
  if (!Array.isArray(schema) || stack.includes(schema)) return undefined;
  if (schema[0] === 0) return scalarOf(schema);
  const inner = [...stack, schema];
  const part = (ms) => {
    const { target, traits } = member(ms);
    const type = inline(target, inner, protocol);
    const body = bodyTraits(traits, protocol);
    return type && body && withMemberTraits(type, body);
  };
  if (schema[0] === 1) {
    const m = part(schema[4]);
    return m && { type: "list", member: m };
  }
  if (schema[0] === 2) {
    const k = part(schema[4]);
    const v = part(schema[5]);
    return k && v && { type: "map", key: k, value: v };
  }
  // A union (4) is written as a structure, as the v2 models write one: one member set at a time.
  if (schema[0] !== 3 && schema[0] !== 4) return undefined;
  const names = schema[4] ?? [];
  const members = {};
  for (const [i, n] of names.entries()) {
    const m = part(schema[5][i]);
    if (m === undefined) return undefined;
    members[n] = m;
  }
  const required = typeof schema[6] === "number" ? names.slice(0, schema[6]) : [];
  // A structure's own namespace (its xmlns attribute); its own xmlName names only a document's root.
  const { xmlNamespace } = bodyTraits(traitsOf(schema[3]), protocol) ?? {};
  return { type: "structure", ...(required.length ? { required } : {}), ...(xmlNamespace ? { xmlNamespace } : {}), members };
}

/**
 * A v3 schema (a scalar code or a list, map or structure) as a v2 model ref, its structures,
 * lists and maps named in `shapes`. With `rest`, a structure's members keep their HTTP bindings
 * (restPlacement) and a payload member names the structure's payload.
 */
function v2Ref(schema, shapes, rest = false) {
  schema = deref(schema);
  if (typeof schema === "number") {
    // 64 + code: a list of that scalar; 128 + code: a map of string to it.
    if (schema >= 128) return { type: "map", key: { type: "string" }, value: v2Ref(schema - 128, shapes, rest) };
    if (schema >= 64) return { type: "list", member: v2Ref(schema - 64, shapes, rest) };
    return scalar(schema) ?? { type: "string" };
  }
  if (!Array.isArray(schema)) return { type: "string" };
  // A named scalar with traits, [0, namespace, name, traits, code]: S3's StreamingBlob (42, a streamed blob).
  if (schema[0] === 0) return schema[4] === 42 ? { type: "blob", streaming: true } : (scalar(schema[4]) ?? { type: "string" });
  const name = schema[2];
  if (!shapes[name]) {
    shapes[name] = {};
    if (schema[0] === 1) shapes[name] = { type: "list", member: v2Ref(member(schema[4]).target, shapes, rest) };
    else if (schema[0] === 2) shapes[name] = { type: "map", key: { type: "string" }, value: v2Ref(member(schema[5]).target, shapes, rest) };
    else {
      const names = schema[4] ?? [];
      const members = {};
      let payload;
      names.forEach((n, i) => {
        const { target, traits } = member(schema[5][i]);
        const ref = v2Ref(target, shapes, rest);
        if (!rest) return (members[n] = ref);
        const { payload: isPayload, ...where } = restPlacement(n, traits);
        if (isPayload) payload = n;
        members[n] = { ...ref, ...where };
      });
      // The last element counts the required members, which come first.
      const required = typeof schema[6] === "number" ? names.slice(0, schema[6]) : [];
      shapes[name] = { type: "structure", ...(required.length ? { required } : {}), ...(payload ? { payload } : {}), members };
    }
  }
  return { shape: name };
}

/**
 * Whole operations of the current v3 client that the frozen v2 model lacks (DynamoDB's bulk
 * operations, S3's object annotations, say), as v2 operations and shapes; a shape whose name the
 * v2 model already has keeps the v2 one. JSON-protocol operations need no HTTP bindings; a REST
 * operation keeps its method and requestUri and its members their labels, headers, query keys
 * and payload, so the router tells it from the older operations sharing its path (an S3
 * `PUT /{Bucket}/{Key+}?renameObject` is not a PutObject) even while no handler serves it.
 */
function v3Operations(id, model) {
  const client = v3Client(id);
  const protocol = model.metadata.protocol;
  if (!client || !["json", "rest-xml", "rest-json"].includes(protocol)) return undefined;
  const rest = protocol !== "json";
  const operations = {};
  const shapes = {};
  for (const [key, schema] of Object.entries(client)) {
    if (!key.endsWith("$") || !Array.isArray(schema) || schema[0] !== 9) continue;
    const op = schema[2];
    if (model.operations[op]) continue;
    const own = {};
    const input = v2Ref(schema[4], own, rest);
    // Smithy's Unit output (the v3 schema's "unit") is no output at all, as the v2 models leave it out.
    const output = deref(schema[5]) === "unit" ? undefined : v2Ref(schema[5], own, rest);
    const http = rest ? restHttp(id, schema[3]?.http, own[input.shape]) : { method: "POST", requestUri: "/" };
    operations[op] = { name: op, http, input, ...(output ? { output } : {}) };
    for (const [name, shape] of Object.entries(own)) if (!model.shapes[name]) shapes[name] = shape;
  }
  return Object.keys(operations).length ? { operations, shapes } : undefined;
}

/**
 * A v3 REST operation's [method, requestUri, status] as a v2 `http`. The v3 S3 client leaves the
 * bucket out of the path (its endpoint rules put it in the host or the path); the v2 model, which
 * Nimbus routes path-style requests by, has it as the first label: `/{Key+}?renameObject`
 * becomes `/{Bucket}/{Key+}?renameObject`, `/?abac` becomes `/{Bucket}?abac`.
 */
function restHttp(id, http, input) {
  const [method = "POST", uri = "/", responseCode] = http ?? [];
  let requestUri = uri;
  if (id === "s3" && input?.members?.Bucket?.location === "uri" && !uri.includes("{Bucket}")) {
    requestUri = uri === "/" ? "/{Bucket}" : uri.startsWith("/?") ? `/{Bucket}${uri.slice(1)}` : `/{Bucket}${uri}`;
  }
  return { method, requestUri, ...(responseCode !== undefined ? { responseCode } : {}) };
}

/** Where a member of a v3 REST operation goes on the wire, as v2 model traits (`traits` as member() gives them). */
function restPlacement(name, traits) {
  const t = traits ?? {};
  if (t.httpLabel) return { location: "uri", locationName: name };
  if (t.httpPayload) return { payload: true };
  if (t.httpHeader) return { location: "header", locationName: t.httpHeader };
  if (t.httpQuery) return { location: "querystring", locationName: t.httpQuery };
  if (t.httpPrefixHeaders) return { location: "headers", locationName: t.httpPrefixHeaders };
  // A map of the whole query string, as the v2 models write one: bound to it without a name.
  if (t.httpQueryParams) return { location: "querystring" };
  if (t.httpResponseCode) return { location: "statusCode" };
  return t.xmlName ? { locationName: t.xmlName } : {};
}

/** The codegen twin of the run-time merge in applyModelPatches. */
function mergeOperations(model, added) {
  Object.assign(model.operations, added.operations);
  for (const [name, shape] of Object.entries(added.shapes)) model.shapes[name] ??= shape;
}

/** The patches applied to the model the types are generated from (the run-time twin is applyModelPatches). */
function applyPatches(model, patches) {
  for (const patch of patches) {
    let ref = model.operations[patch.operation][patch.side];
    for (const step of patch.path) {
      const shape = ref.shape ? model.shapes[ref.shape] : ref;
      ref = step === "[]" ? shape.member : step === "{}" ? shape.value : shape.members[step];
    }
    const target = ref.shape ? model.shapes[ref.shape] : ref;
    target.members = { ...target.members, ...patch.members };
  }
}

function queryTraits(id, model) {
  const client = v3Client(id);
  if (!client) throw new Error(`codegen: ${id} is query-compatible and needs its v3 client's XML names; install its @aws-sdk/client package`);
  const tree = (schema, depth) => {
    if (!Array.isArray(schema) || depth > 20) return undefined;
    const out = {};
    if (schema[0] === 3) {
      const names = schema[4] ?? [];
      const schemas = schema[5] ?? [];
      names.forEach((name, i) => {
        const { target, traits } = member(schemas[i]);
        const node = { ...(traits.xmlName ? { locationName: traits.xmlName } : {}), ...(traits.xmlFlattened ? { flattened: true } : {}) };
        const children = tree(target, depth + 1);
        if (children) Object.assign(node, children);
        if (Object.keys(node).length) (out.members ??= {})[name] = node;
      });
    } else if (schema[0] === 1) {
      const { target, traits } = member(schema[4]);
      const node = { ...(traits.xmlName ? { locationName: traits.xmlName } : {}), ...(tree(target, depth + 1) ?? {}) };
      if (Object.keys(node).length) out.member = node;
    } else if (schema[0] === 2) {
      const key = member(schema[4]);
      const value = member(schema[5]);
      if (key.traits.xmlName) out.key = { locationName: key.traits.xmlName };
      const v = { ...(value.traits.xmlName ? { locationName: value.traits.xmlName } : {}), ...(tree(value.target, depth + 1) ?? {}) };
      if (Object.keys(v).length) out.value = v;
    }
    return Object.keys(out).length ? out : undefined;
  };
  const ops = {};
  for (const op of Object.keys(model.operations)) {
    const schema = client[`${op}$`];
    if (!schema) continue;
    const input = tree(deref(schema[4]), 0);
    const output = tree(deref(schema[5]), 0);
    if (input || output) ops[op] = { ...(input ? { input } : {}), ...(output ? { output } : {}) };
  }
  return ops;
}

function pascal(id) {
  return id.replace(/(^|[-.])([a-z0-9])/g, (_, __, c) => c.toUpperCase());
}

function generateTypes(id, model) {
  const out = [
    `// Generated by scripts/codegen.mjs from aws-sdk/apis/${model.metadata.uid ?? id}. Do not edit.`,
    `/* eslint-disable */`,
    `import type { Readable } from "node:stream";`,
    ``,
  ];
  const named = new Map();
  const pending = [];
  const nameFor = (shapeName) => {
    if (!named.has(shapeName)) {
      named.set(shapeName, `Shape${shapeName}`);
      pending.push(shapeName);
    }
    return named.get(shapeName);
  };
  const typeOf = (ref, depth) => {
    if (ref.shape) return nameFor(ref.shape);
    const pad = "  ".repeat(depth + 1);
    switch (ref.type ?? "string") {
      case "structure": {
        const req = new Set(ref.required ?? []);
        const lines = Object.entries(ref.members ?? {}).map(
          ([name, m]) => `${pad}${JSON.stringify(name)}${req.has(name) ? "" : "?"}: ${typeOf(m, depth + 1)};`,
        );
        const body = lines.length ? `{\n${lines.join("\n")}\n${"  ".repeat(depth)}}` : `Record<string, never>`;
        // An event stream is produced and consumed as an async iterable of its events.
        return ref.eventstream ? `AsyncIterable<${body}>` : body;
      }
      case "list":
        return `Array<${typeOf(ref.member ?? {}, depth)}>`;
      case "map":
        return `Record<string, ${typeOf(ref.value ?? {}, depth)}>`;
      case "integer":
      case "long":
      case "float":
      case "double":
        return "number";
      case "boolean":
        return "boolean";
      case "timestamp":
        return "Date";
      case "blob":
        return ref.streaming ? "Uint8Array | Readable" : "Uint8Array";
      default:
        return ref.jsonvalue ? "unknown" : "string";
    }
  };
  const opLines = [];
  for (const [op, def] of Object.entries(model.operations)) {
    out.push(`export type ${op}Input = ${def.input ? typeOf(def.input, 0) : "Record<string, never>"};`);
    out.push(`export type ${op}Output = ${def.output ? typeOf(def.output, 0) : "Record<string, never>"};`);
    opLines.push(`  ${op}: { input: ${op}Input; output: ${op}Output };`);
  }
  while (pending.length) {
    const name = pending.shift();
    const shape = model.shapes[name];
    out.push(`export type ${named.get(name)} = ${typeOf({ ...shape, shape: undefined }, 0)};`);
  }
  out.push(``, `export interface ${pascal(id)}Operations {`, ...opLines, `}`, ``);
  return out.join("\n");
}
