// A RefreshTokenStore over two tables, `families` and `tokens`. Maps stand in for the tables:
// replace them with your database, and the synchronous middle of `rotate` with one transaction
// that locks the family row.
import type { NewRefreshTokenRecord, RefreshRevocationReason, RefreshTokenRecord, RefreshTokenStore, RotateResult } from 'jwtkit';

interface FamilyRow {
  subject: string;
  revokedReason: RefreshRevocationReason | null;
  tokenCount: number;
}

interface TokenRow extends Omit<NewRefreshTokenRecord, 'claims'> {
  claimsJson: string; // stored serialised: the store must not keep the caller's object
  usedAt: number | null;
}

export class TableRefreshTokenStore implements RefreshTokenStore {
  readonly #families = new Map<string, FamilyRow>();
  readonly #tokens = new Map<string, TokenRow>();

  async insert(record: NewRefreshTokenRecord): Promise<void> {
    this.#add(record);
  }

  async find(hash: string): Promise<RefreshTokenRecord | null> {
    const row = this.#tokens.get(hash);
    return row === undefined ? null : this.#read(row);
  }

  async rotate(oldHash: string, successor: NewRefreshTokenRecord, now: number): Promise<RotateResult> {
    // BEGIN; SELECT ... FROM families WHERE id = $1 FOR UPDATE; -- in SQL
    const row = this.#tokens.get(oldHash);
    if (row === undefined) return { status: 'unknown' };
    if (this.#families.get(row.familyId)?.revokedReason != null) return { status: 'revoked', record: this.#read(row) };
    if (row.usedAt !== null) return { status: 'used', record: this.#read(row) };
    if (now >= row.expiresAt || (row.idleExpiresAt !== null && now >= row.idleExpiresAt))
      return { status: 'expired', record: this.#read(row) };
    row.usedAt = now;
    this.#add(successor);
    return { status: 'rotated', record: this.#read(row) };
    // COMMIT;
  }

  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    const family = this.#families.get(familyId);
    if (family !== undefined) family.revokedReason ??= reason; // the first reason is kept
  }

  async revokeSubject(subject: string, reason: RefreshRevocationReason): Promise<void> {
    for (const family of this.#families.values()) if (family.subject === subject) family.revokedReason ??= reason;
  }

  async deleteExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [hash, row] of this.#tokens) {
      if (row.expiresAt > now) continue;
      this.#tokens.delete(hash);
      removed += 1;
      const family = this.#families.get(row.familyId) as FamilyRow;
      family.tokenCount -= 1;
      if (family.tokenCount === 0) this.#families.delete(row.familyId);
    }
    return removed;
  }

  #add(record: NewRefreshTokenRecord): void {
    // A unique key on tokens.hash: a store must never replace a record.
    if (this.#tokens.has(record.hash)) throw new Error('duplicate refresh token hash');
    const { claims, ...columns } = record;
    this.#tokens.set(record.hash, { ...columns, claimsJson: JSON.stringify(claims), usedAt: null });
    const family = this.#families.get(record.familyId) ?? { subject: record.subject, revokedReason: null, tokenCount: 0 };
    family.tokenCount += 1;
    this.#families.set(record.familyId, family);
  }

  #read(row: TokenRow): RefreshTokenRecord {
    const { claimsJson, ...columns } = row;
    const revokedReason = this.#families.get(row.familyId)?.revokedReason ?? null;
    return { ...columns, claims: JSON.parse(claimsJson) as Record<string, unknown>, revoked: revokedReason !== null, revokedReason };
  }
}
