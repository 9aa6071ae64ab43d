/**
 * Share-code redeems at the scale of issue 9 (item 7): a hundred simultaneous redeems of each of 200 codes, 20,000
 * in all, against the Worker on workerd. Every answer is 200, 404 or 429, and every code is redeemed exactly once.
 *
 * The Worker runs under Miniflare without `wrangler dev`'s proxy, whose own 503 for a broken connection is not the
 * Worker's answer (docs/api.md, "POST /api/share-codes/:code/redeem", has the measurements).
 */
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, RedeemShareCodeResponse, ShareCodeResponse } from '../../src/protocol/index.ts';
import { RATE_LIMIT_RULES } from '../../src/rate-limit-rules.ts';
import { startMiniflareWorker, type MiniflareWorker } from '../../../scripts/miniflare-worker.ts';

const CODES = 200;
const REDEEMS_PER_CODE = 100;
/**
 * Client addresses the redeems come from; each code's hundred from a hundred of them. Each address is a rate-limit
 * object of its own, and the local runtime, which holds every object in one process and commits each one's writes on
 * its one thread, slows with their number (docs/api.md has the measurements): 200 addresses, so most redeems past an
 * address's allowances are refused with 429 and the codes they would have tried are redeemed afterwards.
 */
const ADDRESSES = 200;
/**
 * Redeems on the wire at once: all of one code's. Each on a connection of its own, as from as many clients; the rest
 * wait in the client's queue, so the runtime is never handed 20,000 sockets at once (two processes on one machine
 * could not hold them: each may open 20,000 files).
 */
const CONNECTIONS = REDEEMS_PER_CODE;

const address = (i: number, network: number) => `10.${network}.${(i >> 8) & 255}.${i & 255}`;

interface Answer {
  /** The HTTP status, or the error that took the place of an answer (a reset connection). */
  status: number | string;
  body: string;
  retryAfter?: string;
}

function post(url: string, clientAddress: string, agent: Agent, body = ''): Promise<Answer> {
  return new Promise((resolve) => {
    const outgoing = request(url, {
      method: 'POST',
      agent,
      headers: { 'cf-connecting-ip': clientAddress, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    outgoing.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 'no status', body: text, retryAfter: response.headers['retry-after'] }));
      response.on('error', (err) => resolve({ status: `response ${err.message}`, body: '' }));
    });
    outgoing.on('error', (err) => resolve({ status: `request ${(err as NodeJS.ErrnoException).code ?? err.message}`, body: '' }));
    outgoing.end(body);
  });
}

const errorCode = ({ body }: Answer) => (JSON.parse(body) as ErrorBody).error.code;

describe('share codes at scale', () => {
  let worker: MiniflareWorker;
  const agent = new Agent({ keepAlive: false, maxSockets: CONNECTIONS });

  beforeAll(async () => {
    worker = await startMiniflareWorker();
  });
  afterAll(async () => {
    agent.destroy();
    await worker?.dispose();
  });

  it('answer a hundred simultaneous redeems of each of 200 codes with 200, 404 or 429, and redeem each code once', { timeout: 15 * 60_000 }, async () => {
    const perIssuer = RATE_LIMIT_RULES.shareCodeCreationPerIp.capacity;
    const perAddress = RATE_LIMIT_RULES.shareCodeRedeemFailuresPerIp.capacity;
    const issued = await Promise.all(
      Array.from({ length: CODES }, async (_, i) => {
        const roomId = `invite-room-${i}`;
        const answer = await post(`${worker.url}/api/share-codes`, address(Math.floor(i / perIssuer), 1), agent, JSON.stringify({ roomId }));
        expect(answer.status, answer.body).toBe(201);
        return { roomId, code: (JSON.parse(answer.body) as ShareCodeResponse).code };
      }),
    );

    // Code after code, so that each code's hundred redeems are in flight together.
    const answers = await Promise.all(
      issued.flatMap(({ code, roomId }, c) =>
        Array.from({ length: REDEEMS_PER_CODE }, async (_, r) => {
          const clientAddress = address((c * REDEEMS_PER_CODE + r) % ADDRESSES, 2);
          return { code, roomId, ...(await post(`${worker.url}/api/share-codes/${code}/redeem`, clientAddress, agent)) };
        }),
      ),
    );

    const statuses = new Map<number | string, number>();
    for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const counted = `answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`;
    expect([...statuses.keys()].filter((status) => ![200, 404, 429].includes(status as number)), counted).toEqual([]);
    expect(answers.filter((answer) => answer.status === 404 && errorCode(answer) !== 'NOT_FOUND')).toEqual([]);
    expect(answers.filter((answer) => answer.status === 429 && (errorCode(answer) !== 'RATE_LIMITED' || !answer.retryAfter))).toEqual([]);

    const successes = answers.filter(({ status }) => status === 200);
    expect(successes.length, counted).toBe(new Set(successes.map(({ code }) => code)).size);
    for (const { roomId, body } of successes) expect((JSON.parse(body) as RedeemShareCodeResponse).roomId).toBe(roomId);

    // A refusal for an address's rate never spends a code: each code left is redeemed now, each redeemed one is gone.
    const redeemed = new Set(successes.map(({ code }) => code));
    const again = await Promise.all(
      issued.map(async ({ code, roomId }, c) => ({
        code,
        roomId,
        ...(await post(`${worker.url}/api/share-codes/${code}/redeem`, address(Math.floor(c / perAddress), 3), agent)),
      })),
    );
    for (const answer of again) {
      if (redeemed.has(answer.code)) expect([answer.status, errorCode(answer)]).toEqual([404, 'NOT_FOUND']);
      else expect([answer.status, (JSON.parse(answer.body) as RedeemShareCodeResponse).roomId]).toEqual([200, answer.roomId]);
    }
  });
});
