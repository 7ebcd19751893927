/**
 * Lambda's state over the state layer: functions, their versions (each a frozen copy of the
 * configuration and a reference to the code zip in the blob store), aliases, resource policies
 * and event source mappings. Code is extracted on first use into the engine's code dir, once per
 * archive (zip.ts names directories by the archive's SHA-256).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Scope, ServiceEnvironment } from "../../core/service.js";
import type { Database } from "../../state/database.js";
import { createEngine, type Engine, type FunctionCredentials } from "./runtime/environments.js";
import { extractZip, type ExtractedCode } from "./runtime/zip.js";

export const LAMBDA_MIGRATIONS: readonly string[] = [
  `CREATE TABLE lambda_functions (
     account_id   TEXT    NOT NULL,
     region       TEXT    NOT NULL,
     name         TEXT    NOT NULL,
     tags         TEXT    NOT NULL DEFAULT '{}',
     reserved_concurrency INTEGER,
     next_version INTEGER NOT NULL DEFAULT 1,
     created_at   INTEGER NOT NULL,
     PRIMARY KEY (account_id, region, name)
   ) WITHOUT ROWID;
   CREATE TABLE lambda_versions (
     account_id TEXT NOT NULL,
     region     TEXT NOT NULL,
     name       TEXT NOT NULL,
     version    TEXT NOT NULL,
     config     TEXT NOT NULL,
     code_blob  TEXT NOT NULL,
     PRIMARY KEY (account_id, region, name, version)
   ) WITHOUT ROWID;
   CREATE TABLE lambda_aliases (
     account_id       TEXT NOT NULL,
     region           TEXT NOT NULL,
     name             TEXT NOT NULL,
     alias            TEXT NOT NULL,
     function_version TEXT NOT NULL,
     description      TEXT NOT NULL DEFAULT '',
     routing          TEXT,
     revision_id      TEXT NOT NULL,
     PRIMARY KEY (account_id, region, name, alias)
   ) WITHOUT ROWID;
   CREATE TABLE lambda_policies (
     account_id  TEXT NOT NULL,
     region      TEXT NOT NULL,
     name        TEXT NOT NULL,
     qualifier   TEXT NOT NULL,
     statements  TEXT NOT NULL,
     revision_id TEXT NOT NULL,
     PRIMARY KEY (account_id, region, name, qualifier)
   ) WITHOUT ROWID;
   CREATE TABLE lambda_event_source_mappings (
     account_id       TEXT    NOT NULL,
     region           TEXT    NOT NULL,
     uuid             TEXT    NOT NULL,
     function_name    TEXT    NOT NULL,
     event_source_arn TEXT    NOT NULL,
     config           TEXT    NOT NULL,
     PRIMARY KEY (account_id, region, uuid)
   ) WITHOUT ROWID;`,
  // Asynchronous invocation settings per function version or alias (PutFunctionEventInvokeConfig).
  `CREATE TABLE lambda_event_invoke_configs (
     account_id TEXT NOT NULL,
     region     TEXT NOT NULL,
     name       TEXT NOT NULL,
     qualifier  TEXT NOT NULL,
     config     TEXT NOT NULL,
     PRIMARY KEY (account_id, region, name, qualifier)
   ) WITHOUT ROWID;`,
  // Layers: version numbers are never reused, so the counter outlives deleted versions.
  `CREATE TABLE lambda_layers (
     account_id   TEXT    NOT NULL,
     region       TEXT    NOT NULL,
     name         TEXT    NOT NULL,
     next_version INTEGER NOT NULL,
     PRIMARY KEY (account_id, region, name)
   ) WITHOUT ROWID;
   CREATE TABLE lambda_layer_versions (
     account_id TEXT    NOT NULL,
     region     TEXT    NOT NULL,
     name       TEXT    NOT NULL,
     version    INTEGER NOT NULL,
     config     TEXT    NOT NULL,
     code_blob  TEXT    NOT NULL,
     PRIMARY KEY (account_id, region, name, version)
   ) WITHOUT ROWID;`,
];

/** One version's configuration as stored: a frozen copy for published versions, live for $LATEST. */
export interface VersionConfig {
  name: string;
  version: string;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment?: Record<string, string>;
  codeSha256: string;
  codeSize: number;
  unzippedSize?: number;
  /** Epoch ms. */
  lastModified: number;
  revisionId: string;
  tracingMode: string;
  architectures: string[];
  ephemeralStorage: number;
  logFormat: "Text" | "JSON";
  logGroup?: string;
  applicationLogLevel?: string;
  systemLogLevel?: string;
  deadLetterTargetArn?: string;
  kmsKeyArn?: string;
  vpc?: { SubnetIds: string[]; SecurityGroupIds: string[] };
  layers: string[];
  /** The layer versions' packages, held by this function version even if the layer version is deleted. */
  layerCode?: Array<{ arn: string; blob: string; codeSize: number; unzippedSize: number }>;
}

