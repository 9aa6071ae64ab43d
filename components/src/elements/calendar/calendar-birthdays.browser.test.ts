/**
 * `<p2p-calendar birthdays>`: the org's contacts' birthdays as read-only all-day items that open the contact, over the
 * seeded clinic (Ada Lovelace and Grace Hopper, given birthdays here).
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { CalendarPage, type CalendarOptions } from './calendar.page.ts';

const lab = useDeviceLab();

async function withBirthdays(options: CalendarOptions = {}) {
  const opened = await CalendarPage.openIn(lab, options);
  await opened.calendar.setBirthday(opened.clinic.contacts.ada, '1990-03-26');
  await opened.calendar.setBirthday(opened.clinic.contacts.grace, '--03-27');
  await opened.calendar.setAttribute('birthdays', '');
  return opened;
}

describe('<p2p-calendar> birthdays', () => {
  it('shows each contact’s birthday as an all-day item on its day, with or without a year of birth', async () => {
    const { calendar } = await withBirthdays();
    const [ada] = await calendar.drawn('Ada Lovelace’s birthday');
    expect(ada).toMatchObject({ date: null });
    expect(ada!.parts).toBe('event booked all-day birthday');
    expect(ada!.label).toMatch(/^Ada Lovelace’s birthday, Wednesday,? 26 March 2025\. Opens the contact$/);
    expect(await calendar.drawn('Grace Hopper’s birthday')).toHaveLength(1);
    await calendar.setAttribute('view', 'month');
    expect((await calendar.drawn('Ada Lovelace’s birthday')).map((item) => item.date)).toEqual(['2025-03-26']);
    expect((await calendar.drawn('Grace Hopper’s birthday')).map((item) => item.date)).toEqual(['2025-03-27']);
  });

  it('follows the contacts: a changed birthday moves, and none show without the attribute', async () => {
    const { calendar, clinic } = await withBirthdays({ view: 'month' });
    await calendar.setBirthday(clinic.contacts.ada, '1990-03-05');
    await calendar.device.waitFor('Ada’s birthday on the 5th', () =>
      document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('[data-date="2025-03-05"] [part~="birthday"]'),
    );
    await calendar.setAttribute('birthdays', null);
    expect(await calendar.drawn('Ada Lovelace’s birthday')).toEqual([]);
  });

  it('puts a 29 February birthday on 28 February in a year without one', async () => {
    const { calendar, clinic } = await withBirthdays({ view: 'month', date: '2025-02-10' });
    await calendar.setBirthday(clinic.contacts.ada, '2000-02-29');
    await calendar.device.waitFor('Ada’s birthday on the 28th', () =>
      document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('[data-date="2025-02-28"] [part~="birthday"]'),
    );
  });

  it('opens the contact on click or Enter, and cannot be moved, resized or deleted', async () => {
    const { calendar, clinic } = await withBirthdays();
    await calendar.click(calendar.event('Ada Lovelace’s birthday'));
    expect((await calendar.recordedEvents('p2p-contact-open')).map((event) => event.detail)).toEqual([{ contactId: clinic.contacts.ada }]);
    expect(await calendar.editorOpen()).toBe(false);
    await calendar.drag(calendar.event('Ada Lovelace’s birthday'), await calendar.at('2025-03-24', '10:00'));
    await calendar.device.evaluate(() => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector<HTMLElement>('[part~="birthday"]')!.focus());
    await calendar.press('Delete', 'Alt+ArrowRight', 'Alt+a', 'Enter');
    expect(await calendar.recordedEvents('p2p-contact-open')).toHaveLength(2);
    expect((await calendar.recordedEvents()).filter((event) => event.type.startsWith('p2p-request-'))).toEqual([]);
    expect(await calendar.drawn('Ada Lovelace’s birthday')).toHaveLength(1);
  });

  it('has no axe violations with birthdays shown, light or dark', async () => {
    const { calendar } = await withBirthdays();
    await calendar.expectAccessibleIn(['week', 'month', 'agenda']);
  });
});
