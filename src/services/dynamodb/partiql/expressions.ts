/**
 * Writes bound conditions and update actions back as DynamoDB expression strings, with every
 * name and value behind a placeholder. PartiQL writes then run through the ordinary PutItem,
 * UpdateItem, DeleteItem and TransactWriteItems handlers, so they share one implementation of
 * conditions, updates, capacity, streams and transactions with the rest of the API.
 */
import type { AttributeValue, Condition, DocumentPath, Operand, SetValue, UpdateAction } from "../domain/index.js";

export class ExpressionWriter {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly nameRefs = new Map<string, string>();
  private valueCount = 0;

  name(n: string): string {
    let ref = this.nameRefs.get(n);
    if (ref === undefined) {
      ref = `#n${this.nameRefs.size}`;
      this.nameRefs.set(n, ref);
      this.names[ref] = n;
    }
    return ref;
  }

  value(v: AttributeValue): string {
    const ref = `:v${this.valueCount++}`;
    this.values[ref] = v;
    return ref;
  }

  path(p: DocumentPath): string {
    let out = "";
    for (const step of p) out += typeof step === "number" ? `[${step}]` : `${out === "" ? "" : "."}${this.name(step)}`;
    return out;
  }

  operand(o: Operand): string {
    switch (o.kind) {
      case "path":
        return this.path(o.path);
      case "value":
        return this.value(o.value);
      case "size":
        return `size(${this.operand(o.operand)})`;
    }
  }

  /** And/or/not operands are parenthesized once; leaves never are, so `((x))` never appears. */
  condition(c: Condition): string {
    const nested = (x: Condition) => (x.kind === "and" || x.kind === "or" || x.kind === "not" ? `(${this.condition(x)})` : this.condition(x));
    switch (c.kind) {
      case "and":
        return `${nested(c.left)} AND ${nested(c.right)}`;
      case "or":
        return `${nested(c.left)} OR ${nested(c.right)}`;
      case "not":
        return `NOT (${this.condition(c.operand)})`;
      case "compare":
        return `${this.operand(c.left)} ${c.op} ${this.operand(c.right)}`;
      case "between":
        return `${this.operand(c.operand)} BETWEEN ${this.operand(c.lower)} AND ${this.operand(c.upper)}`;
      case "in":
        return `${this.operand(c.operand)} IN (${c.list.map((o) => this.operand(o)).join(", ")})`;
      case "function":
        return `${c.name}(${c.args.map((o) => this.operand(o)).join(", ")})`;
    }
  }

  private setValue(v: SetValue): string {
    switch (v.kind) {
      case "path":
        return this.path(v.path);
      case "value":
        return this.value(v.value);
      case "arith":
        return `${this.setValue(v.left)} ${v.op} ${this.setValue(v.right)}`;
      case "if_not_exists":
        return `if_not_exists(${this.path(v.path)}, ${this.setValue(v.fallback)})`;
      case "list_append":
        return `list_append(${this.setValue(v.left)}, ${this.setValue(v.right)})`;
    }
  }

  /** `SET ... REMOVE ... ADD ... DELETE ...`, each clause once, actions in written order within it. */
  update(actions: readonly UpdateAction[]): string {
    const clauses: Record<UpdateAction["kind"], string[]> = { SET: [], REMOVE: [], ADD: [], DELETE: [] };
    for (const a of actions) {
      if (a.kind === "SET") clauses.SET.push(`${this.path(a.path)} = ${this.setValue(a.value)}`);
      else if (a.kind === "REMOVE") clauses.REMOVE.push(this.path(a.path));
      else clauses[a.kind].push(`${this.path(a.path)} ${this.value(a.value)}`);
    }
    return (Object.keys(clauses) as UpdateAction["kind"][])
      .filter((k) => clauses[k].length > 0)
      .map((k) => `${k} ${clauses[k].join(", ")}`)
      .join(" ");
  }

  /** ExpressionAttributeNames/Values for a request, leaving out empty maps (AWS refuses them). */
  attributes(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } {
    return {
      ...{}, ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
