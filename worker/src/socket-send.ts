/** Sends to a socket that may have gone between our check and our send: its close handler cleans up, not the sender. */
export function safeSend(ws: WebSocket, message: string | Uint8Array): void {
  try {
    ws.send(message);
  } catch {
    // Best effort, as fan-out to a vanished peer always is.
  }
}

/**
 * The close code to answer a client's close frame with: its own when it may be sent (RFC 6455 §7.4: 1000–1003,
 * 1007–1014, 3000–4999), else 1000. Echoing a reserved code (1005, 1006, 1015) or one out of range makes `close`
 * throw.
 */
export function closeCodeToEcho(code: number): number {
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  return sendable ? code : 1000;
}
