/**
 * Invites under attack, in real browsers through the local Worker, each written as the attacker would run it:
 * a share-code holder who opens twelve connections to the inviter at once, each carrying a password guess; an
 * operator relaying between the two browsers, so that each sees another certificate at the other end; and an
 * inviter who claims the id of an org the invitee already belongs to. The offline side of the relaying operator
 * (its recording verifies no password guess) is components/test/invite-exchange.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import type { HandshakeFailure } from '../src/core/index.ts';
import { listedOrgs, openInvite, redeem, tryPasswordAndAdopt, type InviteWindow } from './invite-pages.ts';

const PASSWORD = 'blue heron at dawn';
const PARALLEL_GUESSES = 12;

const lab = useDeviceLab();

interface VerificationCount {
  calls: number;
  inFlight: number;
  maxInFlight: number;
}

interface GuesserWindow extends InviteWindow {
  verifications: VerificationCount;
  /** Per fake peer: how its connection's handshake ended, once it did. */
  guessOutcomes: Record<string, HandshakeFailure | 'authenticated' | 'answered'>;
  connectedPeers: number;
}

/**
 * Counts the HMAC verifications a page runs and how many overlap. On the inviter's page the only ones during an
 * invite are checks of invitees' key confirmations, that is, of password guesses.
 */
function countHmacVerifications() {
  const w = window as unknown as GuesserWindow;
  const stats: VerificationCount = { calls: 0, inFlight: 0, maxInFlight: 0 };
  w.verifications = stats;
  const subtle = crypto.subtle;
  const verify = subtle.verify.bind(subtle);
  subtle.verify = async (...args: Parameters<SubtleCrypto['verify']>) => {
    const algorithm = args[0];
    if ((typeof algorithm === 'string' ? algorithm : algorithm.name) !== 'HMAC') return verify(...args);
    stats.calls += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      return await verify(...args);
    } finally {
      stats.inFlight -= 1;
    }
  };
}

/**
 * What a browser sees when someone relays its connection: DTLS completes with the relay's certificate, so the
 * fingerprint the browser holds for the other end is the relay's, not the other end's. Simulated by showing the
 * page another fingerprint for every remote description, while the real connection stays direct.
 */
function seeARelaysCertificate() {
  const remoteDescription = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'remoteDescription')!;
  Object.defineProperty(RTCPeerConnection.prototype, 'remoteDescription', {
    configurable: true,
    get(this: RTCPeerConnection) {
      const description = remoteDescription.get!.call(this) as RTCSessionDescription | null;
      if (!description) return description;
      const relayed = description.sdp.replace(/^a=fingerprint:(\S+) .*$/gm, 'a=fingerprint:$1 0E:0E:0E:0E:0E:0E:0E:0E:0E:0E:0E:0E:0E:0E:0E:0E');
      return { type: description.type, sdp: relayed, toJSON: () => ({ type: description.type, sdp: relayed }) };
    },
  });
}

/**
 * The attacker's page, with the code redeemed: one signalling socket into the invite room, twelve made-up peer ids
 * announced at once, and for each offer the inviter sends, a gated connection that runs the invitee's side of the
 * exchange with one of `guesses`. Nothing of y-webrtc's provider limits it to one connection.
 */
