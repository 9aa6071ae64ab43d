/** The public entry point of p2p-clinic's client core: elements, the app and other people's code import from here. */
export type * from './records/records.ts';
export { ValidationError } from './records/validation-error.ts';
export { RecordNotFoundError } from './records/record-not-found-error.ts';
export { ReadOnlyDocumentError, CURRENT_SCHEMA_VERSION } from './records/org-document.ts';
export { OrgRegistry, OrgRegistryError, DEFAULT_ORG_NAME, DEFAULT_ORG_COLOR, type OrgRegistryErrorCode } from './org/org-registry.ts';
export { openOrg, attachStores, orgDatabaseName, type OrgSession, type OrgStores } from './org/org-session.ts';
export { loadDeviceIdentity, generateDeviceIdentity, type DeviceIdentity } from './org/device-identity.ts';
export {
  OrgMembership,
  type MembershipView,
  type OrgMembershipOptions,
  type OrgMembershipEvents,
  type EpochKeyStore,
} from './org/org-membership.ts';
export type { Membership, MembershipStatus, DeviceInfo, Epoch } from './org/membership.ts';
export { RotationError, type RotationErrorCode, type DeviceProfile } from './org/key-rotation.ts';
export { deriveEpochSubkeys, loadEpochKeys, saveEpochKey, type StoredEpochKey } from './org/key-epochs.ts';
export {
  exportRecoveryKit,
  openRecoveryKit,
  restoreRecoveryKit,
  assertKitCurrent,
  RecoveryKitError,
  RECOVERY_PASSPHRASE_MIN_LENGTH,
  type RecoveryKitContents,
  type RecoveryKitErrorCode,
} from './org/recovery-kit.ts';
export { ContactsStore } from './contacts/contacts-store.ts';
export { EventsStore } from './calendar/events-store.ts';
export { ResourcesStore } from './calendar/resources-store.ts';
export { RESOURCE_KINDS } from './calendar/resource-validation.ts';
export { EVENT_STATUSES } from './calendar/event-validation.ts';
export { occurrenceKey } from './calendar/booking-conflicts.ts';
export { RemindersStore, type ReminderRef, type UpcomingReminder } from './calendar/reminders.ts';
export { ReminderAlarms, MISSED_REMINDERS_LOOKBACK_MS, type ReminderAlarmsOptions } from './calendar/reminder-alarms.ts';
export { memoryReminderStorage, type ReminderStateStorage } from './calendar/reminder-state-storage.ts';
export { normaliseForSearch } from './contacts/contact-search.ts';
export { removeContacts, type ContactRemoval } from './contacts/contact-removal.ts';
export { findDuplicates, type DuplicatePair, type DuplicateReason } from './contacts/contact-duplicates.ts';
export {
  mergeContacts,
  mergedFields,
  defaultMergeChoices,
  MERGE_CHOICE_FIELDS,
  MERGE_JOINED_FIELDS,
  type MergeChoices,
  type MergeChoiceField,
} from './contacts/contact-merge.ts';
export { isValidTimeZone, wallClockToInstant, instantToWallClock, deviceTimeZone } from './calendar/wall-clock-time.ts';
export { RECORD_LIMITS } from './records/record-limits.ts';
export type { StoreChange, StoreListener, Unsubscribe } from './records/change-listeners.ts';
export * from './interop/index.ts';
export * from './crypto/index.ts';
export { PeerSync, signallingUrl, type PeerSyncOptions, type PeerSyncStatus, type PeerSyncEvents } from './sync/peer-sync.ts';
export {
  gatedWrtc,
  HandshakeError,
  MAX_FRAME_BYTES,
  type PeerHandshake,
  type BoundHandshake,
  type HandshakeSteps,
  type HandshakeFailure,
  type GateObserver,
  type PeerIdentification,
  type IdentifiedConnection,
} from './sync/gated-peer-connection.ts';
export { peerIdentification } from './sync/peer-identity.ts';
export type { ChannelBinding } from './sync/channel-binding.ts';
export {
  Invitation,
  InviteRedemption,
  InviteError,
  MAX_PASSWORD_TRIES,
  INVITE_PROTOCOL_VERSION,
  parseInviteRoom,
  type InviteErrorCode,
  type InvitedOrg,
  type InvitationState,
  type InvitationEvents,
} from './sync/invite.ts';
export { RelayApi, RelayApiError } from './sync/relay-api.ts';
export { RelayClient, type RelayClientOptions, type RelayStatus, type RelayEvents } from './sync/relay-client.ts';
export { RelayOutbox } from './sync/relay-outbox.ts';
export {
  openRelayWorkspace,
  relayWorkspaceIdOf,
  recordRelayWorkspaceId,
  relayUpdateCipher,
  type RelayAccount,
  type RelayOrg,
  type RelayWorkspace,
} from './sync/relay-workspace.ts';
export { OrgSync, leaveOrg, REMOVED_FROM_ORG, type OrgSyncOptions, type OrgSyncStatus, type OrgSyncEvents, type SyncProblem } from './sync/org-sync.ts';
