// A NestJS guard over jwtkit/express: Nest on its default Express platform hands the guard
// Express's request and response, and jwtkit's middleware answers refusals itself (RFC 6750).
import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { authenticate, getAuth, type AuthenticateOptions, type Middleware, type RequestAuth } from 'jwtkit/express';

/** The provider token of the authenticate options (see app.module.ts). */
export const JWT_AUTH_OPTIONS = Symbol('JWT_AUTH_OPTIONS');

const SCOPES = 'jwtkit:scopes';
const PUBLIC = 'jwtkit:public';

/** `@Scopes('orders:read')`: the route (or every route of the controller) needs these scopes. */
export const Scopes = (...scopes: string[]) => SetMetadata(SCOPES, scopes);

/** `@Public()`: the route needs no token. */
export const Public = () => SetMetadata(PUBLIC, true);

/** `@Auth()`: the verified token of the request, as a handler parameter. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): RequestAuth => {
  return getAuth(context.switchToHttp().getRequest<Request>());
});

@Injectable()
export class JwtAuthGuard implements CanActivate {
  /** One middleware per set of required scopes, made (and its options checked) on first use. */
  private readonly middlewares = new Map<string, Middleware>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_AUTH_OPTIONS) private readonly options: AuthenticateOptions,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets) === true) return true;
    const scopes = this.reflector.getAllAndOverride<string[]>(SCOPES, targets) ?? [];
    const middleware = this.middlewareFor(scopes);
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    return new Promise((resolve) => {
      // A refusal is answered by jwtkit (401, 403, ...): the guard then says no, and Nest, seeing
      // the response sent, adds nothing.
      res.once('finish', () => resolve(false));
      middleware(req, res, () => resolve(true));
    });
  }

  private middlewareFor(scopes: readonly string[]): Middleware {
    const key = [...scopes].sort().join(' ');
    let middleware = this.middlewares.get(key);
    if (middleware === undefined) {
      middleware = authenticate(scopes.length === 0 ? this.options : { ...this.options, requiredScopes: scopes });
      this.middlewares.set(key, middleware);
    }
    return middleware;
  }
}
