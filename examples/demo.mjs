// `npm run demo`: builds jwtkit, then starts the auth server and the resource server on
// 127.0.0.1 and runs the scripted client through the whole token flow. Exit code 0 on success.
//
//   node examples/demo.mjs           run the flow and stop
//   node examples/demo.mjs --serve   keep both servers running to try the page in a browser
//
// The examples import the built package by name ('jwtkit', 'jwtkit/express', 'jwtkit/fetch'),
// exactly as an application would.
import { startAuthServer } from './auth-server.mjs';
import { runClient } from './client.mjs';
import { startResourceServer } from './resource-server.mjs';

const serve = process.argv.includes('--serve');

const auth = await startAuthServer({
  // Short-lived access tokens so that the demo shows expiry and refresh; use minutes in real life.
  accessTokenTtl: serve ? '20s' : '2s',
  port: serve ? 8300 : 0,
  // The demo serves plain http on 127.0.0.1, so it asks for the development cookie (no `Secure`)
  // explicitly. Without this flag the refresh cookie is `Secure`, as it must be in production.
  insecureDevCookie: true,
  // What an application would send to its alerting: a used refresh token came back, or a refresh
  // token of a DPoP-bound session came from a device without its key.
  onSecurityEvent: (event) =>
    console.log(
      event.type === 'dpop_key_mismatch'
        ? `  ! auth server: dpop_key_mismatch for ${event.subject}: a refresh token used with another device's key, session revoked`
        : `  ! auth server: refresh token reuse for ${event.subject}, session revoked`,
    ),
});
const resource = await startResourceServer({ authUrl: auth.url, port: serve ? 8301 : 0 });
auth.setResourceUrl(resource.url);

console.log(`auth server      ${auth.url}   (login, refresh, logout, JWKS, demo page)`);
console.log(`resource server  ${resource.url}   (trusts ${auth.url}/.well-known/jwks.json)`);

if (serve) {
  console.log(`\nopen ${auth.url}/ and log in as alice / wonderland; Ctrl-C to stop`);
  const stop = async () => {
    await Promise.all([auth.close(), resource.close()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  console.log('');
  let failed = false;
  try {
    const trace = await runClient({ authUrl: auth.url, resourceUrl: resource.url, log: (line) => console.log(line) });
    console.log(`\n${trace.length} steps, all answered as expected.`);
  } catch (error) {
    failed = true;
    console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await Promise.all([auth.close(), resource.close()]);
  }
  process.exitCode = failed ? 1 : 0;
}
