/** `<p2p-app>` as a person uses it: onboarding, org switcher, views, sync status, dialogs. Device interface only. */
import type { Device } from '../../../scripts/device-lab/device.ts';
import type { DeviceLab } from '../../../scripts/device-lab/lab.ts';
import * as Y from 'yjs';
import { deriveOrgSubkeys } from '../../../components/src/core/crypto/org-key.ts';
import { MembersDialogPage } from '../../../components/src/elements/app/members-dialog.page.ts';
import { memberWithKey, newAccount } from '../../../components/test/relay-fixtures.ts';
import { ContactsPage } from './contacts-page.ts';
import { clickButton, fillIn, textsIn, waitForElement, waitForText } from './shadow-query.ts';

const APP = ['p2p-app'];
const DIALOG = ['p2p-app', 'p2p-org-dialog'];

export class AppPage {
  readonly contacts: ContactsPage;
  /** The org's members and devices, once `openMembers` has shown them. */
  readonly members: MembersDialogPage;

  #opened: { pageUrl: string; workerUrl: string } | null = null;

  constructor(readonly device: Device) {
    this.contacts = new ContactsPage(device, [...APP, 'p2p-contacts']);
    this.members = new MembersDialogPage(device, [...APP, 'p2p-members-dialog']);
  }

  /** Opens the app page of the lab's Vite server (beside the core page) against the lab's Worker. */
  async open(pageUrl: string, workerUrl: string, search = ''): Promise<void> {
    this.#opened = { pageUrl, workerUrl };
    await this.device.goto(`${new URL('/app/test/app-page.html', pageUrl).href}${search}#worker=${encodeURIComponent(workerUrl)}`);
    // Generous, as every page load of the lab: on a machine other test files share.
    await this.device.waitFor(
      'the app open',
      () => {
        const app = document.querySelector('p2p-app');
        return app?.shadowRoot?.querySelector('.topbar, .failure') ?? null;
      },
      undefined,
      60_000,
    );
  }

  async onboardingShown(): Promise<boolean> {
    return (await textsIn(this.device, [...APP, '.onboarding h1'])).length > 0;
  }

  async startOnThisDevice(): Promise<void> {
    await this.device.click([...APP, '.choice:first-of-type']);
  }

  async joinYourTeamFromOnboarding(): Promise<void> {
    await this.device.click([...APP, '.choice:last-of-type']);
    await waitForElement(this.device, [...DIALOG, 'input[name="code"]']);
  }

  currentOrgName(): Promise<string> {
    return textsIn(this.device, [...APP, '.org-name']).then((texts) => texts[0] ?? '');
  }

  async waitForOrg(name: string): Promise<void> {
    await waitForText(this.device, [...APP, '.org-name'], name);
  }

  async openOrgMenu(): Promise<void> {
    await this.device.click([...APP, '.org-button']);
    await waitForElement(this.device, [...APP, '#org-menu']);
  }

  orgMenuNames(): Promise<string[]> {
    return textsIn(this.device, [...APP, '#org-menu [role="menuitemradio"] span:nth-of-type(2)']);
  }

  async switchTo(name: string): Promise<void> {
    await this.openOrgMenu();
    await clickButton(this.device, [...APP, '#org-menu'], `${name} ${(await this.#orgKind(name)) ?? ''}`.trim());
    await this.waitForOrg(name);
  }

  async createOrg(name: string): Promise<void> {
    await this.openOrgMenu();
    await clickButton(this.device, [...APP, '#org-menu'], 'New org…');
    await fillIn(this.device, [...DIALOG, 'input[name="name"]'], name);
    await this.device.keyboard.press('Enter');
    await this.waitForOrg(name);
  }

  async goTo(view: 'Calendar' | 'Contacts' | 'Reminders' | 'Settings'): Promise<void> {
    const index = ['Calendar', 'Contacts', 'Reminders', 'Settings'].indexOf(view) + 1;
    await this.device.click([...APP, `nav a:nth-of-type(${index})`]);
    await waitForText(this.device, [...APP, 'nav a[aria-current="page"]'], view);
  }

  /** Opens the sync panel, unless it is open already. */
  async openSyncStatus(): Promise<void> {
    if (!(await this.syncPanelOpen())) await this.device.click([...APP, '.status-button']);
    await waitForElement(this.device, [...APP, '.sync-panel']);
  }

  syncPanelOpen(): Promise<boolean> {
    return this.device.evaluate(() => Boolean(document.querySelector('p2p-app')?.shadowRoot?.querySelector('.sync-panel')));
  }

  async waitForSyncPanelClosed(how: string): Promise<void> {
    await this.device.waitFor(`the sync panel closed ${how}`, () => !document.querySelector('p2p-app')?.shadowRoot?.querySelector('.sync-panel'));
  }

