/**
 * The least a Durable Object can do as a signalling room, for `BARE=1 npm run bench:signalling`: a Worker routes each
 * socket to the room of its path, as ours does, and the room accepts it as hibernatable and forwards every frame it
 * gets to every other socket, unread. What the benchmark measures of it is workerd's own cost per frame; what
 * SignalRoom costs beyond it is its own.
 */
import { DurableObject } from 'cloudflare:workers';
import { withoutCompression } from '../../src/websocket-compression.ts';

interface Env {
  ROOM: DurableObjectNamespace<BareFanOutRoom>;
}

export class BareFanOutRoom extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The benchmark's clients wait for a pong to their ping, as y-webrtc's do.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) if (socket !== ws) socket.send(message);
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/health') return new Response('ok');
    return withoutCompression(await env.ROOM.get(env.ROOM.idFromName(pathname)).fetch(request));
  },
};
