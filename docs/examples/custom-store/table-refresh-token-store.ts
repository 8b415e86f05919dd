// A RefreshTokenStore (contract v2) over one table, `families`: one row per session, whatever the
// number of rotations. A Map stands in for the table: replace it with your database, and the
// synchronous middle of each method with one statement or one transaction.
import {
  JwtError,
  type NewRefreshFamily,
  type PresentedRefreshToken,
  type RefreshFamily,
  type RefreshRevocationReason,
  type RefreshSuccessor,
  type RefreshTokenStore,
  type RevokedFamily,
  type RotateResult,
} from 'jwtkit';

interface FamilyRow extends Omit<RefreshFamily, 'claims' | 'revoked'> {
  claimsJson: string; // stored serialised: the store must not keep the caller's object
}

export class TableRefreshTokenStore implements RefreshTokenStore {
  readonly #families = new Map<string, FamilyRow>();

  async insert(family: NewRefreshFamily, maxFamiliesPerSubject: number): Promise<RevokedFamily[]> {
    // A primary key on family_id: a store must never replace a family (the contract's error for it).
    if (this.#families.has(family.familyId)) throw new JwtError('ERR_INVALID_OPTION', 'a refresh token family with this id already exists');
    const { claims, ...columns } = family;
    this.#families.set(family.familyId, {
      ...columns,
      claimsJson: JSON.stringify(claims),
      generation: 0,
      rotatedAt: null,
      revokedReason: null,
    });
    // The session cap: SELECT ... WHERE subject = $1 AND revoked_reason IS NULL AND <not expired, idle included>
    //   ORDER BY created_at, family_id COLLATE "C"
    const now = family.createdAt;
    const live = [...this.#families.values()]
      .filter((row) => row.subject === family.subject && row.revokedReason === null && !isExpired(row, now))
      .sort((a, b) => a.createdAt - b.createdAt || (a.familyId < b.familyId ? -1 : 1));
    const ended = live.filter((row) => row.familyId !== family.familyId).slice(0, Math.max(0, live.length - maxFamiliesPerSubject));
    for (const row of ended) row.revokedReason = 'session_limit';
    return ended.map(({ familyId, expiresAt }) => ({ familyId, expiresAt }));
  }

  async find(familyId: string): Promise<RefreshFamily | null> {
    const row = this.#families.get(familyId);
    return row === undefined ? null : read(row);
  }

  async rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number): Promise<RotateResult> {
    // In SQL: UPDATE families SET generation = generation + 1, hash = $4, ... WHERE family_id = $1
    //   AND generation = $2 AND hash = $3 AND revoked_reason IS NULL AND <not expired> RETURNING *
    const row = this.#families.get(presented.familyId);
    if (row === undefined || presented.generation > row.generation) return { status: 'unknown' };
    if (presented.generation === row.generation && presented.hash !== row.hash) return { status: 'unknown' };
    if (row.revokedReason !== null) return { status: 'revoked', family: read(row) };
    if (presented.generation < row.generation) {
      return { status: 'used', family: read(row), successorUsed: row.generation > presented.generation + 1 };
    }
    if (isExpired(row, now)) return { status: 'expired', family: read(row) };
    Object.assign(row, {
      generation: row.generation + 1,
      hash: successor.hash,
      idleExpiresAt: successor.idleExpiresAt,
      claimsJson: JSON.stringify(successor.claims),
      rotatedAt: now,
    });
    return { status: 'rotated', family: read(row) };
  }

  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    const row = this.#families.get(familyId);
    if (row !== undefined) row.revokedReason ??= reason; // the first reason is kept
  }

  async revokeSubject(subject: string, reason: RefreshRevocationReason, now: number): Promise<RevokedFamily[]> {
    const answered: RevokedFamily[] = [];
    for (const row of this.#families.values()) {
      if (row.subject !== subject) continue;
      row.revokedReason ??= reason;
      if (row.expiresAt > now) answered.push({ familyId: row.familyId, expiresAt: row.expiresAt }); // revoked before too
    }
    return answered;
  }

  async deleteExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [familyId, row] of this.#families) {
      if (row.expiresAt <= now && this.#families.delete(familyId)) removed += 1;
    }
    return removed;
  }
}

function isExpired(row: FamilyRow, now: number): boolean {
  return now >= row.expiresAt || (row.idleExpiresAt !== null && now >= row.idleExpiresAt);
}

function read(row: FamilyRow): RefreshFamily {
  const { claimsJson, ...columns } = row;
  return { ...columns, claims: JSON.parse(claimsJson) as Record<string, unknown>, revoked: row.revokedReason !== null };
}
