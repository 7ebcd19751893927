/**
 * Generic validation of an operation's input against its model before any handler runs:
 * required members, at every depth. Type errors are caught by the parsers. Constraints the
 * model does not carry (ranges, patterns) are each service's `validation.ts`.
 */
import type { ServiceModel, Shape } from "./model.js";

export interface Violation {
  /** AWS's path form: lowerCamel member names, list items as `.N.member`. */
  readonly path: string;
  /** The member's name as the wire knows it (for "The request must contain the parameter X"). */
  readonly member: string;
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function findMissingMembers(model: ServiceModel, shape: Shape | undefined, value: unknown, limit = 10): Violation[] {
  const out: Violation[] = [];
  if (shape) walk(model, shape, value, "", out, limit, 0);
  return out;
}

function isContainer(shape: Shape): boolean {
  return shape.type === "structure" || shape.type === "list" || shape.type === "map";
}

/**
 * A structure's members that can hold required members of their own, in model order. Only
 * these are walked into: looking up every member of PutObject's input (over fifty, nearly all
 * absent) on each request showed up in profiles.
 */
const containers = new WeakMap<Shape, readonly (readonly [string, Shape])[]>();

function containerMembers(model: ServiceModel, shape: Shape): readonly (readonly [string, Shape])[] {
  let list = containers.get(shape);
  if (!list) {
    list = model.members(shape).filter(([, member]) => isContainer(member));
    containers.set(shape, list);
  }
  return list;
}

function walk(model: ServiceModel, shape: Shape, value: unknown, path: string, out: Violation[], limit: number, depth: number): void {
  if (value === undefined || value === null || out.length >= limit || depth > 64) return;
  switch (shape.type) {
    case "structure": {
      const obj = value as Record<string, unknown>;
      const required = shape.required;
      if (required) {
        for (const name of required) {
          if (obj[name] === undefined || obj[name] === null) {
            const member = shape.members?.[name];
            out.push({ path: `${path}${lowerCamel(name)}`, member: member?.locationName ?? name });
          }
        }
      }
      for (const [name, member] of containerMembers(model, shape)) {
        const v = obj[name];
        if (v !== undefined && v !== null) walk(model, member, v, `${path}${lowerCamel(name)}.`, out, limit, depth + 1);
      }
      return;
    }
    case "list": {
      const member = model.resolve(shape.member ?? {});
      if (!isContainer(member)) return;
      (value as unknown[]).forEach((item, i) => walk(model, member, item, `${path.slice(0, -1)}.${i + 1}.member.`, out, limit, depth + 1));
      return;
    }
    case "map": {
      const member = model.resolve(shape.value ?? {});
      if (!isContainer(member)) return;
      for (const [k, item] of Object.entries(value as Record<string, unknown>)) walk(model, member, item, `${path}${k}.`, out, limit, depth + 1);
      return;
    }
    default:
      return;
  }
}

/** AWS's Coral wording: "1 validation error detected: Value null at 'x' failed to satisfy constraint: Member must not be null". */
export function coralMessage(violations: readonly Violation[]): string {
  const n = violations.length;
  const parts = violations.map((v) => `Value null at '${v.path}' failed to satisfy constraint: Member must not be null`);
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}
