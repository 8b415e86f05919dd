import { isJwtError } from '../../errors.js';
import type { AuthEventRequestFacts, AuthEventSource, RequestRefusedEvent } from './auth-events.js';
import type { HttpRequestFacts } from './http-exchange.js';

/**
 * The events of a refused request, built from the neutral request facts.
 *
 * @internal
 * @module
 */

/**
 * The request facts every event carries: method, path without the query string, client address,
 * time. The client address is read only now (behind trusted proxies it walks the forwarded chain).
 *
 * @internal
 */
export function eventRequestFacts(request: HttpRequestFacts): AuthEventRequestFacts {
  return {
    method: request.method,
    path: readOr(() => request.path, '/'),
    clientAddress: readOr(() => request.clientAddress, undefined),
    at: new Date(),
  };
}

/** A fact read for an event: one that cannot be read must not change the answer. */
function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/**
 * A `request_refused` event.
 *
 * @internal
 */
export function refusalEvent(
  source: AuthEventSource,
  request: HttpRequestFacts,
  error: unknown,
  status: number,
  reason: string,
): RequestRefusedEvent {
  return {
    type: 'request_refused',
    source,
    code: isJwtError(error) ? error.code : undefined,
    reason,
    status,
    ...eventRequestFacts(request),
    error,
  };
}
