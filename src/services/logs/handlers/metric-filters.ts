import type {
  DeleteMetricFilterInput,
  DeleteMetricFilterOutput,
  DescribeMetricFiltersInput,
  DescribeMetricFiltersOutput,
  PutMetricFilterInput,
  PutMetricFilterOutput,
  TestMetricFilterInput,
  TestMetricFilterOutput,
} from "../../../generated/logs.js";
import { decodeToken, encodeToken } from "../domain/tokens.js";
import { errors } from "../errors.js";
import { requireGroup, type LogsContext } from "../resolve.js";
import type { MetricTransformation } from "../store.js";
import { check, constraints, count, length, pattern } from "../validation.js";
import { compilePattern } from "./filter-log-events.js";

// CloudWatch Logs quota: 100 metric filters per log group; one transformation per filter.
const MAX_FILTERS_PER_GROUP = 100;
const FILTER_NAME = /^[^:*]*$/;

export function putMetricFilter(input: PutMetricFilterInput, ctx: LogsContext): PutMetricFilterOutput {
  check(
    ...constraints.logGroupName(input.logGroupName),
    length("filterName", input.filterName, 1, 512),
    pattern("filterName", input.filterName, FILTER_NAME, "[^:*]*"),
    constraints.filterPattern(input.filterPattern),
    count("metricTransformations", input.metricTransformations, 1, 1),
    ...input.metricTransformations.flatMap((t, i) => [
      length(`metricTransformations.${i + 1}.member.metricName`, t.metricName, 0, 255),
      length(`metricTransformations.${i + 1}.member.metricNamespace`, t.metricNamespace, 0, 255),
      length(`metricTransformations.${i + 1}.member.metricValue`, t.metricValue, 0, 100),
    ]),
  );
  requireGroup(ctx, input.logGroupName);
  compilePattern(input.filterPattern);
  const existing = ctx.store.metricFilters(ctx, input.logGroupName);
  if (!existing.some((f) => f.name === input.filterName) && existing.length >= MAX_FILTERS_PER_GROUP) {
    throw errors.LimitExceeded();
  }
  const transformations: MetricTransformation[] = input.metricTransformations.map((t) => ({
    metricName: t.metricName,
    metricNamespace: t.metricNamespace,
    metricValue: t.metricValue,
    ...(t.defaultValue !== undefined ? { defaultValue: t.defaultValue } : {}),
    ...(t.dimensions !== undefined ? { dimensions: t.dimensions } : {}),
    ...(t.unit !== undefined ? { unit: t.unit } : {}),
  }));
  ctx.store.putMetricFilter(ctx, {
    groupName: input.logGroupName,
    name: input.filterName,
    pattern: input.filterPattern,
    transformations,
    createdAt: ctx.clock.now(),
  });
  return {};
}

export function deleteMetricFilter(input: DeleteMetricFilterInput, ctx: LogsContext): DeleteMetricFilterOutput {
  check(...constraints.logGroupName(input.logGroupName), length("filterName", input.filterName, 1, 512));
  requireGroup(ctx, input.logGroupName);
  if (!ctx.store.deleteMetricFilter(ctx, input.logGroupName, input.filterName)) throw errors.MetricFilterNotFound();
  return {};
}

function isCursor(v: unknown): v is { group: string; name: string } {
  return typeof v === "object" && v !== null && typeof (v as { group?: unknown }).group === "string" && typeof (v as { name?: unknown }).name === "string";
}

export function describeMetricFilters(input: DescribeMetricFiltersInput, ctx: LogsContext): DescribeMetricFiltersOutput {
  check(...constraints.logGroupName(input.logGroupName), constraints.limit(input.limit, 50));
  if (input.logGroupName !== undefined) requireGroup(ctx, input.logGroupName);
  let after: { group: string; name: string } | undefined;
  if (input.nextToken !== undefined) {
    after = decodeToken(input.nextToken, isCursor);
    if (after === undefined) throw errors.InvalidNextToken();
  }
  const from = after;
  const matching = ctx.store
    .metricFilters(ctx, input.logGroupName)
    .filter((f) => input.filterNamePrefix === undefined || f.name.startsWith(input.filterNamePrefix))
    .filter((f) => f.transformations.some((t) => (input.metricName === undefined || t.metricName === input.metricName) && (input.metricNamespace === undefined || t.metricNamespace === input.metricNamespace)))
    .filter((f) => from === undefined || f.groupName > from.group || (f.groupName === from.group && f.name > from.name));
  const limit = input.limit ?? 50;
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    metricFilters: page.map((f) => ({
      filterName: f.name,
      filterPattern: f.pattern,
      metricTransformations: f.transformations.map((t) => ({ ...t })),
      creationTime: f.createdAt,
      logGroupName: f.groupName,
    })),
    ...(matching.length > limit && last !== undefined ? { nextToken: encodeToken({ group: last.groupName, name: last.name }) } : {}),
  };
}

