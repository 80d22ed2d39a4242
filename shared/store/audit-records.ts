/**
 * The `experiment_audit` table: every creation, change and transition of an experiment, with
 * when, which token (by its name) or which file, the statuses before and after, the reason
 * and the fields changed. Read oldest first, a page at a time.
 */
import type { Queryable } from '../adapters/database/database.ts';
import type { ExperimentStatus } from '../analysis/experiment-definition.ts';
import type { FieldChange } from '../experiments/definition-changes.ts';

/** What happened: the experiment was created, its definition changed, or its status moved. */
export type AuditAction = 'created' | 'changed' | 'status';

/** Who or what made a change. */
export interface ChangeActor {
  /** The name of the API token used (see `ABTEST_API_TOKENS`), or null. */
  readonly tokenName: string | null;
  /** `api`, or the definition file's name (`gs://raw/definitions/x.yaml`, `--definition x.yaml`). */
  readonly source: string;
}

/** A new entry of the log. */
export interface NewAuditEntry {
  readonly experimentId: string;
  readonly action: AuditAction;
  readonly actor: ChangeActor;
  readonly from: ExperimentStatus | null;
  readonly to: ExperimentStatus;
  readonly reason: string | null;
  readonly changes: readonly FieldChange[];
  /** The experiment's version after this change. */
  readonly version: number;
}

/** An entry as stored. */
export interface AuditRecord {
  readonly audit_id: string;
  readonly at: Date | string;
  readonly action: AuditAction;
  readonly token_name: string | null;
  readonly source: string;
  readonly from_status: ExperimentStatus | null;
  readonly to_status: ExperimentStatus;
  readonly reason: string | null;
  readonly changes: readonly FieldChange[];
  readonly version: number;
}

/**
 * Appends an entry, in the transaction making the change.
 * @param tx - the transaction
 * @param entry - what happened
 * @example await appendAudit(tx, { experimentId: 'e', action: 'created', ... })
 */
export async function appendAudit(tx: Queryable, entry: NewAuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO experiment_audit (experiment_id, action, token_name, source, from_status,
       to_status, reason, changes, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.experimentId,
      entry.action,
      entry.actor.tokenName,
      entry.actor.source,
      entry.from,
      entry.to,
      entry.reason,
      JSON.stringify(entry.changes),
      entry.version,
    ],
  );
}

/**
 * A page of an experiment's log, oldest first.
 * @param db - the database
 * @param experimentId - the experiment
 * @param after - the id of the last entry of the previous page, or undefined
 * @param limit - at most this many
 * @returns the entries
 * @example await auditEntries(db, 'exp1', undefined, 21)
 */
export async function auditEntries(
  db: Queryable,
  experimentId: string,
  after: string | undefined,
  limit: number,
): Promise<AuditRecord[]> {
  const result = await db.query<AuditRecord>(
    `SELECT audit_id::text AS audit_id, at, action, token_name, source, from_status, to_status,
       reason, changes, version
     FROM experiment_audit WHERE experiment_id = $1 AND audit_id > $2
     ORDER BY audit_id LIMIT $3`,
    [experimentId, after ?? '0', limit],
  );
  return [...result.rows];
}
