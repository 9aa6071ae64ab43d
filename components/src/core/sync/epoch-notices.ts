/**
 * An org's notices: the rotations and acknowledgements of each epoch, carried in the workspace of the epoch they
 * replace, where devices still on that epoch read them, and where devices that moved on to competing rotations
 * meet (docs/security.md, "Members, devices and key rotation"). Two devices that each removed someone at the same
 * moment are in two different new epochs, whose rooms and workspaces have nothing in common; what they share is
 * the epoch both left. So each member, besides syncing in its current epoch:
 *
 * - publishes every rotation and acknowledgement record its document holds into the workspace of the record's base
 *   epoch, with the enrolments they stand on (`noticeRecords`), each as a Yjs update of its own from a fresh Yjs
 *   client, in a relay batch named by the record's id (the relay keeps one copy per account that publishes it,
 *   however often it does);
 * - watches the workspace of its current epoch's base for such records and copies the rotations and acks found there
 *   into its document (only those: what else the old workspace holds, a removed device may have written), where the
 *   member list verifies them like any other record.
 */
import * as Y from 'yjs';
import { decodeBase64url, encodeBase64url } from '#protocol';
import { deriveEpochSubkeys } from '../org/key-epochs.ts';
import type { Epoch } from '../org/membership.ts';
import { membershipMap } from '../org/membership-records.ts';
import type { MembershipView, OrgMembership } from '../org/org-membership.ts';
import type { BoundCipher } from '../crypto/aead.ts';
import { RelayEnvelopeSigning } from './relay-signatures.ts';
import { relayUpdateCipher, relayWorkspaceIdOf, type RelayAccount } from './relay-workspace.ts';

/** The batches of notices carry this device id prefix; the rest of an old workspace is not even opened. */
const NOTICE_PREFIX = 'notice-';
/** How often the base epoch's workspace is read for notices: concurrent removals settle within a few of these. */
export const NOTICE_POLL_MS = 3_000;

export interface EpochNoticesOptions {
  account: RelayAccount;
  orgId: string;
  doc: Y.Doc;
  membership: OrgMembership;
  pollIntervalMs?: number;
}

interface BaseWorkspace {
  id: string;
  cipher: BoundCipher;
  /** Notices are signed like any relay envelope, by this device as a member of the base epoch (relay-signatures.ts). */
  signing: RelayEnvelopeSigning;
  joinSecret: string;
}

