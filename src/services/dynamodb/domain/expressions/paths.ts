import { own, setOwn } from "../../../../core/own.js";
import type { AttributeValue, Item } from "../attribute-values.js";
import type { DocumentPath } from "./ast.js";

/** The value at a document path, or undefined when any step is missing or of the wrong type. */
export function getPath(item: Item | undefined, path: DocumentPath): AttributeValue | undefined {
  if (item === undefined) return undefined;
  let current: AttributeValue | undefined = own(item, path[0] as string);
  for (let i = 1; i < path.length && current !== undefined; i++) {
    const step = path[i] as string | number;
    if (typeof step === "number") current = current.L !== undefined ? current.L[step] : undefined;
    else current = own(current.M, step);
  }
  return current;
}

/**
 * Projects an item onto document paths as DynamoDB returns it for ProjectionExpression,
 * AttributesToGet and UPDATED_OLD/UPDATED_NEW: only the parts that exist, nested maps rebuilt
 * around them, and selected list elements kept in index order with the others left out
 * (`a[1], a[3]` gives a two-element list).
 */
export function project(paths: readonly DocumentPath[], item: Item | undefined): Item {
  const result: Item = {};
  if (item === undefined) return result;
  const sparseLists: AttributeValue[][] = [];
  for (const path of paths) {
    const value = getPath(item, path);
    if (value === undefined) continue;
    const head = path[0] as string;
    if (path.length === 1) {
      setOwn(result, head, value);
      continue;
    }
    let container: AttributeValue | undefined = own(result, head);
    if (container === undefined) {
      container = typeof path[1] === "number" ? { L: [] } : { M: {} };
      if (container.L) sparseLists.push(container.L);
      setOwn(result, head, container);
    }
    for (let i = 1; i < path.length; i++) {
      const step = path[i] as string | number;
      const last = i === path.length - 1;
      const nextIsIndex = !last && typeof path[i + 1] === "number";
      if (typeof step === "number") {
        const list: AttributeValue[] | undefined = container.L;
        if (list === undefined) break; // parse-time overlap checks make this unreachable
        if (last) {
          list[step] = value;
        } else {
          let child: AttributeValue | undefined = list[step];
          if (child === undefined) {
            child = nextIsIndex ? { L: [] } : { M: {} };
            if (child.L) sparseLists.push(child.L);
            list[step] = child;
          }
          container = child;
        }
      } else {
        const map: Record<string, AttributeValue> | undefined = container.M;
        if (map === undefined) break;
        if (last) {
          setOwn(map, step, value);
        } else {
          let child: AttributeValue | undefined = own(map, step);
          if (child === undefined) {
            child = nextIsIndex ? { L: [] } : { M: {} };
            if (child.L) sparseLists.push(child.L);
            setOwn(map, step, child);
          }
          container = child;
        }
      }
    }
  }
  compactLists(sparseLists);
  return result;
}

/** Turns lists filled by index into dense lists, keeping index order. */
function compactLists(lists: AttributeValue[][]): void {
  for (const list of lists) {
    let w = 0;
    for (let r = 0; r < list.length; r++) {
      if (r in list) list[w++] = list[r] as AttributeValue;
    }
    list.length = w;
  }
}
