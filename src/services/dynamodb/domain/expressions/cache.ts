import { ExpressionSyntaxError } from "./lexer.js";

/**
 * Memo of parse results keyed by expression text. Safe to share between requests, accounts and
 * tables because a raw tree depends on nothing but the string (placeholders stay unresolved
 * until binding) and is never mutated after parsing. Syntax errors are remembered too: clients
 * that retry a bad request would otherwise make us re-parse it every time. Bounded, evicting
 * the least recently used entry.
 */
export class ParseCache<T> {
  private readonly entries = new Map<string, T | ExpressionSyntaxError>();

  constructor(private readonly capacity = 1000) {}

  get(expression: string, parse: (expression: string) => T): T {
    const hit = this.entries.get(expression);
    if (hit !== undefined) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(expression);
      this.entries.set(expression, hit);
      if (hit instanceof ExpressionSyntaxError) throw hit;
      return hit;
    }
    let result: T | ExpressionSyntaxError;
    try {
      result = parse(expression);
    } catch (err) {
      if (!(err instanceof ExpressionSyntaxError)) throw err;
      result = err;
    }
    this.entries.set(expression, result);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    if (result instanceof ExpressionSyntaxError) throw result;
    return result;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
