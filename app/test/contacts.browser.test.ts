import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../scripts/device-lab/axe.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import type { ContactFields, EventFields } from '../../components/src/core/index.ts';
import type { P2PApp } from '../../components/src/elements/app/app.ts';
import { AppPage } from './pages/app-page.ts';
import { waitForText } from './pages/shadow-query.ts';

const lab = useDeviceLab();

async function appOnContacts(): Promise<AppPage> {
  const device = await lab.newBlankDevice();
  const app = new AppPage(device);
  await app.open(lab.pageUrl, lab.workerUrl);
  await app.startOnThisDevice();
  await app.goTo('Contacts');
  await app.contacts.ready();
  return app;
}

/** Writes contacts (and optionally events) straight into the open org, as another device's sync would. */
function seed(device: Device, contacts: Partial<ContactFields>[], events: (ids: string[]) => Partial<EventFields>[] = () => []) {
  return device.evaluate(
    async ({ contacts, eventsSource }) => {
      const app = document.querySelector('p2p-app') as P2PApp;
      const session = await app.state!.session(app.state!.current.id);
      const base = { givenName: '', familyName: '', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] };
      const ids = contacts.map((fields) => session.contacts.create({ ...base, ...fields }).id);
      const makeEvents = (0, eval)(eventsSource) as (ids: string[]) => Partial<EventFields>[];
      const eventBase = { title: 'Check-up', start: '2030-05-06T09:00:00', end: '2030-05-06T09:30:00', allDay: false, timeZone: 'Europe/Berlin', location: '', notes: '', attendees: [], reminders: [] };
      const eventIds = makeEvents(ids).map((fields) => session.events.create({ ...eventBase, ...fields } as EventFields).id);
      return { ids, eventIds };
    },
    { contacts, eventsSource: events.toString() },
  );
}

