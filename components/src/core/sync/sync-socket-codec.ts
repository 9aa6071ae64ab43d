import {
  SYNC_BINARY_PROTOCOL,
  decodeBase64url,
  decodeChangesFrame,
  encodeBase64url,
  encodePushFrame,
  parseChangesPage,
  type EncryptedChange,
  type SyncClientMessage,
  type SyncRequest,
  type SyncServerMessage,
} from '#protocol';

/**
 * The sync socket's wire format on the client: the relay's protocol version 3 (binary frames for ciphertext) when
 * the Worker agrees to it, JSON text otherwise (a Worker that predates it). The rest of the client sees the same
 * messages either way.
 */

export type SyncSocketMessage = SyncServerMessage | { type: 'pong' };

/** Opens the sync socket offering binary frames; `isBinary` says after `open` whether the Worker agreed. */
export function openSyncSocket(WebSocketImpl: typeof WebSocket, url: string): WebSocket {
  const socket = new WebSocketImpl(url, [SYNC_BINARY_PROTOCOL]);
  socket.binaryType = 'arraybuffer';
  return socket;
}

export function isBinary(socket: WebSocket): boolean {
  return socket.protocol === SYNC_BINARY_PROTOCOL;
}

/** A request as the socket's protocol carries it: a push as a binary frame of raw bytes where agreed. */
export function encodeSyncRequest(request: SyncRequest, seq: number, binary: boolean): string | Uint8Array {
  if (binary && request.type === 'push') {
    return encodePushFrame(
      seq,
      request.changes.map((change) => ('bytes' in change ? change : { id: change.id, bytes: rawBytesOf(change) })),
    );
  }
  return JSON.stringify({ ...request, seq } satisfies SyncClientMessage);
}

/**
 * A frame from the relay as a message, a binary one's changes with their ciphertext as base64url; throws on garbage,
 * and on changes that either form would carry malformed (an author that is no tag, say).
 */
export function decodeSyncMessage(data: unknown): SyncSocketMessage {
  if (data instanceof ArrayBuffer) {
    const { changes, latestVersion, more } = decodeChangesFrame(data);
    return {
      type: 'changes',
      changes: changes.map(({ bytes, ...change }) => ({ ...change, encryptedData: encodeBase64url(bytes) })),
      latestVersion,
      more,
    };
  }
  const message = JSON.parse(String(data)) as SyncSocketMessage;
  return message.type === 'changes' ? { type: 'changes', ...parseChangesPage(message) } : message;
}

function rawBytesOf(change: EncryptedChange): Uint8Array {
  const bytes = decodeBase64url(change.encryptedData);
  // The client seals and encodes every change itself, so this is a bug, not input.
  if (!bytes) throw new Error(`change ${change.id} is not base64url`);
  return bytes;
}
