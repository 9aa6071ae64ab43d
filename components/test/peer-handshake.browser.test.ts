/**
 * The peer gate in real browsers: two browser contexts, each with a Y.Doc and a PeerSync in one room on a
 * scratch Worker, connected over real WebRTC (or, where one connection's own outcome is the point, by a lone gated
 * connection whose descriptions the test carries). Every data-channel send in each page is recorded by patching
 * RTCDataChannel.prototype.send, and every channel the page opens and what arrives on it by patching
 * RTCPeerConnection.prototype.createDataChannel, so what crossed is counted below the gate as well as by the gate's
 * own observer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type * as YModule from 'yjs';
import type { Core } from '../../scripts/core-page.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import type { HandshakeFailure, HandshakeSteps, PeerHandshake, PeerSync } from '../src/core/index.ts';
import { CHALLENGE_BYTES, MAX_FRAME_BYTES } from '../src/core/sync/gated-peer-connection.ts';

/** The gate's authentication channel, and the only sizes it carries: a type byte and a challenge or a proof, or a lone rejection byte. */
const AUTH_LABEL = 'p2p-clinic-auth';
const CHALLENGE_OR_PROOF_BYTES = 1 + CHALLENGE_BYTES;
const REJECTION_BYTES = 1;

const lab = useDeviceLab();

interface DataChannelSend {
  label: string;
  bytes: number;
}

interface PeerWindow {
  core: Core;
  Y: typeof YModule;
  doc: YModule.Doc;
  sync: PeerSync;
  dataChannelSends: DataChannelSend[];
  /** Every message that arrived on a data channel the page created, gated or not, by label. */
  dataChannelReceives: DataChannelSend[];
  /** How many auth channels, so how many peer connections, the page opened. */
  authChannels: number;
  /** How many of them have closed. */
  closedAuthChannels: number;
  /** Lets a `member-verifying-late` or `other-key-verifying-late` page check the proof it holds. */
  releaseVerification: () => void;
  rejections: HandshakeFailure[];
  /** Proofs that this page's handshake verified, for the replay test. */
  verifiedProofs: number[][];
  /** The room's signalling password and the page's handshake, as `newDeviceWith` made them. */
  signallingPassword: string;
  handshake: PeerHandshake;
  /** A connection outside any room (`openLoneConnection`), and how its handshake ended. */
  loneConnection: RTCPeerConnection;
  loneOutcome: HandshakeFailure | 'authenticated' | null;
}

/** Runs before the core loads: records the label and size of every message any RTCDataChannel sends or receives. */
function recordDataChannelSends() {
  const w = window as unknown as PeerWindow;
  const sends: DataChannelSend[] = [];
  w.dataChannelSends = sends;
  w.dataChannelReceives = [];
  w.authChannels = 0;
  w.closedAuthChannels = 0;
  const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit) {
    const channel = createDataChannel.call(this, label, init);
    if (label === 'p2p-clinic-auth') {
      w.authChannels += 1;
      channel.addEventListener('close', () => (w.closedAuthChannels += 1));
    }
    channel.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) =>
      w.dataChannelReceives.push({ label, bytes: typeof event.data === 'string' ? event.data.length : event.data.byteLength }),
    );
    return channel;
  };
  const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView) {
    send.call(this, data);
    sends.push({
      label: this.label,
      bytes: typeof data === 'string' ? new TextEncoder().encode(data).byteLength : data instanceof Blob ? data.size : data.byteLength,
    });
  };
}

/**
 * How a page authenticates. `member` holds the org key; `other-key` has the room's signalling password but the
 * peer-auth key of another org key; `random-proof` has no key, answers with random bytes and accepts any proof;
 * `recording` is a member that keeps every proof it verified; `replay` answers every challenge with one old proof;
 * `member-failing-once` is a member whose first verification fails, as a transient fault would;
 * `member-verifying-late` is a member that checks the peer's proof only once `releaseVerification` is called, and
 * `other-key-verifying-late` an `other-key` page that does.
 */
type HandshakeKind =
  | 'member'
  | 'other-key'
  | 'random-proof'
  | 'recording'
  | 'member-failing-once'
  | 'member-verifying-late'
  | 'other-key-verifying-late'
  | { replay: number[] };

