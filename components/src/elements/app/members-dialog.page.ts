/**
 * Page object for `<p2p-members-dialog>` in a device of the lab: shows it over the org the device opened (see
 * components/test/membership-pages.ts), or finds it where the app shows it (`path`), and reads and presses what a
 * person sees. Device interface only.
 */
import type { Device } from '../../../../scripts/device-lab/device.ts';
import { clickButton, fillIn, pasteInto, textsIn, valueIn, waitForElement, waitForText } from '../../../../app/test/pages/shadow-query.ts';
import type { MemberWindow } from '../../../test/membership-pages.ts';

interface DialogWindow extends MemberWindow {
  restoredOrgIds: string[];
}

export interface QrPixels {
  width: number;
  height: number;
  data: number[];
}

interface RasterWindow {
  rasteriseQrCode(svg: SVGSVGElement): Promise<QrPixels>;
}

export class MembersDialogPage {
  constructor(
    readonly device: Device,
    /** Where the dialog is: alone in the page unless given (the app shows it in its shadow root). */
    readonly path: readonly string[] = ['p2p-members-dialog'],
  ) {}

  /** Shows the dialog alone in the page: over the org's member list, or (`restore`) to restore a kit into the device's orgs. */
  async open(mode: 'members' | 'restore' = 'members'): Promise<void> {
    await this.device.evaluate(async (mode) => {
      await (window as unknown as { defineElement(tag: string): Promise<unknown> }).defineElement('p2p-members-dialog');
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
    await waitForElement(this.device, [...this.path, mode === 'restore' ? 'form.restore' : '.members, .notice']);
  }

  deviceNames(): Promise<string[]> {
    return textsIn(this.device, [...this.path, '.device-name']);
  }

  memberNames(): Promise<string[]> {
    return textsIn(this.device, [...this.path, '.member h3']);
  }

  async waitForDevice(name: string): Promise<void> {
    await waitForText(this.device, [...this.path, '.device-name'], name);
  }

  /** What the dialog says of when this device last saw `deviceId` ("Online now", "Last seen …"); absent for this device. */
  async lastSeen(deviceId: string): Promise<string | undefined> {
    const [text] = await textsIn(this.device, [...this.path, `[data-device="${deviceId}"] .last-seen`]);
    return text;
  }

  async waitForLastSeen(deviceId: string, text: string): Promise<void> {
    await waitForText(this.device, [...this.path, `[data-device="${deviceId}"] .last-seen`], text);
  }

  async rename(deviceId: string, name: string): Promise<void> {
    await this.device.click([...this.path, `[data-device="${deviceId}"] .rename-device`]);
    await fillIn(this.device, [...this.path, 'form.rename input[name="name"]'], name);
    await clickButton(this.device, this.path, 'Save');
  }

  /** Presses "Remove device" on the device and waits for the confirmation; returns what it explains. */
  async askToRemove(deviceId: string): Promise<string[]> {
    await this.device.click([...this.path, `[data-device="${deviceId}"] .remove-device`]);
    await waitForElement(this.device, [...this.path, '.confirm']);
    return textsIn(this.device, [...this.path, '.confirm p']);
  }

  async confirmRemoval(): Promise<void> {
    await this.device.click([...this.path, '.confirm-removal']);
  }

  notice(): Promise<string[]> {
    return textsIn(this.device, [...this.path, '.notice']);
  }

  async waitForNotice(text: string): Promise<void> {
    await waitForText(this.device, [...this.path, '.notice'], text);
  }

  /** Makes a recovery kit under `passphrase`; resolves with its text, or with the error shown. */
  async makeKit(passphrase: string): Promise<{ kit?: string; error?: string }> {
    await fillIn(this.device, [...this.path, 'input[name="passphrase"]'], passphrase);
    await this.device.click([...this.path, '.make-kit']);
    await waitForElement(this.device, [...this.path, '.kit-text, .error']);
    const kit = await valueIn(this.device, [...this.path, '.kit-text']);
    const [error] = await textsIn(this.device, [...this.path, '.error']);
    return { ...(kit ? { kit } : {}), ...(error ? { error } : {}) };
  }

  kitsReplacedNotice(): Promise<string[]> {
    return textsIn(this.device, [...this.path, '.kits-replaced']);
  }

  /** Puts `rasteriseQrCode` in the page. */
  async #installRasteriser(): Promise<void> {
    await this.device.evaluate(() => {
      // Draws a code as a camera would see it: the SVG as an image on a canvas, 4 px per module.
      (window as unknown as RasterWindow).rasteriseQrCode = async (svg) => {
        const side = svg.viewBox.baseVal.width * 4;
        const image = new Image(side, side);
        const markup = new XMLSerializer().serializeToString(svg).replace('<svg', `<svg width="${side}" height="${side}"`);
        image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
        await image.decode();
        const canvas = Object.assign(document.createElement('canvas'), { width: side, height: side });
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0, side, side);
        return { width: side, height: side, data: [...context.getImageData(0, 0, side, side).data] };
      };
    });
  }