  syncStatusText(): Promise<string> {
    return textsIn(this.device, [...APP, '.status-button']).then((texts) => texts[0] ?? '');
  }

  /** Shares the current org from the sync panel with `password` and returns the share code shown. */
  async invite(password: string): Promise<string> {
    await this.openSyncStatus();
    await this.device.click([...APP, '.sync-panel .p2p-button.primary']);
    await fillIn(this.device, [...DIALOG, 'input[name="password"]'], password);
    await this.device.keyboard.press('Enter');
    await this.device.waitFor('the share code or an error', () => document.querySelector('p2p-app')?.shadowRoot?.querySelector('p2p-org-dialog')?.shadowRoot?.querySelector('.code, .error'), undefined, 60_000);
    const [error] = await textsIn(this.device, [...DIALOG, '.error']);
    if (error) throw new Error(`the invite failed: ${error}`);
    return (await textsIn(this.device, [...DIALOG, '.code']))[0] ?? '';
  }

  dialogText(): Promise<string> {
    return textsIn(this.device, [...DIALOG, 'p2p-dialog']).then((texts) => texts[0] ?? '');
  }

  async waitForDialogText(text: string, timeoutMs?: number): Promise<void> {
    await waitForText(this.device, [...DIALOG, 'p2p-dialog'], text, timeoutMs);
  }

  async openJoin(): Promise<void> {
    await this.openOrgMenu();
    await clickButton(this.device, [...APP, '#org-menu'], 'Join your team…');
    await waitForElement(this.device, [...DIALOG, 'input[name="code"]']);
  }

  /** Fills the join dialog and submits; the outcome is for the test to wait for. */
  async submitJoin(code: string, password: string): Promise<void> {
    await fillIn(this.device, [...DIALOG, 'input[name="code"]'], code);
    await fillIn(this.device, [...DIALOG, 'input[name="password"]'], password);
    await this.device.keyboard.press('Enter');
  }

  /**
   * Joins the current org of `inviter` as a person does: the inviter shares it with `password` and reads out the
   * code; this device enters both, and shows `orgName` once it has joined.
   */
  async joinInviteFrom(inviter: AppPage, password: string, orgName: string): Promise<void> {
    const code = await inviter.invite(password);
    await this.openJoin();
    await this.submitJoin(code, password);
    await this.dialogClosed();
    await inviter.closeDialog('Done');
    await this.waitForOrg(orgName);
  }

  async waitForJoinError(text: string): Promise<void> {
    await waitForText(this.device, [...DIALOG, '.error'], text, 60_000);
  }

  async dialogClosed(): Promise<void> {
    await this.device.waitFor('the dialog closed', () => !document.querySelector('p2p-app')?.shadowRoot?.querySelector('p2p-org-dialog'));
  }

  async closeDialog(buttonText: string): Promise<void> {
    await clickButton(this.device, DIALOG, buttonText);
    await this.dialogClosed();
  }

  async waitForSyncStatus(text: string, timeoutMs?: number): Promise<void> {
    await waitForText(this.device, [...APP, '.status-button'], text, timeoutMs);
  }

  /** What the open sync panel says for `term` ("Devices online", "Relay", …). */
  syncPanelValue(term: string): Promise<string> {
    return this.device.evaluate(syncPanelValueInPage, term);
  }

  /** Waits until the sync panel says no change is waiting to be sent. */
  async waitForNothingToSend(): Promise<void> {
    await this.openSyncStatus();
    await this.device.waitFor('no change waiting to be sent', (find) => (0, eval)(`(${find})`)('Changes waiting to be sent') === '0', syncPanelValueInPage.toString(), 60_000);
  }

  /** Closes the app as a person closes its tab; the device keeps its data, and `open` starts the app again. */
  async close(): Promise<void> {
    await this.device.goto('about:blank');
  }

  /** Opens the account dialog from Settings. */
  async openAccount(): Promise<void> {
    await this.goTo('Settings');
    await this.device.click([...APP, 'section[aria-label="Account"] button']);
    await waitForElement(this.device, [...DIALOG, 'p2p-dialog']);
  }

  /** Fills the account form; `create` switches it to sign-up first. */
  async submitAccount(email: string, password: string, { create }: { create: boolean }): Promise<void> {
    if (create) await clickButton(this.device, DIALOG, 'Create an account');
    await fillIn(this.device, [...DIALOG, 'input[name="email"]'], email);
    await fillIn(this.device, [...DIALOG, 'input[name="password"]'], password);
    await this.device.keyboard.press('Enter');
  }

