/**
 * What ties a handshake to the WebRTC connection it runs on: the DTLS certificate fingerprints both ends announced
 * in their SDP. DTLS refuses a peer whose certificate does not match the fingerprint it was signalled, so a man in
 * the middle who terminates DTLS towards each browser must signal its own fingerprints, and the two browsers then
 * see different pairs. A handshake that covers the pair (the invite's PAKE does) fails under such a relay.
 */

/** Both ends' fingerprints, as this end sees them. */
export interface ChannelBinding {
  local: string;
  remote: string;
}

/**
 * The `a=fingerprint` lines of an SDP (session or media level), lower-cased, deduplicated and sorted, joined by
 * commas: the same text on both ends for the same description, whatever order or case a browser writes them in.
 * Empty when the SDP has none.
 */
export function sdpFingerprints(sdp: string): string {
  const lines = sdp
    .split(/\r?\n/)
    .filter((line) => line.startsWith('a=fingerprint:'))
    .map((line) => line.slice('a=fingerprint:'.length).trim().toLowerCase().replace(/\s+/g, ' '));
  return [...new Set(lines)].sort().join(',');
}

/** The binding of a connection whose descriptions are both set, or null while either is missing a fingerprint. */
export function channelBindingOf(connection: Pick<RTCPeerConnection, 'localDescription' | 'remoteDescription'>): ChannelBinding | null {
  const local = sdpFingerprints(connection.localDescription?.sdp ?? '');
  const remote = sdpFingerprints(connection.remoteDescription?.sdp ?? '');
  return local && remote ? { local, remote } : null;
}