export function testMetricFilter(input: TestMetricFilterInput): TestMetricFilterOutput {
  check(constraints.filterPattern(input.filterPattern), count("logEventMessages", input.logEventMessages, 1, 50));
  const compiled = compilePattern(input.filterPattern);
  const matches: NonNullable<TestMetricFilterOutput["matches"]> = [];
  input.logEventMessages.forEach((message, i) => {
    const extracted = compiled.extract(message);
    if (extracted !== undefined) matches.push({ eventNumber: i + 1, eventMessage: message, extractedValues: { ...extracted.fields } });
  });
  return { matches };
}

/**
 * What a batch of new events contributes to the group's metric filters: per metric, dimension
 * set and minute, the sum of the values (a literal such as "1", or `$.field` / `$field`).
 * Events whose value does not resolve to a number count for nothing, as on AWS.
 */
export function metricDataFor(
  ctx: LogsContext,
  groupName: string,
  events: ReadonlyArray<{ timestamp: number; message: string }>,
): Map<string, Array<{ MetricName: string; Value: number; Timestamp: Date; Unit?: string; Dimensions?: Array<{ Name: string; Value: string }> }>> {
  const byNamespace = new Map<string, Map<string, { MetricName: string; Value: number; Timestamp: Date; Unit?: string; Dimensions?: Array<{ Name: string; Value: string }> }>>();
  for (const filter of ctx.store.metricFilters(ctx, groupName)) {
    const compiled = compilePattern(filter.pattern);
    for (const e of events) {
      const extracted = compiled.extract(e.message);
      if (extracted === undefined) continue;
      for (const t of filter.transformations) {
        const raw = t.metricValue.startsWith("$") ? extracted.value(t.metricValue) : t.metricValue;
        const value = raw === undefined ? NaN : Number(raw);
        if (!Number.isFinite(value)) continue;
        const dims = Object.entries(t.dimensions ?? {}).map(([Name, sel]) => ({ Name, Value: (sel.startsWith("$") ? extracted.value(sel) : sel) ?? "" }));
        if (dims.some((d) => d.Value === "")) continue;
        const minute = Math.floor(e.timestamp / 60_000) * 60_000;
        const key = JSON.stringify([t.metricName, dims, minute, t.unit]);
        const perNamespace = byNamespace.get(t.metricNamespace) ?? new Map();
        byNamespace.set(t.metricNamespace, perNamespace);
        const datum = perNamespace.get(key);
        if (datum) datum.Value += value;
        else
          perNamespace.set(key, {
            MetricName: t.metricName,
            Value: value,
            Timestamp: new Date(minute),
            ...(t.unit !== undefined ? { Unit: t.unit } : {}),
            ...(dims.length ? { Dimensions: dims } : {}),
          });
      }
    }
  }
  return new Map([...byNamespace].map(([ns, data]) => [ns, [...data.values()]]));
}

// PutMetricData takes at most 1,000 data points per call.
const MAX_DATA_PER_CALL = 1000;

/**
 * Publishes a batch's metric data to CloudWatch in-process, after the events were stored. A
 * Nimbus without the CloudWatch (monitoring) service just drops them: log ingestion must
 * never fail because metrics could not be published.
 */
export function publishMetrics(ctx: LogsContext, groupName: string, events: ReadonlyArray<{ timestamp: number; message: string }>): void {
  const data = metricDataFor(ctx, groupName, events);
  for (const [namespace, points] of data) {
    for (let i = 0; i < points.length; i += MAX_DATA_PER_CALL) {
      const input = { Namespace: namespace, MetricData: points.slice(i, i + MAX_DATA_PER_CALL) };
      void ctx.invoke("monitoring", "PutMetricData", input, { account: ctx.account, region: ctx.region }).catch(() => undefined);
    }
  }
}
