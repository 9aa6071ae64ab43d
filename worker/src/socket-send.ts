/** Sends to a socket that may have gone between our check and our send: its close handler cleans up, not the sender. */
export function safeSend(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // Best effort, as fan-out to a vanished peer always is.
  }
}
