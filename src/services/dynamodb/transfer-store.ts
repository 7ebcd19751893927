/**
 * The records of exports to S3 and imports from S3 (`dynamodb_transfers`), and the reads of
 * point-in-time recovery's item history that an incremental export needs. Kept apart from
 * DynamoStore so that the transfer jobs own their SQL.
 */
import type { Scope } from "../../core/service.js";
import { cachedPrepare, type PreparedStatements, type StateLayer } from "../../state/database.js";

export type TransferKind = "export" | "import" | "bulk";

export interface TransferRow<R> {
  readonly scope: Scope;
  readonly arn: string;
  readonly clientToken: string;
  readonly fingerprint: string;
  readonly createdAt: number;
  readonly record: R;
}

interface SqlRow {
  account_id: string;
  region: string;
  arn: string;
  client_token: string;
  fingerprint: string;
  created_at: number;
  record: string;
}

const COLUMNS = "account_id, region, arn, client_token, fingerprint, created_at, record";
const PAGE = 256;

function rowOf<R>(r: SqlRow): TransferRow<R> {
  return {
    scope: { account: r.account_id, region: r.region },
    arn: r.arn,
    clientToken: r.client_token,
    fingerprint: r.fingerprint,
    createdAt: r.created_at,
    record: JSON.parse(r.record) as R,
  };
}

/** One item changed inside an incremental export's window. */
export interface WindowChange {
  readonly pk: string;
  readonly sk: string;
  /** The item just before the window (null: it did not exist). */
  readonly before: string | null;
  /** Epoch ms of its last change inside the window. */
  readonly lastChangedAt: number;
}

export class TransferStore {
  private readonly db: PreparedStatements;

  constructor(state: StateLayer) {
    this.db = { prepare: cachedPrepare(state.db) };
  }

