import { isJwtError } from '../errors.js';

/** Pretty JSON with a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The claims that hold a time in seconds since the epoch. */
const TIME_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time'] as const;

/** The time claims of a payload as ISO 8601 dates (only those that are valid times). */
export function timesOf(payload: Readonly<Record<string, unknown>>): Record<string, string> {
  const times: Record<string, string> = {};
  for (const claim of TIME_CLAIMS) {
    const value = payload[claim];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const date = new Date(value * 1000);
    if (Number.isFinite(date.getTime())) times[claim] = date.toISOString();
  }
  return times;
}

/** Human lines for the time claims, with `exp` and `nbf` compared with now. */
export function describeTimes(payload: Readonly<Record<string, unknown>>, now: Date): string {
  const times = timesOf(payload);
  const lines = Object.entries(times).map(([claim, iso]) => {
    const seconds = payload[claim] as number;
    let note = '';
    if (claim === 'exp') note = seconds * 1000 <= now.getTime() ? '  (expired)' : '  (not expired)';
    if (claim === 'nbf' && seconds * 1000 > now.getTime()) note = '  (not yet valid)';
    return `  ${claim.padEnd(9)} ${iso}${note}`;
  });
  return lines.length === 0 ? '' : `Times (UTC):\n${lines.join('\n')}\n`;
}

/** What a failure says, as plain data: code, message and the facts a `JwtError` carries. */
export interface ErrorReport {
  code: string;
  message: string;
  claim?: string;
  reason?: string;
  expiredAt?: string;
}

/** Turns a caught error into an {@link ErrorReport}; anything that is not a `JwtError` is a bug. */
export function reportOf(error: unknown): ErrorReport {
  if (isJwtError(error)) {
    const report: ErrorReport = { code: error.code, message: error.message };
    if (error.claim !== undefined) report.claim = error.claim;
    if (error.reason !== undefined) report.reason = error.reason;
    if (error.expiredAt !== undefined) report.expiredAt = error.expiredAt.toISOString();
    return report;
  }
  const name = error instanceof Error ? error.name : typeof error;
  return { code: 'ERR_INTERNAL', message: `unexpected ${name}: please report this as a bug` };
}

/** One or two human lines for an {@link ErrorReport}. */
export function describeError(report: ErrorReport): string {
  const facts = [
    report.claim === undefined ? undefined : `claim: ${report.claim}`,
    report.reason === undefined ? undefined : `reason: ${report.reason}`,
    report.expiredAt === undefined ? undefined : `expired at: ${report.expiredAt}`,
  ].filter((fact) => fact !== undefined);
  return `${report.code}: ${report.message}${facts.length === 0 ? '' : `\n  ${facts.join(', ')}`}\n`;
}
