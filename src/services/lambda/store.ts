/**
 * Lambda's state over the state layer: functions, their versions (each a frozen copy of the
 * configuration and a reference to the code zip in the blob store), aliases, resource policies
 * and event source mappings. Code is extracted on first use into the engine's code dir, once per
 * archive (zip.ts names directories by the archive's SHA-256).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { buffer } from "node:stream/consumers";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Scope, ServiceEnvironment } from "../../core/service.js";
import { cachedPrepare, type PreparedStatements } from "../../state/database.js";
import { DEFAULT_MAX_ENVIRONMENTS, DEFAULT_MAX_ENVIRONMENTS_PER_FUNCTION } from "./limits.js";
import { createEngine, type Engine, type FunctionCredentials } from "./runtime/environments.js";
import { extractZip, removeDirSoon, removeTree, type ExtractedCode } from "./runtime/zip.js";

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
  // Function URLs: one per function and qualifier ($LATEST or an alias); the URL id is global
  // (it is the host name), so requests find their function by it alone.
  `CREATE TABLE lambda_function_urls (
     account_id TEXT NOT NULL,
     region     TEXT NOT NULL,
     name       TEXT NOT NULL,
     qualifier  TEXT NOT NULL,
     url_id     TEXT NOT NULL,
     config     TEXT NOT NULL,
     PRIMARY KEY (account_id, region, name, qualifier)
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX lambda_function_urls_by_id ON lambda_function_urls (url_id);`,
  // Provisioned concurrency configurations per published version or alias. What is allocated
  // lives in the engine (running processes), so only the request is stored.
  `CREATE TABLE lambda_provisioned_concurrency (
     account_id    TEXT    NOT NULL,
     region        TEXT    NOT NULL,
     name          TEXT    NOT NULL,
     qualifier     TEXT    NOT NULL,
     requested     INTEGER NOT NULL,
     last_modified INTEGER NOT NULL,
     PRIMARY KEY (account_id, region, name, qualifier)
   ) WITHOUT ROWID;`,
  // Asynchronous invocations accepted (202) and not finished: Lambda's internal queue. A row is
  // written before Invoke answers and removed when the event reaches its end (success, or its
  // failure handled), so a restart resumes what was pending, at least once. A rowid table: events
  // due at the same time resume in the order they were accepted.
  `CREATE TABLE lambda_async_events (
     account_id  TEXT    NOT NULL,
     region      TEXT    NOT NULL,
     id          TEXT    NOT NULL,
     name        TEXT    NOT NULL,
     qualifier   TEXT,
     version     TEXT    NOT NULL,
     payload     BLOB    NOT NULL,
     options     TEXT    NOT NULL,
     attempt     INTEGER NOT NULL,
     enqueued_at INTEGER NOT NULL,
     due_at      INTEGER NOT NULL,
     PRIMARY KEY (account_id, region, id)
   );`,
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
  /** TenancyConfig.TenantIsolationMode: set at creation only ("PER_TENANT"). */
  tenantIsolationMode?: string;
  /** DurableConfig as given (durable functions): kept and answered, not enforced. */
  durable?: { KMSKeyArn?: string; RetentionPeriodInDays?: number; ExecutionTimeout?: number };
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
  /** Stream sources: DestinationConfig.OnFailure, where a batch Lambda gives up on is described. */
  onFailure?: string;
  /** Stream sources: BisectBatchOnFunctionError, splitting a batch the function failed on. */
  bisectBatchOnFunctionError?: boolean;
  /** Stream sources: the size a failed batch was split down to (BisectBatchOnFunctionError), until a batch succeeds or is given up. */
  bisectLimit?: number;
  /**
   * Stream sources: the OnFailure record of a batch given up on that its destination failed to
   * take (a full disk), sent again at each poll; `position` is where the stream goes on from once
   * it is taken. The mapping's own position stays before the batch meanwhile.
   */
  owedFailure?: { record: string; position?: string };
  /** Stream sources: when the poller began gathering the batch it holds back for MaximumBatchingWindowInSeconds. */
  gatheringSince?: number;
  /** Stream sources: records older than this are discarded (MaximumRecordAgeInSeconds). */
  maximumRecordAgeInSeconds?: number;
  /** Stream sources: settings kept and answered as given (Nimbus reads one shard, without tumbling windows). */
  parallelizationFactor?: number;
  tumblingWindowInSeconds?: number;
  /** MetricsConfig.Metrics as last given: which CloudWatch metrics the mapping would publish. */
  metrics?: string[];
  /** LoggingConfig.SystemLogLevel as last given. */
  systemLogLevel?: string;
  /** ProvisionedPollerConfig as last given (provisioned mode). */
  provisionedPollers?: { MinimumPollers?: number; MaximumPollers?: number; PollerGroupName?: string };
  /** The mapping's own tags (CreateEventSourceMapping Tags, TagResource on its ARN). */
  tags?: Record<string, string>;
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

