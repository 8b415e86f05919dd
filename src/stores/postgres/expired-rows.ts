/**
 * `deleteExpired` of the PostgreSQL stores: rows past their `expires_at` removed in batches, one
 * short statement each, so a large backlog never holds locks or a transaction for long, and no
 * more batches than fit in the store's `deleteBudget` per call.
 *
 * @module
 * @internal
 */
import { assertInTime, GATE_CTE, integerColumn, type PostgresExecutor } from './client.js';

/** The most rows one statement removes. @internal */
export const DELETE_BATCH_SIZE = 1000;

/**
 * A fenced statement that removes at most `$3` rows of `table` with `expires_at <= $2` and answers
 * how many (`removed`). The rows are picked by `ctid` under `FOR UPDATE SKIP LOCKED`: concurrent
 * clean-ups (one per instance) share the backlog instead of waiting for each other, and a row a
 * rotation holds is left for the next batch. @internal
 */
export function deleteExpiredStatement(table: string): string {
  return `WITH ${GATE_CTE},
removed AS (
  DELETE FROM ${table} WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM ${table} WHERE expires_at <= $2::bigint AND (SELECT open FROM gate)
    LIMIT $3::int FOR UPDATE SKIP LOCKED
  ))
  RETURNING 1
)
SELECT gate.open, (SELECT count(*) FROM removed)::int AS removed FROM gate`;
}

/**
 * Runs each {@link deleteExpiredStatement} of `statements` in turn, batch after batch, until a batch
 * removes less than a full batch or `budgetMs` has passed since the call started; resolves to the
 * rows removed per statement. Every statement runs at least one batch, so each table makes progress
 * on every call and a call that finds expired rows anywhere removes some; the budget is checked
 * between batches only, so a call lasts at most the budget plus one batch. Each batch is its own
 * write (its own transaction with a connection lender): a call that rejects may have removed some
 * expired rows, never a live one. @internal
 */
export async function deleteInBatches(
  db: PostgresExecutor,
  statements: readonly string[],
  now: number,
  budgetMs: number,
  batchSize = DELETE_BATCH_SIZE,
): Promise<number[]> {
  const stopAt = Date.now() + budgetMs;
  const counts: number[] = [];
  for (const statement of statements) {
    let total = 0;
    for (;;) {
      const [row] = await db.write(statement, [now, batchSize]);
      assertInTime(row);
      const removed = integerColumn(row?.['removed']);
      total += removed;
      if (removed < batchSize || Date.now() >= stopAt) break;
    }
    counts.push(total);
  }
  return counts;
}
