/**
 * Page object for `<p2p-members-dialog>` in a device of the lab: shows it over the org the device opened (see
 * components/test/membership-pages.ts), and reads and presses what a person sees. Device interface only.
 */
import type { Device } from '../../../../scripts/device-lab/device.ts';
import { clickButton, fillIn, textsIn, waitForElement, waitForText } from '../../../../app/test/pages/shadow-query.ts';
import type { MemberWindow } from '../../../test/membership-pages.ts';

const DIALOG = ['p2p-members-dialog'];

interface DialogWindow extends MemberWindow {
  restoredOrgIds: string[];
}

export class MembersDialogPage {
  constructor(readonly device: Device) {}

  /** Shows the dialog: over the org's member list, or (`restore`) to restore a kit into the device's orgs. */
  async open(mode: 'members' | 'restore' = 'members'): Promise<void> {
    await this.device.evaluate(async (mode) => {
      // Built in the page: the test runner would rewrite an import() written here into its own loader.
      const load = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
      await load('/components/src/define/p2p-members-dialog.ts');
      const w = window as unknown as DialogWindow;
      const element = document.createElement('p2p-members-dialog');
      element.mode = mode;
      w.restoredOrgIds = [];
      element.addEventListener('p2p-org-restored', (event) => w.restoredOrgIds.push(event.detail.orgId));
      if (mode === 'restore') {
        element.registry = await w.core.OrgRegistry.open();
      } else {
        const org = (await w.core.OrgRegistry.open()).get(w.orgId)!;
        element.membership = w.membership;
        element.kitSource = { org: { id: org.id, name: org.name, color: org.color, roomId: org.roomId! }, orgKey: w.orgKey };
      }
      document.body.append(element);
    }, mode);
    await waitForElement(this.device, [...DIALOG, mode === 'restore' ? 'form.restore' : '.members, .notice']);
  }

  deviceNames(): Promise<string[]> {
    return textsIn(this.device, [...DIALOG, '.device-name']);
  }

  memberNames(): Promise<string[]> {
    return textsIn(this.device, [...DIALOG, '.member h3']);
  }

  async waitForDevice(name: string): Promise<void> {
    await waitForText(this.device, [...DIALOG, '.device-name'], name);
  }

  async rename(deviceId: string, name: string): Promise<void> {
    await this.device.click([...DIALOG, `[data-device="${deviceId}"] .rename-device`]);
    await fillIn(this.device, [...DIALOG, 'form.rename input[name="name"]'], name);
    await clickButton(this.device, DIALOG, 'Save');
  }

  /** Presses "Remove device" on the device and waits for the confirmation; returns what it explains. */
  async askToRemove(deviceId: string): Promise<string[]> {
    await this.device.click([...DIALOG, `[data-device="${deviceId}"] .remove-device`]);
    await waitForElement(this.device, [...DIALOG, '.confirm']);
    return textsIn(this.device, [...DIALOG, '.confirm p']);
  }

  async confirmRemoval(): Promise<void> {
    await this.device.click([...DIALOG, '.confirm-removal']);
  }

  notice(): Promise<string[]> {
    return textsIn(this.device, [...DIALOG, '.notice']);
  }

  async waitForNotice(text: string): Promise<void> {
    await waitForText(this.device, [...DIALOG, '.notice'], text);
  }

  /** Makes a recovery kit under `passphrase`; resolves with its text, or with the error shown. */
  async makeKit(passphrase: string): Promise<{ kit?: string; error?: string }> {
    await fillIn(this.device, [...DIALOG, 'input[name="passphrase"]'], passphrase);
    await this.device.click([...DIALOG, '.make-kit']);
    await this.device.waitFor('a kit or an error', () => {
      const root = document.querySelector('p2p-members-dialog')?.shadowRoot;
      return root?.querySelector('.kit-text, .error') ?? null;
    });
    return this.device.evaluate(() => {
      const root = document.querySelector('p2p-members-dialog')!.shadowRoot!;
      const kit = root.querySelector<HTMLTextAreaElement>('.kit-text')?.value;
      const error = root.querySelector('.error')?.textContent?.trim();
      return { ...(kit ? { kit } : {}), ...(error ? { error } : {}) };
    });
  }

  /** Restores `kit` (mode `restore`); resolves with the org id restored, or the error shown. */
  async restore(kit: string, passphrase: string): Promise<{ orgId?: string; error?: string }> {
    await this.device.evaluate((kit) => {
      const area = document.querySelector('p2p-members-dialog')!.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea[name="kit"]')!;
      area.value = kit;
    }, kit);
    await fillIn(this.device, [...DIALOG, 'input[name="passphrase"]'], passphrase);
    await clickButton(this.device, DIALOG, 'Restore');
    await this.device.waitFor('a restored org or an error', () => {
      const w = window as unknown as DialogWindow;
      return w.restoredOrgIds.length > 0 || document.querySelector('p2p-members-dialog')?.shadowRoot?.querySelector('.error');
    });
    return this.device.evaluate(() => {
      const w = window as unknown as DialogWindow;
      const error = document.querySelector('p2p-members-dialog')!.shadowRoot!.querySelector('.error')?.textContent?.trim();
      return { ...(w.restoredOrgIds[0] ? { orgId: w.restoredOrgIds[0] } : {}), ...(error ? { error } : {}) };
    });
  }
}
