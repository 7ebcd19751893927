import type { DocumentPath, RawProjectionExpression } from "./ast.js";
import { ParseCache } from "./cache.js";
import { bindPath, checkExpressionText, checkPathClashes, ErrorSlots, invalidExpression, type ExpressionAttributes } from "./context.js";
import { ExpressionSyntaxError } from "./lexer.js";
import { parseProjectionSyntax } from "./parser.js";

export { project } from "./paths.js";

const cache = new ParseCache<RawProjectionExpression>();

type Slot = "reserved" | "attrName" | "pathOverlap" | "pathConflict";
const ORDER: readonly Slot[] = ["reserved", "attrName", "pathOverlap", "pathConflict"];

/**
 * Parses a ProjectionExpression into document paths. Paths may not overlap (`a, a.b`) or
 * conflict (`a.b, a[0]`), as in DynamoDB.
 */
export function parseProjection(expression: string, attrs: ExpressionAttributes): DocumentPath[] {
  checkExpressionText("ProjectionExpression", expression);
  let raw: RawProjectionExpression;
  try {
    raw = cache.get(expression, parseProjectionSyntax);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) throw invalidExpression("ProjectionExpression", err.message);
    throw err;
  }
  const slots = new ErrorSlots<Slot>();
  const paths = raw.paths.map((p) =>
    bindPath(
      p,
      attrs,
      (m) => slots.set("reserved", m),
      (m) => slots.set("attrName", m),
    ),
  );
  for (let i = 1; i < paths.length; i++) checkPathClashes(paths.slice(0, i), paths[i] as DocumentPath, slots);
  const message = slots.first(ORDER);
  if (message !== undefined) throw invalidExpression("ProjectionExpression", message);
  return paths;
}
