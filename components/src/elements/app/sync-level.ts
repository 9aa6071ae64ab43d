/** The one word the app's status dot says for an org's sync. */
import type { OrgSyncStatus } from '../../core/sync/org-sync.ts';

export type SyncLevel = 'local' | 'offline' | 'connecting' | 'waiting' | 'synced' | 'untrusted';

/**
 * One word for the dot: a local-only org; offline (the device, or the relay out of reach); connecting to the
 * relay, or a shared org whose sync has not started yet (it starts once the org's document has loaded, seconds
 * for a busy org: "on this device only" would be untrue meanwhile); waiting for another device with no relay to
 * carry changes meanwhile; connected to a peer or the relay; or untrusted: the relay was caught dropping, rolling
 * back or hollowing out changes (relay-integrity.ts), which outranks being connected, since the connection may be
 * showing an incomplete history.
 */
export function syncLevel(status: OrgSyncStatus | undefined, { online, shared }: { online: boolean; shared: boolean }): SyncLevel {
  if (!status) return shared ? (online ? 'connecting' : 'offline') : 'local';
  if (status.integrity.length > 0) return 'untrusted';
  if (!online) return 'offline';
  if (status.peers > 0 || status.relay === 'websocket' || status.relay === 'polling') return 'synced';
  if (status.relay === 'offline') return 'offline';
  return status.relay === 'connecting' ? 'connecting' : 'waiting';
}