interface Org {
  id: string;
  key: number[];
  roomId: string;
}

const newOrg = (): Org => ({ id: randomUUID(), key: [...randomBytes(32)], roomId: `peer-handshake-${randomUUID()}` });

/** A fresh browser context (no shared BroadcastChannel) whose page has the steps of `handshake` ready. */
async function newDeviceWith(org: Org, handshake: HandshakeKind): Promise<Device> {
  const page = await lab.newDevice({ initScript: recordDataChannelSends });
  await page.evaluate(
    async ({ org, handshake, otherKey }) => {
      const w = window as unknown as PeerWindow;
      const { core } = w;
      const subkeys = await core.deriveOrgSubkeys(Uint8Array.from(org.key), org.id);
      w.signallingPassword = subkeys.signallingPassword;
      const proofs = core.challengeProofs(subkeys.peerAuthKey, 'peer-auth');
      const randomProof = async () => crypto.getRandomValues(new Uint8Array(32));
      const acceptAnything = async () => true;
      w.verifiedProofs = [];
      w.rejections = [];
      const verifyingLate = (steps: HandshakeSteps): HandshakeSteps => {
        const released = new Promise<void>((resolve) => (w.releaseVerification = resolve));
        return {
          prove: steps.prove,
          verify: async (ours, theirs, proof) => {
            await released;
            return steps.verify(ours, theirs, proof);
          },
        };
      };
      const otherKeyProofs = async () =>
        core.challengeProofs((await core.deriveOrgSubkeys(Uint8Array.from(otherKey), org.id)).peerAuthKey, 'peer-auth');
      let steps: HandshakeSteps;
      // Members name their devices once both proofs have passed, as OrgSync's do: never to a peer that failed.
      let identify: PeerHandshake['identify'];
      if (handshake === 'member') {
        steps = proofs;
        identify = core.peerIdentification(await core.generateDeviceIdentity(), org.id);
      }
      else if (handshake === 'other-key') steps = await otherKeyProofs();
      else if (handshake === 'other-key-verifying-late') steps = verifyingLate(await otherKeyProofs());
      else if (handshake === 'random-proof') steps = { prove: randomProof, verify: acceptAnything };
      else if (handshake === 'recording') {
        steps = {
          prove: proofs.prove,
          verify: async (ours, theirs, proof) => {
            const valid = await proofs.verify(ours, theirs, proof);
            if (valid) w.verifiedProofs.push([...proof]);
            return valid;
          },
        };
      } else if (handshake === 'member-failing-once') {
        let failed = false;
        steps = {
          prove: proofs.prove,
          verify: async (ours, theirs, proof) => {
            if (failed) return proofs.verify(ours, theirs, proof);
            failed = true;
            return false;
          },
        };
      } else if (handshake === 'member-verifying-late') steps = verifyingLate(proofs);
      else {
        const replayed = Uint8Array.from(handshake.replay);
        steps = { prove: async () => replayed, verify: acceptAnything };
      }
      w.handshake = { ...steps, order: 'together', ...(identify ? { identify } : {}) };
    },
    { org, handshake, otherKey: [...randomBytes(32)] },
  );
  return page;
}

/** A page with the steps of `handshake` that joins the org's room with a PeerSync. */
async function joinRoom(org: Org, handshake: HandshakeKind): Promise<Device> {
  const page = await newDeviceWith(org, handshake);
  await page.evaluate(
    ({ roomId, workerUrl }) => {
      const w = window as unknown as PeerWindow;
      w.doc = new w.Y.Doc();
      w.sync = new w.core.PeerSync({ workerUrl, roomId, doc: w.doc, signallingPassword: w.signallingPassword, handshake: w.handshake });
      w.sync.on('peer-rejected', (error) => w.rejections.push(error.code));
    },
    { roomId: org.roomId, workerUrl: lab.workerUrl },
  );
  return page;
}

/**
 * Opens a gated connection of the page's own, outside any room: the offer if `remote` is absent, else the answer to
 * it; the description is returned once ICE gathering is complete, candidates and all. The test carries the two
 * descriptions itself, so this is the only connection between the pages and how its handshake ended is its own.
 */
