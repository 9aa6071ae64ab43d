/** The app's screens: onboarding, org switcher, sync status, invite and join, settings, account; and contacts. */
import type { Device } from '../device-lab/device.ts';
import { AppPage } from '../../app/test/pages/app-page.ts';
import type { P2PApp } from '../../components/src/elements/app/app.ts';
import type { Scene, SceneContext } from './scene.ts';

export const PASSWORD = 'Linden-Apfel-42-Baum';

export async function openApp({ device, pageUrl, workerUrl }: Pick<SceneContext, 'device' | 'pageUrl' | 'workerUrl'>, search = ''): Promise<AppPage> {
  const app = new AppPage(device);
  await app.open(pageUrl, workerUrl, search);
  return app;
}

async function clinicApp(context: SceneContext): Promise<AppPage> {
  const app = await openApp(context);
  await app.startOnThisDevice();
  await app.createOrg('Praxis am Park');
  await seedClinic(context.device);
  return app;
}

/** A small practice's contacts and a week of appointments, written into the current org. */
async function seedClinic(device: Device): Promise<void> {
  await device.evaluate(async () => {
    const app = document.querySelector('p2p-app') as P2PApp;
    const session = await app.state!.session(app.state!.current.id);
    const people: [string, string, string, string[], string?][] = [
      ['Jürgen', 'Müller', 'Stadtwerke Nord', ['Diabetes'], '+49 170 1234567'],
      ['Anna', 'Schmidt', '', ['Physio'], '+49 151 2223344'],
      ['Grace', 'Hopper', 'US Navy', ['Diabetes', 'VIP']],
      ['Ada', 'Lovelace', 'Analytical Engines', ['VIP']],
      ['Søren', 'Kierkegaard', 'Universitet', []],
      ['Fatima', 'Al-Sayed', '', ['Physio']],
      ['Kenji', 'Watanabe', 'Tokyo Trading', []],
      ['Marie', 'Curie', 'Institut du Radium', ['Allergy']],
      ['Jon', 'Smith', '', []],
      ['John', 'Smith', 'Smith & Co', []],
      ['Lucía', 'Fernández', '', ['Allergy']],
      ['Olusegun', 'Adeyemi', 'Lagos Clinic', []],
      ['Hedy', 'Lamarr', '', ['Physio']],
      ['Chidi', 'Okafor', '', []],
      ['Ingrid', 'Bergström', 'Nordklinik', ['Diabetes']],
      ['Pierre', 'Dubois', '', []],
      ['Ewa', 'Kowalska', '', ['Allergy']],
      ['Mehmet', 'Yılmaz', 'Yılmaz Bau', []],
    ];
    const ids = people.map(([givenName, familyName, organisation, tags, phone]) =>
      session.contacts.create({
        givenName,
        familyName,
        displayName: '',
        organisation,
        emails: [{ label: 'work', value: `${givenName}.${familyName}@example.org`.toLowerCase().normalize('NFD').replace(/[^\w.@-]/g, '') }],
        phones: phone ? [{ label: 'mobile', value: phone }] : [],
        addresses: [],
        notes: '',
        tags,
      }).id,
    );
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const appointments: [number, string, string, number][] = [
      [-14, '09:00', 'Check-up', 0],
      [-3, '11:30', 'Blood test', 0],
      [2, '10:00', 'Follow-up', 0],
      [9, '15:00', 'Diabetes consultation', 0],
      [1, '08:30', 'Physiotherapy', 1],
    ];
    // A full week around today, so that whatever hour the calendar scrolls to shows appointments.
    const titles = ['Check-up', 'Physiotherapy', 'Vaccination', 'Consultation', 'Blood test', 'Follow-up'];
    for (let offset = -1; offset <= 5; offset++) {
      for (const [index, hour] of [8, 11, 14, 17, 20].entries()) {
        if ((offset + index) % 3 === 0) continue;
        appointments.push([offset, `${String(hour).padStart(2, '0')}:${index % 2 ? '30' : '00'}`, titles[(offset + 7 + index) % titles.length]!, (offset + 7 + index * 3) % ids.length]);
      }
    }
    for (const [offset, time, title, who] of appointments) {
      const start = `${day(offset)}T${time}:00`;
      const [hours, minutes] = time.split(':').map(Number);
      const end = `${day(offset)}T${String(hours! + (minutes! + 30 >= 60 ? 1 : 0)).padStart(2, '0')}:${String((minutes! + 30) % 60).padStart(2, '0')}:00`;
      session.events.create({ title, start, end, allDay: false, timeZone: zone, location: 'Room 2', notes: '', attendees: [ids[who]!], reminders: [] } as never);
    }
  });
}

