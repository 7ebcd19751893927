/**
 * Generic validation of an operation's input against its model before any handler runs:
 * required members, at every depth. Type errors are caught by the parsers. Constraints the
 * model does not carry (ranges, patterns) are each service's `validation.ts`.
 */
import type { RawRef, ServiceModel, Shape } from "./model.js";

export interface Violation {
  /** AWS's path form: lowerCamel member names, list items as `.N.member`. */
  readonly path: string;
  /** The member's name as the wire knows it (for "The request must contain the parameter X"). */
  readonly member: string;
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * `wrappedListsOptional`: a required list that XML wraps in an element of its own (not
 * flattened) may be left out, as an empty one (ServiceDefinition.wrappedListsOptional).
 */
export function findMissingMembers(model: ServiceModel, shape: Shape | undefined, value: unknown, limit = 10, wrappedListsOptional = false): Violation[] {
  const out: Violation[] = [];
  if (shape) walk(model, shape, value, "", out, { limit, wrappedListsOptional }, 0);
  return out;
}

interface WalkOptions {
  readonly limit: number;
  readonly wrappedListsOptional: boolean;
}

/**
 * Whether a value of this shape can lack a required member anywhere inside it: some structure
 * with required members is reachable through structure members, list items and map values. The
 * walk goes only into such members: looking up every member of PutObject's input (over fifty,
 * nearly all absent) on each request showed up in profiles, and DynamoDB's items (maps of
 * AttributeValue, which nests itself and requires nothing) were walked attribute by attribute
 * on every PutItem to find nothing.
 */
const requiring = new WeakMap<Shape, boolean>();

function holdsRequired(model: ServiceModel, shape: Shape): boolean {
  let known = requiring.get(shape);
  if (known === undefined) {
    known = reachesRequired(model, shape, new Set());
    requiring.set(shape, known);
  }
  return known;
}

/** Depth-first over the shapes reachable from `shape`; `seen` makes recursive shapes finite. */
function reachesRequired(model: ServiceModel, shape: Shape, seen: Set<Shape>): boolean {
  if (seen.has(shape)) return false;
  seen.add(shape);
  switch (shape.type) {
    case "structure":
      return (shape.required !== undefined && shape.required.length > 0) || model.members(shape).some(([, member]) => reachesRequired(model, member, seen));
    case "list":
      return reachesRequired(model, model.resolve(shape.member ?? {}), seen);
    case "map":
      return reachesRequired(model, model.resolve(shape.value ?? {}), seen);
    default:
      return false;
  }
}

/** A structure's members that can hold missing required members (holdsRequired), in model order. */
const containers = new WeakMap<Shape, readonly (readonly [string, Shape])[]>();

function containerMembers(model: ServiceModel, shape: Shape): readonly (readonly [string, Shape])[] {
  let list = containers.get(shape);
  if (!list) {
    list = model.members(shape).filter(([, member]) => holdsRequired(model, member));
    containers.set(shape, list);
  }
  return list;
}

function walk(model: ServiceModel, shape: Shape, value: unknown, path: string, out: Violation[], opts: WalkOptions, depth: number): void {
  if (value === undefined || value === null || out.length >= opts.limit || depth > 64) return;
  switch (shape.type) {
    case "structure": {
      const obj = value as Record<string, unknown>;
      const required = shape.required;
      if (required) {
        for (const name of required) {
          if (obj[name] === undefined || obj[name] === null) {
            const member = shape.members?.[name];
            if (opts.wrappedListsOptional && isWrappedList(model, member)) continue;
            out.push({ path: `${path}${lowerCamel(name)}`, member: member?.locationName ?? name });
          }
        }
      }
      for (const [name, member] of containerMembers(model, shape)) {
        const v = obj[name];
        if (v !== undefined && v !== null) walk(model, member, v, `${path}${lowerCamel(name)}.`, out, opts, depth + 1);
      }
      return;
    }
    case "list": {
      const member = model.resolve(shape.member ?? {});
      if (!holdsRequired(model, member)) return;
      (value as unknown[]).forEach((item, i) => walk(model, member, item, `${path.slice(0, -1)}.${i + 1}.member.`, out, opts, depth + 1));
      return;
    }
    case "map": {
      const member = model.resolve(shape.value ?? {});
      if (!holdsRequired(model, member)) return;
      for (const [k, item] of Object.entries(value as Record<string, unknown>)) walk(model, member, item, `${path}${k}.`, out, opts, depth + 1);
      return;
    }
    default:
      return;
  }
}

/** A list in the XML body (not bound to a header or the query) in an element of its own. */
function isWrappedList(model: ServiceModel, member: RawRef | undefined): boolean {
  if (member === undefined) return false;
  const shape = model.resolve(member);
  return shape.type === "list" && !shape.flattened && shape.location === undefined;
}

/** AWS's Coral wording: "1 validation error detected: Value null at 'x' failed to satisfy constraint: Member must not be null". */
export function coralMessage(violations: readonly Violation[]): string {
  const n = violations.length;
  const parts = violations.map((v) => `Value null at '${v.path}' failed to satisfy constraint: Member must not be null`);
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}
