/**
 * `requireAnyScope` (express-oauth2-jwt-bearer's `scopeIncludesAny`) and the access token in a
 * form-encoded body (RFC 6750 §2.2, `allowBodyToken`), through Express 5 and Express 4 (the body
 * parsed by `express.urlencoded()`) and through `jwtkit/fetch` (the body parsed by the caller).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express/index.js';
import type { AuthRequest } from '../../src/adapters/express/index.js';
import type { RequiredAuthenticateOptions } from '../../src/adapters/fetch/index.js';
import * as fetchAdapter from '../../src/adapters/fetch/index.js';
import { generateKeyPair, sign } from '../../src/index.js';
import type { GeneratedKeyPair, JwtClaims } from '../../src/index.js';
import { call, expectChallenge, jsonOf, type Answer } from './helpers/http-client.js';

const NOW = 1_700_000_000;
const clock = (): Date => new Date(NOW * 1000);
const ISSUER = 'https://auth.test';
const ANY_SCOPE_CHALLENGE =
  'Bearer realm="api", error="insufficient_scope", error_description="The access token does not grant access to this resource", scope="reports:read admin"';
const INVALID_REQUEST = 'Bearer realm="api", error="invalid_request", error_description="The request is malformed"';

let pair: GeneratedKeyPair;
let options: RequiredAuthenticateOptions;
let bodyOptions: RequiredAuthenticateOptions;

const token = (claims: JwtClaims = {}): Promise<string> =>
  sign({ sub: 'user-1', ...claims }, pair.privateKey, { alg: 'ES256', issuer: ISSUER, audience: 'api', clock, expiresIn: 600 });

/** One protected resource, asked the same way on every stack. */
interface Stack {
  name: string;
  /** GET /reports, behind requireAnyScope(['reports:read', 'admin']). */
  reports(bearer: string): Promise<Answer>;
  /** `method` /form with `body` (form-encoded unless `contentType` says otherwise), authenticated with allowBodyToken. */
  form(method: string, body: string, headers?: Record<string, string>): Promise<Answer>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

const FORM = 'application/x-www-form-urlencoded';
const servers: Server[] = [];

async function expressStack(name: string, createApp: typeof express): Promise<Stack> {
  const app = createApp();
  const answer = (req: AuthRequest, res: express.Response): void => {
    res.json({ handled: true, sub: req.auth?.payload.sub ?? null });
  };
  app.get('/reports', expressAdapter.authenticate(options), expressAdapter.requireAnyScope(['reports:read', 'admin']), answer);
  app.all('/form', createApp.urlencoded({ extended: false }), expressAdapter.authenticate(bodyOptions), answer);
  const server = createServer(app);
  servers.push(server);
  const url = await listen(server);
  return {
    name,
    reports: (bearer) => call(`${url}/reports`, { headers: { authorization: `Bearer ${bearer}` } }),
    form: (method, body, headers = {}) => call(`${url}/form`, { method, body, headers: { 'content-type': FORM, ...headers } }),
  };
}

/** jwtkit/fetch, called with `Request`s: the form is parsed by the caller, as the application would. */
function fetchStack(): Stack {
  const reports = fetchAdapter.withAuth(
    options,
    fetchAdapter.requireAnyScope(['reports:read', 'admin'], (_request, auth) => Response.json({ handled: true, sub: auth.payload.sub })),
  );
  const toAnswer = async (response: Response): Promise<Answer> => {
    const headers = new Map<string, string>();
    response.headers.forEach((value, key) => headers.set(key, value));
    return { status: response.status, headers, setCookies: [], body: await response.text() };
  };
  return {
    name: 'fetch',
    reports: async (bearer) =>
      toAnswer(await reports(new Request('http://api.test/reports', { headers: { authorization: `Bearer ${bearer}` } }))),
    form: async (method, body, headers = {}) => {
      const request = new Request('http://api.test/form', { method, body, headers: { 'content-type': FORM, ...headers } });
      const parsed = new URLSearchParams(await request.clone().text());
      const auth = await fetchAdapter.authenticateRequest(request, bodyOptions, { body: parsed });
      if (auth instanceof Response) return toAnswer(auth);
      return toAnswer(Response.json({ handled: true, sub: auth.payload.sub }));
    },
  };
}

const stacks: Stack[] = [];

beforeAll(async () => {
  pair = await generateKeyPair('ES256');
  options = { key: pair.publicKey, verify: { algorithms: ['ES256'], issuer: ISSUER, audience: 'api', clock }, onAuthEvent: () => {} };
  bodyOptions = { ...options, allowBodyToken: true };
  stacks.push(await expressStack('express 5', express), await expressStack('express 4', express4), fetchStack());
});
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

describe.each(['express 5', 'express 4', 'fetch'])('on %s', (name) => {
  const stack = (): Stack => stacks.find((candidate) => candidate.name === name) as Stack;

  describe('requireAnyScope', () => {
    it('lets a token through with any one of the scopes (scope string or scp array)', async () => {
      expect((await stack().reports(await token({ scope: 'reports:read' }))).status).toBe(200);
      expect((await stack().reports(await token({ scp: ['other', 'admin'] }))).status).toBe(200);
    });

    it('answers 403 insufficient_scope with scope= listing every alternative', async () => {
      for (const claims of [{ scope: 'reports:write' }, {}]) {
        const answer = await stack().reports(await token(claims));
        expectChallenge(answer, 403, ANY_SCOPE_CHALLENGE);
        expect(jsonOf(answer)).toMatchObject({ error: 'insufficient_scope', scope: 'reports:read admin' });
      }
    });
  });

  describe('allowBodyToken (RFC 6750 §2.2)', () => {
    it('reads access_token from a form-encoded POST, PUT or PATCH body', async () => {
      for (const method of ['POST', 'PUT', 'PATCH']) {
        const answer = await stack().form(method, `access_token=${await token()}&note=x`);
        expect({ method, status: answer.status, body: jsonOf(answer) }).toEqual({
          method,
          status: 200,
          body: { handled: true, sub: 'user-1' },
        });
      }
    });

    it('reads no token from another method or another content type (401, no error code)', async () => {
      const body = `access_token=${await token()}`;
      expectChallenge(await stack().form('DELETE', body), 401, 'Bearer realm="api"');
      expectChallenge(await stack().form('POST', body, { 'content-type': 'text/plain' }), 401, 'Bearer realm="api"');
    });

    it('refuses a body token alongside a header token, and a repeated one (400 invalid_request)', async () => {
      const value = await token();
      expectChallenge(await stack().form('POST', `access_token=${value}`, { authorization: `Bearer ${value}` }), 400, INVALID_REQUEST);
      expectChallenge(await stack().form('POST', `access_token=${value}&access_token=${value}`), 400, INVALID_REQUEST);
    });

    it('refuses a malformed body token (400 invalid_request) and an invalid one (401 invalid_token)', async () => {
      expectChallenge(await stack().form('POST', 'access_token=not%20a%20token'), 400, INVALID_REQUEST);
      const answer = await stack().form('POST', `access_token=${(await token()).slice(0, -4)}AAAA`);
      expect({ status: answer.status, error: jsonOf(answer)['error'] }).toEqual({ status: 401, error: 'invalid_token' });
    });
  });
});

describe('allowBodyToken never reads the request stream', () => {
  it('jwtkit/express: without a body parser, the body is not read: the route reads it whole', async () => {
    const app = express();
    app.post('/raw', expressAdapter.authenticate(bodyOptions), (req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => res.json({ text }));
    });
    const server = createServer(app);
    servers.push(server);
    const url = await listen(server);
    const value = await token();
    // The body token is not seen (nothing parsed it), so the header token alone authenticates.
    const answer = await call(`${url}/raw`, {
      method: 'POST',
      body: `access_token=${value}`,
      headers: { 'content-type': FORM, authorization: `Bearer ${value}` },
    });
    expect({ status: answer.status, body: jsonOf(answer) }).toEqual({ status: 200, body: { text: `access_token=${value}` } });
  });

  it('jwtkit/fetch: the Request body is left unused', async () => {
    const request = new Request('http://api.test/form', {
      method: 'POST',
      body: `access_token=${await token()}`,
      headers: { 'content-type': FORM },
    });
    const answer = await fetchAdapter.authenticateRequest(request, bodyOptions);
    expect(answer instanceof Response && answer.status).toBe(401);
    expect(request.bodyUsed).toBe(false);
  });

  it('withAuth refuses allowBodyToken (it has no parsed body): ERR_INVALID_OPTION', () => {
    expect(() => fetchAdapter.withAuth(bodyOptions, () => new Response())).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});