export interface FunctionRow {
  name: string;
  tags: Record<string, string>;
  reservedConcurrency: number | undefined;
  nextVersion: number;
}

export interface VersionRow {
  config: VersionConfig;
  codeBlob: string;
}

export interface AliasRow {
  name: string;
  alias: string;
  functionVersion: string;
  description: string;
  routing: Record<string, number> | undefined;
  revisionId: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: unknown;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface MappingConfig {
  uuid: string;
  functionName: string;
  /** The ARN the mapping invokes, qualified when the caller gave a version or alias. */
  functionArn: string;
  eventSourceArn: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  enabled: boolean;
  lastModified: number;
  functionResponseTypes: string[];
  lastProcessingResult: string;
  filterPatterns: string[];
  maximumConcurrency?: number;
  /** Stream sources: where a new mapping starts reading. */
  startingPosition?: string;
  /** Stream sources: the sequence number of the last record processed (or skipped). */
  position?: string;
  maximumRetryAttempts?: number;
  /** Stream sources: failed invocations of the batch at the position. */
  failedAttempts?: number;
}

export interface LayerVersionConfig {
  name: string;
  version: number;
  description: string;
  createdDate: number;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  licenseInfo?: string;
  codeSha256: string;
  codeSize: number;
  unzippedSize: number;
}

/** PutFunctionEventInvokeConfig, for one qualifier ("$LATEST", a version or an alias). */
export interface EventInvokeConfig {
  qualifier: string;
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  lastModified: number;
}

interface FunctionDbRow {
  name: string;
  tags: string;
  reserved_concurrency: number | null;
  next_version: number;
}

export class LambdaStore {
  readonly db: Database;
  private engineInstance: Engine | undefined;
  private baseDirValue: string | undefined;
  private readonly ownedTempDir: boolean;
  private readonly extracted = new Map<string, Promise<ExtractedCode>>();
  /** Log groups and streams already created in CloudWatch Logs by this process. */
  readonly createdLogStreams = new Set<string>();
  /** Set once CloudWatch Logs answered NotImplemented: logs are then skipped. */
  logsUnavailable = false;
  /** Execution-role sessions by function and role, renewed before they expire. */
  readonly roleSessions = new Map<string, { credentials: FunctionCredentials; expiration: number }>();
  /** Invocations running per function (all versions), for reserved-concurrency throttling. */
  readonly inflight = new Map<string, number>();
  /** Pollers of enabled SQS event source mappings, by `<account>/<region>/<uuid>`. */
  readonly pollers = new Map<string, () => void>();

  constructor(readonly env: ServiceEnvironment) {
    this.db = env.state.db;
    env.state.migrate("lambda", LAMBDA_MIGRATIONS);
    this.ownedTempDir = env.state.dataDir === undefined;
  }

  /** Engine files live in the data dir, or a temp dir in memory mode (removed at shutdown). */
  get baseDir(): string {
    if (this.baseDirValue === undefined) {
      this.baseDirValue = this.env.state.dataDir === undefined ? mkdtempSync(join(tmpdir(), "nimbus-lambda-")) : join(this.env.state.dataDir, "lambda");
    }
    return this.baseDirValue;
  }