function guessInParallel(page: Device, workerUrl: string, roomId: string, guesses: string[]) {
  return page.evaluate(
    async ({ workerUrl, roomId, guesses }) => {
      const w = window as unknown as GuesserWindow;
      const { core } = w;
      const { orgId } = core.parseInviteRoom(roomId)!;
      w.guessOutcomes = {};
      w.connectedPeers = 0;
      const secrets = await Promise.all(guesses.map(async (guess) => (await core.deriveInviteKeys(guess, orgId)).pakeSecret));
      const socket = new WebSocket(core.signallingUrl(workerUrl, roomId));
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error('the signalling socket did not open'));
      });
      const publish = (data: unknown) => socket.send(JSON.stringify({ type: 'publish', topic: roomId, data }));

      interface FakePeer {
        id: string;
        pakeSecret: Uint8Array;
        connection: RTCPeerConnection | null;
        pendingCandidates: RTCIceCandidateInit[];
      }
      const peers = new Map<string, FakePeer>();
      const gatedConnectionFor = (id: string, pakeSecret: Uint8Array) =>
        core.gatedWrtc(
          {
            order: 'prove-first',
            bind: async (binding) => {
              const exchange = await core.InviteExchange.start('invitee', pakeSecret, {
                roomId,
                inviteeFingerprint: binding.local,
                inviterFingerprint: binding.remote,
              });
              let keys: ReturnType<typeof exchange.complete> | null = null;
              const keysFor = (theirs: Uint8Array) => (keys ??= exchange.complete(theirs));
              return {
                opening: exchange.share,
                prove: async (_ours, theirs) => (await keysFor(theirs)).confirmation,
                verify: async () => {
                  w.guessOutcomes[id] = 'answered';
                  return false;
                },
              };
            },
          },
          {
            onAuthenticated: () => (w.guessOutcomes[id] = 'authenticated'),
            onRejected: (error) => (w.guessOutcomes[id] ??= error.code),
          },
        ).RTCPeerConnection;
      const answer = async (peer: FakePeer, inviterId: string, offer: RTCSessionDescriptionInit) => {
        const connection = new (gatedConnectionFor(peer.id, peer.pakeSecret))({ iceServers: [] });
        peer.connection = connection;
        w.connectedPeers += 1;
        connection.onicecandidate = ({ candidate }) => {
          if (!candidate) return;
          const { sdpMLineIndex, sdpMid } = candidate;
          publish({ type: 'signal', from: peer.id, to: inviterId, signal: { type: 'candidate', candidate: { candidate: candidate.candidate, sdpMLineIndex, sdpMid } } });
        };
        await connection.setRemoteDescription(offer);
        await connection.setLocalDescription(await connection.createAnswer());
        publish({ type: 'signal', from: peer.id, to: inviterId, signal: { type: 'answer', sdp: connection.localDescription!.sdp } });
        for (const candidate of peer.pendingCandidates.splice(0)) await connection.addIceCandidate(candidate);
      };
      socket.onmessage = (event: MessageEvent<string>) => {
        const message = JSON.parse(event.data) as { type: string; data?: { type: string; from: string; to?: string; signal?: { type: string } } };
        const data = message.data;
        if (message.type !== 'publish' || data?.type !== 'signal' || !data.to || !data.signal) return;
        const peer = peers.get(data.to);
        if (!peer) return;
        const signal = data.signal as { type: string; sdp?: string; candidate?: RTCIceCandidateInit };
        if (signal.type === 'offer' && !peer.connection) {
          void answer(peer, data.from, signal as RTCSessionDescriptionInit);
        } else if (signal.type === 'candidate' && signal.candidate) {
          if (peer.connection?.remoteDescription) void peer.connection.addIceCandidate(signal.candidate);
          else peer.pendingCandidates.push(signal.candidate);
        }
      };
      socket.send(JSON.stringify({ type: 'subscribe', topics: [roomId] }));
      for (const pakeSecret of secrets) {
        const id = crypto.randomUUID();
        peers.set(id, { id, pakeSecret, connection: null, pendingCandidates: [] });
      }
      // All at once: the inviter's y-webrtc answers each announcement with a connection of its own.
      for (const id of peers.keys()) publish({ type: 'announce', from: id });
    },
    { workerUrl, roomId, guesses },
  );
}

