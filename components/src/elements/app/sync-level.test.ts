import { describe, expect, it } from 'vitest';
import type { OrgSyncStatus } from '../../core/sync/org-sync.ts';
import { syncLevel } from './sync-level.ts';

const status = (changes: Partial<OrgSyncStatus> = {}): OrgSyncStatus => ({
  peers: 0,
  relay: 'off',
  pending: 0,
  lastSyncedAt: null,
  lastError: null,
  integrity: [],
  membership: 'member',
  epoch: 0,
  ...changes,
});

describe('the sync level the status dot shows', () => {
  it('says a shared org whose sync has not started yet is connecting, or offline, never on this device only', () => {
    expect(syncLevel(undefined, { online: true, shared: true })).toBe('connecting');
    expect(syncLevel(undefined, { online: false, shared: true })).toBe('offline');
    expect(syncLevel(undefined, { online: true, shared: false })).toBe('local');
  });

  it('follows the running sync: a peer or the relay, then offline, connecting and waiting', () => {
    const online = { online: true, shared: true };
    expect(syncLevel(status({ peers: 1 }), online)).toBe('synced');
    expect(syncLevel(status({ relay: 'polling' }), online)).toBe('synced');
    expect(syncLevel(status({ relay: 'websocket' }), { online: false, shared: true })).toBe('offline');
    expect(syncLevel(status({ relay: 'offline' }), online)).toBe('offline');
    expect(syncLevel(status({ relay: 'connecting' }), online)).toBe('connecting');
    expect(syncLevel(status({ relay: 'off' }), online)).toBe('waiting');
  });

  it('puts a relay caught misbehaving above being connected', () => {
    const report = { kind: 'rolled-back' } as unknown as OrgSyncStatus['integrity'][number];
    expect(syncLevel(status({ peers: 2, relay: 'websocket', integrity: [report] }), { online: true, shared: true })).toBe('untrusted');
  });
});