  /**
   * Built on first invocation: the endpoint functions call back (AWS_ENDPOINT_URL) is known
   * only once the server listens, after services may have loaded.
   */
  get engine(): Engine {
    if (!this.engineInstance) {
      this.engineInstance = createEngine({
        endpointUrl: this.env.config.endpoint,
        clock: this.env.clock,
        scheduler: this.env.scheduler,
        baseDir: join(this.baseDir, "engine"),
      });
    }
    return this.engineInstance;
  }

  async shutdown(): Promise<void> {
    for (const stop of this.pollers.values()) stop();
    this.pollers.clear();
    const engine = this.engineInstance;
    this.engineInstance = undefined;
    if (engine) await engine.shutdown();
    if (this.ownedTempDir && this.baseDirValue !== undefined) rmSync(this.baseDirValue, { recursive: true, force: true });
  }

  /** The extracted code directory of a stored zip, extracting it on first use. */
  codeDir(blobId: string): Promise<string> {
    let pending = this.extracted.get(blobId);
    if (!pending) {
      pending = readFile(this.env.state.blobs.path(blobId)).then((zip) => extractZip(zip, join(this.baseDir, "code")));
      this.extracted.set(blobId, pending);
      pending.catch(() => this.extracted.delete(blobId));
    }
    return pending.then((code) => code.dir);
  }

  /** Validates and extracts an uploaded zip before it is stored (a bad zip is refused at create). */
  async checkZip(zip: Buffer): Promise<ExtractedCode> {
    return extractZip(zip, join(this.baseDir, "code"));
  }

  // ---- functions ----------------------------------------------------------------------------

  getFunction(scope: Scope, name: string): FunctionRow | undefined {
    const row = this.db
      .prepare<[string, string, string], FunctionDbRow>("SELECT name, tags, reserved_concurrency, next_version FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?")
      .get(scope.account, scope.region, name);
    return row ? toFunction(row) : undefined;
  }

  listFunctionNames(scope: Scope, after: string | undefined, limit: number): string[] {
    return this.db
      .prepare<[string, string, string, number], { name: string }>(
        "SELECT name FROM lambda_functions WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
      )
      .all(scope.account, scope.region, after ?? "", limit)
      .map((r) => r.name);
  }

  insertFunction(scope: Scope, config: VersionConfig, codeBlob: string, tags: Record<string, string>, now: number): void {
    this.env.state.transaction(() => {
      this.db
        .prepare("INSERT INTO lambda_functions (account_id, region, name, tags, created_at) VALUES (?, ?, ?, ?, ?)")
        .run(scope.account, scope.region, config.name, JSON.stringify(tags), now);
      this.putVersion(scope, config, codeBlob);
    });
  }

  /** Inserts or replaces one version row, moving the blob reference along. */
  putVersion(scope: Scope, config: VersionConfig, codeBlob: string): void {
    this.env.state.transaction(() => {
      const old = this.getVersion(scope, config.name, config.version);
      this.env.state.blobs.retain(codeBlob);
      for (const layer of config.layerCode ?? []) this.env.state.blobs.retain(layer.blob);
      if (old) this.releaseVersion(old);
      this.db
        .prepare("INSERT OR REPLACE INTO lambda_versions (account_id, region, name, version, config, code_blob) VALUES (?, ?, ?, ?, ?, ?)")
        .run(scope.account, scope.region, config.name, config.version, JSON.stringify(config), codeBlob);
    });
  }

  private releaseVersion(v: VersionRow): void {
    this.env.state.blobs.release(v.codeBlob);
    for (const layer of v.config.layerCode ?? []) this.env.state.blobs.release(layer.blob);
  }

  getVersion(scope: Scope, name: string, version: string): VersionRow | undefined {
    const row = this.db
      .prepare<[string, string, string, string], { config: string; code_blob: string }>(
        "SELECT config, code_blob FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?",
      )
      .get(scope.account, scope.region, name, version);
    return row ? { config: JSON.parse(row.config) as VersionConfig, codeBlob: row.code_blob } : undefined;
  }

