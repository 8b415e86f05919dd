// Type tests: the claims type flows into req.auth (Express), the Fetch results and handlers, and
// the token service. Checked by tsc (typecheck.test.ts); harmless when vitest runs them.
import type { IncomingMessage } from 'node:http';
import type { Request as ExpressRequest } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import type { AuthRequest, RequestAuth } from '../../src/adapters/express/index.js';
import {
  authenticateRequest,
  requireScopes,
  withAuth,
  type OptionalAuthenticateOptions,
  type RequiredAuthenticateOptions,
} from '../../src/adapters/fetch/index.js';
import { createTokenService, type JwtClaims, type TokenService, type VerifyResult } from '../../src/index.js';

interface AppClaims {
  scope: string;
  tenant: number;
}

declare const required: RequiredAuthenticateOptions;
declare const optional: OptionalAuthenticateOptions;

describe('types: Express req.auth', () => {
  it('carries the claims type', () => {
    expectTypeOf<AuthRequest<AppClaims>['auth']>().toEqualTypeOf<RequestAuth<AppClaims> | undefined>();
    expectTypeOf<NonNullable<AuthRequest<AppClaims>['auth']>['payload']>().toEqualTypeOf<AppClaims & JwtClaims>();
    expectTypeOf<NonNullable<AuthRequest<AppClaims>['auth']>['payload']['tenant']>().toEqualTypeOf<number>();
  });

  it('keeps the members of the request type it extends', () => {
    expectTypeOf<AuthRequest<AppClaims, ExpressRequest>>().toExtend<ExpressRequest>();
    expectTypeOf<AuthRequest<AppClaims>>().toExtend<IncomingMessage>();
    expectTypeOf<AuthRequest<AppClaims, ExpressRequest>['params']>().toEqualTypeOf<ExpressRequest['params']>();
  });
});

describe('types: Fetch results and handlers', () => {
  it('authenticateRequest returns the typed auth or a Response (or undefined when anonymous is allowed)', () => {
    const requiredCall = () => authenticateRequest<AppClaims>(new Request('https://x.test'), required);
    expectTypeOf(requiredCall).returns.resolves.toEqualTypeOf<RequestAuth<AppClaims> | Response>();
    const optionalCall = () => authenticateRequest<AppClaims>(new Request('https://x.test'), optional);
    expectTypeOf(optionalCall).returns.resolves.toEqualTypeOf<RequestAuth<AppClaims> | Response | undefined>();
  });

  it('withAuth hands the typed auth to the handler: always defined unless anonymous is allowed', () => {
    // Only compiled: the options are declared, not built.
    const handlers = () => [
      withAuth<AppClaims>(required, (_request, auth) => {
        expectTypeOf(auth).toEqualTypeOf<RequestAuth<AppClaims>>();
        expectTypeOf(auth.payload.scope).toEqualTypeOf<string>();
        return new Response();
      }),
      withAuth<AppClaims>(optional, (_request, auth) => {
        expectTypeOf(auth).toEqualTypeOf<RequestAuth<AppClaims> | undefined>();
        return new Response();
      }),
      withAuth<AppClaims>(
        required,
        requireScopes(['read'], (_request, auth) => {
          expectTypeOf(auth.payload.tenant).toEqualTypeOf<number>();
          return new Response();
        }),
      ),
    ];
    expectTypeOf(handlers).returns.items.toEqualTypeOf<(request: Request) => Promise<Response>>();
  });

  it('a handler must return a Response', () => {
    // @ts-expect-error a string is not a Response
    const handler = () => withAuth<AppClaims>(required, () => 'hello');
    expectTypeOf(handler).not.toBeAny();
  });
});

describe('types: the token service', () => {
  it('types verifyAccessToken with the service claims', () => {
    const make = () => createTokenService<AppClaims>({ key: 'x'.repeat(32), alg: 'HS256', issuer: 'i', audience: 'a' });
    expectTypeOf(make).returns.toEqualTypeOf<TokenService<AppClaims>>();
    expectTypeOf<Awaited<ReturnType<TokenService<AppClaims>['verifyAccessToken']>>>().toExtend<VerifyResult<AppClaims>>();
    expectTypeOf<Awaited<ReturnType<TokenService<AppClaims>['verifyAccessToken']>>['payload']['tenant']>().toEqualTypeOf<number>();
  });

  it('refuses claims of the wrong shape at issue', () => {
    const issueWrong = (service: TokenService<AppClaims>) =>
      // @ts-expect-error tenant must be a number
      service.issue('user-1', { scope: 'read', tenant: 'acme' });
    expectTypeOf(issueWrong).not.toBeAny();
  });
});