/** CreateFunctionUrlConfig, for one qualifier ("$LATEST" or an alias). Times are epoch ms. */
export interface FunctionUrlConfig {
  name: string;
  qualifier: string;
  urlId: string;
  authType: "NONE" | "AWS_IAM";
  invokeMode: "BUFFERED" | "RESPONSE_STREAM";
  cors?: UrlCors;
  creationTime: number;
  lastModifiedTime: number;
}

export interface UrlCors {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

/** PutProvisionedConcurrencyConfig, for one published version or alias. */
export interface ProvisionedConfig {
  name: string;
  qualifier: string;
  requested: number;
  lastModified: number;
}

/**
 * What GetProvisionedConcurrencyConfig reports beside the request: IN_PROGRESS while environments
 * run their Init phase, READY once all did, FAILED when Init failed (with the reason).
 */
export interface ProvisionedStatus {
  status: "IN_PROGRESS" | "READY" | "FAILED";
  allocated: number;
  available: number;
  reason?: string;
}

/** An asynchronous invocation waiting in Lambda's queue (or running, or between retries). */
export interface AsyncEventRow {
  id: string;
  name: string;
  /** The qualifier invoked (version or alias), undefined for the unqualified function. */
  qualifier: string | undefined;
  /** The version chosen at Invoke (a weighted alias picks once, as Lambda does). */
  version: string;
  payload: Buffer;
  options: { requestId?: string; clientContext?: string };
  attempt: number;
  enqueuedAt: number;
  dueAt: number;
}

interface FunctionDbRow {
  name: string;
  tags: string;
  reserved_concurrency: number | null;
  next_version: number;
}

export class LambdaStore {
  /** Statements prepared once each: every invocation reads its function. */
  readonly db: PreparedStatements;
  private engineInstance: Engine | undefined;
  private baseDirValue: string | undefined;
  private readonly ownedTempDir: boolean;
  private readonly extracted = new Map<string, Promise<ExtractedCode>>();
  /** Code blobs (by id, the archive's SHA-256) whose last reference may have gone: pruneCode's work. */
  private readonly codeCandidates = new Set<string>();
  /** Extractions under way: pruneCode waits for none, so that none finds a directory it then loses. */
  private extractions = 0;
  /** Set once CloudWatch Logs answered NotImplemented: logs are then skipped. */
  logsUnavailable = false;
  /** Execution-role sessions by function and role, renewed before they expire. */
  readonly roleSessions = new Map<string, { credentials: FunctionCredentials; expiration: number }>();
  /** AssumeRole calls under way, by the same key: concurrent invocations wait for one session. */
  readonly pendingRoleSessions = new Map<string, Promise<FunctionCredentials | undefined>>();
  /** Invocations running per function (all versions), for reserved-concurrency throttling. */
  readonly inflight = new Map<string, number>();
  /** Invocations running of functions without reserved concurrency, by `<account>/<region>`, for account-concurrency throttling. */
  readonly unreservedInflight = new Map<string, number>();
  /** Pollers of enabled SQS event source mappings, by `<account>/<region>/<uuid>`. */
  readonly pollers = new Map<string, () => void>();
  /** Provisioned concurrency as allocated now, by `<account>/<region>/<name>/<qualifier>` (provisioned.ts). */
  readonly provisionedStatus = new Map<string, ProvisionedStatus>();
  /** The provisioned environments asked of the engine per function version, by `<account>/<region>/<name>` (provisioned.ts). */
  readonly provisionedTargets = new Map<string, Map<string, number>>();
  /** The latest allocation per function, by `<account>/<region>/<name>`, so only it reports its outcome (provisioned.ts). */
  readonly provisionedGenerations = new Map<string, number>();
  /** The number the last allocation of any function took. */
  provisionedGeneration = 0;
  /** Set as shutdown begins: background work (async retries) stops touching the database. */
  closing = false;

