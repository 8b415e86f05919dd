/**
 * An in-process PGlite database (PostgreSQL compiled to WebAssembly, from npm): always available,
 * so the PostgreSQL stores are tested even where no server is installed. PGlite's own
 * `query(text, params)` fits the stores' client type, so no wrapper is needed.
 */
import { PGlite } from '@electric-sql/pglite';

/** A fresh in-memory PGlite database and how to close it. */
export async function startPglite(): Promise<{ db: PGlite; close: () => Promise<void> }> {
  const db = await PGlite.create();
  return { db, close: () => db.close() };
}
