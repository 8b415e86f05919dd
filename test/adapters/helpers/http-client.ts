/**
 * HTTP calls for the adapter tests: `fetch` for ordinary requests, and a raw `node:http` request
 * for what `fetch` cannot send (two `Authorization` headers as two header lines). Every answer is
 * recorded so a suite can check, at the end, that no response leaked a token or a stack trace.
 */
import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';

/** A response, read completely. */
export interface Answer {
  status: number;
  /** Header values by lower-case name (repeated headers joined with ", "), except Set-Cookie. */
  headers: Map<string, string>;
  /** Every Set-Cookie line. */
  setCookies: string[];
  body: string;
}

/** Every answer read through this module in the current test file. */
export const recordedAnswers: Answer[] = [];

function record(answer: Answer): Answer {
  recordedAnswers.push(answer);
  return answer;
}

/** `fetch`, read completely and recorded. */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const headers = new Map<string, string>();
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.set(name, value);
  });
  return record({ status: response.status, headers, setCookies: response.headers.getSetCookie(), body: await response.text() });
}

/** A raw request whose header lines are sent exactly as given (duplicates included). */
export function rawCall(url: string, method: string, headerLines: Array<[string, string]>, body?: string): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method,
        // With an array of header lines Node adds no Host header: send one unless the test gives its own.
        headers: (headerLines.some(([name]) => name.toLowerCase() === 'host')
          ? headerLines
          : [['Host', target.host], ...headerLines]
        ).flat(),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers = new Map<string, string>();
          const setCookies: string[] = [];
          for (let index = 0; index + 1 < response.rawHeaders.length; index += 2) {
            const name = (response.rawHeaders[index] as string).toLowerCase();
            const value = response.rawHeaders[index + 1] as string;
            if (name === 'set-cookie') setCookies.push(value);
            else headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
          }
          resolve(record({ status: response.statusCode ?? 0, headers, setCookies, body: Buffer.concat(chunks).toString('utf8') }));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Asserts the RFC 6750 shape of a Bearer challenge answer. */
export function expectChallenge(answer: Answer, status: number, challenge: string): void {
  expect({ status: answer.status, challenge: answer.headers.get('www-authenticate') }).toEqual({ status, challenge });
}

/** The parsed JSON body. */
export function jsonOf(answer: Answer): Record<string, unknown> {
  return JSON.parse(answer.body) as Record<string, unknown>;
}

const STACK_PATTERNS = [/\n\s+at\s/, /\bat\s+\S+\s+\(/, /\.(?:ts|js|mjs|cjs):\d+/, /node_modules/, /\bTypeError\b/, /\bJwtError\b/];

/**
 * The problems found in answers: any that contains one of the secrets (whole tokens and their
 * payload and signature segments), or anything that looks like a stack trace or an error class.
 */
export function findLeaks(answers: readonly Answer[], secrets: readonly string[]): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    needles.add(secret);
    for (const segment of secret.split('.').slice(1)) if (segment.length >= 16) needles.add(segment);
  }
  const problems: string[] = [];
  for (const answer of answers) {
    for (const text of [answer.body, ...answer.headers.values(), ...answer.setCookies]) {
      for (const needle of needles) if (text.includes(needle)) problems.push(`token in: ${text.slice(0, 80)}`);
      for (const pattern of STACK_PATTERNS) if (pattern.test(text)) problems.push(`stack-like: ${text.slice(0, 120)}`);
    }
  }
  return problems;
}

/** Asserts that no answer recorded so far leaks a secret or a stack trace (see {@link findLeaks}). */
export function expectNoLeaks(secrets: readonly string[]): void {
  expect(recordedAnswers.length).toBeGreaterThan(0);
  expect(findLeaks(recordedAnswers, secrets)).toEqual([]);
}