/** A record's notice: one map entry in a fresh document, which any copy of the org document can apply. */
export function noticeUpdate(recordId: string, signedJson: string): Uint8Array {
  const doc = new Y.Doc();
  membershipMap(doc).set(recordId, signedJson);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** The fields of a record's body this module reads, as the document holds them: unverified (the member list verifies). */
interface UnverifiedBody {
  kind?: unknown;
  base?: unknown;
  epoch?: unknown;
  author?: unknown;
  removed?: unknown;
  envelopes?: unknown;
  deviceId?: unknown;
}

function bodyOf(signedJson: unknown): UnverifiedBody | null {
  if (typeof signedJson !== 'string') return null;
  try {
    const { body } = JSON.parse(signedJson) as { body: string };
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}

/** The base of a rotation or acknowledgement record as the document holds it; null for any other record. */
export function noticeOf(signedJson: unknown): { base: string } | null {
  const body = bodyOf(signedJson);
  return (body?.kind === 'rotation' || body?.kind === 'ack') && typeof body.base === 'string' ? { base: body.base } : null;
}

/** The devices a rotation or ack names: whose enrolments a reader needs to verify it. */
function devicesNamed(body: UnverifiedBody): unknown[] {
  if (body.kind === 'ack') return [body.deviceId];
  if (body.kind !== 'rotation') return [];
  const envelopes = typeof body.envelopes === 'object' && body.envelopes !== null ? Object.keys(body.envelopes) : [];
  return [body.author, ...(Array.isArray(body.removed) ? body.removed : []), ...envelopes];
}

/**
 * What is published as notices of the epoch `base`: its rotations and acks, and the enrolments in `base` (and grants
 * of `base`) of the devices they name. Without those a device still in `base` cannot verify them, and a device
 * restored from a kit of `base` may never have been sent them: each device relays its own writes only, so a device
 * that enrolled and was removed before it reached the relay left its enrolment with its peers alone. Enrolments in
 * earlier epochs came into `base`'s workspace with the whole document its first device pushed; those in later ones
 * were written for the later members and stay out. All of these were written for the members of `base`, the removed
 * devices among them.
 */
export function noticeRecords(records: Y.Map<string>, base: string): [string, string][] {
  const bodies = [...records.entries()].map(([id, json]) => ({ id, json, body: bodyOf(json) }));
  const named = new Set(bodies.flatMap(({ body }) => (body?.base === base ? devicesNamed(body) : [])));
  const isNotice = (body: UnverifiedBody | null) =>
    body !== null &&
    (((body.kind === 'rotation' || body.kind === 'ack') && body.base === base) ||
      (body.kind === 'device' && body.epoch === base && named.has(body.deviceId)) ||
      (body.kind === 'grant' && body.epoch === base && named.has(body.deviceId)));
  return bodies.filter(({ body }) => isNotice(body)).map(({ id, json }) => [id, json]);
}

export class EpochNotices {
  readonly #options: EpochNoticesOptions;
  readonly #published = new Set<string>();
  readonly #joined = new Set<string>();
  #watching: { base: string; timer: ReturnType<typeof setInterval>; since: number } | null = null;
  #polling: Promise<void> = Promise.resolve();
  /** The chain as last followed: what is published from. */
  #chain: Epoch[] = [];
  /** Publishing runs one at a time, so that a flush can wait for the one under way. */
  #publishing: Promise<void> = Promise.resolve();

  constructor(options: EpochNoticesOptions) {
    this.#options = options;
  }

  /**
   * Publishes what is new and watches the base of the epoch the device is in. A failed publish is tried again at
   * each poll of the base and at `flush()`.
   */
  async follow(view: MembershipView): Promise<void> {
    const chain = view.membership.chain;
    this.#chain = chain;
    const index = chain.findIndex((epoch) => epoch.id === view.epoch.id);
    const base = index > 0 ? chain[index - 1]! : null;
    if (this.#watching?.base !== base?.id) {
      this.stop();
      if (base) this.#watch(base);
    }
    await this.#publishAgain().catch(() => undefined);
  }

  /** Publishes every notice not yet published, after the publish under way; rejects if the relay cannot be reached. */
  flush(): Promise<void> {
    return this.#publishAgain();
  }

  stop(): void {
    if (this.#watching) clearInterval(this.#watching.timer);
    this.#watching = null;
  }

  #publishAgain(): Promise<void> {
    const publishing = this.#publishing.catch(() => undefined).then(() => this.#publish(this.#chain));
    this.#publishing = publishing;
    return publishing;
  }

  async #workspaceOf(epoch: Epoch): Promise<BaseWorkspace | null> {
    const { orgId, doc, membership } = this.#options;
    const key = membership.keyOf(epoch.id);
    if (!key) return null;
    const subkeys = await deriveEpochSubkeys(key, orgId, epoch.number);
    // Only the first epoch's workspace is recorded in the document (it may predate ids derived from the key).
    const id = (epoch.number === 0 ? relayWorkspaceIdOf(doc) : null) ?? subkeys.relayWorkspaceId;
    const signing = await RelayEnvelopeSigning.create({ identity: membership.identity, orgId, workspaceId: id, epoch: { id: epoch.id, key } });
    return { id, cipher: relayUpdateCipher({ orgId, subkeys }, id), signing, joinSecret: subkeys.joinSecret };
  }

  /**
   * Joins a workspace once per session before using it: a device may never have synced in an epoch it passed
   * through (it learned of that epoch and of the next one at once), so its account may not be a member there yet.
   */
  async #join(workspace: BaseWorkspace): Promise<string> {
    const { account } = this.#options;
    const token = await account.getToken();
    if (!this.#joined.has(workspace.id)) {
      await account.api.joinWorkspace(token, workspace.id, workspace.joinSecret);
      this.#joined.add(workspace.id);
    }
    return token;
  }

  #unpublishedOf(epoch: Epoch): [string, string][] {
    return noticeRecords(membershipMap(this.#options.doc), epoch.id).filter(([id]) => !this.#published.has(id));
  }

  #unpublished(): boolean {
    return this.#chain.some((epoch) => this.#unpublishedOf(epoch).length > 0);
  }

  async #publish(chain: Epoch[]): Promise<void> {
    const { account } = this.#options;
    for (const epoch of chain) {
      const records = this.#unpublishedOf(epoch);
      if (records.length === 0) continue;
      const workspace = await this.#workspaceOf(epoch);
      if (!workspace) continue;
      const changes = await Promise.all(
        records.map(async ([id, json]) => {
          const { signing } = workspace;
          // In the signer's own sequence, as its first batch: readers' gap checks take it as one they had.
          const envelope = await signing.sign({ kind: 'batch', deviceId: signing.relayDeviceId, sequence: 1, update: noticeUpdate(id, json) });
          return { id: `${NOTICE_PREFIX}${id.slice(0, 24)}`, encryptedData: encodeBase64url(await workspace.cipher.seal(envelope)) };
        }),
      );
      // An old epoch's workspace may never have existed (the org had no relay then): nothing to tell there.
      await account.api.pushChanges(await this.#join(workspace), workspace.id, changes);
      for (const [id] of records) this.#published.add(id);
    }
  }

  #watch(base: Epoch): void {
    const poll = () => {
      this.#polling = this.#polling.then(() => this.#read(base)).catch(() => undefined);
      if (this.#unpublished()) void this.#publishAgain().catch(() => undefined);
    };
    this.#watching = { base: base.id, timer: setInterval(poll, this.#options.pollIntervalMs ?? NOTICE_POLL_MS), since: 0 };
    poll();
  }

  async #read(base: Epoch): Promise<void> {
    const watching = this.#watching;
    const workspace = await this.#workspaceOf(base);
    if (!watching || watching.base !== base.id || !workspace) return;
    const { account, doc } = this.#options;
    const found = new Y.Doc();
    for (let more = true; more; ) {
      const page = await account.api.pullChanges(await this.#join(workspace), workspace.id, watching.since);
      more = page.more && page.changes.length > 0;
      for (const change of page.changes) {
        watching.since = Math.max(watching.since, change.version);
        if (!change.id.startsWith(NOTICE_PREFIX)) continue;
        const sealed = decodeBase64url(change.encryptedData);
        const opened = sealed && (await workspace.cipher.open(sealed).catch(() => null));
        if (!opened) continue;
        try {
          Y.applyUpdate(found, (await workspace.signing.open(opened)).update);
        } catch {
          // Not a notice after all, or not signed by a member of that epoch: a removed device can write anything here.
        }
      }
    }
    const records = membershipMap(doc);
    for (const [id, json] of membershipMap(found).entries()) {
      if (!records.has(id) && typeof json === 'string' && noticeOf(json)?.base === base.id) records.set(id, json);
    }
    found.destroy();
  }
}
