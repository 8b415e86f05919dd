import { JwtError } from '../errors.js';

/** Where a command reads and writes. `main.ts` binds it to the process; nothing else touches `process`. */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** Reads all of standard input as UTF-8 (at most {@link MAX_STDIN_BYTES}). */
  readonly readStdin: () => Promise<string>;
  /** The environment, for `--passphrase-env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The current time. */
  readonly now: () => Date;
}

/** The most bytes read from standard input: far more than any token, claims set or key. */
export const MAX_STDIN_BYTES = 1_048_576;

/** Reads a stream to its end as UTF-8, refusing more than {@link MAX_STDIN_BYTES}. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += bytes.byteLength;
    if (size > MAX_STDIN_BYTES) throw new JwtError('ERR_INVALID_OPTION', `standard input is larger than ${MAX_STDIN_BYTES} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}
