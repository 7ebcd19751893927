/**
 * Who a request is from: the access keys Nimbus issued (STS session credentials, IAM user
 * keys) with their account and principal, and AWS's rule for keys it never issued. Access
 * keys are global, not regional: their rows carry no region.
 */
import type { Clock } from "../core/clock.js";
import { cachedPrepare, type PreparedStatements, type StateLayer } from "../state/database.js";
import { RowCache } from "../state/row-cache.js";
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
 * Access keys looked up are remembered, those Nimbus never issued too (the SDKs' default test
 * keys, a key per test), so that each request does not query the database; at most this many,
 * the longest held forgotten first, since the keys are whatever clients send.
 */
export const MAX_REMEMBERED_KEYS = 1024;

export class Identities {
  /** Keys as their rows say, and keys in no row; an issued key's entry goes when its row is purged. */
  private readonly keys = new RowCache<IssuedKey>(MAX_REMEMBERED_KEYS, true);
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
    // Remembered as missing until now; read from its row when first used.
    this.keys.forget(key.accessKeyId);
  }

  /**
   * Deletes the rows (and cached entries) of session credentials whose expiration has passed:
   * nothing authenticates with them any more, and a long-running Nimbus issues a session per
   * AssumeRole (Lambda takes one per function). Returns how many went.
   */
  purgeExpired(): number {
    const ids = this.db
      .prepare<[number], string>("DELETE FROM auth_access_keys WHERE expiration IS NOT NULL AND expiration <= ? RETURNING access_key_id")
      .pluck()
      .all(this.clock.now());
    for (const id of ids) this.keys.forget(id);
    return ids.length;
  }

  /** Keys the lookup cache holds, issued or not, for tests of its bound. */
  get cachedKeys(): number {
    return this.keys.size;
  }

  private lookup(accessKeyId: string): IssuedKey | undefined {
    if (!accessKeyId) return undefined;
    return this.keys.get(accessKeyId, () => {
      const row = this.db.prepare<[string], Row>("SELECT * FROM auth_access_keys WHERE access_key_id = ?").get(accessKeyId);
      return row ? fromRow(row) : undefined;
    });
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