export const scenes: Scene[] = [
  {
    name: 'onboarding',
    async setup(context) {
      await openApp(context);
    },
  },
  {
    name: 'contacts-list',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Contacts');
      await app.contacts.waitForCount('18 contacts');
    },
  },
  {
    name: 'contacts-card',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Contacts');
      await app.contacts.open('Jürgen Müller');
    },
  },
  {
    name: 'contacts-form-error',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Contacts');
      await app.contacts.clickButton('New contact');
      await app.contacts.fill('field-givenName', 'Rosa');
      await app.contacts.fill('field-familyName', 'Parks');
      await app.contacts.fill('field-emails-0-value', 'rosa at example');
      await context.device.keyboard.press('Enter');
      await app.contacts.waitForError('is not an email address');
    },
  },
  {
    name: 'contacts-merge',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Contacts');
      await app.contacts.openDuplicates();
      await app.contacts.clickButton('Merge…');
    },
  },
  {
    // The same merge in German: the view speaks the app's language, plural forms included.
    name: 'contacts-merge-german',
    async setup(context) {
      const app = await clinicApp(context);
      await context.device.evaluate(() => {
        (document.querySelector('p2p-app') as P2PApp).locale = 'de-DE';
      });
      await context.device.click(['p2p-app', 'nav a:nth-of-type(2)']);
      await app.contacts.clickButton('Dubletten');
      await app.contacts.clickButton('Zusammenführen…');
    },
  },
  {
    name: 'org-switcher',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Contacts');
      await app.openOrgMenu();
    },
  },
  {
    name: 'sync-status',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Contacts');
      await app.openSyncStatus();
    },
  },
  {
    name: 'invite',
    async setup(context) {
      const app = await clinicApp(context);
      await app.invite(PASSWORD);
    },
  },
  {
    name: 'join-wrong-password',
    async setup(context) {
      const inviter = await clinicApp({ ...context, device: await context.newDevice() });
      const code = await inviter.invite(PASSWORD);
      const app = await openApp(context);
      await app.joinYourTeamFromOnboarding();
      await app.submitJoin(code, 'not-the-password');
      await app.waitForJoinError('tries left');
    },
  },
  {
    name: 'app-calendar',
    async setup(context) {
      await clinicApp(context);
      await context.device.waitFor('the calendar showing the week', () =>
        document.querySelector('p2p-app')?.shadowRoot?.querySelector('p2p-calendar')?.shadowRoot?.querySelector('[part~="event"]'),
      );
    },
  },
  {
    name: 'contacts-import',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Contacts');
      await context.device.evaluate(() => {
        const vcard = ['Ada Lovelace;ada.lovelace@example.org', 'Rosa Parks;rosa@example.org', 'Nils Holgersson;nils@example.se', ';not an address']
          .map((line) => {
            const [name, email] = line.split(';');
            return ['BEGIN:VCARD', 'VERSION:4.0', ...(name ? [`FN:${name}`] : []), `EMAIL:${email}`, 'END:VCARD'].join('\r\n');
          })
          .join('\r\n');
        const contacts = document.querySelector('p2p-app')!.shadowRoot!.querySelector('p2p-contacts')!;
        void contacts.importFile(new File([vcard], 'address-book.vcf', { type: 'text/vcard' }));
      });
      await context.device.waitFor('the import summary', () =>
        document.querySelector('p2p-app')?.shadowRoot?.querySelector('p2p-contacts')?.shadowRoot?.querySelector('.import-summary'),
      );
    },
  },
  {
    name: 'settings',
    async setup(context) {
      const app = await clinicApp(context);
      await app.goTo('Settings');
    },
  },
];