  async waitForDialogError(text: string): Promise<void> {
    await waitForText(this.device, [...DIALOG, '.error'], text, 60_000);
  }

  /** Signs up to the Worker from Settings as `email`, so that the relay carries the orgs' changes too. */
  async signUp(email: string, password: string): Promise<void> {
    await this.openAccount();
    await this.submitAccount(email, password, { create: true });
    await this.dialogClosed();
  }

  /** Opens the current org's members and devices from the sync panel. */
  async openMembers(): Promise<void> {
    await this.openSyncStatus();
    await this.device.click([...APP, '.sync-panel .members']);
    await waitForElement(this.device, [...this.members.path, '.members, .notice']);
  }

  async waitForMemberDevices(count: number): Promise<void> {
    await this.device.waitFor(
      `${count} devices in the member list`,
      (count) => document.querySelector('p2p-app')?.shadowRoot?.querySelector('p2p-members-dialog')?.shadowRoot?.querySelectorAll('.device').length === count,
      count,
      60_000,
    );
  }

  /** Waits for the app to tell this device it was removed from the current org. */
  async waitForRemovedNotice(): Promise<void> {
    await waitForText(this.device, [...APP, '.removed'], 'removed from the org', 60_000);
  }

  /**
   * Replaces the relay's history of the current org with an empty one, as a member who kept the org key (a former
   * member's device, say) can: the key is taken from the page, and a client of the test's own does the rest.
   */
  async wipeRelayHistory(workerUrl: string): Promise<void> {
    const { orgId, key } = await this.device.evaluate(async () => {
      const { core } = window as unknown as { core: typeof import('../../../components/src/core/index.ts') };
      const org = (await core.OrgRegistry.open()).current();
      return { orgId: org.id, key: [...((await core.loadOrgKey(org.id)) ?? [])] };
    });
    const org = { orgId, subkeys: await deriveOrgSubkeys(Uint8Array.from(key), orgId) };
    const rogue = await memberWithKey(workerUrl, await newAccount(workerUrl), org, org.subkeys.relayWorkspaceId, Uint8Array.from(key));
    await rogue.compact(new Y.Doc());
  }

  /**
   * Leaves the app and opens it again, as a person coming back to it does. Not a reload: the app's routes replace
   * the `#worker=` of the address the lab opened it with.
   */
  async comeBack(): Promise<void> {
    const { pageUrl, workerUrl } = this.#opened!;
    await this.device.goto('about:blank');
    await this.open(pageUrl, workerUrl);
  }

  /** The signed-in session the app keeps in localStorage, or null. */
  storedSession(): Promise<{ token: string; expiresAt: number; refreshToken: string } | null> {
    return this.device.evaluate(() => JSON.parse(localStorage.getItem('p2p-clinic-account') ?? 'null') as { token: string; expiresAt: number; refreshToken: string } | null);
  }

  /** Rewrites fields of the stored session, for the app to find when it is loaded next. */
  async patchStoredSession(patch: Record<string, unknown>): Promise<void> {
    await this.device.evaluate((patch) => {
      localStorage.setItem('p2p-clinic-account', JSON.stringify({ ...JSON.parse(localStorage.getItem('p2p-clinic-account') ?? '{}'), ...patch }));
    }, patch);
  }

  accountText(): Promise<string> {
    return textsIn(this.device, [...APP, 'section[aria-label="Account"]']).then((texts) => texts[0] ?? '');
  }

  async leaveCurrentOrg(): Promise<void> {
    await this.goTo('Settings');
    await clickButton(this.device, APP, 'Leave…');
    await waitForText(this.device, [...DIALOG, 'p2p-dialog'], 'The other members keep their copies');
    const name = await this.currentOrgName();
    await clickButton(this.device, DIALOG, `Leave ${name}`);
    await this.dialogClosed();
  }

  async #orgKind(name: string): Promise<string | undefined> {
    const rows = await textsIn(this.device, [...APP, '#org-menu [role="menuitemradio"]']);
    return rows.find((row) => row.startsWith(`${name} `))?.slice(name.length + 1);
  }
}

/** Runs in the page: what the app's sync panel says for `term`. */
function syncPanelValueInPage(term: string): string {
  const terms = [...(document.querySelector('p2p-app')?.shadowRoot?.querySelectorAll('.sync-panel dt') ?? [])];
  return terms.find((dt) => dt.textContent === term)?.nextElementSibling?.textContent?.trim() ?? '';
}

/** A new device of `lab` with the app open on the lab's page and Worker. */
export async function openApp(lab: DeviceLab): Promise<AppPage> {
  const app = new AppPage(await lab.newBlankDevice());
  await app.open(lab.pageUrl, lab.workerUrl);
  return app;
}
