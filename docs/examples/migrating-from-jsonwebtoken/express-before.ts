// A typical Express app on jsonwebtoken 9: what we move to jwtkit below.
import type { AddressInfo } from 'node:net';
import express from 'express';
import jwt from 'jsonwebtoken';

const JWT_SECRET = process.env.JWT_SECRET ?? 'change-me-now!'; // 14 bytes: jwtkit refuses it as a key

const users = [{ id: 1, username: 'ada', password: 'lovelace' }];

type UserRequest = express.Request & { user?: string | jwt.JwtPayload };

const app = express();

app.post('/login', express.json(), (req, res) => {
  const user = users.find((u) => u.username === req.body?.username && u.password === req.body?.password);
  if (user === undefined) {
    res.status(401).json({ error: 'invalid credentials' });
    return;
  }
  const token = jwt.sign({ userId: user.id, username: user.username }, JWT_SECRET, { expiresIn: '1h' });
  res.json({ token });
});

function authenticateToken(req: UserRequest, res: express.Response, next: express.NextFunction): void {
  const authHeader = req.headers['authorization'];
  const token = authHeader && authHeader.split(' ')[1];
  if (token == null) {
    res.sendStatus(401);
    return;
  }
  jwt.verify(token, JWT_SECRET, (err, user) => {
    if (err) {
      res.sendStatus(403);
      return;
    }
    req.user = user;
    next();
  });
}

app.get('/profile', authenticateToken, (req: UserRequest, res) => {
  res.json({ user: req.user });
});

// Try it: log in, then call /profile with the token.
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const login = await fetch(`${base}/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
});
const { token } = (await login.json()) as { token: string };
console.log((await fetch(`${base}/profile`, { headers: { authorization: `Bearer ${token}` } })).status); // 200
console.log((await fetch(`${base}/profile`, { headers: { authorization: 'Bearer not-a-token' } })).status); // 403
server.close();
