import { JwtError } from '../../errors.js';
import { authEventSink, type AuthEventSink } from './auth-events.js';
import { normalizeRealm } from './authenticate-options.js';
import { writeDefaultAuthEventLog } from './default-auth-event-log.js';
import { authenticationErrorReply, insufficientScopeError, insufficientScopeReply } from './error-replies.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import type { IssuedAuthContext } from './issued-auth.js';
import { refusalEvent } from './refusal-event.js';
import { refusalReason } from './refusal-reasons.js';
import type { Refusal, RequirementOptions } from './requirements.js';

/**
 * The refusals of the standalone authorization helpers (`requireScopes`, ...) of every framework:
 * the answer, and the event, reported where the authentication that made the request's auth
 * reports, unless the helper has its own `onAuthEvent`.
 *
 * @internal
 * @module
 */

/** {@link RequirementOptions} checked once. @internal */
export interface RequirementPolicy {
  readonly realm: string | undefined;
  /** `undefined`: report where the request's authentication reports. */
  readonly events: AuthEventSink | undefined;
}

/**
 * Validates the values of {@link RequirementOptions} (the names are checked by the caller).
 *
 * @throws ERR_INVALID_OPTION for a bad `realm`, or an `onAuthEvent` that is not a function.
 * @internal
 */
export function normalizeRequirementOptions(options: RequirementOptions | undefined): RequirementPolicy {
  return Object.freeze({
    realm: options?.realm === undefined ? undefined : normalizeRealm(options.realm),
    events: options?.onAuthEvent === undefined ? undefined : authEventSink(options.onAuthEvent, undefined),
  });
}

/**
 * The answer to a request a helper refuses, reported: `refusal` is what the requirement said of
 * the request's auth, or `undefined` when the request has no auth that `authenticate` made (401).
 *
 * @param subject - the helper (`requireScopes`, ...), as the reason names it.
 * @internal
 */
export function requirementRefusal(
  request: HttpRequestFacts,
  policy: RequirementPolicy,
  context: IssuedAuthContext | undefined,
  subject: string,
  refusal: Refusal | undefined,
): { readonly reply: HttpReply; readonly error: JwtError } {
  const events = policy.events ?? context?.events ?? writeDefaultAuthEventLog;
  if (refusal === undefined) {
    const error = new JwtError(
      'ERR_CREDENTIALS_MISSING',
      `${subject}: the request was not authenticated: authenticate did not run before ${subject} on this route ` +
        '(mount it first), or it let an anonymous request through (credentialsRequired: false)',
    );
    const reply = authenticationErrorReply(error, policy.realm ?? 'api');
    events(refusalEvent('requirement', request, error, reply.status, error.message));
    return { reply, error };
  }
  const error = insufficientScopeError(refusal.scope, refusal.anyOf);
  const reply = insufficientScopeReply(policy.realm ?? context?.realm ?? 'api', refusal.scope);
  events(refusalEvent('requirement', request, error, reply.status, refusalReason(error)));
  return { reply, error };
}