  insert<R extends { readonly status: string; readonly tableArn: string }>(scope: Scope, kind: TransferKind, row: Omit<TransferRow<R>, "scope">): void {
    this.db
      .prepare(
        `INSERT INTO dynamodb_transfers (account_id, region, arn, kind, table_arn, client_token, fingerprint, status, created_at, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(scope.account, scope.region, row.arn, kind, row.record.tableArn, row.clientToken, row.fingerprint, row.record.status, row.createdAt, JSON.stringify(row.record));
  }

  save<R extends { readonly status: string }>(scope: Scope, arn: string, record: R): void {
    this.db
      .prepare("UPDATE dynamodb_transfers SET status = ?, record = ? WHERE account_id = ? AND region = ? AND arn = ?")
      .run(record.status, JSON.stringify(record), scope.account, scope.region, arn);
  }

  get<R>(scope: Scope, kind: TransferKind, arn: string): TransferRow<R> | undefined {
    const row = this.db
      .prepare<[string, string, string, string], SqlRow>(`SELECT ${COLUMNS} FROM dynamodb_transfers WHERE account_id = ? AND region = ? AND arn = ? AND kind = ?`)
      .get(scope.account, scope.region, arn, kind);
    return row ? rowOf<R>(row) : undefined;
  }

  /** The latest job of this kind that used `token` at or after `notBefore`. */
  byToken<R>(scope: Scope, kind: TransferKind, token: string, notBefore: number): TransferRow<R> | undefined {
    const row = this.db
      .prepare<[string, string, string, string, number], SqlRow>(
        `SELECT ${COLUMNS} FROM dynamodb_transfers WHERE account_id = ? AND region = ? AND kind = ? AND client_token = ? AND created_at >= ?
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(scope.account, scope.region, kind, token, notBefore);
    return row ? rowOf<R>(row) : undefined;
  }

  /** Jobs in start order (then ARN), strictly after `after`, optionally of one table. */
  list<R>(
    scope: Scope,
    kind: TransferKind,
    tableArn: string | undefined,
    after: { createdAt: number; arn: string } | undefined,
    limit: number,
    tableId?: string,
  ): TransferRow<R>[] {
    const where = ["account_id = ?", "region = ?", "kind = ?"];
    const args: unknown[] = [scope.account, scope.region, kind];
    if (tableArn !== undefined) {
      where.push("table_arn = ?");
      args.push(tableArn);
    }
    if (tableId !== undefined) {
      where.push("json_extract(record, '$.tableId') = ?");
      args.push(tableId);
    }
    if (after !== undefined) {
      where.push("(created_at, arn) > (?, ?)");
      args.push(after.createdAt, after.arn);
    }
    return this.db
      .prepare<unknown[], SqlRow>(`SELECT ${COLUMNS} FROM dynamodb_transfers WHERE ${where.join(" AND ")} ORDER BY created_at, arn LIMIT ${Math.max(0, Math.floor(limit))}`)
      .all(...args)
      .map((r) => rowOf<R>(r));
  }

  /** Jobs of every account and region still running or being cancelled (to resume after a restart). */
  inProgress<R>(kind: TransferKind): TransferRow<R>[] {
    return this.db
      .prepare<[string], SqlRow>(`SELECT ${COLUMNS} FROM dynamodb_transfers WHERE status IN ('IN_PROGRESS', 'CANCELLING') AND kind = ? ORDER BY created_at`)
      .all(kind)
      .map((r) => rowOf<R>(r));
  }

  /** How many jobs of this kind are running or being cancelled, in the scope or on one table of it. */
  activeCount(scope: Scope, kind: TransferKind, tableArn?: string): number {
    const row = this.db
      .prepare<unknown[], { n: number }>(
        `SELECT COUNT(*) AS n FROM dynamodb_transfers WHERE account_id = ? AND region = ? AND kind = ? AND status IN ('IN_PROGRESS', 'CANCELLING')${tableArn !== undefined ? " AND table_arn = ?" : ""}`,
      )
      .get(scope.account, scope.region, kind, ...(tableArn !== undefined ? [tableArn] : []));
    return row?.n ?? 0;
  }

  // -------------------------------------------------------------------------------------------
  // Item history for incremental exports

  /**
   * Items changed at or after `from` and before `to`, in key order, fetched in pages: each
   * with its image just before `from` (the before-image of its first change in the window).
   */
  *changesBetween(scope: Scope, tableId: string, from: number, to: number): Generator<WindowChange> {
    let after: { pk: string; sk: string } | undefined;
    for (;;) {
      // SQLite takes the bare columns of a MIN() aggregate from the row holding the minimum.
      const rows = this.db
        .prepare<unknown[], { pk: string; sk: string; before: string | null; first: number; last: number }>(
          `SELECT pk, sk, before, MIN(seq) AS first, MAX(changed_at) AS last FROM dynamodb_item_history
           WHERE account_id = ? AND region = ? AND table_id = ? AND changed_at >= ? AND changed_at < ?${after ? " AND (pk, sk) > (?, ?)" : ""}
           GROUP BY pk, sk ORDER BY pk, sk LIMIT ${PAGE}`,
        )
        .all(scope.account, scope.region, tableId, from, to, ...(after ? [after.pk, after.sk] : []));
      for (const r of rows) yield { pk: r.pk, sk: r.sk, before: r.before, lastChangedAt: r.last };
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1];
    }
  }

  /**
   * The item as it was just before `at`: the before-image of its first change at or after
   * `at` (null: it did not exist), or undefined when it has not changed since (it is as it is now).
   */
  imageBefore(scope: Scope, tableId: string, pk: string, sk: string, at: number): { before: string | null } | undefined {
    return this.db
      .prepare<[string, string, string, string, string, number], { before: string | null }>(
        `SELECT before FROM dynamodb_item_history WHERE account_id = ? AND region = ? AND table_id = ? AND pk = ? AND sk = ? AND changed_at >= ?
         ORDER BY seq LIMIT 1`,
      )
      .get(scope.account, scope.region, tableId, pk, sk, at);
  }
}