const openLoneConnection = (page: Device, remote?: RTCSessionDescriptionInit) =>
  page.evaluate(async (remote) => {
    const w = window as unknown as PeerWindow;
    w.loneOutcome = null;
    const { RTCPeerConnection: Gated } = w.core.gatedWrtc(w.handshake, {
      onAuthenticated: () => (w.loneOutcome ??= 'authenticated'),
      onRejected: (error) => (w.loneOutcome ??= error.code),
    });
    const connection = new Gated({ iceServers: [] });
    w.loneConnection = connection;
    const gathered = new Promise<void>((resolve) =>
      connection.addEventListener('icegatheringstatechange', () => connection.iceGatheringState === 'complete' && resolve()),
    );
    if (remote) await connection.setRemoteDescription(remote);
    await connection.setLocalDescription(remote ? await connection.createAnswer() : await connection.createOffer());
    if (connection.iceGatheringState !== 'complete') await gathered;
    return connection.localDescription!.toJSON() as RTCSessionDescriptionInit;
  }, remote);

/** Connects two pages by a lone gated connection each (`openLoneConnection`), `offerer` offering. */
async function connectAlone(offerer: Device, answerer: Device): Promise<void> {
  const answer = await openLoneConnection(answerer, await openLoneConnection(offerer));
  await offerer.evaluate((answer) => (window as unknown as PeerWindow).loneConnection.setRemoteDescription(answer), answer);
}

const loneOutcome = (page: Device) => page.evaluate(() => (window as unknown as PeerWindow).loneOutcome);

const waitForLoneOutcome = (page: Device) =>
  page.waitFor('the lone connection\'s handshake to end', () => (window as unknown as PeerWindow).loneOutcome !== null);

const write = (page: Device, key: string, value: string) =>
  page.evaluate(({ key, value }) => (window as unknown as PeerWindow).doc.getMap<string>('shared').set(key, value), { key, value });

const waitForValue = (page: Device, key: string, value: string) =>
  page.waitFor(
    `shared ${key} = ${value}`,
    ({ key, value }) => (window as unknown as PeerWindow).doc.getMap<string>('shared').get(key) === value,
    { key, value },
  );

const sharedKeys = (page: Device) => page.evaluate(() => [...(window as unknown as PeerWindow).doc.getMap('shared').keys()].sort());

const waitForPeers = (page: Device, peers: number) =>
  page.waitFor(`${peers} connected peers`, (peers) => (window as unknown as PeerWindow).sync.status.peers === peers, peers);

const waitForRejections = (page: Device, count = 1) =>
  page.waitFor(`${count} rejected peers`, (count) => (window as unknown as PeerWindow).rejections.length >= count, count);

/** What the gate's observer counted, what it rejected, and every data-channel send, in one page. */
const gateRecord = (page: Device) =>
  page.evaluate(() => {
    const w = window as unknown as PeerWindow;
    const { bytesSent, bytesReceived } = w.sync.status;
    return { bytesSent, bytesReceived, rejections: [...w.rejections], sends: [...w.dataChannelSends] };
  });

/** Asserts that a page sent nothing but the handshake's own messages, and that it did run the handshake. */
function expectOnlyHandshakeSends(sends: DataChannelSend[]) {
  expect(sends.filter((send) => send.label !== AUTH_LABEL)).toEqual([]);
  expect(sends.filter((send) => send.bytes !== CHALLENGE_OR_PROOF_BYTES && send.bytes !== REJECTION_BYTES)).toEqual([]);
  // A challenge and a proof at least: the peers met over WebRTC, so the gate was what kept the documents apart.
  expect(sends.filter((send) => send.bytes === CHALLENGE_OR_PROOF_BYTES).length).toBeGreaterThanOrEqual(2);
}

