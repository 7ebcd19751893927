import type { Scope } from "../../../core/service.js";
import { errors } from "../errors.js";
import { check, constraints } from "../validation.js";

/** What a FunctionName parameter names: Lambda takes a name, a partial ARN or a full ARN, each optionally qualified. */
export interface FunctionRef {
  name: string;
  qualifier: string | undefined;
}

export function functionArn(scope: Scope, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.account}:function:${name}${qualifier !== undefined ? `:${qualifier}` : ""}`;
}

export function eventSourceMappingArn(scope: Scope, uuid: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.account}:event-source-mapping:${uuid}`;
}

/** The UUID of an event source mapping's ARN, undefined for any other resource. */
export function eventSourceMappingOfArn(arn: string): { region: string; account: string; uuid: string } | undefined {
  const m = /^arn:aws[a-zA-Z-]*:lambda:([^:]+):(\d{12}):event-source-mapping:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(arn);
  return m ? { region: m[1] ?? "", account: m[2] ?? "", uuid: m[3] ?? "" } : undefined;
}

export function parseFunctionName(scope: Scope, value: string, qualifier?: string): FunctionRef {
  check(...constraints.functionName(value));
  let rest = value;
  const full = /^arn:(aws[a-zA-Z-]*)?:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):function:(.+)$/.exec(value);
  const partial = /^(\d{12}):function:(.+)$/.exec(value);
  if (full) {
    // Lambda serves the region the request was signed for; an ARN elsewhere is not found here.
    if (full[2] !== scope.region || full[3] !== scope.account) {
      throw errors.FunctionNotFound({ arn: value });
    }
    rest = full[4] ?? "";
  } else if (partial) {
    if (partial[1] !== scope.account) throw errors.FunctionNotFound({ arn: value });
    rest = partial[2] ?? "";
  }
  const [name = "", inName] = rest.split(":");
  if (inName !== undefined && qualifier !== undefined && inName !== qualifier) {
    throw errors.InvalidParameterValue({ message: "The derived qualifier from the function name does not match the specified qualifier." });
  }
  return { name, qualifier: qualifier ?? inName };
}

/** A qualifier that names a published version ("1", "2"...) rather than an alias. */
export function isVersionQualifier(q: string): boolean {
  return q === "$LATEST" || /^\d+$/.test(q);
}
