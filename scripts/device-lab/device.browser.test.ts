/**
 * The device lab itself, in each browser: every member of `Device` does what its contract says, so that tests
 * written against it mean the same in Chromium and in Firefox.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { axeViolations, expectNoAxeViolations } from './axe.ts';
import { clickWhenClickable, type ClickInPage } from './clicking.ts';
import type { Device } from './device.ts';
import { clickTargetInPage, clickVerdictInPage } from './element-path.ts';
import { useDeviceLab } from './lab.ts';

const lab = useDeviceLab();
const shots = mkdtempSync(join(tmpdir(), 'device-lab-'));

afterAll(() => rmSync(shots, { recursive: true, force: true }));

interface LabWindow {
  pressed: string[];
  clicked: string[];
}

/** A device on the core page with a form inside an open shadow root that records keys and clicks. */
async function deviceWithForm(): Promise<Device> {
  const device = await lab.newDevice();
  await device.evaluate(() => {
    const w = window as unknown as LabWindow;
    w.pressed = [];
    w.clicked = [];
    const host = document.createElement('lab-form');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <label>First <input id="first"></label>
      <label>Second <input id="second"></label>
      <button type="button" id="save" style="margin-top: 1500px">Save</button>`;
    root.addEventListener('keydown', (event) => {
      const key = event as KeyboardEvent;
      w.pressed.push(`${key.shiftKey ? 'Shift+' : ''}${key.ctrlKey ? 'Control+' : ''}${key.key}`);
    });
    root.getElementById('save')!.addEventListener('click', () => w.clicked.push('save'));
  });
  return device;
}

const focusedId = (device: Device) => device.evaluate(() => document.querySelector('lab-form')!.shadowRoot!.activeElement?.id ?? null);

describe(`a device of the lab`, () => {
  it('evaluates with an argument, awaiting a promise, and names what it waited for when the wait fails', async () => {
    const device = await lab.newDevice();
    expect(device.browser).toBe(lab.browser);
    expect(await device.evaluate(async (n) => n * 2, 21)).toBe(42);
    await device.evaluate(() => setTimeout(() => (document.title = 'later'), 50));
    await device.waitFor('the title to change', () => document.title === 'later');
    await expect(device.waitFor('a title that never comes', () => document.title === 'never', undefined, 200)).rejects.toThrow(
      /a title that never comes/,
    );
    await expect(device.evaluate(() => Promise.reject(new Error('thrown in the page')))).rejects.toThrow(/thrown in the page/);
  });

  it('runs init scripts before the page, on every load', async () => {
    const device = await lab.newBlankDevice();
    await device.addInitScript(() => ((window as unknown as { early: number }).early = document.scripts.length));
    await lab.loadCorePage(device);
    expect(await device.evaluate(() => (window as unknown as { early: number }).early)).toBe(0);
    await device.reload();
    expect(await device.evaluate(() => (window as unknown as { early?: number }).early)).toBe(0);
  });

  it('types and presses keys with modifiers into a shadow root, and clicks through a chain of selectors', async () => {
    const device = await deviceWithForm();
    await device.click(['lab-form', '#first']);
    expect(await focusedId(device)).toBe('first');
    await device.keyboard.type('Ada');
    await device.keyboard.press('Tab');
    await device.keyboard.type('Lovelace');
    await device.keyboard.press('Shift+Tab');
    expect(await focusedId(device)).toBe('first');
    await device.keyboard.press('Control+a');
    await device.keyboard.press('Backspace');
    expect(await device.evaluate(() => document.querySelector('lab-form')!.shadowRoot!.querySelector('input')!.value)).toBe('');
    expect(await device.evaluate(() => (window as unknown as LabWindow).pressed)).toEqual(
      expect.arrayContaining(['Tab', 'Shift+Tab', 'Control+a', 'Backspace']),
    );

    // The button sits below the fold: clicking it scrolls it into view first, as a person would.
    await device.click(['lab-form', '#save']);
    expect(await device.evaluate(() => (window as unknown as LabWindow).clicked)).toEqual(['save']);
    const box = await device.boxOf(['lab-form', '#save']);
    await device.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    expect(await device.evaluate(() => (window as unknown as LabWindow).clicked)).toEqual(['save', 'save']);
    await expect(device.boxOf(['lab-form', '#missing'])).rejects.toThrow('lab-form >> #missing');
  });

  it('clicks an element only once nothing covers it', async () => {
    const device = await deviceWithForm();
    await device.evaluate(() => {
      const w = window as unknown as LabWindow & { hitTests: number };
      const veil = Object.assign(document.createElement('div'), { id: 'veil' });
      veil.style.cssText = 'position: fixed; inset: 0; background: white;';
      veil.addEventListener('click', () => w.clicked.push('veil'));
      document.body.append(veil);
      // Counts the lab's looks at what the click would hit.
      w.hitTests = 0;
      const elementFromPoint = document.elementFromPoint.bind(document);
      document.elementFromPoint = (x, y) => {
        w.hitTests += 1;
        return elementFromPoint(x, y);
      };
    });
    const clicking = device.click(['lab-form', '#save']);
    await device.waitFor('the lab to find the button covered twice', () => (window as unknown as { hitTests: number }).hitTests >= 2);
    await device.evaluate(() => document.getElementById('veil')!.remove());
    await clicking;
    expect(await device.evaluate(() => (window as unknown as LabWindow).clicked)).toEqual(['save']);
  });

  it('keeps a press that lands elsewhere, the page having moved after its look, from the page, and clicks again', async () => {
    const device = await deviceWithForm();
    const inPage: ClickInPage = {
      target: (chain) => device.evaluate(clickTargetInPage, chain),
      verdict: (timeoutMs) => device.evaluate(clickVerdictInPage, timeoutMs),
    };
    const presses: string[] = [];
    // The first press finds a veil come over the button after the lab's look found it free.
    const press = async (x: number, y: number) => {
      if (presses.length === 0) {
        await device.evaluate(() => {
          const w = window as unknown as LabWindow;
          const veil = Object.assign(document.createElement('div'), { id: 'veil' });
          veil.style.cssText = 'position: fixed; inset: 0; background: white;';
          for (const type of ['pointerdown', 'mousedown', 'mouseup', 'click']) veil.addEventListener(type, () => w.clicked.push(`veil ${type}`));
          document.body.append(veil);
        });
      }
      presses.push(`${x},${y}`);
      await device.mouse.click(x, y);
      if (presses.length === 1) await device.evaluate(() => document.getElementById('veil')!.remove());
    };
    await clickWhenClickable(inPage, press, ['lab-form', '#save']);
    expect(presses).toHaveLength(2);
    expect(await device.evaluate(() => (window as unknown as LabWindow).clicked)).toEqual(['save']);
  });

  it('chooses an option of a <select> it clicked with the arrow keys and Enter, as a person does', async () => {
    const device = await lab.newDevice();
    await device.evaluate(() => {
      document.body.innerHTML = `<label>Tag <select id="tag"><option value="">All</option><option>Diabetes</option><option>Asthma</option></select></label>`;
    });
    await device.click('#tag');
    await device.keyboard.press('ArrowDown');
    await device.keyboard.press('Enter');
    expect(await device.evaluate(() => (document.getElementById('tag') as HTMLSelectElement).value)).toBe('Diabetes');
    await device.keyboard.press('ArrowDown');
    expect(await device.evaluate(() => (document.getElementById('tag') as HTMLSelectElement).value)).toBe('Asthma');
  });

  it('sizes its viewport, answers the colour scheme it is given, and takes screenshots', async () => {
    const device = await lab.newDevice();
    expect(await device.evaluate(() => [innerWidth, innerHeight])).toEqual([1280, 720]);
    await device.setViewport({ width: 640, height: 480 });
    expect(await device.evaluate(() => [innerWidth, innerHeight])).toEqual([640, 480]);
    const dark = () => device.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
    await device.setColorScheme('dark');
    expect(await dark()).toBe(true);
    await device.reload();
    expect(await dark()).toBe(true);
    await device.setColorScheme('light');
    expect(await dark()).toBe(false);
    // Another device keeps its own scheme.
    await device.setColorScheme('dark');
    const other = await lab.newDevice();
    expect(await other.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(false);

    const file = join(shots, lab.browser, 'page.png');
    await device.screenshot(file);
    expect(existsSync(file)).toBe(true);
    // A PNG's signature, then its IHDR chunk with the width and height.
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(640);
  });

  it('lays pages out for print and back for the screen, across a reload, in its own tab only', async () => {
    const device = await lab.newDevice();
    const print = () => device.evaluate(() => matchMedia('print').matches);
    expect(await print()).toBe(false);
    await device.setMediaType('print');
    expect(await print()).toBe(true);
    await device.reload();
    expect(await print()).toBe(true);
    const other = await lab.newDevice();
    expect(await other.evaluate(() => matchMedia('print').matches)).toBe(false);
    await device.setMediaType('screen');
    expect(await print()).toBe(false);
  });

  it('goes offline and back: requests fail, then succeed', async () => {
    const device = await lab.newDevice();
    const fetchStatus = () =>
      device.evaluate((url) => fetch(url, { cache: 'no-store' }).then((response) => response.status, () => 'failed'), lab.pageUrl);
    await device.setOffline(true);
    expect(await fetchStatus()).toBe('failed');
    await device.setOffline(false);
    expect(await fetchStatus()).toBe(200);
  });

  it('runs axe on the page or one element, finding what is wrong and passing what is right', async () => {
    const device = await deviceWithForm();
    await expectNoAxeViolations(device, ['lab-form']);
    await device.evaluate(() => document.body.append(Object.assign(document.createElement('button'), { id: 'nameless' })));
    const violations = await axeViolations(device);
    expect(violations.map((violation) => violation.id)).toContain('button-name');
    expect(violations.find((violation) => violation.id === 'button-name')!.targets).toEqual(['["#nameless"]']);
  });
});
