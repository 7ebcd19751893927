#!/usr/bin/env node
/**
 * Generates, from the same AWS models the protocol layer reads at run time:
 *  - src/generated/service-index.json: routing metadata of every catalog service, so start-up
 *    does not parse ~50 models to know which service a request is for;
 *  - src/generated/<id>.ts: TypeScript input/output types of every operation of each service
 *    that has a provider (services/<id>/index.ts), so the compiler checks handler names and shapes.
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

const catalogSource = readFileSync(join(root, "src", "services", "catalog.ts"), "utf8");
// Each catalog line is `{ id: "...", model: "...", <more string fields> ... }`.
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
  if (md.awsQueryCompatible) {
    // The frozen v2 model of a service AWS moved from query to JSON lost the XML names that
    // query clients (AWS CLI v2 on Debian, boto3 1.26) still use; the current v3 client's
    // schema carries them (xmlName, xmlFlattened). Record them per operation member path.
    writeFileSync(join(outDir, `${entry.id}.query-traits.json`), JSON.stringify(queryTraits(entry.id, model), null, 1) + "\n");
  }
  if (existsSync(join(root, "src", "services", entry.id, "index.ts"))) {
    writeFileSync(join(outDir, `${entry.id}.ts`), generateTypes(entry.id, model));
  }
}
writeFileSync(join(outDir, "service-index.json"), JSON.stringify(index, null, 1) + "\n");

function queryTraits(id, model) {
  const client = require(`@aws-sdk/client-${id}`);
  const deref = (s) => (typeof s === "function" ? s() : s);
  // A member schema is a schema, a primitive code, or [schema, traits].
  const member = (ms) => {
    if (Array.isArray(ms) && ms.length === 2 && (typeof ms[1] === "object" || ms[1] === 0) && !(typeof ms[0] === "number" && ms[0] >= 1 && ms[0] <= 9 && typeof ms[1] === "string")) {
      return { target: deref(ms[0]), traits: ms[1] || {} };
    }
    return { target: deref(ms), traits: {} };
  };
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
