/**
 * The orgs this device belongs to, kept in IndexedDB on the device: create, rename, recolour, list, switch,
 * leave. A device always has at least its default, local-only "Personal" org, made the first time the registry
 * opens.
 */
import * as idb from 'lib0/indexeddb';
import { generateOrgKey, orgIdFor } from '../crypto/org-key.ts';
import { deleteOrgKey, loadOrgKey, saveOrgKey } from '../crypto/key-store.ts';
import { checkString } from '../records/field-checks.ts';
import { RECORD_LIMITS } from '../records/record-limits.ts';
import { ValidationError } from '../records/validation-error.ts';
import { ChangeListeners, type Unsubscribe } from '../records/change-listeners.ts';
import { orgDatabaseName } from './org-session.ts';
import { deleteEpochKeys } from './key-epochs.ts';
import type { Org } from '../records/records.ts';

const REGISTRY_DATABASE = 'p2p-clinic-orgs';
const ORGS = 'orgs';
const SETTINGS = 'settings';
const CURRENT_ORG_KEY = 'currentOrgId';

export const DEFAULT_ORG_NAME = 'Personal';
export const DEFAULT_ORG_COLOR = '#3b82f6';

export type OrgRegistryErrorCode =
  | 'ORG_NOT_FOUND'
  | 'DEFAULT_ORG_CANNOT_BE_LEFT'
  | 'DEFAULT_ORG_CANNOT_BE_REPLACED'
  /** An invite names an org this device already has, under another key: someone is trying to take it over. */
  | 'ORG_ID_TAKEN';

export class OrgRegistryError extends Error {
  constructor(
    readonly code: OrgRegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OrgRegistryError';
  }
}

function checkName(name: unknown): string {
  return checkString('name', name, RECORD_LIMITS.shortText, { required: true }).trim();
}

