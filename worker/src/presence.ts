import { json, type IRequest } from 'itty-router';
import { MAX_SMALL_BODY_BYTES, parseAnnounce, type PresencePeersResponse } from './protocol/index.ts';
import type { Env } from './env.ts';
import { readJsonBody } from './json-body.ts';
import { clientIp, consumeAttempt } from './rate-limiter.ts';
import { unwrap } from './room-result.ts';
import { roomIdParam, signalRoom } from './signal-room.ts';

/**
 * The presence board of a room, kept by the room's own SignalRoom: one object decides, so a peer that has
 * just announced is listed by the very next request, wherever it comes from.
 */

/** `POST /room/:roomId/announce {peerId, data}` */
export async function announcePeer(request: IRequest, env: Env): Promise<Response> {
  const roomId = roomIdParam(request.params.roomId);
  const announcement = parseAnnounce(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  await consumeAttempt(env, 'presenceAnnouncesPerIp', clientIp(request));
  return json(unwrap(await signalRoom(env, roomId).announce(announcement)));
}

/** `GET /room/:roomId/peers` */
export async function listPeers(request: IRequest, env: Env): Promise<Response> {
  const roomId = roomIdParam(request.params.roomId);
  await consumeAttempt(env, 'presenceReadsPerIp', clientIp(request));
  return json({ peers: await signalRoom(env, roomId).peers() } satisfies PresencePeersResponse);
}
