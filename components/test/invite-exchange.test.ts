/**
 * The invite's key exchange as the Worker's operator would attack it: a man in the middle that relays the two
 * browsers' messages, and one that answers the invitee itself. Neither ends up with anything it can test password
 * guesses against offline; the active one learns only whether its one committed guess was right.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpaceParty, lvCat, sha512 } from '../src/core/crypto/cpace.ts';
import { inviteChannelId, InviteExchange, type InviteChannel } from '../src/core/crypto/invite-exchange.ts';
import { deriveInviteKeys } from '../src/core/crypto/org-password.ts';
import { open, seal } from '../src/core/crypto/aead.ts';
import { ascii } from './crypto-fixtures.ts';

const ORG_ID = 'b6f0c1de-2d4e-4c55-9a61-3f5f0e7c9d10';
const PASSWORD = 'violet tram ledger 42';
/** The operator's dictionary: the right password is in it. */
const DICTIONARY = ['violet tram ledger 41', PASSWORD, 'praxis am park 2024'];

const channel = (overrides: Partial<InviteChannel> = {}): InviteChannel => ({
  roomId: `${ORG_ID}.room-1`,
  inviteeFingerprint: 'sha-256 aa:aa',
  inviterFingerprint: 'sha-256 bb:bb',
  ...overrides,
});
const payloadContext = { orgId: ORG_ID, purpose: 'invite-org' as const, scope: channel().roomId };

const secrets = new Map<string, Uint8Array>();
const pakeSecret = (password: string) => secrets.get(password)!;
beforeAll(async () => {
  for (const password of DICTIONARY) secrets.set(password, (await deriveInviteKeys(password, ORG_ID)).pakeSecret);
});

/** Both ends' runs over one channel view each, with the shares passed as they are. */
async function run(invitee: { password: string; channel: InviteChannel }, inviter: { password: string; channel: InviteChannel }) {
  const a = await InviteExchange.start('invitee', pakeSecret(invitee.password), invitee.channel);
  const b = await InviteExchange.start('inviter', pakeSecret(inviter.password), inviter.channel);
  return { a, b, inviteeKeys: await a.complete(b.share), inviterKeys: await b.complete(a.share) };
}

describe('the invite exchange between honest ends', () => {
  it('confirms both ways and lets the invitee open what the inviter sealed, with the right password', async () => {
    const { inviteeKeys, inviterKeys } = await run({ password: PASSWORD, channel: channel() }, { password: PASSWORD, channel: channel() });
    expect(await inviterKeys.confirms(inviteeKeys.confirmation)).toBe(true);
    expect(await inviteeKeys.confirms(inviterKeys.confirmation)).toBe(true);
    const sealed = await seal(inviterKeys.payloadKey, ascii('org key'), payloadContext);
    expect(await open(inviteeKeys.payloadKey, sealed, payloadContext)).toEqual(ascii('org key'));
  });

  it("refuses a wrong password's confirmation", async () => {
    const { inviteeKeys, inviterKeys } = await run({ password: DICTIONARY[0]!, channel: channel() }, { password: PASSWORD, channel: channel() });
    expect(await inviterKeys.confirms(inviteeKeys.confirmation)).toBe(false);
  });

  it('never confirms a tag reflected back to its maker', async () => {
    const { inviterKeys } = await run({ password: PASSWORD, channel: channel() }, { password: PASSWORD, channel: channel() });
    expect(await inviterKeys.confirms(inviterKeys.confirmation)).toBe(false);
  });

  it('binds the room id into the exchange', async () => {
    const { inviteeKeys, inviterKeys } = await run(
      { password: PASSWORD, channel: channel({ roomId: `${ORG_ID}.room-2` }) },
      { password: PASSWORD, channel: channel() },
    );
    expect(await inviterKeys.confirms(inviteeKeys.confirmation)).toBe(false);
  });
});

describe('an operator in the middle of an invite', () => {
  it('that relays the messages between its own two DTLS ends gets a refusal, not the payload', async () => {
    // Each browser sees the operator's certificate as the other end's: the views of the channel differ.
    const inviteeView = channel({ inviterFingerprint: 'sha-256 0e:01' });
    const inviterView = channel({ inviteeFingerprint: 'sha-256 0e:02' });
    const { inviteeKeys, inviterKeys } = await run({ password: PASSWORD, channel: inviteeView }, { password: PASSWORD, channel: inviterView });
    expect(await inviterKeys.confirms(inviteeKeys.confirmation)).toBe(false);
    expect(await inviteeKeys.confirms(inviterKeys.confirmation)).toBe(false);
  });

  it('that answers the invitee as a fake inviter cannot test any guess offline, the right one included', async () => {
    const { verifiesOffline } = await answerAsFakeInviter(DICTIONARY[0]!);
    for (const guess of DICTIONARY) expect(await verifiesOffline(guess), guess).toBe(false);
  });

  it('learns whether its one committed guess was right, and only that: one online guess per attempt', async () => {
    const { verifiesOffline } = await answerAsFakeInviter(PASSWORD);
    expect(await verifiesOffline(PASSWORD)).toBe(true);
  });

  it('gets an abort, not a key, for a share that is the neutral element', async () => {
    const invitee = await InviteExchange.start('invitee', pakeSecret(PASSWORD), channel());
    await expect(invitee.complete(new Uint8Array(32))).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_CHALLENGE' });
  });
});

/**
 * The operator answers an invitee as the inviter, committing to `committedGuess` with a scalar of its own, and
 * records the invitee's share and confirmation. `verifiesOffline` is its offline attack on that recording: rerun the
 * inviter's side for a guess, with the same scalar, and see whether the invitee's confirmation checks out.
 */
async function answerAsFakeInviter(committedGuess: string) {
  const inviteeView = channel({ inviterFingerprint: 'sha-256 0e:01' });
  const ci = inviteChannelId(inviteeView);
  const operatorScalar = 0x1234_5678_9abc_def0_1234_5678_9abc_def0n;
  const [inviteeAd, inviterAd] = [ascii('invitee'), ascii('inviter')];
  const committed = await CpaceParty.start('responder', { prs: pakeSecret(committedGuess), ci, sid: new Uint8Array() }, inviterAd, operatorScalar);
  const invitee = await InviteExchange.start('invitee', pakeSecret(PASSWORD), inviteeView);
  const recorded = { share: invitee.share, confirmation: (await invitee.complete(committed.share)).confirmation };

  const verifiesOffline = async (guess: string) => {
    const asInviter = await CpaceParty.start('responder', { prs: pakeSecret(guess), ci, sid: new Uint8Array() }, inviterAd, operatorScalar);
    const isk = await asInviter.sessionKey(recorded.share, inviteeAd);
    const macKey = await crypto.subtle.importKey(
      'raw',
      await sha512(new Uint8Array([...ascii('CPaceMac'), ...isk])),
      { name: 'HMAC', hash: 'SHA-512' },
      false,
      ['verify'],
    );
    return crypto.subtle.verify('HMAC', macKey, recorded.confirmation.slice(), lvCat(recorded.share, inviteeAd).slice());
  };
  return { verifiesOffline };
}
