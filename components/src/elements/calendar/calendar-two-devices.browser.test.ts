/**
 * Two devices of one org, each showing the org in a `<p2p-calendar>` that opens it and syncs it itself (`org` and
 * `worker-url`, as an intranet page would): an appointment made on the front desk's calendar appears on the
 * doctor's without a reload, and the doctor's move of it appears on the front desk's. Joined by invite, as in
 * components/test/two-browser-sync.browser.test.ts.
 */
import { describe, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import type { Device } from '../../../../scripts/device-lab/device.ts';
import { openInvite, redeem, tryPasswordAndAdopt } from '../../../test/invite-pages.ts';
import { CalendarPage } from './calendar.page.ts';

const lab = useDeviceLab();
const PASSWORD = 'kingfisher over the weir';

/** A device on the elements page, with the whole core on `window.core` for the invite. */
async function elementsDevice(): Promise<Device> {
  const device = await lab.newBlankDevice();
  await device.setViewport({ width: 1280, height: 900 });
  await device.goto(new URL('elements-page.html', lab.pageUrl).href);
  await device.waitFor('the elements page to load', () => document.title === 'elements ready', undefined, 60_000);
  await device.evaluate(async () => {
    const w = window as unknown as { p2p: typeof import('../../index.ts'); core: unknown };
    w.core = await w.p2p.loadCore();
  });
  return device;
}

describe('<p2p-calendar> on two devices', () => {
  it('shows an appointment made on one device on the other, and a move made there back on the first', async () => {
    const front = await elementsDevice();
    const doctor = await elementsDevice();
    const invite = await openInvite(front, lab.workerUrl, PASSWORD);
    await redeem(doctor, lab.workerUrl, invite.code);
    const joined = await tryPasswordAndAdopt(doctor, PASSWORD);
    if (!joined.ok) throw new Error(`the doctor could not join: ${joined.code}`);

    const attributes = { org: invite.org.id, 'worker-url': lab.workerUrl, view: 'week', date: '2025-03-24', 'time-zone': 'Europe/Berlin', locale: 'en-GB' };
    const frontCalendar = new CalendarPage(front);
    const doctorCalendar = new CalendarPage(doctor);
    await frontCalendar.mount(attributes);
    await doctorCalendar.mount(attributes);

    await frontCalendar.drag(await frontCalendar.at('2025-03-24', '13:00'), await frontCalendar.at('2025-03-24', '13:45'));
    await frontCalendar.waitForEditor();
    await frontCalendar.typeTitle('Ultrasound Ada');
    await frontCalendar.save();
    await frontCalendar.waitForDrawn('the appointment on the front desk', 'Ultrasound Ada', '2025-03-24', '13:00');
    await doctorCalendar.waitForDrawn('the appointment to reach the doctor', 'Ultrasound Ada', '2025-03-24', '13:00');

    await doctorCalendar.focusCell('2025-03-24', '13:00');
    await doctorCalendar.press('Enter', 'Alt+ArrowDown', 'Alt+ArrowDown');
    await doctorCalendar.waitForDrawn('the doctor’s move on the doctor’s calendar', 'Ultrasound Ada', '2025-03-24', '13:30');
    await frontCalendar.waitForDrawn('the doctor’s move to reach the front desk', 'Ultrasound Ada', '2025-03-24', '13:30');
  });
});
