/**
 * workerd (compatibility flag `web_socket_compression`, on since 2023) agrees to permessage-deflate whenever the
 * client offers it, as every browser does, and the Worker's 101 names no extensions. Everything on our sockets is
 * ciphertext or sealed signalling, which does not compress: deflate would only cost CPU, once per receiver for every
 * frame fanned out and once more in every client. A Sec-WebSocket-Extensions value that is no permessage-deflate
 * offer makes the runtime agree to none, and it then answers the handshake with no extensions header at all.
 */
const NO_EXTENSIONS = 'none';

/** The upgrade as the room answered it, with compression refused; any other response as it is. */
export function withoutCompression(response: Response): Response {
  if (!response.webSocket) return response;
  const headers = new Headers(response.headers);
  headers.set('sec-websocket-extensions', NO_EXTENSIONS);
  return new Response(null, { status: response.status, statusText: response.statusText, headers, webSocket: response.webSocket });
}