function checkColor(color: unknown): string {
  const value = checkString('color', color, 7);
  if (!/^#[0-9a-f]{6}$/i.test(value)) throw new ValidationError('color', { code: 'NOT_A_COLOUR' });
  return value.toLowerCase();
}

const byDefaultThenAge = (a: Org, b: Org) => Number(b.isDefault ?? false) - Number(a.isDefault ?? false) || a.createdAt - b.createdAt;

async function createOrgRecord(fields: Pick<Org, 'name' | 'color'> & { isDefault?: boolean }): Promise<Org> {
  const orgKey = await generateOrgKey();
  // The id commits to the key, so that no invite can carry it with another key (orgIdMatchesKey).
  const org: Org = { id: await orgIdFor(orgKey), name: fields.name, color: fields.color, createdAt: Date.now() };
  if (fields.isDefault) org.isDefault = true;
  // The key first: an org listed without its key could never sync.
  await saveOrgKey(org.id, orgKey);
  return org;
}

/** Without an early exit, though both keys are this device's own by now. */
function sameKey(stored: Uint8Array | undefined, offered: Uint8Array): boolean {
  if (stored === undefined || stored.byteLength !== offered.byteLength) return false;
  return stored.reduce((difference, byte, index) => difference | (byte ^ offered[index]!), 0) === 0;
}

export class OrgRegistry {
  readonly #orgs = new Map<string, Org>();
  #currentId: string;
  readonly #listeners = new ChangeListeners();

  private constructor(
    private readonly db: IDBDatabase,
    orgs: Org[],
    currentId: string | undefined,
  ) {
    for (const org of orgs) this.#orgs.set(org.id, org);
    this.#currentId = currentId && this.#orgs.has(currentId) ? currentId : this.list()[0]!.id;
  }

  /** Opens the device's registry, creating the default "Personal" org on first use. */
  static async open(): Promise<OrgRegistry> {
    const db = await idb.openDB(REGISTRY_DATABASE, (database) => idb.createStores(database, [[ORGS, { keyPath: 'id' }], [SETTINGS]]));
    let [orgs, settings] = idb.transact(db, [ORGS, SETTINGS], 'readonly');
    let all = (await idb.getAll(orgs!)) as Org[];
    if (all.length === 0) {
      const personal = await createOrgRecord({ name: DEFAULT_ORG_NAME, color: DEFAULT_ORG_COLOR, isDefault: true });
      [orgs, settings] = idb.transact(db, [ORGS, SETTINGS]);
      // Two tabs (or two elements of one page) opening at once both get here; the transaction lets only the first
      // one's org in.
      const first = (await idb.count(orgs!)) === 0;
      if (first) await idb.put(orgs!, personal as never);
      all = (await idb.getAll(orgs!)) as Org[];
      const currentId = (await idb.get(settings!, CURRENT_ORG_KEY)) as string | undefined;
      // Only now: the key store is another database, and awaiting it would end this transaction.
      if (!first) await deleteOrgKey(personal.id);
      return new OrgRegistry(db, all, currentId);
    }
    const currentId = (await idb.get(settings!, CURRENT_ORG_KEY)) as string | undefined;
    return new OrgRegistry(db, all, currentId);
  }

  /** The default org first, then the others by age. */
  list(): Org[] {
    return [...this.#orgs.values()].sort(byDefaultThenAge);
  }

  get(id: string): Org | undefined {
    return this.#orgs.get(id);
  }

  /** The org the app is showing. */
  current(): Org {
    return this.#orgs.get(this.#currentId)!;
  }

  /** Creates an org with a fresh org key; it is local-only until the sync layer gives it a room. */
  async create(fields: { name: string; color: string }): Promise<Org> {
    const name = checkName(fields.name);
    const color = checkColor(fields.color);
    const org = await createOrgRecord({ name, color });
    await this.#put(org);
    return org;
  }

  /**
   * Adds an org this device joined by invite, with the org key the inviter sent. The key is stored first, as for a
   * created org. An org already listed is only refreshed (name, colour, room), and only by an invite that carries
   * the same key: the org id in an invite is the inviter's choice, and anyone who knows an org's id (every member,
   * former members, the Worker's operator from the room ids) could otherwise point this device's copy of the org
   * at a room and key of their own, and receive every future edit. Such an invite is refused with ORG_ID_TAKEN,
   * the org unchanged.
   */
  async adopt(fields: Pick<Org, 'id' | 'name' | 'color' | 'roomId'>, orgKey: Uint8Array): Promise<Org> {
    const existing = this.#orgs.get(fields.id);
    const org: Org = {
      id: checkString('id', fields.id, RECORD_LIMITS.id, { required: true }),
      name: checkName(fields.name),
      color: checkColor(fields.color),
      roomId: checkString('roomId', fields.roomId, RECORD_LIMITS.id, { required: true }),
      createdAt: existing?.createdAt ?? Date.now(),
    };
    if (existing?.isDefault) throw new OrgRegistryError('DEFAULT_ORG_CANNOT_BE_REPLACED', 'The Personal org belongs to this device and cannot be replaced.');
    if (existing && !sameKey(await loadOrgKey(existing.id), orgKey)) {
      throw new OrgRegistryError(
        'ORG_ID_TAKEN',
        `This device already has the org “${existing.name}” under the id this invite claims, with another key. The invite was refused and the org left as it was.`,
      );
    }
    await saveOrgKey(org.id, orgKey);
    return this.#put(org);
  }

  async rename(id: string, name: string): Promise<Org> {
    return this.#put({ ...this.#require(id), name: checkName(name) });
  }

  async recolour(id: string, color: string): Promise<Org> {
    return this.#put({ ...this.#require(id), color: checkColor(color) });
  }

  /** Records a synced org's signalling room (set by the sync layer when the org is shared or joined). */
  async setRoom(id: string, roomId: string): Promise<Org> {
    return this.#put({ ...this.#require(id), roomId: checkString('roomId', roomId, RECORD_LIMITS.id, { required: true }) });
  }

  async switchTo(id: string): Promise<Org> {
    const org = this.#require(id);
    const [settings] = idb.transact(this.db, [SETTINGS]);
    await idb.put(settings!, id, CURRENT_ORG_KEY);
    this.#currentId = id;
    this.#listeners.notify({ ids: [id], local: true });
    return org;
  }

  /**
   * Leaves an org on this device: deletes its document database, its keys and its registry entry, nothing
   * else. Close the org (`OrgSession.close()`) first, or deleting its database waits until it is closed.
   * The data goes first, so that an interrupted leave can be retried rather than leave data behind unlisted.
   */
  async leave(id: string): Promise<void> {
    const org = this.#require(id);
    if (org.isDefault) throw new OrgRegistryError('DEFAULT_ORG_CANNOT_BE_LEFT', 'The Personal org belongs to this device and cannot be left.');
    await idb.deleteDB(orgDatabaseName(id));
    await deleteOrgKey(id);
    await deleteEpochKeys(id);
    const [orgs] = idb.transact(this.db, [ORGS]);
    await idb.del(orgs!, id);
    this.#orgs.delete(id);
    if (this.#currentId === id) await this.switchTo(this.list()[0]!.id);
    this.#listeners.notify({ ids: [id], local: true });
  }

  /** Listens for changes to the list or the current org. */
  subscribe(listener: () => void): Unsubscribe {
    return this.#listeners.add(listener);
  }

  close(): void {
    this.db.close();
  }

  #require(id: string): Org {
    const org = this.#orgs.get(id);
    if (!org) throw new OrgRegistryError('ORG_NOT_FOUND', `This device has no org ${id}.`);
    return org;
  }

  async #put(org: Org): Promise<Org> {
    const [orgs] = idb.transact(this.db, [ORGS]);
    await idb.put(orgs!, org as never);
    this.#orgs.set(org.id, org);
    this.#listeners.notify({ ids: [org.id], local: true });
    return org;
  }
}
