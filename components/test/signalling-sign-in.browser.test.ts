/**
 * Signalling sockets signed in with the account's token, in real browsers against the local Worker: every page of
 * the lab reaches the Worker from one address, like an office's devices behind one router, whose share of sockets
 * not signed in (16 per room) is taken up first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type * as YModule from 'yjs';
import type { Core } from '../../scripts/core-page.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS, type CreateAccountResponse } from '../../worker/src/protocol/index.ts';
import type { PeerSync } from '../src/core/index.ts';

const lab = useDeviceLab();

interface SignInWindow {
  core: Core;
  Y: typeof YModule;
  doc: YModule.Doc;
  sync: PeerSync;
  /** Every URL the page opened a WebSocket to. */
  socketUrls: string[];
  /** What came back on the raw sockets the page opened itself. */
  rawReplies: string[];
}

/** Runs before the core loads: records the URL of every WebSocket the page opens. */
function recordSocketUrls() {
  const w = window as unknown as SignInWindow;
  w.socketUrls = [];
  const Native = WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      w.socketUrls.push(String(url));
    }
  };
}

const signallingUrl = (roomId: string) => `${lab.workerUrl.replace(/^http/, 'ws')}/signal/${roomId}`;

/** Opens `count` sockets that never sign in, each subscribed (so none is closed for idling) and answered. */
async function fillAnonymousShare(page: Device, roomId: string, count: number): Promise<void> {
  await page.evaluate(
    async ({ url, count }) => {
      const w = window as unknown as SignInWindow;
      w.rawReplies = [];
      const opened = Array.from({ length: count }, () => {
        const ws = new WebSocket(url);
        return new Promise<void>((resolve, reject) => {
          ws.onopen = () => {
            ws.send(JSON.stringify({ type: 'subscribe', topics: ['filler'] }));
            ws.send(JSON.stringify({ type: 'ping' }));
          };
          ws.onmessage = (event: MessageEvent<string>) => {
            w.rawReplies.push(event.data);
            if (event.data.includes('"pong"')) resolve();
            else reject(new Error(`a filler socket was answered ${event.data}`));
          };
        });
      });
      await Promise.all(opened);
    },
    { url: signallingUrl(roomId), count },
  );
}

/** One more socket that does not sign in: the room's answer to its subscribe. */
const anonymousAnswer = (page: Device, roomId: string) =>
  page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', topics: ['one-more'] }));
        ws.onmessage = (event: MessageEvent<string>) => resolve(event.data);
      }),
    signallingUrl(roomId),
  );

/** A device in the org's room with a PeerSync that signs its signalling in with `token`. */
async function joinSignedIn(roomId: string, org: { id: string; key: number[] }, token: string): Promise<Device> {
  const page = await lab.newDevice({ initScript: recordSocketUrls });
  await page.evaluate(
    async ({ roomId, org, token, workerUrl }) => {
      const w = window as unknown as SignInWindow;
      const subkeys = await w.core.deriveOrgSubkeys(Uint8Array.from(org.key), org.id);
      w.doc = new w.Y.Doc();
      w.sync = new w.core.PeerSync({
        workerUrl,
        roomId,
        doc: w.doc,
        signallingPassword: subkeys.signallingPassword,
        handshake: { ...w.core.challengeProofs(subkeys.peerAuthKey, 'peer-auth'), order: 'together' },
        getToken: async () => token,
      });
    },
    { roomId, org, token, workerUrl: lab.workerUrl },
  );
  return page;
}

async function newAccountToken(): Promise<string> {
  const response = await fetch(`${lab.workerUrl}/api/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${randomUUID()}@clinic.example`, password: 'a long enough password' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as CreateAccountResponse).token;
}

describe('signalling signed in with the account token', () => {
  it('lets devices meet in a room whose address has used up its share of sockets not signed in, without the token in any URL', async () => {
    const roomId = `sign-in-${randomUUID()}`;
    const org = { id: randomUUID(), key: [...randomBytes(32)] };
    const token = await newAccountToken();
    const filler = await lab.newDevice();
    await fillAnonymousShare(filler, roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS);
    // The address's share is used up: a socket that does not sign in is turned away.
    expect(JSON.parse(await anonymousAnswer(filler, roomId))).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });

    const alice = await joinSignedIn(roomId, org, token);
    const bob = await joinSignedIn(roomId, org, token);
    await alice.evaluate(() => (window as unknown as SignInWindow).doc.getMap<string>('shared').set('from-alice', 'hello bob'));
    await bob.waitFor('the edit from alice', () => (window as unknown as SignInWindow).doc.getMap<string>('shared').get('from-alice') === 'hello bob');

    for (const page of [alice, bob]) {
      const urls = await page.evaluate(() => (window as unknown as SignInWindow).socketUrls);
      expect(urls).toContain(signallingUrl(roomId));
      for (const url of urls) expect(url).not.toContain(token);
    }
  });
});