describe('an invite under attack', () => {
  it('checks twelve simultaneous guesses one at a time, locks after three, and then refuses the right password', async () => {
    const inviter = await lab.newDevice({ initScript: countHmacVerifications });
    const guesser = await lab.newDevice();
    const offer = await openInvite(inviter, lab.workerUrl, PASSWORD);
    expect(await redeem(guesser, lab.workerUrl, offer.code)).toMatchObject({ ok: true, roomId: offer.roomId });

    const wrongGuesses = Array.from({ length: PARALLEL_GUESSES }, (_, i) => `not the password ${i}`);
    await guessInParallel(guesser, lab.workerUrl, offer.roomId, wrongGuesses);
    await inviter.waitFor('the invitation locked', () => (window as unknown as GuesserWindow).invitation.state === 'locked', undefined, 60_000);
    await guesser.waitFor(
      'an outcome for every connection the inviter made',
      () => {
        const w = window as unknown as GuesserWindow;
        return w.connectedPeers > 0 && Object.keys(w.guessOutcomes).length === w.connectedPeers;
      },
      undefined,
      60_000,
    );

    const verifications = await inviter.evaluate(() => (window as unknown as GuesserWindow).verifications);
    expect(verifications.maxInFlight).toBe(1);
    expect(verifications.calls).toBeGreaterThanOrEqual(1);
    expect(verifications.calls).toBeLessThanOrEqual(3);
    const wrongPasswordEvents = await inviter.evaluate(() => (window as unknown as GuesserWindow).wrongPasswordEvents);
    expect(wrongPasswordEvents).toHaveLength(3);
    expect(wrongPasswordEvents.at(-1)).toBe(0);
    const outcomes = Object.values(await guesser.evaluate(() => (window as unknown as GuesserWindow).guessOutcomes));
    expect(outcomes).not.toContain('authenticated');
    expect(outcomes).not.toContain('answered');

    // The right password now finds the invite closed: nothing answers it, and the guesser's device gets no org.
    expect(await tryPasswordAndAdopt(guesser, PASSWORD)).toMatchObject({ ok: false, code: 'INVITER_UNREACHABLE' });
    expect((await listedOrgs(guesser)).map((org) => org.name)).toEqual(['Personal']);
  });

  it('refuses the right password over a connection whose ends see different certificates, as under a relaying operator', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice({ initScript: seeARelaysCertificate });
    const offer = await openInvite(inviter, lab.workerUrl, PASSWORD);
    await redeem(invitee, lab.workerUrl, offer.code);
    expect(await tryPasswordAndAdopt(invitee, PASSWORD)).toMatchObject({ ok: false, code: 'WRONG_PASSWORD' });
    await inviter.waitFor('the inviter refused a guess', () => (window as unknown as InviteWindow).wrongPasswordEvents.length === 1);
    expect(await inviter.evaluate(() => (window as unknown as InviteWindow).invitation.state)).toBe('waiting');
    expect((await listedOrgs(invitee)).map((org) => org.name)).toEqual(['Personal']);
  });

  it('refuses an invite that claims the id of an org the invitee has, under another key, and leaves that org as it was', async () => {
    const member = await lab.newDevice();
    const attacker = await lab.newDevice();
    // The member belongs to an org made before org ids committed to their keys: a random v4 UUID.
    const legacyOrg = await member.evaluate(async () => {
      const registry = await (window as unknown as InviteWindow).core.OrgRegistry.open();
      const orgKey = crypto.getRandomValues(new Uint8Array(32));
      return registry.adopt({ id: crypto.randomUUID(), name: 'Praxis am Park', color: '#0e7490', roomId: crypto.randomUUID() }, orgKey);
    });
    const before = (await listedOrgs(member)).find((org) => org.id === legacyOrg.id)!;

    // The attacker knows the org's id (from a room id) and invites the member into "a new shared calendar" with it.
    const claim = { id: legacyOrg.id, name: 'A new shared calendar', color: '#be185d', roomId: 'attacker-room' };
    const offer = await openInvite(attacker, lab.workerUrl, 'an attacker password', claim);
    await redeem(member, lab.workerUrl, offer.code);
    expect(await tryPasswordAndAdopt(member, 'an attacker password')).toMatchObject({ ok: false, name: 'OrgRegistryError', code: 'ORG_ID_TAKEN' });
    expect((await listedOrgs(member)).find((org) => org.id === legacyOrg.id)).toEqual(before);
  });

  it("refuses an invite that claims a new org's id with another key, whether or not the invitee has that org", async () => {
    const owner = await lab.newDevice();
    const attacker = await lab.newDevice();
    const stranger = await lab.newDevice();
    // A new org's id is a commitment to its key.
    const ownOffer = await openInvite(owner, lab.workerUrl, 'the real org password');
    await owner.evaluate(() => (window as unknown as InviteWindow).invitation.cancel());
    const before = await listedOrgs(owner);

    const claim = { id: ownOffer.org.id, name: 'A new shared calendar', color: '#be185d', roomId: 'attacker-room' };
    for (const invitee of [owner, stranger]) {
      const offer = await openInvite(attacker, lab.workerUrl, 'an attacker password', claim);
      await redeem(invitee, lab.workerUrl, offer.code);
      expect(await tryPasswordAndAdopt(invitee, 'an attacker password')).toMatchObject({ ok: false, name: 'InviteError', code: 'INVALID_INVITE' });
    }
    expect(await listedOrgs(owner)).toEqual(before);
    expect((await listedOrgs(stranger)).map((org) => org.name)).toEqual(['Personal']);
  });
});