  /** $LATEST first, then published versions in number order, as ListVersionsByFunction answers. */
  listVersions(scope: Scope, name: string): VersionRow[] {
    return this.db
      .prepare<[string, string, string], { config: string; code_blob: string }>(
        `SELECT config, code_blob FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ?
         ORDER BY CASE version WHEN '$LATEST' THEN 0 ELSE 1 END, CAST(version AS INTEGER)`,
      )
      .all(scope.account, scope.region, name)
      .map((row) => ({ config: JSON.parse(row.config) as VersionConfig, codeBlob: row.code_blob }));
  }

  /** Claims the next version number (PublishVersion numbers from 1 and never reuses one). */
  takeVersionNumber(scope: Scope, name: string): number {
    return this.env.state.transaction(() => {
      const fn = this.getFunction(scope, name);
      const n = fn?.nextVersion ?? 1;
      this.db.prepare("UPDATE lambda_functions SET next_version = ? WHERE account_id = ? AND region = ? AND name = ?").run(n + 1, scope.account, scope.region, name);
      return n;
    });
  }

  deleteVersion(scope: Scope, name: string, version: string): void {
    this.env.state.transaction(() => {
      const old = this.getVersion(scope, name, version);
      if (!old) return;
      this.releaseVersion(old);
      this.db.prepare("DELETE FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?").run(scope.account, scope.region, name, version);
      this.db.prepare("DELETE FROM lambda_policies WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?").run(scope.account, scope.region, name, version);
      this.deleteEventInvokeConfig(scope, name, version);
    });
  }

  deleteFunction(scope: Scope, name: string): void {
    this.env.state.transaction(() => {
      for (const v of this.listVersions(scope, name)) this.releaseVersion(v);
      const args = [scope.account, scope.region, name] as const;
      for (const table of ["lambda_versions", "lambda_aliases", "lambda_policies", "lambda_event_invoke_configs", "lambda_functions"]) {
        this.db.prepare(`DELETE FROM ${table} WHERE account_id = ? AND region = ? AND name = ?`).run(...args);
      }
    });
  }

  setTags(scope: Scope, name: string, tags: Record<string, string>): void {
    this.db.prepare("UPDATE lambda_functions SET tags = ? WHERE account_id = ? AND region = ? AND name = ?").run(JSON.stringify(tags), scope.account, scope.region, name);
  }

  setReservedConcurrency(scope: Scope, name: string, value: number | undefined): void {
    this.db
      .prepare("UPDATE lambda_functions SET reserved_concurrency = ? WHERE account_id = ? AND region = ? AND name = ?")
      .run(value ?? null, scope.account, scope.region, name);
  }

  /** Sum of reserved concurrency over the account's functions in the region, except one. */
  reservedTotal(scope: Scope, except: string): number {
    const row = this.db
      .prepare<[string, string, string], { total: number | null }>(
        "SELECT SUM(reserved_concurrency) AS total FROM lambda_functions WHERE account_id = ? AND region = ? AND name <> ?",
      )
      .get(scope.account, scope.region, except);
    return row?.total ?? 0;
  }

  // ---- aliases ------------------------------------------------------------------------------

  getAlias(scope: Scope, name: string, alias: string): AliasRow | undefined {
    const row = this.db
      .prepare<[string, string, string, string], AliasDbRow>(
        "SELECT name, alias, function_version, description, routing, revision_id FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND alias = ?",
      )
      .get(scope.account, scope.region, name, alias);
    return row ? toAlias(row) : undefined;
  }

  listAliases(scope: Scope, name: string): AliasRow[] {
    return this.db
      .prepare<[string, string, string], AliasDbRow>(
        "SELECT name, alias, function_version, description, routing, revision_id FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? ORDER BY alias",
      )
      .all(scope.account, scope.region, name)
      .map(toAlias);
  }

