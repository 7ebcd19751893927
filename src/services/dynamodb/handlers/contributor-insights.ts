/**
 * CloudWatch Contributor Insights for a table or one of its global secondary indexes. DynamoDB
 * answers ENABLING/DISABLING and settles within seconds; Nimbus settles at once (as it does
 * for table status), so the next Describe already reads ENABLED/DISABLED. Nimbus has no
 * CloudWatch rules behind it: the rule names are the ones DynamoDB would make.
 */
import type {
  DescribeContributorInsightsInput,
  DescribeContributorInsightsOutput,
  ListContributorInsightsInput,
  ListContributorInsightsOutput,
  UpdateContributorInsightsInput,
  UpdateContributorInsightsOutput,
} from "../../../generated/dynamodb.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import { requireTable } from "../items.js";
import type { ContributorInsightsMeta, KeyElement, TableMeta } from "../table.js";
import { check, oneOf, pageToken, pageTokenPosition, range, tableNameChecks } from "../validation.js";

const MODES = ["ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"];
const DEFAULT_MODE = "ACCESSED_AND_THROTTLED_KEYS";
const MAX_RESULTS = 100;

/** The table ("") or a GSI of it; LSIs have no Contributor Insights. */
function keySchemaOf(meta: TableMeta, index: string): readonly KeyElement[] {
  if (index === "") return meta.keySchema;
  const gsi = meta.gsis.find((g) => g.name === index);
  if (gsi === undefined) throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: Index: ${index} not found for table: ${meta.name}` });
  return gsi.keySchema;
}

/**
 * DynamoDBContributorInsights-{PKC|SKC|PKT|SKT}-{table[-index]}-{creation ms}: most accessed
 * (C) and most throttled (T) partition keys, and partition+sort keys when there is a sort key;
 * THROTTLED_KEYS mode keeps only the throttled ones.
 */
function ruleNames(meta: TableMeta, index: string, entry: ContributorInsightsMeta): string[] {
  const resource = index === "" ? meta.name : `${meta.name}-${index}`;
  const sorted = keySchemaOf(meta, index).length > 1;
  const accessed = entry.mode === "THROTTLED_KEYS" ? [] : ["PKC", ...(sorted ? ["SKC"] : [])];
  return [...accessed, "PKT", ...(sorted ? ["SKT"] : [])].map((kind) => `DynamoDBContributorInsights-${kind}-${resource}-${entry.rulesCreatedAt}`);
}

function indexMember(index: string): { IndexName?: string } {
  return index === "" ? {} : { IndexName: index };
}

export function describeContributorInsights(input: DescribeContributorInsightsInput, ctx: DynamoContext): DescribeContributorInsightsOutput {
  if (input.IndexName !== undefined) check(...tableNameChecks(input.IndexName, "indexName"));
  const meta = requireTable(ctx.store, ctx, input.TableName, "settings");
  const index = input.IndexName ?? "";
  keySchemaOf(meta, index);
  const entry = meta.contributorInsights?.[index];
  const base = { TableName: meta.name, ...indexMember(index) };
  // Never configured: only the status. Once configured, the mode and the time of the last change stay.
  if (entry === undefined) return { ...{}, ...base, ContributorInsightsStatus: "DISABLED" };
  return {
    ...{}, ...base,
    ...(entry.enabled ? { ContributorInsightsRuleList: ruleNames(meta, index, entry) } : {}),
    ContributorInsightsStatus: entry.enabled ? "ENABLED" : "DISABLED",
    LastUpdateDateTime: new Date(entry.updatedAt),
    ContributorInsightsMode: entry.mode,
  };
}

export function updateContributorInsights(input: UpdateContributorInsightsInput, ctx: DynamoContext): UpdateContributorInsightsOutput {
  check(
    ...(input.IndexName !== undefined ? tableNameChecks(input.IndexName, "indexName") : []),
    oneOf("contributorInsightsAction", input.ContributorInsightsAction, ["ENABLE", "DISABLE"]),
    oneOf("contributorInsightsMode", input.ContributorInsightsMode, MODES),
  );
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "settings");
    const index = input.IndexName ?? "";
    keySchemaOf(meta, index);
    const entry = meta.contributorInsights?.[index];
    const answer = (status: string, mode?: string): UpdateContributorInsightsOutput => ({
      TableName: meta.name,
      ...indexMember(index),
      ContributorInsightsStatus: status,
      ...(mode !== undefined ? { ContributorInsightsMode: mode } : {}),
    });
    let next: ContributorInsightsMeta;
    let status: string;
    if (input.ContributorInsightsAction === "ENABLE") {
      // ENABLE without a mode means the default mode, even over THROTTLED_KEYS.
      const mode = input.ContributorInsightsMode ?? DEFAULT_MODE;
      if (entry?.enabled && entry.mode === mode) return answer("ENABLED", mode);
      // A mode change keeps the rules' names; enabling afresh makes new rules.
      next = { enabled: true, mode, rulesCreatedAt: entry?.enabled ? entry.rulesCreatedAt : now, updatedAt: now };
      status = "ENABLING";
    } else {
      // DISABLE answers the mode in force, whatever mode it was sent with.
      if (!entry?.enabled) return answer("DISABLED", entry?.mode);
      next = { ...{}, ...entry, enabled: false, updatedAt: now };
      status = "DISABLING";
    }
    meta.contributorInsights = { ...{}, ...meta.contributorInsights, [index]: next };
    ctx.store.saveTable(ctx, meta);
    return answer(status, next.mode);
  });
}

interface Listed {
  readonly table: string;
  readonly index: string;
  readonly entry: ContributorInsightsMeta | undefined;
}

/** Every table of the scope (or the one named) and its GSIs, table first: the order of the pages. */
function candidates(ctx: DynamoContext, tableName: string | undefined): Listed[] {
  const tables = tableName !== undefined ? [requireTable(ctx.store, ctx, tableName, "settings")] : allTables(ctx);
  return tables.flatMap((meta) =>
    ["", ...meta.gsis.map((g) => g.name)].map((index) => ({ table: meta.name, index, entry: meta.contributorInsights?.[index] })),
  );
}

function allTables(ctx: DynamoContext): TableMeta[] {
  return ctx.store.listTables(ctx, undefined, Number.MAX_SAFE_INTEGER).flatMap((name) => ctx.store.getTable(ctx, name) ?? []);
}

function afterToken(list: Listed[], token: string): Listed[] {
  const [table, index] = pageTokenPosition(token, ["string", "string"]) as [string, string];
  const at = list.findIndex((l) => l.table === table && l.index === index);
  // The entry the token names is gone (index or table deleted): go on with the next table.
  return at >= 0 ? list.slice(at + 1) : list.filter((l) => l.table > table);
}

export function listContributorInsights(input: ListContributorInsightsInput, ctx: DynamoContext): ListContributorInsightsOutput {
  check(range("maxResults", input.MaxResults, 0, MAX_RESULTS));
  const limit = input.MaxResults || MAX_RESULTS;
  const all = candidates(ctx, input.TableName);
  // Only what is switched on is listed: DISABLED (or never configured) tables and indexes are not.
  const live = (input.NextToken !== undefined ? afterToken(all, input.NextToken) : all).filter((l) => l.entry?.enabled);
  const page = live.slice(0, limit);
  const last = page[page.length - 1];
  return {
    ContributorInsightsSummaries: page.map((l) => ({
      TableName: l.table,
      ...indexMember(l.index),
      ContributorInsightsStatus: "ENABLED",
      ContributorInsightsMode: l.entry?.mode,
    })),
    ...(live.length > page.length && last !== undefined ? { NextToken: pageToken([last.table, last.index]) } : {}),
  };
}
