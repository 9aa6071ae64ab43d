/**
 * Devices that meet over WebRTC tell each other what they have read from the relay (each device's highest batch
 * sequence, relay-integrity.ts) through y-webrtc's awareness, beside the document. A device shown a batch by a peer
 * that its own relay will not serve it reports a fork (`RelayClient.comparePeerSequences`): the relay is showing the
 * two devices different histories. Awareness crosses only authenticated peer connections (the gate in
 * gated-peer-connection.ts) and, between tabs of one browser, y-webrtc's encrypted BroadcastChannel.
 */
import type { Awareness } from 'y-protocols/awareness';
import type { RelayClient } from './relay-client.ts';

/** The awareness field; its value names the workspace, so devices in different epochs compare nothing. */
const RELAY_VIEW = 'relayView';

interface RelayView {
  workspaceId: string;
  sequences: Record<string, number>;
}

function isRelayView(value: unknown): value is RelayView {
  if (typeof value !== 'object' || value === null) return false;
  const { workspaceId, sequences } = value as Partial<RelayView>;
  return typeof workspaceId === 'string' && typeof sequences === 'object' && sequences !== null;
}

/** Publishes this device's relay view and compares every peer's with it; returns what stops both. */
export function shareRelayView(awareness: Awareness, workspaceId: string, relay: Pick<RelayClient, 'relaySequences' | 'comparePeerSequences' | 'on' | 'off'>): () => void {
  let published = '';
  const publish = () => {
    const view: RelayView = { workspaceId, sequences: relay.relaySequences };
    const text = JSON.stringify(view);
    if (text === published) return;
    published = text;
    awareness.setLocalStateField(RELAY_VIEW, view);
  };
  const compare = ({ added, updated }: { added: number[]; updated: number[] }) => {
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue;
      const view: unknown = awareness.getStates().get(clientId)?.[RELAY_VIEW];
      // A relay that cannot be reached shows nothing either way: only a relay that answers and still lacks the batch is reported.
      if (isRelayView(view) && view.workspaceId === workspaceId) relay.comparePeerSequences(view.sequences).catch(() => undefined);
    }
  };
  relay.on('status', publish);
  awareness.on('change', compare);
  publish();
  return () => {
    relay.off('status', publish);
    awareness.off('change', compare);
  };
}
