import { randomUUID } from "node:crypto";
import { AwsError } from "../../../core/errors.js";
import type { StartLiveTailInput, StartLiveTailOutput } from "../../../generated/logs.js";
import { groupKey, type LiveTailSession } from "../live-tail.js";
import { parseGroupArn } from "../domain/arns.js";
import { errors } from "../errors.js";
import { type LogsContext } from "../resolve.js";
import { check, constraints, count } from "../validation.js";
import { compilePattern } from "./filter-log-events.js";

type Frame = NonNullable<StartLiveTailOutput["responseStream"]> extends AsyncIterable<infer F> ? F : never;

export function startLiveTail(input: StartLiveTailInput, ctx: LogsContext): StartLiveTailOutput {
  check(
    count("logGroupIdentifiers", input.logGroupIdentifiers, 1, 10),
    count("logStreamNames", input.logStreamNames, 1, 100),
    count("logStreamNamePrefixes", input.logStreamNamePrefixes, 1, 100),
    constraints.filterPattern(input.logEventFilterPattern, "logEventFilterPattern"),
  );
  if (input.logStreamNames !== undefined && input.logStreamNamePrefixes !== undefined) {
    throw errors.InvalidParameter({ message: "logStreamNames and logStreamNamePrefixes are mutually exclusive parameters." });
  }
  if ((input.logStreamNames !== undefined || input.logStreamNamePrefixes !== undefined) && input.logGroupIdentifiers.length > 1) {
    throw errors.InvalidParameter({ message: "Only one log group can be specified when logStreamNames or logStreamNamePrefixes is specified." });
  }
  const groups = new Map<string, string>();
  for (const id of input.logGroupIdentifiers) {
    const arn = id.startsWith("arn:") ? parseGroupArn(id) : undefined;
    const scope = arn ? { account: arn.account, region: arn.region } : { account: ctx.account, region: ctx.region };
    const name = arn ? arn.name : id;
    if (ctx.store.getGroup(scope, name) === undefined) throw errors.GroupNotFound();
    groups.set(groupKey(scope, name), id);
  }
  const pattern = compilePattern(input.logEventFilterPattern);
  const session = ctx.store.liveTail.open(
    { groups, streamNames: input.logStreamNames, streamPrefixes: input.logStreamNamePrefixes, pattern },
    ctx.scheduler,
  );
  const start: Frame = {
    sessionStart: {
      requestId: ctx.requestId,
      sessionId: randomUUID(),
      logGroupIdentifiers: input.logGroupIdentifiers,
      ...(input.logStreamNames !== undefined ? { logStreamNames: input.logStreamNames } : {}),
      ...(input.logStreamNamePrefixes !== undefined ? { logStreamNamePrefixes: input.logStreamNamePrefixes } : {}),
      ...(input.logEventFilterPattern !== undefined ? { logEventFilterPattern: input.logEventFilterPattern } : {}),
    },
  };
  return { responseStream: frames(session, start) };
}

async function* frames(session: LiveTailSession, start: Frame): AsyncGenerator<Frame> {
  try {
    yield start;
    for (;;) {
      const tick = await session.next();
      if (tick === "closed") return;
      if (tick === "timeout") {
        throw new AwsError("SessionTimeoutException", "Session timed out after 3 hours.", 400);
      }
      if (tick.events.length === 0) continue;
      yield { sessionUpdate: { sessionMetadata: { sampled: tick.sampled }, sessionResults: tick.events } };
    }
  } finally {
    // The client went away (the response stream was destroyed) or the session ended.
    session.close();
  }
}
