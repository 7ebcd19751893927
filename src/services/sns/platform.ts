/**
 * Mobile push: platform applications (one per push service credential set) and their
 * endpoints (one per device token). Nothing reaches APNS or FCM from one machine; a push is
 * recorded in the outbox with the payload the push service would have been sent.
 *
 * ARNs, as AWS forms them:
 *   application  arn:aws:sns:<region>:<account>:app/<PLATFORM>/<name>
 *   endpoint     arn:aws:sns:<region>:<account>:endpoint/<PLATFORM>/<name>/<uuid>
 */
import { parseArn } from "../../core/arn.js";
import type { PreparedStatements } from "../../state/database.js";
import { invalidParameter } from "./errors.js";

/** Push services CreatePlatformApplication accepts. */
export const PLATFORMS: ReadonlySet<string> = new Set(["ADM", "APNS", "APNS_SANDBOX", "BAIDU", "GCM", "MPNS", "WNS"]);

/** Attributes a platform application takes (the credentials are write-only). */
export const APPLICATION_ATTRIBUTES: ReadonlySet<string> = new Set([
  "PlatformCredential",
  "PlatformPrincipal",
  "EventEndpointCreated",
  "EventEndpointDeleted",
  "EventEndpointUpdated",
  "EventDeliveryFailure",
  "SuccessFeedbackRoleArn",
  "FailureFeedbackRoleArn",
  "SuccessFeedbackSampleRate",
  "ApplePlatformTeamID",
  "ApplePlatformBundleID",
  "Enabled",
]);
const SECRET_ATTRIBUTES = new Set(["PlatformCredential", "PlatformPrincipal"]);

export const ENDPOINT_ATTRIBUTES: ReadonlySet<string> = new Set(["CustomUserData", "Enabled", "Token"]);
/** "CustomUserData ... must be in UTF-8 format and less than 2KB." */
const MAX_CUSTOM_USER_DATA_BYTES = 2048;

export const PLATFORM_MIGRATION = `CREATE TABLE sns_platform_applications (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    platform   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    attributes TEXT    NOT NULL,
    secrets    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, platform, name)
  ) WITHOUT ROWID;
  CREATE TABLE sns_platform_endpoints (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    platform   TEXT    NOT NULL,
    app_name   TEXT    NOT NULL,
    token      TEXT    NOT NULL,
    attributes TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, id)
  ) WITHOUT ROWID;
  CREATE INDEX sns_platform_endpoints_by_app ON sns_platform_endpoints (account_id, region, platform, app_name, seq);`;

export interface ApplicationRef {
  readonly account: string;
  readonly region: string;
  readonly platform: string;
  readonly name: string;
}

export interface PlatformApplication extends ApplicationRef {
  /** What GetPlatformApplicationAttributes shows. */
  readonly attributes: Record<string, string>;
  /** PlatformCredential / PlatformPrincipal: kept, never shown. */
  readonly secrets: Record<string, string>;
}

export interface PlatformEndpoint {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly platform: string;
  readonly appName: string;
  /** Enabled, Token and CustomUserData when set. */
  readonly attributes: Record<string, string>;
}

export function applicationArn(app: ApplicationRef): string {
  return `arn:aws:sns:${app.region}:${app.account}:app/${app.platform}/${app.name}`;
}

export function endpointArn(ep: Pick<PlatformEndpoint, "account" | "region" | "platform" | "appName" | "id">): string {
  return `arn:aws:sns:${ep.region}:${ep.account}:endpoint/${ep.platform}/${ep.appName}/${ep.id}`;
}

export function parseApplicationArn(arn: string): ApplicationRef | undefined {
  const parsed = parseArn(arn);
  const parts = parsed?.resource.split("/") ?? [];
  if (parsed === undefined || parsed.service !== "sns" || parts.length !== 3 || parts[0] !== "app" || !parts[1] || !parts[2]) return undefined;
  return { account: parsed.account, region: parsed.region, platform: parts[1], name: parts[2] };
}

