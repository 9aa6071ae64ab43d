/**
 * y-webrtc's own `WebrtcProvider`, unchanged, in two real browsers contexts, signalling through the Worker's
 * `/signal/:roomId`: the two documents find each other and sync over a real WebRTC data channel.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type * as YWebrtcModule from 'y-webrtc';
import type * as YModule from 'yjs';
import type { Device } from '../../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../../scripts/device-lab/lab.ts';

interface YWebrtcWindow {
  Y: typeof YModule;
  YWebrtc: typeof YWebrtcModule;
  doc: YModule.Doc;
  provider: YWebrtcModule.WebrtcProvider;
}

const lab = useDeviceLab();

/** A fresh browser context (no shared BroadcastChannel) with a document and a provider in `roomName`. */
async function peer(roomName: string, signalingUrl: string, password: string | null): Promise<Device> {
  const page = await lab.newBlankDevice();
  await page.goto(new URL('y-webrtc-page.html', lab.pageUrl).href);
  await page.waitFor('y-webrtc on the page', () => document.title === 'y-webrtc ready');
  await page.evaluate(
    ({ roomName, signalingUrl, password }) => {
      const w = window as unknown as YWebrtcWindow;
      w.doc = new w.Y.Doc();
      w.provider = new w.YWebrtc.WebrtcProvider(roomName, w.doc, {
        signaling: [signalingUrl],
        ...(password === null ? {} : { password }),
        peerOpts: { config: { iceServers: [] } },
      });
    },
    { roomName, signalingUrl, password },
  );
  return page;
}

const write = (page: Device, key: string, value: string) =>
  page.evaluate(({ key, value }) => (window as unknown as YWebrtcWindow).doc.getMap<string>('shared').set(key, value), { key, value });

const waitForValue = (page: Device, key: string, value: string) =>
  page.waitFor(
    `shared ${key} = ${value}`,
    ({ key, value }) => (window as unknown as YWebrtcWindow).doc.getMap<string>('shared').get(key) === value,
    { key, value },
  );

const connectedPeers = (page: Device) =>
  page.evaluate(() => {
    const provider = (window as unknown as YWebrtcWindow).provider;
    return provider.room ? [...provider.room.webrtcConns.values()].filter((conn) => conn.connected).length : 0;
  });

describe("y-webrtc's WebrtcProvider against the Worker's signalling", () => {
  it.each([
    ['without a password', null],
    ['with a password (encrypted signalling)', 'a shared room password'],
  ])('connects two browsers and syncs their documents %s', async (_name, password) => {
    const roomId = `interop-${randomUUID()}`;
    const signalingUrl = `${lab.workerUrl.replace(/^http/, 'ws')}/signal/${roomId}`;
    const alice = await peer(roomId, signalingUrl, password);
    const bob = await peer(roomId, signalingUrl, password);

    await write(alice, 'from-alice', 'hello bob');
    await waitForValue(bob, 'from-alice', 'hello bob');
    await write(bob, 'from-bob', 'hello alice');
    await waitForValue(alice, 'from-bob', 'hello alice');

    expect(await connectedPeers(alice)).toBe(1);
    expect(await connectedPeers(bob)).toBe(1);
  });

  it('keeps rooms apart: a peer signalling through another room id never connects', async () => {
    const roomName = `interop-${randomUUID()}`;
    const base = `${lab.workerUrl.replace(/^http/, 'ws')}/signal/`;
    const alice = await peer(roomName, `${base}${roomName}`, null);
    const stranger = await peer(roomName, `${base}elsewhere-${randomUUID()}`, null);
    const bob = await peer(roomName, `${base}${roomName}`, null);

    await write(alice, 'note', 'for the room');
    await waitForValue(bob, 'note', 'for the room');
    // Bob received Alice's note through the room, so signalling had every chance to reach the stranger too.
    expect(await connectedPeers(stranger)).toBe(0);
    expect(await stranger.evaluate(() => (window as unknown as YWebrtcWindow).doc.getMap('shared').size)).toBe(0);
  });
});
