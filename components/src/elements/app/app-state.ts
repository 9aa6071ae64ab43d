/**
 * What the app holds between screens: the device's orgs, an open session per org visited (kept open, so that
 * switching back is instant), each synced org's sync and its status, the account. Elements render it and call
 * its intents; it tells them of any change through `subscribe`. Sync and invites load on first use: a device
 * with only its Personal org never downloads WebRTC or the invite's key exchange.
 */
import { OrgRegistry } from '../../core/org/org-registry.ts';
import { openOrg, type OrgSession } from '../../core/org/org-session.ts';
import { loadOrgKey } from '../../core/crypto/key-store.ts';
import type { Org } from '../../core/records/records.ts';
import type { Invitation, InviteRedemption, InvitedOrg } from '../../core/sync/invite.ts';
import type { OrgSync, OrgSyncStatus } from '../../core/sync/org-sync.ts';
import type { OrgMembership } from '../../core/org/org-membership.ts';
import type { SignedRecord } from '../../core/org/membership-records.ts';
import type { KitSource } from './members-dialog.ts';
import { ChangeListeners } from '../../core/records/change-listeners.ts';
import { Account } from './account.ts';
import { deviceDescription } from './device-description.ts';

export class AppState {
  readonly #sessions = new Map<string, Promise<OrgSession>>();
  readonly #syncs = new Map<string, Promise<OrgSync | null>>();
  readonly #statuses = new Map<string, OrgSyncStatus>();
  readonly #memberships = new Map<string, Promise<OrgMembership | null>>();
  /** Invite tickets of orgs adopted this session, for the device's entry in the member list. */
  readonly #tickets = new Map<string, SignedRecord>();
  readonly #listeners = new ChangeListeners();
  readonly account: Account;

