/** `<p2p-reminders>` in real browsers: the list, toasts and notifications as reminders fall due, across reloads. */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../../../scripts/device-lab/axe.ts';
import { RemindersPage, instrumentNotifications } from './reminders.page.ts';

const lab = useDeviceLab();
const ORG = 'reminders-org';

async function openReminders(): Promise<RemindersPage> {
  const device = await lab.newDevice({ initScript: instrumentNotifications });
  const page = new RemindersPage(device);
  await page.open(ORG);
  return page;
}

/** Reloads the page and opens the same org again, as a person pressing F5 would. */
async function reload(page: RemindersPage): Promise<void> {
  await page.close();
  await lab.loadCorePage(page.device);
  await page.open(ORG);
}

describe('<p2p-reminders>', () => {
  it('lists upcoming reminders, earliest first, with no accessibility violations', async () => {
    const page = await openReminders();
    await page.addAppointment('Blood test', 180, 30);
    await page.addAppointment('Check-up', 120, 60);
    await page.device.waitFor('two reminders listed', () => document.querySelector('p2p-reminders')?.shadowRoot?.querySelectorAll('[part~="item"]').length === 2);
    const [first, second] = await page.listItems();
    expect(first).toContain('Check-up');
    expect(second).toContain('Blood test');
    await expectNoAxeViolations(page.device, 'p2p-reminders');
  });

  it('shows a toast and a notification when a reminder falls due, and after a reload the toast but no second notification', async () => {
    const page = await openReminders();
    await page.grantNotifications();
    await page.addAppointment('Physio', 10, 10);
    await page.waitForToast('Physio');
    expect(await page.notifications()).toEqual([{ title: 'Physio', tag: expect.stringContaining('|10') }]);
    expect(await page.dueEvents()).toEqual([['Physio']]);
    await expectNoAxeViolations(page.device, 'p2p-reminders');

    await reload(page);
    await page.waitForToast('Physio');
    expect(await page.notifications()).toHaveLength(1);
    expect(await page.dueEvents()).toEqual([]);
  });

  it('announces a reminder that falls due while the page is open', async () => {
    const page = await openReminders();
    await page.grantNotifications();
    // Due some seconds from now (room for a busy machine to read the toasts first): the element's timer announces it.
    const dueAt = await page.addAppointment('Vaccination', 10 + 15 / 60, 10);
    const beforeDue = await page.toastTitlesBefore(dueAt);
    if (beforeDue !== null) expect(beforeDue).toEqual([]);
    await page.waitForToast('Vaccination');
    expect((await page.notifications()).map((notification) => notification.title)).toEqual(['Vaccination']);
  });

  it('announces a reminder once when two pages of the device have the org open', async () => {
    const page = new RemindersPage(await lab.newDevice({ initScript: instrumentNotifications }));
    await page.grantNotifications();
    await page.addAppointment('Physio', 10, 10, ORG);
    await page.open(ORG, 2);
    await page.device.waitFor('both elements to show the toast', () =>
      [...document.querySelectorAll('p2p-reminders')].every((element) => element.shadowRoot?.querySelector('[part~="toast"]')),
    );
    expect(await page.toastsInEveryElement()).toEqual([['Physio'], ['Physio']]);
    expect(await page.notifications()).toHaveLength(1);
    expect(await page.dueEvents()).toEqual([['Physio']]);
  });

  it('dismisses a due reminder for good', async () => {
    const page = await openReminders();
    await page.addAppointment('Follow-up', 5, 10);
    await page.waitForToast('Follow-up');
    await page.dismiss('Follow-up');
    await page.waitForNoToast('Follow-up');
    await reload(page);
    expect(await page.toastTitles()).toEqual([]);
  });

  it('snoozes a due reminder for five minutes, by mouse or by keyboard', async () => {
    const page = await openReminders();
    await page.addAppointment('Consultation', 10, 10);
    await page.addAppointment('X-ray', 10, 10);
    await page.waitForToast('Consultation');
    await page.waitForToast('X-ray');
    const before = Date.now();
    await page.snooze('Consultation', '5m');
    await page.waitForNoToast('Consultation');
    await page.snoozeByKeyboard('X-ray', '15m');
    await page.waitForNoToast('X-ray');
    const until = await page.snoozedUntil('Consultation');
    expect(until! - before).toBeGreaterThanOrEqual(5 * 60_000);
    expect(until! - before).toBeLessThan(6 * 60_000);
    expect((await page.snoozedUntil('X-ray'))! - until!).toBeGreaterThanOrEqual(10 * 60_000 - 60_000);
    await page.device.waitFor('the snoozed reminders marked in the list', () =>
      [...(document.querySelector('p2p-reminders')?.shadowRoot?.querySelectorAll('[part~="snoozed"]') ?? [])].length === 2,
    );
  });

  it('asks for notification permission once, when a reminder is first set, never on load', async () => {
    const page = await openReminders();
    expect(await page.permissionRequests()).toBe(0);
    await page.addAppointment('Check-up', 120, 15);
    expect(await page.permissionRequests()).toBe(1);
    await page.addAppointment('Check-up again', 240, 15);
    await reload(page);
    expect(await page.permissionRequests()).toBe(1);
  });

  it('has no accessibility violations in dark mode with a toast showing', async () => {
    const page = await openReminders();
    await page.device.setColorScheme('dark');
    await page.addAppointment('Physio', 10, 10);
    await page.waitForToast('Physio');
    await expectNoAxeViolations(page.device, 'p2p-reminders');
  });
});