describe('<p2p-contacts> in the app', () => {
  it('creates a contact, showing the core’s validation beside the field, then edits it', async () => {
    const { contacts, device } = await appOnContacts();
    await contacts.clickButton('New contact');
    await contacts.fill('field-givenName', 'Ada');
    await contacts.fill('field-familyName', 'Lovelace');
    await contacts.fill('field-emails-0-value', 'ada at example');
    await device.keyboard.press('Enter');
    await contacts.waitForError('Email 1 is not an email address.');
    expect(await contacts.fieldInvalid('field-emails-0-value')).toBe(true);
    await expectNoAxeViolations(device, ['p2p-app', 'p2p-contacts']);

    await contacts.fill('field-emails-0-value', 'ada@example.org');
    await contacts.clickButton('Save');
    await contacts.waitForName('Ada Lovelace');
    expect(await contacts.cardText()).toContain('ada@example.org');

    await contacts.clickButton('Edit');
    await contacts.fill('field-organisation', 'Analytical Engines');
    await contacts.clickButton('Save');
    await device.waitFor('the card to show the organisation', () =>
      document.querySelector('p2p-app')?.shadowRoot?.querySelector('p2p-contacts')?.shadowRoot?.querySelector('.card')?.textContent?.includes('Analytical Engines'),
    );
    await expectNoAxeViolations(device, ['p2p-app', 'p2p-contacts']);
  });

  it('searches as you type, ignoring case and diacritics, and filters by tag', async () => {
    const { contacts, device } = await appOnContacts();
    await seed(device, [
      { givenName: 'Jürgen', familyName: 'Müller', tags: ['Diabetes'] },
      { givenName: 'Anna', familyName: 'Schmidt', phones: [{ label: 'mobile', value: '+49 170 1234567' }] },
      { givenName: 'Grace', familyName: 'Hopper', tags: ['Diabetes'] },
    ]);
    await contacts.waitForCount('3 contacts');
    await contacts.search('mull');
    await contacts.waitForCount('1 contact of 3');
    expect(await contacts.renderedNames()).toEqual(['Jürgen Müller']);
    await contacts.search('1701234');
    await contacts.waitForCount('1 contact of 3');
    expect(await contacts.renderedNames()).toEqual(['Anna Schmidt']);
    await contacts.search('');
    await contacts.waitForCount('3 contacts');
    await device.click(contacts.at('select[aria-label="Filter by tag"]'));
    await device.keyboard.press('ArrowDown');
    await device.keyboard.press('Enter');
    await contacts.waitForCount('2 contacts of 3');
    expect(await contacts.renderedNames()).toEqual(['Grace Hopper', 'Jürgen Müller']);
  });

  it('keeps a view it has left as it was, out of reach of the mouse, the keyboard and screen readers until shown again', async () => {
    const app = await appOnContacts();
    const { contacts, device } = app;
    await seed(device, [{ givenName: 'Jürgen', familyName: 'Müller' }, { givenName: 'Anna', familyName: 'Schmidt' }]);
    await contacts.search('mull');
    await contacts.waitForCount('1 contact of 2');
    await app.goTo('Calendar');
    const reach = () =>
      device.evaluate(() => {
        const root = document.querySelector('p2p-app')!.shadowRoot!;
        const box = root.querySelector('main')!.getBoundingClientRect();
        const hit = root.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        const seen = (view: HTMLElement) => view.checkVisibility({ opacityProperty: true, visibilityProperty: true });
        const contacts = root.querySelector<HTMLElement>('p2p-contacts')!;
        const calendar = root.querySelector<HTMLElement>('p2p-calendar')!;
        return { hit: hit?.localName, contactsInert: contacts.inert, calendarInert: calendar.inert, contactsSeen: seen(contacts), calendarSeen: seen(calendar) };
      });
    expect(await reach()).toEqual({ hit: 'p2p-calendar', contactsInert: true, calendarInert: false, contactsSeen: false, calendarSeen: true });
    await expectNoAxeViolations(device);

    await app.goTo('Contacts');
    await contacts.waitForCount('1 contact of 2');
    expect(await contacts.renderedNames()).toEqual(['Jürgen Müller']);
    expect(await reach()).toEqual({ hit: 'p2p-contacts', contactsInert: false, calendarInert: true, contactsSeen: true, calendarSeen: false });
  });

  it('renders the calendar ahead while the contacts are shown, so that it opens as it was built, on the morning of its week', async () => {
    const device = await lab.newBlankDevice();
    const app = new AppPage(device);
    await app.open(lab.pageUrl, lab.workerUrl, '?view=contacts&date=2025-03-26');
    await app.startOnThisDevice();
    await app.contacts.ready();
    // Built while the person looks at the contacts, and scrolled to the morning before anyone sees it.
    await device.waitFor('the calendar rendered ahead, scrolled to the morning', () => {
      const calendar = document.querySelector('p2p-app')!.shadowRoot!.querySelector<HTMLElement>('p2p-calendar');
      const grid = calendar?.shadowRoot?.querySelector('.timegrid');
      if (!calendar || !grid || grid.scrollTop === 0) return false;
      calendar.dataset.builtAhead = 'yes';
      return true;
    });
    await app.goTo('Calendar');
    const shown = await device.evaluate(() => {
      const calendar = document.querySelector('p2p-app')!.shadowRoot!.querySelector<HTMLElement>('p2p-calendar')!;
      const body = calendar.shadowRoot!.querySelector<HTMLElement>('.timegrid')!;
      const grid = body.querySelector<HTMLElement>('.tg-body')!;
      const head = body.querySelector<HTMLElement>('.tg-head')!.offsetHeight;
      return { builtAhead: calendar.dataset.builtAhead, topMinute: Math.round(((body.scrollTop - (grid.offsetTop - head)) / grid.offsetHeight) * 1440) };
    });
    expect(shown).toEqual({ builtAhead: 'yes', topMinute: 7 * 60 });
  });

  it('deletes selected contacts and brings them back with undo, appointments included', async () => {
    const { contacts, device } = await appOnContacts();
    const { ids, eventIds } = await seed(
      device,
      [{ givenName: 'Ada', familyName: 'Lovelace' }, { givenName: 'Grace', familyName: 'Hopper' }, { givenName: 'Hedy', familyName: 'Lamarr' }],
      (ids) => [{ attendees: [ids[0]!] }],
    );
    await contacts.waitForCount('3 contacts');
    await contacts.select('Ada Lovelace');
    await contacts.select('Grace Hopper');
    await contacts.clickButton('Delete selected');
    await contacts.waitForToast('2 contacts deleted.');
    await contacts.waitForCount('1 contact');
    await clickToastUndo(contacts.at('.toast'), device);
    await contacts.waitForCount('3 contacts');
    const attendees = await device.evaluate(async (eventId) => {
      const app = document.querySelector('p2p-app') as P2PApp;
      return (await app.state!.session(app.state!.current.id)).events.get(eventId)!.attendees;
    }, eventIds[0]!);
    expect(attendees).toEqual([ids[0]]);
  });

  it('finds duplicates and merges them field by field, moving appointments to the survivor', async () => {
    const { contacts, device } = await appOnContacts();
    const { ids, eventIds } = await seed(
      device,
      [
        { givenName: 'Jon', familyName: 'Smith', emails: [{ label: 'work', value: 'jon@example.org' }] },
        { givenName: 'John', familyName: 'Smith', organisation: 'Smith & Co', emails: [{ label: 'home', value: 'JON@example.org' }] },
      ],
      (ids) => [{ attendees: [ids[1]!] }],
    );
    await contacts.waitForCount('2 contacts');
    await contacts.openDuplicates();
    await contacts.clickButton('Merge…');
    await expectNoAxeViolations(device, ['p2p-app', 'p2p-contacts']);
    // Keep the survivor's own given name but take the other's ("John").
    await device.click(contacts.at('fieldset:has(input[name="givenName"]) label:nth-of-type(2) input'));
    await contacts.clickButton('Merge');
    await contacts.waitForToast('Merged into John Smith.');
    await contacts.waitForCount('1 contact');
    const merged = await device.evaluate(
      async ({ survivorId, eventId }) => {
        const app = document.querySelector('p2p-app') as P2PApp;
        const session = await app.state!.session(app.state!.current.id);
        return { contact: session.contacts.list().map((contact) => [contact.id, contact.displayName, contact.organisation, contact.emails.length]), attendees: session.events.get(eventId)!.attendees, survivorId };
      },
      { survivorId: ids[0]!, eventId: eventIds[0]! },
    );
    expect(merged.contact).toEqual([[ids[0], 'John Smith', 'Smith & Co', 1]]);
    expect(merged.attendees).toEqual([ids[0]]);
  });

  it('imports a vCard file dropped on the list with a summary, and exports the selection as vCard', async () => {
    const { contacts, device } = await appOnContacts();
    await seed(device, [{ givenName: 'Grace', familyName: 'Hopper', emails: [{ label: 'work', value: 'grace@navy.mil' }] }]);
    await contacts.waitForCount('1 contact');
    const vcard = [
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Ada Lovelace', 'N:Lovelace;Ada;;;', 'EMAIL:ada@example.org', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Grace M. Hopper', 'N:Hopper;Grace;;;', 'EMAIL:grace@navy.mil', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'EMAIL:not an address', 'END:VCARD',
      '',
    ].join('\r\n');
    await contacts.dropFile('address-book.vcf', vcard);
    await waitForText(device, contacts.at('.import-summary [role="status"]'), '2 contacts imported, 1 card refused.');
    // The core's reason, worded by the element: its email left out, the card has nothing left to name it by.
    await waitForText(device, contacts.at('.import-summary .issues li'), 'Card 3: A contact needs a name, an organisation, an email or a phone.');
    await waitForText(device, contacts.at('.import-summary'), '1 imported contact looks like one you already have.');
    await expectNoAxeViolations(device, ['p2p-app', 'p2p-contacts']);
    await contacts.waitForCount('3 contacts');

    await device.evaluate(() => {
      const w = window as unknown as { exported: Promise<string>[] };
      w.exported = [];
      const original = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob: Blob | MediaSource) => {
        if (blob instanceof Blob) w.exported.push(blob.text());
        return original(blob);
      };
    });
    await contacts.select('Ada Lovelace');
    await contacts.clickButton('Export selected');
    await device.waitFor('the export', () => (window as unknown as { exported: unknown[] }).exported.length === 1);
    const exported = await device.evaluate(() => (window as unknown as { exported: Promise<string>[] }).exported[0]!);
    expect(exported).toContain('FN:Ada Lovelace');
    expect(exported).not.toContain('Hopper');
  });

  it('shows contacts’ birthdays in the calendar, and opens the contact’s card from one; back returns to the calendar', async () => {
    const app = await appOnContacts();
    const { contacts, device } = app;
    const today = await device.evaluate(() => {
      const now = new Date();
      return `--${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    });
    const { ids } = await seed(device, [{ givenName: 'Ada', familyName: 'Lovelace', birthday: today }]);
    await contacts.waitForCount('1 contact');
    await app.goTo('Calendar');
    const birthday = ['p2p-app', 'p2p-calendar', '[part~="birthday"]'];
    await waitForText(device, birthday, 'Ada Lovelace’s birthday');
    await device.click(birthday);
    await waitForText(device, ['p2p-app', 'nav a[aria-current="page"]'], 'Contacts');
    await waitForText(device, contacts.at('#card-name'), 'Ada Lovelace');
    expect(new URLSearchParams(await device.evaluate(() => location.search)).get('contact')).toBe(ids[0]);
    await device.evaluate(() => history.back());
    await waitForText(device, ['p2p-app', 'nav a[aria-current="page"]'], 'Calendar');
    await waitForText(device, birthday, 'Ada Lovelace’s birthday');
  });

  it('lists 10,000 contacts rendering only what is on screen, and searches them as you type', async () => {
    const { contacts, device } = await appOnContacts();
    await device.evaluate(async () => {
      const app = document.querySelector('p2p-app') as P2PApp;
      const session = await app.state!.session(app.state!.current.id);
      const base = { displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] };
      session.doc.transact(() => {
        for (let index = 0; index < 10_000; index++) session.contacts.create({ ...base, givenName: `Person${String(index).padStart(5, '0')}`, familyName: index % 2 ? 'Odd' : 'Even' });
      });
    });
    await contacts.waitForCount('10,000 contacts');
    const rendered = await contacts.renderedNames();
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(100);
    await contacts.search('person09999');
    await contacts.waitForCount('1 contact of 10,000');
    expect(await contacts.renderedNames()).toEqual(['Person09999 Odd']);
  });
});

async function clickToastUndo(toast: string[], device: Device): Promise<void> {
  await device.click([...toast, 'button']);
}
