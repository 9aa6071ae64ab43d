import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScratchWorker, type ScratchWorker } from '../../../scripts/test-worker.ts';

/**
 * Compression is agreed in the HTTP layer of the runtime, after the Worker has answered, so it is seen only on a
 * real connection: here, to workerd under wrangler dev, with a client that offers permessage-deflate as browsers do.
 */
describe('WebSocket compression', () => {
  let scratch: ScratchWorker;

  beforeAll(async () => {
    scratch = await startScratchWorker();
  });
  afterAll(async () => {
    await scratch?.dispose();
  });

  async function agreedExtensions(path: string): Promise<string> {
    const ws = new WebSocket(`${scratch.url.replace('http', 'ws')}${path}`, { perMessageDeflate: true });
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      // The socket works without it: the runtime answers the keep-alive.
      const pong = new Promise<string>((resolve) => ws.once('message', (raw) => resolve(raw.toString())));
      ws.send('{"type":"ping"}');
      expect(await pong).toBe('{"type":"pong"}');
      return ws.extensions;
    } finally {
      ws.close();
    }
  }

  it('is refused on the sync socket, though the client offers permessage-deflate', async () => {
    expect(await agreedExtensions(`/sync/${randomUUID()}`)).toBe('');
  });

  it('is refused on the signalling socket, though the client offers permessage-deflate', async () => {
    expect(await agreedExtensions(`/signal/room-${randomBytes(8).toString('hex')}`)).toBe('');
  });
});
