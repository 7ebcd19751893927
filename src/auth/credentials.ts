/**
 * Who a request is from: the access keys Nimbus issued (STS session credentials, IAM user
 * keys) with their account and principal, and AWS's rule for keys it never issued. Access
 * keys are global, not regional: their rows carry no region.
 */
import type { Clock } from "../core/clock.js";
import { cachedPrepare, type PreparedStatements, type StateLayer } from "../state/database.js";
import { accountFromAccessKey } from "./identity.js";
import { sessionTokenExpiration } from "./session-tokens.js";

export const AUTH_MIGRATIONS: readonly string[] = [
  // Its lines indented as when it was written inside the constructor: a migration's text is its checksum.
  `CREATE TABLE auth_access_keys (
         access_key_id TEXT PRIMARY KEY,
         secret_access_key TEXT NOT NULL,
         session_token TEXT,
         account_id TEXT NOT NULL,
         arn TEXT NOT NULL,
         user_id TEXT NOT NULL,
         expiration INTEGER,
         created INTEGER NOT NULL
       )`,
  // Expired sessions are purged by expiration (Identities.purgeExpired).
  `CREATE INDEX auth_access_keys_by_expiration ON auth_access_keys (expiration) WHERE expiration IS NOT NULL`,
];

export interface Principal {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
  /** Session credentials (from STS) rather than long-term keys. */
  readonly session: boolean;
}

export interface IssuedKey extends Principal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Epoch ms; absent for long-term keys. */
  readonly expiration?: number;
}

interface Row {
  access_key_id: string;
  secret_access_key: string;
  session_token: string | null;
  account_id: string;
  arn: string;
  user_id: string;
  expiration: number | null;
}

/**
 * Lookups of access keys Nimbus never issued (the SDKs' default test keys, a key per test) are
 * remembered too, so that each request does not query the database; at most this many, the
 * oldest forgotten first, since the keys are whatever clients send.
 */
export const MAX_REMEMBERED_UNKNOWN_KEYS = 1024;

export class Identities {
  /** Issued keys looked up or issued since start; an entry goes when its row is purged. */
  private readonly known = new Map<string, IssuedKey>();
  /** Keys found in no row, oldest first (MAX_REMEMBERED_UNKNOWN_KEYS). */
  private readonly unknown = new Set<string>();
  private readonly db: PreparedStatements;

  constructor(
    private readonly state: StateLayer,
    private readonly clock: Clock,
  ) {
    state.migrate("auth", AUTH_MIGRATIONS);
    this.db = { prepare: cachedPrepare(state.db) };
    // Sessions that expired while Nimbus was stopped.
    this.purgeExpired();
  }

  /** The account a request is billed to; runs on every request, so it is cached. */
  accountOf(accessKeyId: string): string {
    return this.issued(accessKeyId)?.account ?? accountFromAccessKey(accessKeyId);
  }

  principalOf(accessKeyId: string): Principal {
    const key = this.issued(accessKeyId);
    if (key) return key;
    const account = accountFromAccessKey(accessKeyId);
    // Keys Nimbus never issued act as the account's root user, as the default test keys do.
    return { account, arn: `arn:aws:iam::${account}:root`, userId: account, session: false };
  }

  issued(accessKeyId: string): IssuedKey | undefined {
    const hit = this.lookup(accessKeyId);
    if (hit?.expiration !== undefined && hit.expiration <= this.clock.now()) return undefined;
    return hit;
  }

  /**
   * Issued session credentials whose expiration has passed: AWS refuses them (ExpiredToken).
   * Their rows are purged once expired (purgeExpired), so the session token, which carries its
   * expiration (sessionTokenExpiration), answers for a key whose row is gone.
   */
  expired(accessKeyId: string, sessionToken?: string): boolean {
    if (!accessKeyId) return false;
    const now = this.clock.now();
    const key = this.lookup(accessKeyId);
    if (key !== undefined) return key.expiration !== undefined && key.expiration <= now;
    const carried = sessionToken === undefined ? undefined : sessionTokenExpiration(sessionToken);
    return carried !== undefined && carried <= now;
  }

  issue(key: IssuedKey): void {
    this.db
      .prepare(
        `INSERT INTO auth_access_keys (access_key_id, secret_access_key, session_token, account_id, arn, user_id, expiration, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key.accessKeyId, key.secretAccessKey, key.sessionToken ?? null, key.account, key.arn, key.userId, key.expiration ?? null, this.clock.now());
    this.unknown.delete(key.accessKeyId);
    this.known.set(key.accessKeyId, key);
  }

  /**
   * Deletes the rows (and cached entries) of session credentials whose expiration has passed:
   * nothing authenticates with them any more, and a long-running Nimbus issues a session per
   * AssumeRole (Lambda takes one per function). Returns how many went.
   */
  purgeExpired(): number {
    const now = this.clock.now();
    const ids = this.db
      .prepare<[number], string>("SELECT access_key_id FROM auth_access_keys WHERE expiration IS NOT NULL AND expiration <= ?")
      .pluck()
      .all(now);
    if (ids.length === 0) return 0;
    this.db.prepare<[number]>("DELETE FROM auth_access_keys WHERE expiration IS NOT NULL AND expiration <= ?").run(now);
    for (const id of ids) this.known.delete(id);
    return ids.length;
  }

  /** Entries the lookup cache holds (known and unknown keys), for tests of its bounds. */
  get cachedKeys(): number {
    return this.known.size + this.unknown.size;
  }

  private lookup(accessKeyId: string): IssuedKey | undefined {
    if (!accessKeyId) return undefined;
    const hit = this.known.get(accessKeyId);
    if (hit !== undefined || this.unknown.has(accessKeyId)) return hit;
    const row = this.db.prepare<[string], Row>("SELECT * FROM auth_access_keys WHERE access_key_id = ?").get(accessKeyId);
    if (row) {
      const key = fromRow(row);
      this.known.set(accessKeyId, key);
      return key;
    }
    if (this.unknown.size >= MAX_REMEMBERED_UNKNOWN_KEYS) {
      const [oldest] = this.unknown;
      if (oldest !== undefined) this.unknown.delete(oldest);
    }
    this.unknown.add(accessKeyId);
    return undefined;
  }
}

function fromRow(row: Row): IssuedKey {
  return {
    accessKeyId: row.access_key_id,
    secretAccessKey: row.secret_access_key,
    ...(row.session_token ? { sessionToken: row.session_token } : {}),
    ...(row.expiration !== null ? { expiration: row.expiration } : {}),
    account: row.account_id,
    arn: row.arn,
    userId: row.user_id,
    session: row.session_token !== null,
  };
}
