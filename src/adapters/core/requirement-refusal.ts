import { JwtError } from '../../errors.js';
import { checkOptionNames } from '../../internal/option-names.js';
import { authEventSink, type AuthEventSink } from './auth-events.js';
import { normalizeRealm, type RequestAuth } from './authenticate-options.js';
import { writeDefaultAuthEventLog } from './default-auth-event-log.js';
import { authenticationErrorReply, insufficientScopeError, insufficientScopeReply } from './error-replies.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import { issuedAuthContext, isIssuedAuth, type IssuedAuthContext } from './issued-auth.js';
import { refusalEvent } from './refusal-event.js';
import { refusalReason } from './refusal-reasons.js';
import { REQUIREMENT_OPTION_NAMES } from './requirements.js';
import type { Refusal, Requirement, RequirementOptions } from './requirements.js';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * The refusals of the standalone authorization helpers (`requireScopes`, ...) of every framework:
 * the answer, and the event, reported where the authentication that made the request's auth
 * reports, unless the helper has its own `onAuthEvent`.
 *
 * @internal
 * @module
 */

/** {@link RequirementOptions} checked once. */
interface RequirementPolicy {
  readonly realm: string | undefined;
  /** `undefined`: report where the request's authentication reports. */
  readonly events: AuthEventSink | undefined;
}

/**
 * Validates {@link RequirementOptions}.
 *
 * @throws ERR_INVALID_OPTION for an unknown name, a bad `realm`, or an `onAuthEvent` that is not a function.
 */
function normalizeRequirementOptions(options: RequirementOptions | undefined, subject: string): RequirementPolicy {
  checkOptionNames(options, REQUIREMENT_OPTION_NAMES, subject);
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
 */
function requirementRefusal(
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

/** A refusal of an authorization helper: the answer, and whether the framework's error handling gets it instead (`passErrors`). @internal */
export interface RequirementDenial {
  readonly reply: HttpReply;
  readonly error: JwtError;
  readonly passErrors: boolean;
}

/**
 * The check of one authorization helper (`requireScopes`, ...) of any framework, its options
 * checked once, here: the request passes only with an auth object jwtkit's authentication made
 * (docs/security.md, "Authorization checks") that meets `requirement`; otherwise the refusal is
 * reported and answered. Each framework reads the auth from where it keeps it (as an own member)
 * and gives its request facts for the trusted proxies of that authentication.
 *
 * @param subject - the helper (`requireScopes`, ...), as refusals of its options and requests name it.
 * @returns `undefined` for a request that passes, else its {@link RequirementDenial}.
 * @throws ERR_INVALID_OPTION (at once) for a bad option.
 * @internal
 */
export function requirementCheck(
  requirement: Requirement,
  options: RequirementOptions | undefined,
  subject: string,
): (auth: unknown, requestFacts: (proxies: TrustedProxies | undefined) => HttpRequestFacts) => RequirementDenial | undefined {
  const policy = normalizeRequirementOptions(options, subject);
  return (auth, requestFacts) => {
    const issued = isIssuedAuth(auth) ? (auth as RequestAuth) : undefined;
    const refusal = issued === undefined ? undefined : requirement(issued.payload, issued.header);
    if (issued !== undefined && refusal === undefined) return undefined;
    const context = issuedAuthContext(issued);
    const { reply, error } = requirementRefusal(requestFacts(context?.trustedProxies), policy, context, subject, refusal);
    return { reply, error, passErrors: context?.passErrors ?? false };
  };
}
