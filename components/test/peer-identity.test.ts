/** The statements peers name their devices with once the members' handshake has passed (sync/peer-identity.ts). */
import { describe, expect, it } from 'vitest';
import { createChallenge } from '../src/core/crypto/challenge-response.ts';
import { generateDeviceIdentity } from '../src/core/org/device-identity.ts';
import { peerIdentification } from '../src/core/sync/peer-identity.ts';

const ORG = 'org-a';

describe('peer identity statements', () => {
  it('names the device that made the statement, for the connection it was made in', async () => {
    const [ana, ben] = await Promise.all([generateDeviceIdentity(), generateDeviceIdentity()]);
    const [anaChallenge, benChallenge] = [createChallenge(), createChallenge()];
    const statement = await peerIdentification(ana, ORG).statement(anaChallenge, benChallenge);
    expect(await peerIdentification(ben, ORG).check(benChallenge, anaChallenge, statement)).toBe(ana.deviceId);
  });

  it('refuses a statement replayed in another connection, turned round, or made for another org', async () => {
    const [ana, ben] = await Promise.all([generateDeviceIdentity(), generateDeviceIdentity()]);
    const [anaChallenge, benChallenge] = [createChallenge(), createChallenge()];
    const statement = await peerIdentification(ana, ORG).statement(anaChallenge, benChallenge);
    const checker = peerIdentification(ben, ORG);
    expect(await checker.check(createChallenge(), anaChallenge, statement)).toBeNull();
    expect(await checker.check(anaChallenge, benChallenge, statement)).toBeNull();
    expect(await peerIdentification(ben, 'org-b').check(benChallenge, anaChallenge, statement)).toBeNull();
  });

  it('refuses a statement whose keys are not the device it names, an altered one, and bytes that are no statement', async () => {
    const [ana, ben, mallory] = await Promise.all([generateDeviceIdentity(), generateDeviceIdentity(), generateDeviceIdentity()]);
    const [theirs, ours] = [createChallenge(), createChallenge()];
    const checker = peerIdentification(ben, ORG);
    // Mallory signs with her own keys but names ana's device.
    const claimingAna = await peerIdentification({ ...mallory, deviceId: ana.deviceId }, ORG).statement(theirs, ours);
    expect(await checker.check(ours, theirs, claimingAna)).toBeNull();
    const genuine = await peerIdentification(ana, ORG).statement(theirs, ours);
    const altered = genuine.slice();
    altered[altered.length - 1]! ^= 1;
    expect(await checker.check(ours, theirs, altered)).toBeNull();
    expect(await checker.check(ours, theirs, genuine.subarray(0, 20))).toBeNull();
    expect(await checker.check(ours, theirs, new Uint8Array([...genuine, 0]))).toBeNull();
  });
});
