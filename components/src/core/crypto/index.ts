/**
 * The client's cryptography (Web Crypto, and @noble/curves' ristretto255 for CPace): the org key and its subkeys, the
 * invite's PAKE, sealing, challenge-response.
 */
export { CryptoError, type CryptoErrorCode } from './crypto-error.ts';
export { generateOrgKey, deriveOrgSubkeys, ORG_KEY_BYTES, ORG_SUBKEY_INFO, type OrgSubkeys } from './org-key.ts';
export {
  deriveInviteKeys,
  generateOrgPassword,
  assessOrgPassword,
  ORG_PASSWORD_ITERATIONS,
  ORG_PASSWORD_MIN_LENGTH,
  type InviteKeys,
  type OrgPasswordAssessment,
  type OrgPasswordProblem,
} from './org-password.ts';
export { seal, open, bindCipher, SEALED_FORMAT_VERSION, type EncryptionContext, type EncryptionPurpose, type BoundCipher } from './aead.ts';
export {
  createChallenge,
  respondToChallenge,
  verifyChallengeResponse,
  challengeProofs,
  CHALLENGE_BYTES,
  type ChallengePurpose,
  type HandshakeChallenges,
} from './challenge-response.ts';
export {
  InviteExchange,
  inviteChannelId,
  INVITE_CONFIRMATION_BYTES,
  type InviteChannel,
  type InviteRole,
  type InviteSessionKeys,
} from './invite-exchange.ts';
export { joinVerifierFor } from './join-verifier.ts';
export { saveOrgKey, loadOrgKey, deleteOrgKey, KEY_STORE_DATABASE } from './key-store.ts';
