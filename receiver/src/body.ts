/**
 * Reading a request body with a size limit, without ever holding more than
 * the limit in memory.
 */
import type { IncomingMessage } from 'node:http';

export type BodyErrorKind = 'too_large' | 'aborted' | 'timeout';

export class BodyError extends Error {
  constructor(readonly kind: BodyErrorKind) {
    super(`request body ${kind.replace('_', ' ')}`);
    this.name = 'BodyError';
  }
}

/**
 * Resolves with the whole body, or rejects with a BodyError:
 *  - too_large as soon as more than `limit` bytes arrived (reading stops,
 *    what was buffered is dropped; the caller answers 413 and closes),
 *  - aborted when the client goes away,
 *  - timeout when `signal` fires.
 */
export function readBody(req: IncomingMessage, limit: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
      signal.removeEventListener('abort', onTimeout);
    };
    const fail = (kind: BodyErrorKind): void => {
      if (settled) return;
      settled = true;
      cleanup();
      chunks = [];
      // Stop pulling bytes off the socket; the caller will respond and close.
      req.pause();
      reject(new BodyError(kind));
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) {
        fail('too_large');
        return;
      }
      chunks.push(chunk);
    }
    function onEnd(): void {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    }
    function onAborted(): void {
      fail('aborted');
    }
    function onTimeout(): void {
      fail('timeout');
    }

    if (signal.aborted) {
      fail('timeout');
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onAborted);
    signal.addEventListener('abort', onTimeout, { once: true });
  });
}
