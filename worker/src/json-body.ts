import { ProtocolError } from './protocol/index.ts';

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
      await reader.cancel();
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
