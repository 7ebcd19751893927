/** Finding the log group or stream a request names, and throwing AWS's errors when it is absent. */
import type { HandlerContext } from "../../core/service.js";
import { parseGroupArn } from "./domain/arns.js";
import { errors } from "./errors.js";
import type { LogGroup, LogStream, LogsStore, Scope } from "./store.js";
import { check, constraints } from "./validation.js";

export type LogsContext = HandlerContext<LogsStore>;

export interface ResolvedGroup {
  readonly scope: Scope;
  readonly group: LogGroup;
}

export function requireGroup(ctx: LogsContext, name: string): LogGroup {
  const group = ctx.store.getGroup(ctx, name);
  if (group === undefined) throw errors.GroupNotFound();
  return group;
}

/**
 * Operations that take `logGroupName` or `logGroupIdentifier` (a name or an ARN, which may
 * name another account in cross-account observability; here the ARN's account and region).
 */
export function resolveGroup(ctx: LogsContext, input: { logGroupName?: string; logGroupIdentifier?: string }): ResolvedGroup {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) throw errors.GroupNameAndArn();
  if (input.logGroupName !== undefined) {
    check(...constraints.logGroupName(input.logGroupName));
    return { scope: { account: ctx.account, region: ctx.region }, group: requireGroup(ctx, input.logGroupName) };
  }
  const id = input.logGroupIdentifier;
  if (id === undefined) throw errors.GroupNameOrArnMissing();
  const arn = id.startsWith("arn:") ? parseGroupArn(id) : undefined;
  const scope = arn ? { account: arn.account, region: arn.region } : { account: ctx.account, region: ctx.region };
  const name = arn ? arn.name : id;
  const group = ctx.store.getGroup(scope, name);
  if (group === undefined) throw errors.GroupNotFound();
  return { scope, group };
}

export function requireStream(ctx: LogsContext, scope: Scope, groupName: string, streamName: string): LogStream {
  const stream = ctx.store.getStream(scope, groupName, streamName);
  if (stream === undefined) throw errors.StreamNotFound();
  return stream;
}