  private constructor(
    readonly registry: OrgRegistry,
    readonly workerUrl: string,
  ) {
    // Every sync stops using the relay, and the app says "Signed out: sign in again".
    this.account = new Account(workerUrl, { onSessionEnded: () => void this.#restartSyncs() });
    registry.subscribe(() => this.#changed());
    globalThis.addEventListener?.('online', () => this.#changed());
    globalThis.addEventListener?.('offline', () => this.#changed());
  }

  static async open(workerUrl: string): Promise<AppState> {
    return new AppState(await OrgRegistry.open(), workerUrl);
  }

  subscribe(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  get orgs(): Org[] {
    return this.registry.list();
  }

  get current(): Org {
    return this.registry.current();
  }

  /** The org's open session; opened on first ask and kept, with its sync started when the org is synced. */
  session(orgId: string): Promise<OrgSession> {
    let session = this.#sessions.get(orgId);
    if (!session) {
      // Every view queries the events at once (the calendar, the reminders, a contact's appointments) and lists the
      // contacts (the list, the calendar's birthdays): a query finding no time index builds it in one task (0.4–0.7 s
      // for a busy org), and the first list materialises every contact in one. Both are done first, in slices.
      session = openOrg(orgId).then(async (opened) => {
        await opened.events.indexPromptly();
        await opened.contacts.indexPromptly();
        return opened;
      });
      this.#sessions.set(orgId, session);
      void session.then(() => this.#startSync(orgId));
    }
    return session;
  }

  /**
   * The member list of a synced org on this device, opened on first ask (its sync follows it); null for a
   * local-only org. The device enrols under the signed-in email as its member, until renamed in the org's settings.
   */
  membership(orgId: string): Promise<OrgMembership | null> {
    let opened = this.#memberships.get(orgId);
    if (!opened) {
      opened = (async () => {
        if (!this.registry.get(orgId)?.roomId) return null;
        const [session, orgKey, { OrgMembership }, { loadDeviceIdentity }] = await Promise.all([
          this.session(orgId),
          loadOrgKey(orgId),
          import('../../core/org/org-membership.ts'),
          import('../../core/org/device-identity.ts'),
        ]);
        if (!orgKey) return null;
        const identity = await loadDeviceIdentity();
        const email = this.account.signedIn?.email;
        const ticket = this.#tickets.get(orgId);
        const profile = { memberId: email ?? identity.deviceId, memberName: email ?? 'Member', name: deviceDescription(navigator.userAgent), ...(ticket ? { ticket } : {}) };
        // The document as it loads in idle slices: `session.doc` would load a busy org's in one long task on opening.
        const doc = await session.loadedDoc();
        return OrgMembership.open({ orgId, doc, identity, orgKey, profile, lastSeen: { storage: session.lastSeenStorage } });
      })();
      this.#memberships.set(orgId, opened);
    }
    return opened;
  }

  /** What a recovery kit of the org is made from besides its current epoch; null for a local-only org. */
  async kitSource(orgId: string): Promise<KitSource | null> {
    const org = this.registry.get(orgId);
    const orgKey = await loadOrgKey(orgId);
    return org?.roomId && orgKey ? { org: { id: org.id, name: org.name, color: org.color, roomId: org.roomId }, orgKey } : null;
  }

  /** The user has read the org's relay problems (OrgSyncStatus.integrity): they are cleared. */
  async dismissRelayProblems(orgId: string): Promise<void> {
    await (await this.#syncs.get(orgId))?.dismissIntegrityReports();
  }

  /** Sync status of a synced org; undefined for a local-only one. */
  status(orgId: string): OrgSyncStatus | undefined {
    return this.#statuses.get(orgId);
  }

  get online(): boolean {
    return globalThis.navigator?.onLine ?? true;
  }

  async switchTo(orgId: string): Promise<void> {
    if (this.registry.current().id !== orgId) await this.registry.switchTo(orgId);
  }

  async createOrg(name: string, color: string): Promise<Org> {
    const org = await this.registry.create({ name, color });
    await this.switchTo(org.id);
    return org;
  }

  rename(orgId: string, name: string): Promise<Org> {
    return this.registry.rename(orgId, name);
  }

  recolour(orgId: string, color: string): Promise<Org> {
    return this.registry.recolour(orgId, color);
  }

  /** Gives a local-only org its signalling room, so that it syncs and can be shared; starts its sync. */
  async share(orgId: string): Promise<Org & { roomId: string }> {
    let org = this.registry.get(orgId)!;
    if (!org.roomId) {
      org = await this.registry.setRoom(orgId, crypto.randomUUID());
      await this.session(orgId);
      await this.#startSync(orgId);
    }
    return org as Org & { roomId: string };
  }

  /** Shares the org if needed and opens an invite protected by `password`. */
  async invite(orgId: string, password: string): Promise<Invitation> {
    const org = await this.share(orgId);
    const orgKey = await loadOrgKey(orgId);
    if (!orgKey) throw new Error(`no key for org ${orgId} on this device`);
    const [{ Invitation }, membership] = await Promise.all([import('../../core/sync/invite.ts'), this.membership(orgId)]);
    return Invitation.create({ api: this.account.api, org, orgKey, password, ...(membership ? { membership } : {}) });
  }

  /** Redeems a share code: the code is spent from here on; the passwords are tried on the redemption. */
  async redeem(code: string): Promise<InviteRedemption> {
    const { InviteRedemption } = await import('../../core/sync/invite.ts');
    return InviteRedemption.redeem(this.account.api, code);
  }

  /** Lists an org received by invite and shows it. */
  async adopt(invited: InvitedOrg): Promise<Org> {
    const org = await this.registry.adopt(invited.org, invited.orgKey);
    if (invited.epoch) {
      const { saveEpochKey } = await import('../../core/org/key-epochs.ts');
      await saveEpochKey({ orgId: org.id, epoch: invited.epoch.id, number: invited.epoch.number, key: invited.epoch.key });
    }
    if (invited.ticket) this.#tickets.set(org.id, invited.ticket);
    await this.switchTo(org.id);
    await this.session(org.id);
    return org;
  }

  /** Leaves an org on this device: sync stopped, session closed, its data and keys deleted here only. */
  async leave(orgId: string): Promise<void> {
    const sync = await this.#syncs.get(orgId);
    const session = await this.#sessions.get(orgId);
    // Stopped and closed first, so that the org's databases can be deleted; the stopped sync still names its outbox.
    await sync?.stop();
    (await this.#memberships.get(orgId))?.close();
    this.#memberships.delete(orgId);
    await session?.close();
    this.#syncs.delete(orgId);
    this.#sessions.delete(orgId);
    this.#statuses.delete(orgId);
    const { leaveOrg } = await import('../../core/sync/org-sync.ts');
    await leaveOrg(this.registry, orgId, { sync: sync ?? null });
  }

  async signIn(email: string, password: string, { create }: { create: boolean }): Promise<void> {
    if (create) await this.account.signUp(email, password);
    else await this.account.signIn(email, password);
    await this.#restartSyncs();
  }

  async signOut(): Promise<void> {
    this.account.signOut();
    await this.#restartSyncs();
  }

  #startSync(orgId: string): Promise<OrgSync | null> {
    let started = this.#syncs.get(orgId);
    if (started) return started;
    const org = this.registry.get(orgId);
    if (!org?.roomId) return Promise.resolve(null);
    const roomId = org.roomId;
    started = (async () => {
      const [session, orgKey, { OrgSync }, membership] = await Promise.all([
        this.session(orgId),
        loadOrgKey(orgId),
        import('../../core/sync/org-sync.ts'),
        this.membership(orgId),
      ]);
      if (!orgKey) return null;
      const sync = await OrgSync.start({
        orgId,
        roomId,
        // Loaded in idle slices after the first views' indexes (membership() waited for it): a sync can wait that long.
        doc: await session.loadedDoc(),
        orgKey,
        workerUrl: this.workerUrl,
        account: this.account.relayAccount(),
        ...(membership ? { membership } : {}),
      });
      this.#statuses.set(orgId, sync.status);
      sync.on('status', (status) => {
        this.#statuses.set(orgId, status);
        this.#changed();
      });
      this.#changed();
      return sync;
    })();
    this.#syncs.set(orgId, started);
    return started;
  }

  async #restartSyncs(): Promise<void> {
    const orgIds = [...this.#syncs.keys()];
    for (const orgId of orgIds) {
      const sync = await this.#syncs.get(orgId);
      await sync?.stop();
      this.#syncs.delete(orgId);
    }
    await Promise.all(orgIds.map((orgId) => this.#startSync(orgId)));
    this.#changed();
  }

  #changed(): void {
    this.#listeners.notify({ ids: [], local: true });
  }
}