  /** The made kit's QR code as pixels, to decode as a phone would (RGBA, 4 px per module). */
  async kitQrCode(): Promise<QrPixels> {
    await this.#installRasteriser();
    return this.device.evaluate(async (path) => {
      let root: ParentNode = document;
      for (const selector of path) root = root.querySelector(selector)!.shadowRoot!;
      return (window as unknown as RasterWindow).rasteriseQrCode(root.querySelector<SVGSVGElement>('svg.qr-code')!);
    }, [...this.path]);
  }

  /** Presses "Print kit" and reads the sheet sent to the printer: its title, its kit text and its QR code's pixels. */
  async printKit(): Promise<{ title: string; paragraphs: string[]; text: string; qrCode: QrPixels }> {
    await this.#installRasteriser();
    await this.device.click([...this.path, '.print-kit']);
    await this.device.waitFor(
      'the printed kit sheet',
      (path) => {
        let root: ParentNode | null | undefined = document;
        for (const selector of path) root = root?.querySelector(selector)?.shadowRoot;
        return root?.querySelector<HTMLIFrameElement>('iframe.kit-print')?.contentDocument?.querySelector('pre.kit');
      },
      [...this.path],
    );
    return this.device.evaluate(async (path) => {
      let root: ParentNode = document;
      for (const selector of path) root = root.querySelector(selector)!.shadowRoot!;
      const sheet = root.querySelector<HTMLIFrameElement>('iframe.kit-print')!.contentDocument!;
      return {
        title: sheet.title,
        paragraphs: [...sheet.querySelectorAll('p')].map((p) => p.textContent ?? ''),
        text: sheet.querySelector('pre.kit')!.textContent ?? '',
        qrCode: await (window as unknown as RasterWindow).rasteriseQrCode(sheet.querySelector<SVGSVGElement>('svg')!),
      };
    }, [...this.path]);
  }

  /** Restores `kit` (mode `restore`, shown alone by `open`); resolves with the org id restored, or the error shown. */
  async restore(kit: string, passphrase: string): Promise<{ orgId?: string; error?: string }> {
    await pasteInto(this.device, [...this.path, 'textarea[name="kit"]'], kit);
    await fillIn(this.device, [...this.path, 'input[name="passphrase"]'], passphrase);
    await clickButton(this.device, this.path, 'Restore');
    await this.device.waitFor('a restored org or an error', () => {
      const w = window as unknown as DialogWindow;
      return w.restoredOrgIds.length > 0 || document.querySelector('p2p-members-dialog')?.shadowRoot?.querySelector('.error');
    });
    const orgId = await this.device.evaluate(() => (window as unknown as DialogWindow).restoredOrgIds[0]);
    const [error] = await textsIn(this.device, [...this.path, '.error']);
    return { ...(orgId ? { orgId } : {}), ...(error ? { error } : {}) };
  }
}