  constructor(readonly env: ServiceEnvironment) {
    this.db = { prepare: cachedPrepare(env.state.db) };
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
      const limits = this.env.config.lambda;
      const logger = this.env.logger;
      this.engineInstance = createEngine({
        endpointUrl: this.env.config.endpoint,
        clock: this.env.clock,
        scheduler: this.env.scheduler,
        baseDir: join(this.baseDir, "engine"),
        maxConcurrencyPerFunction: limits?.maxEnvironmentsPerFunction ?? DEFAULT_MAX_ENVIRONMENTS_PER_FUNCTION,
        maxEnvironments: limits?.maxEnvironments ?? DEFAULT_MAX_ENVIRONMENTS,
        log: (level, msg, fields) => logger[level]({ msg, service: "lambda", ...fields }),
      });
    }
    return this.engineInstance;
  }

  async shutdown(): Promise<void> {
    this.closing = true;
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
      pending = this.extracting(() => buffer(this.env.state.blobs.get(blobId)).then((zip) => extractZip(zip, this.codeRoot)));
      this.extracted.set(blobId, pending);
      pending.catch(() => this.extracted.delete(blobId));
    }
    return pending.then((code) => code.dir);
  }

  /** Validates and extracts an uploaded zip before it is stored (a bad zip is refused at create). */
  async checkZip(zip: Buffer): Promise<ExtractedCode> {
    const code = await this.extracting(() => extractZip(zip, this.codeRoot));
    // Kept if the package is stored; a refused CreateFunction or a DryRun leaves it to pruneCode.
    this.codeCandidates.add(code.sha256Hex);
    return code;
  }

  /**
   * Removes the extracted directories of code no function version or layer version holds any
   * more (a deleted function, code replaced by UpdateFunctionCode, a deleted layer version, a
   * package that was refused), unless an execution environment still runs from one (a retired
   * environment finishing its invocation: a later prune takes it). The handlers that drop code
   * call it, and the service every CODE_PRUNE_MS. Without it every package ever uploaded stayed
   * on disk, and its entry in `extracted`, for the life of the process.
   */
  pruneCode(): void {
    if (this.extractions > 0 || this.codeCandidates.size === 0) return;
    const inUse = this.engineInstance?.codeDirsInUse();
    const removed = new Set<string>();
    for (const id of this.codeCandidates) {
      if (this.env.state.blobs.refs(id) > 0) {
        // Held: it becomes a candidate again when the reference that holds it goes.
        this.codeCandidates.delete(id);
        continue;
      }
      const dir = join(this.codeRoot, id);
      if (inUse?.has(dir)) continue;
      if (removeDirSoon(dir)) removed.add(dir);
      // One the file system would not move away (read-only, busy) stays a candidate, and in use:
      // the next prune tries again. Dropped, it stayed on disk until a restart's sweep.
      else if (existsSync(dir)) continue;
      this.codeCandidates.delete(id);
      // An extraction of the same bytes from now on extracts them again.
      this.extracted.delete(id);
    }
    // Layers merged into an environment's /opt: the merge goes with any of its layers.
    if (removed.size > 0) this.engineInstance?.codeDirsRemoved(removed);
  }

  /**
   * At start (a data dir): every extracted directory becomes a candidate for pruneCode, so code
   * released by a run that stopped before pruning it goes too; leftovers of removals go now.
   */
  sweepCode(): void {
    // In memory the directory is this process's own: nothing was left by another run.
    if (this.ownedTempDir) return;
    let names: string[];
    try {
      names = readdirSync(this.codeRoot);
    } catch {
      return;
    }
    for (const name of names) {
      if (/^[0-9a-f]{64}$/.test(name)) this.codeCandidates.add(name);
      else if (name.startsWith(".gone-") || name.startsWith(".tmp-")) void removeTree(join(this.codeRoot, name));
    }
    this.pruneCode();
  }

  private get codeRoot(): string {
    return resolve(this.baseDir, "code");
  }

  private async extracting<T>(work: () => Promise<T>): Promise<T> {
    this.extractions++;
    try {
      return await work();
    } finally {
      this.extractions--;
    }
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
    this.releaseCode(v.codeBlob);
    for (const layer of v.config.layerCode ?? []) this.releaseCode(layer.blob);
  }

  /** Drops a reference to a code blob; its extracted directory goes with the last one (pruneCode). */
  private releaseCode(blobId: string): void {
    this.env.state.blobs.release(blobId);
    this.codeCandidates.add(blobId);
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
      this.deleteProvisionedConfig(scope, name, version);
    });
  }

  deleteFunction(scope: Scope, name: string): void {
    this.env.state.transaction(() => {
      for (const v of this.listVersions(scope, name)) this.releaseVersion(v);
      const args = [scope.account, scope.region, name] as const;
      for (const table of [
        "lambda_versions",
        "lambda_aliases",
        "lambda_policies",
        "lambda_event_invoke_configs",
        "lambda_function_urls",
        "lambda_provisioned_concurrency",
        "lambda_functions",
      ]) {
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
      this.deleteFunctionUrl(scope, name, alias);
      this.deleteProvisionedConfig(scope, name, alias);
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
      const full: LayerVersionConfig = { ...{}, ...config, version };
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
      this.releaseCode(old.codeBlob);
      this.db.prepare("DELETE FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?").run(scope.account, scope.region, name, version);
    });
  }

  // ---- function URLs ------------------------------------------------------------------------

  getFunctionUrl(scope: Scope, name: string, qualifier: string): FunctionUrlConfig | undefined {
    const row = this.db
      .prepare<[string, string, string, string], { config: string }>(
        "SELECT config FROM lambda_function_urls WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?",
      )
      .get(scope.account, scope.region, name, qualifier);
    return row ? (JSON.parse(row.config) as FunctionUrlConfig) : undefined;
  }

  /** The URL a request's host names, in whichever account and region it lives. */
  functionUrlById(urlId: string): { scope: Scope; config: FunctionUrlConfig } | undefined {
    const row = this.db
      .prepare<[string], { account_id: string; region: string; config: string }>("SELECT account_id, region, config FROM lambda_function_urls WHERE url_id = ?")
      .get(urlId);
    return row ? { scope: { account: row.account_id, region: row.region }, config: JSON.parse(row.config) as FunctionUrlConfig } : undefined;
  }

  listFunctionUrls(scope: Scope, name: string): FunctionUrlConfig[] {
    return this.db
      .prepare<[string, string, string], { config: string }>("SELECT config FROM lambda_function_urls WHERE account_id = ? AND region = ? AND name = ? ORDER BY qualifier")
      .all(scope.account, scope.region, name)
      .map((r) => JSON.parse(r.config) as FunctionUrlConfig);
  }

  putFunctionUrl(scope: Scope, config: FunctionUrlConfig): void {
    this.db
      .prepare("INSERT OR REPLACE INTO lambda_function_urls (account_id, region, name, qualifier, url_id, config) VALUES (?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, config.name, config.qualifier, config.urlId, JSON.stringify(config));
  }

  deleteFunctionUrl(scope: Scope, name: string, qualifier: string): void {
    this.db.prepare("DELETE FROM lambda_function_urls WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?").run(scope.account, scope.region, name, qualifier);
  }

  // ---- provisioned concurrency ------------------------------------------------------------

  getProvisionedConfig(scope: Scope, name: string, qualifier: string): ProvisionedConfig | undefined {
    const row = this.db
      .prepare<[string, string, string, string], ProvisionedDbRow>(
        "SELECT name, qualifier, requested, last_modified FROM lambda_provisioned_concurrency WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?",
      )
      .get(scope.account, scope.region, name, qualifier);
    return row ? toProvisioned(row) : undefined;
  }

  listProvisionedConfigs(scope: Scope, name: string): ProvisionedConfig[] {
    return this.db
      .prepare<[string, string, string], ProvisionedDbRow>(
        "SELECT name, qualifier, requested, last_modified FROM lambda_provisioned_concurrency WHERE account_id = ? AND region = ? AND name = ? ORDER BY qualifier",
      )
      .all(scope.account, scope.region, name)
      .map(toProvisioned);
  }

  /** Every configuration of every account and region: environments are provisioned again at start-up. */
  allProvisionedConfigs(): Array<{ scope: Scope; config: ProvisionedConfig }> {
    return this.db
      .prepare<[], ProvisionedDbRow & { account_id: string; region: string }>(
        "SELECT account_id, region, name, qualifier, requested, last_modified FROM lambda_provisioned_concurrency",
      )
      .all()
      .map((r) => ({ scope: { account: r.account_id, region: r.region }, config: toProvisioned(r) }));
  }

  /**
   * Provisioned concurrency requested in the region by functions without reserved concurrency
   * (theirs draws on the unreserved pool), leaving out one function, or one of its qualifiers.
   */
  provisionedUnreservedTotal(scope: Scope, exceptName = "", exceptQualifier?: string): number {
    const row = this.db
      .prepare<[string, string, string, string | null, string | null], { total: number | null }>(
        `SELECT SUM(p.requested) AS total FROM lambda_provisioned_concurrency p
         JOIN lambda_functions f ON f.account_id = p.account_id AND f.region = p.region AND f.name = p.name
         WHERE p.account_id = ? AND p.region = ? AND f.reserved_concurrency IS NULL AND NOT (p.name = ? AND (? IS NULL OR p.qualifier = ?))`,
      )
      .get(scope.account, scope.region, exceptName, exceptQualifier ?? null, exceptQualifier ?? null);
    return row?.total ?? 0;
  }

  putProvisionedConfig(scope: Scope, config: ProvisionedConfig): void {
    this.db
      .prepare("INSERT OR REPLACE INTO lambda_provisioned_concurrency (account_id, region, name, qualifier, requested, last_modified) VALUES (?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, config.name, config.qualifier, config.requested, config.lastModified);
  }

  deleteProvisionedConfig(scope: Scope, name: string, qualifier: string): void {
    this.db
      .prepare("DELETE FROM lambda_provisioned_concurrency WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?")
      .run(scope.account, scope.region, name, qualifier);
  }

  // ---- asynchronous invocation queue ------------------------------------------------------

  insertAsyncEvent(scope: Scope, e: AsyncEventRow): void {
    this.db
      .prepare(
        "INSERT INTO lambda_async_events (account_id, region, id, name, qualifier, version, payload, options, attempt, enqueued_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(scope.account, scope.region, e.id, e.name, e.qualifier ?? null, e.version, e.payload, JSON.stringify(e.options), e.attempt, e.enqueuedAt, e.dueAt);
  }

  /** Records a retry: the attempts made so far and when the next one is due. */
  rescheduleAsyncEvent(scope: Scope, id: string, attempt: number, dueAt: number): void {
    this.db.prepare("UPDATE lambda_async_events SET attempt = ?, due_at = ? WHERE account_id = ? AND region = ? AND id = ?").run(attempt, dueAt, scope.account, scope.region, id);
  }

  deleteAsyncEvent(scope: Scope, id: string): void {
    this.db.prepare("DELETE FROM lambda_async_events WHERE account_id = ? AND region = ? AND id = ?").run(scope.account, scope.region, id);
  }

  /** Every pending event, oldest first: what a restart resumes. */
  allAsyncEvents(): Array<{ scope: Scope; event: AsyncEventRow }> {
    return this.db
      .prepare<[], AsyncEventDbRow>(
        "SELECT account_id, region, id, name, qualifier, version, payload, options, attempt, enqueued_at, due_at FROM lambda_async_events ORDER BY due_at, rowid",
      )
      .all()
      .map((r) => ({
        scope: { account: r.account_id, region: r.region },
        event: {
          id: r.id,
          name: r.name,
          qualifier: r.qualifier ?? undefined,
          version: r.version,
          payload: r.payload,
          options: JSON.parse(r.options) as AsyncEventRow["options"],
          attempt: r.attempt,
          enqueuedAt: r.enqueued_at,
          dueAt: r.due_at,
        },
      }));
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

interface ProvisionedDbRow {
  name: string;
  qualifier: string;
  requested: number;
  last_modified: number;
}

function toProvisioned(row: ProvisionedDbRow): ProvisionedConfig {
  return { name: row.name, qualifier: row.qualifier, requested: row.requested, lastModified: row.last_modified };
}

interface AsyncEventDbRow {
  account_id: string;
  region: string;
  id: string;
  name: string;
  qualifier: string | null;
  version: string;
  payload: Buffer;
  options: string;
  attempt: number;
  enqueued_at: number;
  due_at: number;
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