export function parseEndpointArn(arn: string): { account: string; region: string; platform: string; appName: string; id: string } | undefined {
  const parsed = parseArn(arn);
  const parts = parsed?.resource.split("/") ?? [];
  if (parsed === undefined || parsed.service !== "sns" || parts.length !== 4 || parts[0] !== "endpoint" || !parts[1] || !parts[2] || !parts[3]) return undefined;
  return { account: parsed.account, region: parsed.region, platform: parts[1], appName: parts[2], id: parts[3] };
}

/** An endpoint's Enabled attribute: AWS treats anything but "true" (any case) as disabled. */
export function isEnabled(ep: PlatformEndpoint): boolean {
  return (ep.attributes.Enabled ?? "true").toLowerCase() === "true";
}

/** "Application names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, hyphens, and periods, and must be between 1 and 256 characters long." */
export function checkApplicationName(name: string): void {
  let reason = "";
  if (name === "") reason = "cannot be empty";
  else if (name.length > 256) reason = "must be at most 256 characters long";
  else if (!/^[A-Za-z0-9._-]+$/.test(name)) reason = "must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'";
  if (reason !== "") throw invalidParameter(`Invalid parameter: ${name} Reason: ${reason}`);
}

/**
 * Checks application attributes; `creating` adds the credential pairing rule: every platform
 * but GCM (FCM) takes a PlatformPrincipal together with its PlatformCredential. AWS also checks
 * the credentials with the push service, which one machine cannot do, so an application
 * created without credentials is accepted.
 */
export function checkApplicationAttributes(platform: string, attributes: Readonly<Record<string, string>>, creating: boolean): void {
  for (const name of Object.keys(attributes)) {
    if (!APPLICATION_ATTRIBUTES.has(name)) throw invalidParameter(`Invalid parameter: Attributes Reason: Invalid attribute name: ${name}`);
  }
  if (!creating) return;
  const hasCredential = attributes.PlatformCredential !== undefined;
  const hasPrincipal = attributes.PlatformPrincipal !== undefined;
  if (hasPrincipal && !hasCredential) {
    throw invalidParameter("Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential");
  }
  if (hasCredential && !hasPrincipal && platform !== "GCM") {
    throw invalidParameter("Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal");
  }
}

/** Splits attributes into what Get shows and the write-only credentials. */
export function splitApplicationAttributes(attributes: Readonly<Record<string, string>>): { shown: Record<string, string>; secrets: Record<string, string> } {
  const shown: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) (SECRET_ATTRIBUTES.has(name) ? secrets : shown)[name] = value;
  return { shown, secrets };
}

export function checkEndpointAttributes(attributes: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!ENDPOINT_ATTRIBUTES.has(name)) throw invalidParameter(`Invalid parameter: Attributes Reason: Invalid attribute name: ${name}`);
    if (name === "CustomUserData" && Buffer.byteLength(value, "utf8") > MAX_CUSTOM_USER_DATA_BYTES) {
      throw invalidParameter("Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding");
    }
    if (name === "Token" && value === "") throw invalidParameter("Invalid parameter: Attributes Reason: Invalid value for attribute: Token: cannot be empty");
  }
}

/**
 * The text handed to the push service: the platform's own entry of a MessageStructure=json
 * message (APNS, APNS_SANDBOX, GCM, ADM, BAIDU, MPNS, WNS), else the default, else the message.
 */
export function platformPayload(platform: string, message: string, structured: Record<string, string> | undefined): string {
  if (structured === undefined) return message;
  return structured[platform] ?? structured.default ?? message;
}

interface ApplicationRow {
  account_id: string;
  region: string;
  platform: string;
  name: string;
  attributes: string;
  secrets: string;
}

interface EndpointRow {
  account_id: string;
  region: string;
  id: string;
  platform: string;
  app_name: string;
  token: string;
  attributes: string;
}

function toApplication(row: ApplicationRow): PlatformApplication {
  return {
    account: row.account_id,
    region: row.region,
    platform: row.platform,
    name: row.name,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    secrets: JSON.parse(row.secrets) as Record<string, string>,
  };
}

function toEndpoint(row: EndpointRow): PlatformEndpoint {
  return {
    account: row.account_id,
    region: row.region,
    id: row.id,
    platform: row.platform,
    appName: row.app_name,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
  };
}

const AKEY = "account_id = ? AND region = ? AND platform = ? AND name = ?";

export class PlatformStore {
  private seq: number;

