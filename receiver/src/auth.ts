/**
 * Optional bearer-token authentication.
 *
 * The token lives in a file (typically a key of a mounted Kubernetes Secret,
 * the same file Alertmanager reads through
 * http_config.authorization.credentials_file). Surrounding whitespace is
 * trimmed, as Alertmanager does. The file is re-read periodically so a
 * rotated Secret is picked up without a restart; a failed or empty re-read
 * keeps the previous token.
 *
 * Comparison hashes both sides with SHA-256 and compares the digests with
 * crypto.timingSafeEqual, so neither the content nor the length of the
 * expected token leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export type AuthResult = 'ok' | 'missing' | 'invalid';

export class TokenFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileError';
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Extracts the credentials of an "Authorization: Bearer <token>" header (scheme case-insensitive). */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

async function readToken(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    // Only the error code: never anything read from the file.
    throw new TokenFileError(`cannot read token file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const token = text.trim();
  if (token.length === 0) throw new TokenFileError(`token file ${path} is empty`);
  if (/\s/.test(token)) throw new TokenFileError(`token file ${path} contains whitespace inside the token`);
  return token;
}

export interface TokenAuthOptions {
  /** How often the file is re-read, in ms (default 30000; 0 disables reloading). */
  reloadIntervalMs?: number;
  /** Called after the token changed. */
  onChange?: (token: string) => void;
  /** Called when a periodic re-read fails (the previous token stays in force). */
  onReloadError?: (err: Error) => void;
}

export class TokenAuth {
  private expected: Buffer;
  private token: string;
  private timer: NodeJS.Timeout | undefined;
  private reloading = false;

  private constructor(
    readonly path: string,
    token: string,
  ) {
    this.token = token;
    this.expected = digest(token);
  }

  /** Reads the token file; rejects with TokenFileError if it is unreadable or empty. */
  static async fromFile(path: string, opts: TokenAuthOptions = {}): Promise<TokenAuth> {
    const auth = new TokenAuth(path, await readToken(path));
    const interval = opts.reloadIntervalMs ?? 30_000;
    if (interval > 0) {
      auth.timer = setInterval(() => void auth.reload(opts), interval);
      auth.timer.unref();
    }
    return auth;
  }

  private async reload(opts: TokenAuthOptions): Promise<void> {
    if (this.reloading) return;
    this.reloading = true;
    try {
      const token = await readToken(this.path);
      if (token !== this.token) {
        this.token = token;
        this.expected = digest(token);
        opts.onChange?.(token);
      }
    } catch (err) {
      opts.onReloadError?.(err as Error);
    } finally {
      this.reloading = false;
    }
  }

  /** Checks an Authorization header value. */
  check(header: string | undefined): AuthResult {
    const presented = bearerToken(header);
    if (presented === undefined) return 'missing';
    return timingSafeEqual(digest(presented), this.expected) ? 'ok' : 'invalid';
  }

  /** The current token (for log redaction only). */
  secret(): string {
    return this.token;
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