describe('the peer handshake between two browser contexts', () => {
  it('syncs both ways between two holders of the org key, each counting one peer', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'member');
    const bob = await joinRoom(org, 'member');

    await write(alice, 'from-alice', 'hello bob');
    await waitForValue(bob, 'from-alice', 'hello bob');
    await write(bob, 'from-bob', 'hello alice');
    await waitForValue(alice, 'from-bob', 'hello alice');

    await waitForPeers(alice, 1);
    await waitForPeers(bob, 1);
    for (const page of [alice, bob]) {
      const record = await gateRecord(page);
      expect(record.rejections).toEqual([]);
      expect(record.bytesSent).toBeGreaterThan(0);
      expect(record.bytesReceived).toBeGreaterThan(0);
    }
  });

  it('holds what a peer sends once its gate opened until ours opens too, on the same connection', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'member-verifying-late');
    await write(alice, 'from-alice', 'hello bob');
    const bob = await joinRoom(org, 'member');
    await write(bob, 'from-bob', 'hello alice');

    // Bob checked Alice's proof and started syncing; Alice, still checking his, has his first messages at her gate.
    await waitForPeers(bob, 1);
    await alice.waitFor('a message from Bob past the auth channel', () =>
      (window as unknown as PeerWindow).dataChannelReceives.some((received) => received.label !== 'p2p-clinic-auth'),
    );
    expect((await gateRecord(alice)).bytesReceived).toBe(0);
    await alice.evaluate(() => (window as unknown as PeerWindow).releaseVerification());

    await waitForValue(alice, 'from-bob', 'hello alice');
    await waitForValue(bob, 'from-alice', 'hello bob');
    // The connection that carried Bob's early messages is the one they synced over: nothing was dropped and redone.
    expect(await alice.evaluate(() => (window as unknown as PeerWindow).authChannels)).toBe(1);
    expect((await gateRecord(alice)).rejections).toEqual([]);
  });

  it('turns away a peer with the signalling password but another peer-auth key, with no document byte crossing either way', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'member');
    await write(alice, 'from-alice', 'for members only');
    const bob = await joinRoom(org, 'other-key');
    await write(bob, 'from-bob', 'not for alice');

    await waitForRejections(alice);
    await waitForRejections(bob);

    const [aliceRecord, bobRecord] = [await gateRecord(alice), await gateRecord(bob)];
    for (const record of [aliceRecord, bobRecord]) {
      expect(['PEER_NOT_AUTHENTIC', 'REJECTED_BY_PEER']).toContain(record.rejections[0]);
      expect(record.bytesSent).toBe(0);
      expect(record.bytesReceived).toBe(0);
      expectOnlyHandshakeSends(record.sends);
    }
    // Whoever verified first found the proof wrong; the other hears the refusal only after the proof that came before it.
    expect([aliceRecord.rejections[0], bobRecord.rejections[0]]).toContain('PEER_NOT_AUTHENTIC');
    expect(await sharedKeys(alice)).toEqual(['from-alice']);
    expect(await sharedKeys(bob)).toEqual(['from-bob']);
  });

  it('hears a peer out before its close: a close that comes while a busy device still checks the proof before it does not end the handshake first', async () => {
    // One connection, not a room: y-webrtc reconnects a rejected peer, and the handshakes of those later connections
    // end as they may (a connection dropped before its first message ends CLOSED); this one's outcome is its own.
    const org = newOrg();
    const alice = await newDeviceWith(org, 'member');
    const bob = await newDeviceWith(org, 'other-key-verifying-late');
    await connectAlone(alice, bob);

    // Alice found Bob's proof wrong and closed the connection; Bob has her proof and the close, and is still checking.
    await waitForLoneOutcome(alice);
    expect(await loneOutcome(alice)).toBe('PEER_NOT_AUTHENTIC');
    await bob.waitFor('the close of the auth channel', () => (window as unknown as PeerWindow).closedAuthChannels > 0);
    expect(await loneOutcome(bob)).toBeNull();
    await bob.evaluate(() => (window as unknown as PeerWindow).releaseVerification());

    // In the order they came: Alice's proof, which Bob's key cannot verify, decides, not the close after it.
    await waitForLoneOutcome(bob);
    expect(await loneOutcome(bob)).toBe('PEER_NOT_AUTHENTIC');
    const bobReceived = await bob.evaluate(() => (window as unknown as PeerWindow).dataChannelReceives);
    expect(bobReceived.map((received) => [received.label, received.bytes])).toEqual([
      [AUTH_LABEL, CHALLENGE_OR_PROOF_BYTES],
      [AUTH_LABEL, CHALLENGE_OR_PROOF_BYTES],
      [AUTH_LABEL, REJECTION_BYTES],
    ]);
  });

  it('turns away a peer without the key that answers with random bytes and accepts any proof, giving it no document byte', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'member');
    await write(alice, 'from-alice', 'for members only');
    const mallory = await joinRoom(org, 'random-proof');
    await write(mallory, 'from-mallory', 'let me in');

    await waitForRejections(alice);

    const aliceRecord = await gateRecord(alice);
    expect(aliceRecord.rejections[0]).toBe('PEER_NOT_AUTHENTIC');
    expect(aliceRecord.bytesSent).toBe(0);
    expect(aliceRecord.bytesReceived).toBe(0);
    expectOnlyHandshakeSends(aliceRecord.sends);
    expect((await gateRecord(mallory)).bytesReceived).toBe(0);
    expect(await sharedKeys(alice)).toEqual(['from-alice']);
    expect(await sharedKeys(mallory)).toEqual(['from-mallory']);
  });

  it('refuses a valid proof replayed in a later connection, since every connection brings a fresh challenge', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'recording');
    const bob = await joinRoom(org, 'member');
    await write(bob, 'from-bob', 'hello alice');
    await waitForValue(alice, 'from-bob', 'hello alice');
    const [bobsProof] = await alice.evaluate(() => (window as unknown as PeerWindow).verifiedProofs);
    expect(bobsProof).toHaveLength(32);
    await bob.evaluate(() => (window as unknown as PeerWindow).sync.destroy());

    const mallory = await joinRoom(org, { replay: bobsProof! });
    await waitForRejections(alice);

    const aliceRecord = await gateRecord(alice);
    expect(aliceRecord.rejections[0]).toBe('PEER_NOT_AUTHENTIC');
    expect(await alice.evaluate(() => (window as unknown as PeerWindow).verifiedProofs)).toEqual([bobsProof]);
    expect((await gateRecord(mallory)).bytesReceived).toBe(0);
    expect(await sharedKeys(mallory)).toEqual([]);
  });

  it('carries a Yjs update over 64 KiB intact, in data-channel messages of at most 16 KiB', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'member');
    const bob = await joinRoom(org, 'member');
    await write(alice, 'ready', 'yes');
    await waitForValue(bob, 'ready', 'yes');

    // 200,000 base64 characters of random bytes: one insert, one update of about 200 KB.
    const letter = randomBytes(150_000).toString('base64');
    await alice.evaluate((letter) => (window as unknown as PeerWindow).doc.getText('letter').insert(0, letter), letter);
    await bob.waitFor('the whole letter', (letter) => (window as unknown as PeerWindow).doc.getText('letter').toString() === letter, letter);

    const [aliceRecord, bobRecord] = [await gateRecord(alice), await gateRecord(bob)];
    for (const record of [aliceRecord, bobRecord]) {
      expect(Math.max(...record.sends.map((send) => send.bytes))).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    }
    const fullFrames = aliceRecord.sends.filter((send) => send.label !== AUTH_LABEL && send.bytes === MAX_FRAME_BYTES);
    expect(fullFrames.length).toBeGreaterThanOrEqual(Math.floor(letter.length / MAX_FRAME_BYTES));
    expect(bobRecord.bytesReceived).toBeGreaterThan(letter.length);
  });

  it('tries again after a failed handshake, so one failure does not part two members for good', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'member-failing-once');
    const bob = await joinRoom(org, 'member');
    await write(bob, 'from-bob', 'hello alice');

    await waitForValue(alice, 'from-bob', 'hello alice');
    // Bob may have verified Alice's proof before her refusal reached him, so only her side is sure to record it.
    expect((await gateRecord(alice)).rejections[0]).toBe('PEER_NOT_AUTHENTIC');
  });

  it('counts a member who connects after a stranger was turned away', async () => {
    const org = newOrg();
    const alice = await joinRoom(org, 'member');
    const mallory = await joinRoom(org, 'random-proof');
    await waitForRejections(alice);
    await mallory.evaluate(() => (window as unknown as PeerWindow).sync.destroy());

    const bob = await joinRoom(org, 'member');
    await write(bob, 'from-bob', 'hello alice');
    await waitForValue(alice, 'from-bob', 'hello alice');
    // Bob's note reaches Alice only in answer to the sync step 1 she sends once her connection to him is up.
    expect(await alice.evaluate(() => (window as unknown as PeerWindow).sync.status.peers)).toBe(1);
  });
});