  constructor(private readonly db: PreparedStatements) {
    this.seq = db.prepare<[], { seq: number | null }>("SELECT MAX(seq) AS seq FROM sns_platform_endpoints").get()?.seq ?? 0;
  }

  getApplication(ref: ApplicationRef): PlatformApplication | undefined {
    const row = this.db.prepare<[string, string, string, string], ApplicationRow>(`SELECT * FROM sns_platform_applications WHERE ${AKEY}`).get(ref.account, ref.region, ref.platform, ref.name);
    return row === undefined ? undefined : toApplication(row);
  }

  putApplication(app: PlatformApplication, now: number): void {
    this.db
      .prepare(
        `INSERT INTO sns_platform_applications (account_id, region, platform, name, attributes, secrets, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET attributes = excluded.attributes, secrets = excluded.secrets`,
      )
      .run(app.account, app.region, app.platform, app.name, JSON.stringify(app.attributes), JSON.stringify(app.secrets), now);
  }

  /** Deleting an application deletes its endpoints too. */
  deleteApplication(ref: ApplicationRef): void {
    this.db.prepare("DELETE FROM sns_platform_endpoints WHERE account_id = ? AND region = ? AND platform = ? AND app_name = ?").run(ref.account, ref.region, ref.platform, ref.name);
    this.db.prepare(`DELETE FROM sns_platform_applications WHERE ${AKEY}`).run(ref.account, ref.region, ref.platform, ref.name);
  }

  /** By platform, then name: the order ListPlatformApplications pages by (see pageOf). */
  listApplications(account: string, region: string): PlatformApplication[] {
    return this.db
      .prepare<[string, string], ApplicationRow>("SELECT * FROM sns_platform_applications WHERE account_id = ? AND region = ? ORDER BY platform, name")
      .all(account, region)
      .map(toApplication);
  }

  getEndpoint(account: string, region: string, id: string): PlatformEndpoint | undefined {
    const row = this.db.prepare<[string, string, string], EndpointRow>("SELECT * FROM sns_platform_endpoints WHERE account_id = ? AND region = ? AND id = ?").get(account, region, id);
    return row === undefined ? undefined : toEndpoint(row);
  }

  findEndpointByToken(app: ApplicationRef, token: string): PlatformEndpoint | undefined {
    const row = this.db
      .prepare<[string, string, string, string, string], EndpointRow>(
        "SELECT * FROM sns_platform_endpoints WHERE account_id = ? AND region = ? AND platform = ? AND app_name = ? AND token = ? ORDER BY seq LIMIT 1",
      )
      .get(app.account, app.region, app.platform, app.name, token);
    return row === undefined ? undefined : toEndpoint(row);
  }

  insertEndpoint(ep: PlatformEndpoint): void {
    this.seq += 1;
    this.db
      .prepare("INSERT INTO sns_platform_endpoints (account_id, region, id, platform, app_name, token, attributes, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(ep.account, ep.region, ep.id, ep.platform, ep.appName, ep.attributes.Token ?? "", JSON.stringify(ep.attributes), this.seq);
  }

  updateEndpoint(ep: PlatformEndpoint): void {
    this.db
      .prepare("UPDATE sns_platform_endpoints SET token = ?, attributes = ? WHERE account_id = ? AND region = ? AND id = ?")
      .run(ep.attributes.Token ?? "", JSON.stringify(ep.attributes), ep.account, ep.region, ep.id);
  }

  deleteEndpoint(account: string, region: string, id: string): void {
    this.db.prepare("DELETE FROM sns_platform_endpoints WHERE account_id = ? AND region = ? AND id = ?").run(account, region, id);
  }

  /** In the order they were made, with their place in it (ListEndpointsByPlatformApplication pages by it). */
  listEndpoints(app: ApplicationRef): { seq: number; endpoint: PlatformEndpoint }[] {
    return this.db
      .prepare<[string, string, string, string], EndpointRow & { seq: number }>(
        "SELECT * FROM sns_platform_endpoints WHERE account_id = ? AND region = ? AND platform = ? AND app_name = ? ORDER BY seq",
      )
      .all(app.account, app.region, app.platform, app.name)
      .map((row) => ({ seq: row.seq, endpoint: toEndpoint(row) }));
  }
}