  putAlias(scope: Scope, a: AliasRow): void {
    this.db
      .prepare(
        "INSERT OR REPLACE INTO lambda_aliases (account_id, region, name, alias, function_version, description, routing, revision_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(scope.account, scope.region, a.name, a.alias, a.functionVersion, a.description, a.routing ? JSON.stringify(a.routing) : null, a.revisionId);
  }

  deleteAlias(scope: Scope, name: string, alias: string): void {
    this.env.state.transaction(() => {
      this.db.prepare("DELETE FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND alias = ?").run(scope.account, scope.region, name, alias);
      this.db.prepare("DELETE FROM lambda_policies WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?").run(scope.account, scope.region, name, alias);
      this.deleteEventInvokeConfig(scope, name, alias);
    });
  }

  // ---- resource policies --------------------------------------------------------------------

  getPolicy(scope: Scope, name: string, qualifier: string): { statements: PolicyStatement[]; revisionId: string } | undefined {
    const row = this.db
      .prepare<[string, string, string, string], { statements: string; revision_id: string }>(
        "SELECT statements, revision_id FROM lambda_policies WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?",
      )
      .get(scope.account, scope.region, name, qualifier);
    return row ? { statements: JSON.parse(row.statements) as PolicyStatement[], revisionId: row.revision_id } : undefined;
  }

  putPolicy(scope: Scope, name: string, qualifier: string, statements: PolicyStatement[], revisionId: string): void {
    if (statements.length === 0) {
      this.db.prepare("DELETE FROM lambda_policies WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?").run(scope.account, scope.region, name, qualifier);
      return;
    }
    this.db
      .prepare("INSERT OR REPLACE INTO lambda_policies (account_id, region, name, qualifier, statements, revision_id) VALUES (?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, name, qualifier, JSON.stringify(statements), revisionId);
  }

  // ---- asynchronous invocation configuration --------------------------------------------

  getEventInvokeConfig(scope: Scope, name: string, qualifier: string): EventInvokeConfig | undefined {
    const row = this.db
      .prepare<[string, string, string, string], { config: string }>(
        "SELECT config FROM lambda_event_invoke_configs WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?",
      )
      .get(scope.account, scope.region, name, qualifier);
    return row ? (JSON.parse(row.config) as EventInvokeConfig) : undefined;
  }

  listEventInvokeConfigs(scope: Scope, name: string): EventInvokeConfig[] {
    return this.db
      .prepare<[string, string, string], { config: string }>(
        "SELECT config FROM lambda_event_invoke_configs WHERE account_id = ? AND region = ? AND name = ? ORDER BY qualifier",
      )
      .all(scope.account, scope.region, name)
      .map((r) => JSON.parse(r.config) as EventInvokeConfig);
  }

  putEventInvokeConfig(scope: Scope, name: string, config: EventInvokeConfig): void {
    this.db
      .prepare("INSERT OR REPLACE INTO lambda_event_invoke_configs (account_id, region, name, qualifier, config) VALUES (?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, name, config.qualifier, JSON.stringify(config));
  }

  deleteEventInvokeConfig(scope: Scope, name: string, qualifier: string): void {
    this.db
      .prepare("DELETE FROM lambda_event_invoke_configs WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?")
      .run(scope.account, scope.region, name, qualifier);
  }

  // ---- layers -----------------------------------------------------------------------------

  /** Stores a new layer version under the next number; returns that number. */
  publishLayerVersion(scope: Scope, config: Omit<LayerVersionConfig, "version">, codeBlob: string): LayerVersionConfig {
    return this.env.state.transaction(() => {
      const row = this.db
        .prepare<[string, string, string], { next_version: number }>("SELECT next_version FROM lambda_layers WHERE account_id = ? AND region = ? AND name = ?")
        .get(scope.account, scope.region, config.name);
      const version = row?.next_version ?? 1;
      this.db
        .prepare("INSERT OR REPLACE INTO lambda_layers (account_id, region, name, next_version) VALUES (?, ?, ?, ?)")
        .run(scope.account, scope.region, config.name, version + 1);
      const full: LayerVersionConfig = { ...config, version };
      this.env.state.blobs.retain(codeBlob);
      this.db
        .prepare("INSERT INTO lambda_layer_versions (account_id, region, name, version, config, code_blob) VALUES (?, ?, ?, ?, ?, ?)")
        .run(scope.account, scope.region, config.name, version, JSON.stringify(full), codeBlob);
      return full;
    });
  }

  getLayerVersion(scope: Scope, name: string, version: number): { config: LayerVersionConfig; codeBlob: string } | undefined {
    const row = this.db
      .prepare<[string, string, string, number], { config: string; code_blob: string }>(
        "SELECT config, code_blob FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?",
      )
      .get(scope.account, scope.region, name, version);
    return row ? { config: JSON.parse(row.config) as LayerVersionConfig, codeBlob: row.code_blob } : undefined;
  }

  /** Newest first, as ListLayerVersions answers. */
  listLayerVersions(scope: Scope, name?: string): LayerVersionConfig[] {
    const rows =
      name === undefined
        ? this.db
            .prepare<[string, string], { config: string }>("SELECT config FROM lambda_layer_versions WHERE account_id = ? AND region = ? ORDER BY name, version DESC")
            .all(scope.account, scope.region)
        : this.db
            .prepare<[string, string, string], { config: string }>(
              "SELECT config FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND name = ? ORDER BY version DESC",
            )
            .all(scope.account, scope.region, name);
    return rows.map((r) => JSON.parse(r.config) as LayerVersionConfig);
  }

  deleteLayerVersion(scope: Scope, name: string, version: number): void {
    this.env.state.transaction(() => {
      const old = this.getLayerVersion(scope, name, version);
      if (!old) return;
      this.env.state.blobs.release(old.codeBlob);
      this.db.prepare("DELETE FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?").run(scope.account, scope.region, name, version);
    });
  }

  // ---- event source mappings ----------------------------------------------------------------

  getMapping(scope: Scope, uuid: string): MappingConfig | undefined {
    const row = this.db
      .prepare<[string, string, string], { config: string }>("SELECT config FROM lambda_event_source_mappings WHERE account_id = ? AND region = ? AND uuid = ?")
      .get(scope.account, scope.region, uuid);
    return row ? (JSON.parse(row.config) as MappingConfig) : undefined;
  }

  listMappings(scope: Scope): MappingConfig[] {
    return this.db
      .prepare<[string, string], { config: string }>("SELECT config FROM lambda_event_source_mappings WHERE account_id = ? AND region = ? ORDER BY uuid")
      .all(scope.account, scope.region)
      .map((r) => JSON.parse(r.config) as MappingConfig);
  }

  /** Every mapping of every account and region: pollers restart from these at start-up. */
  allMappings(): Array<{ scope: Scope; mapping: MappingConfig }> {
    return this.db
      .prepare<[], { account_id: string; region: string; config: string }>("SELECT account_id, region, config FROM lambda_event_source_mappings")
      .all()
      .map((r) => ({ scope: { account: r.account_id, region: r.region }, mapping: JSON.parse(r.config) as MappingConfig }));
  }

  putMapping(scope: Scope, m: MappingConfig): void {
    this.db
      .prepare("INSERT OR REPLACE INTO lambda_event_source_mappings (account_id, region, uuid, function_name, event_source_arn, config) VALUES (?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, m.uuid, m.functionName, m.eventSourceArn, JSON.stringify(m));
  }

  deleteMapping(scope: Scope, uuid: string): void {
    this.db.prepare("DELETE FROM lambda_event_source_mappings WHERE account_id = ? AND region = ? AND uuid = ?").run(scope.account, scope.region, uuid);
  }
}

interface AliasDbRow {
  name: string;
  alias: string;
  function_version: string;
  description: string;
  routing: string | null;
  revision_id: string;
}

function toAlias(row: AliasDbRow): AliasRow {
  return {
    name: row.name,
    alias: row.alias,
    functionVersion: row.function_version,
    description: row.description,
    routing: row.routing ? (JSON.parse(row.routing) as Record<string, number>) : undefined,
    revisionId: row.revision_id,
  };
}

function toFunction(row: FunctionDbRow): FunctionRow {
  return {
    name: row.name,
    tags: JSON.parse(row.tags) as Record<string, string>,
    reservedConcurrency: row.reserved_concurrency ?? undefined,
    nextVersion: row.next_version,
  };
}
