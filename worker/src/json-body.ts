import { ProtocolError } from './protocol/index.ts';

/** The smallest request body Cloudflare lets through to a Worker (Free and Pro plans): nothing larger reaches one. */
const MAX_DISCARDED_BODY_BYTES = 100 * 1024 * 1024;

/**
 * Reads a JSON body, refusing it before it is fully buffered when it is larger than `maxBytes`
 * (a Content-Length can lie or be absent, so the stream itself is counted).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ProtocolError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw new ProtocolError('INVALID_JSON', 'body is empty');

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await discardRest(reader, total);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return parseJson(new TextDecoder().decode(bytes));
}

/**
 * Reads a refused body to its end, discarding it. A body abandoned part-read (cancelled, or just left) broke the
 * connection it came on: wrangler dev's proxy saw its request fail, reported the Worker as crashed and restarted it,
 * failing every request in flight (503 "worker restarted mid-request"). A body never read at all does no harm, so
 * only one refused mid-stream is drained. Up to MAX_DISCARDED_BODY_BYTES: Cloudflare refuses larger bodies itself.
 */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let total = alreadyRead;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    total += value.byteLength;
    if (total > MAX_DISCARDED_BODY_BYTES) {
      await reader.cancel();
      return;
    }
  }
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new ProtocolError('INVALID_JSON', 'body is empty');
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError('INVALID_JSON', 'body is not valid JSON');
  }
}

function tooLarge(maxBytes: number): ProtocolError {
  return new ProtocolError('PAYLOAD_TOO_LARGE', `body exceeds ${maxBytes} bytes`);
}
