import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { certificateThumbprint, checkTokenBinding, generateKeyPair, sign, verify } from 'jwtkit';

const file = (name: string) => readFileSync(new URL(`../keys/${name}`, import.meta.url));

// The authorization server binds the token to the client's certificate: cnf["x5t#S256"] is the
// SHA-256 thumbprint of its DER (RFC 8705 §3.1).
const issuer = await generateKeyPair('ES256');
const accessToken = await sign(
  { sub: 'client-1', cnf: { 'x5t#S256': certificateThumbprint(new X509Certificate(file('demo-client-1.pem'))) } },
  issuer.privateKey,
  { alg: 'ES256', audience: 'api', expiresIn: '5m' },
);

// The resource server asks for client certificates of its CA; TLS proves the client holds the
// certificate's key, and the token must be bound to that certificate.
const server = createServer(
  { key: file('demo-server.key'), cert: file('demo-server.pem'), ca: file('demo-ca.pem'), requestCert: true, rejectUnauthorized: true },
  (incoming, response) => {
    const token = incoming.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const certificate = (incoming.socket as TLSSocket).getPeerCertificate().raw;
    verify(token, issuer.publicKey, { algorithms: ['ES256'], audience: 'api' })
      .then(({ payload }) => checkTokenBinding(payload, { clientCertificate: certificate }))
      .then(
        () => response.writeHead(200).end(),
        () => response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end(),
      );
  },
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

/** A request with the token, over a TLS connection made with a client's certificate. */
function call(clientName: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port,
      path: '/orders',
      headers: { authorization: `Bearer ${accessToken}` },
      ca: file('demo-ca.pem'),
      key: file(`${clientName}.key`),
      cert: file(`${clientName}.pem`),
      agent: false as const,
    };
    request(options, (response) => resolve(response.resume().statusCode))
      .on('error', reject)
      .end();
  });
}

try {
  console.log(await call('demo-client-1')); // 200
  console.log(await call('demo-client-2')); // 401
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
