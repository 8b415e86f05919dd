// The server in front of the auth endpoints bounds what jwtkit cannot see: slow headers, how long
// a whole request and an idle connection may last, and how many connections there are.
import { createServer } from 'node:http';
import { authApp } from './auth-server.js';

export const server = createServer(authApp);
server.headersTimeout = 10_000; // request line and headers: 10 s (Node's default: 60 s)
server.requestTimeout = 30_000; // the whole request, body included: 30 s (default: 300 s)
server.keepAliveTimeout = 5_000; // an idle kept-alive connection: 5 s (the default)
server.maxRequestsPerSocket = 100; // then the connection is closed (default: unlimited)
server.maxConnections = 10_000; // more are refused (default: unlimited)
// server.listen(443) behind TLS, or behind a reverse proxy that terminates it.
