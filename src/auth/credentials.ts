/**
 * Who a request is from: the access keys Nimbus issued (STS session credentials, IAM user
 * keys) with their account and principal, and AWS's rule for keys it never issued. Access
 * keys are global, not regional: their rows carry no region.
 */
import type { Clock } from "../core/clock.js";
import type { StateLayer } from "../state/database.js";
import { accountFromAccessKey } from "./identity.js";

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

export class Identities {
  private readonly cache = new Map<string, IssuedKey | null>();

  constructor(
    private readonly state: StateLayer,
    private readonly clock: Clock,
  ) {
    state.migrate("auth", [
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
    ]);
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
    if (!accessKeyId) return undefined;
    let hit = this.cache.get(accessKeyId);
    if (hit === undefined) {
      const row = this.state.db.prepare("SELECT * FROM auth_access_keys WHERE access_key_id = ?").get(accessKeyId) as Row | undefined;
      hit = row ? fromRow(row) : null;
      this.cache.set(accessKeyId, hit);
    }
    if (hit?.expiration !== undefined && hit.expiration <= this.clock.now()) return undefined;
    return hit ?? undefined;
  }

  /** Issued session credentials whose expiration has passed: AWS refuses them (ExpiredToken). */
  expired(accessKeyId: string): boolean {
    if (!accessKeyId) return false;
    this.issued(accessKeyId);
    const key = this.cache.get(accessKeyId);
    return key?.expiration !== undefined && key.expiration <= this.clock.now();
  }

  issue(key: IssuedKey): void {
    this.state.db
      .prepare(
        `INSERT INTO auth_access_keys (access_key_id, secret_access_key, session_token, account_id, arn, user_id, expiration, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key.accessKeyId, key.secretAccessKey, key.sessionToken ?? null, key.account, key.arn, key.userId, key.expiration ?? null, this.clock.now());
    this.cache.set(key.accessKeyId, key);
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
