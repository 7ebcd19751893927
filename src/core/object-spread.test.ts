/**
 * A guard, not a behaviour: no object literal in src/ (tests aside) may start with a spread and go on with
 * more members (`{ ...a, b }`); write `{ ...{}, ...a, b }` instead.
 *
 * Why: Node 20's V8 (11.3) builds such a literal through a slow path, about 1 µs for every
 * member after the leading spread when the call site always sees the same shapes, which is
 * every request path. Measured here: `{ ...scope, <8 members> }` 15 µs, the same object
 * written out 0.01 µs; the dispatcher's handler context alone cost 10-19 µs per request, more
 * than a whole DynamoDB GetItem. Spreading an empty literal first keeps the exact semantics
 * (same properties, same order, same define-not-set behaviour, same TypeScript type) and
 * takes the fast path (0.2 µs). V8 12 (Node 22) fixed it; drop this guard when Node 20 goes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The repository's src/, found from this file whether it runs from src/ (tsx) or dist/src/. */
function sourceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!statSync(join(dir, "package.json"), { throwIfNoEntry: false })) dir = dirname(dir);
  return join(dir, "src");
}

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    // Tests are not request paths.
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

function isEmptyLiteralSpread(member: ts.ObjectLiteralElementLike): boolean {
  return ts.isSpreadAssignment(member) && ts.isObjectLiteralExpression(member.expression) && member.expression.properties.length === 0;
}

/** `file:line` of every literal that starts with a (non-empty-literal) spread and has more members. */
export function leadingSpreads(files: readonly string[], root: string): string[] {
  const found: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node) && node.properties.length > 1) {
        const first = node.properties[0];
        if (first && ts.isSpreadAssignment(first) && !isEmptyLiteralSpread(first)) {
          found.push(`${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

test("no object literal in src/ starts with a spread followed by more members (slow on Node 20)", () => {
  const root = sourceRoot();
  const offenders = leadingSpreads(sources(root), root);
  assert.deepEqual(offenders, [], `write { ...{}, ...a, b } instead of { ...a, b } (see this file's header) at:\n${offenders.join("\n")}`);
});
