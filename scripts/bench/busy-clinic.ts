/**
 * The org the calendar and core benchmarks measure: a busy clinic's five years, 10,000 contacts and 50,000 events
 * (2.1 % weekly series, one in twenty of them open-ended, 0.9 % all-day), generated through the stores in the page
 * of `device` (which must have the client core on `window.core` and Yjs on `window.Y`) and persisted to its
 * IndexedDB. The generator is seeded: every run builds the same records. The org becomes the device's current one.
 */
import type { Device } from '../device-lab/device.ts';
import type { Core } from '../core-page.ts';

type BenchWindow = { core: Core; Y: typeof import('yjs') };

export interface GeneratedOrg {
  orgId: string;
  /** The document as one Yjs update. */
  documentBytes: number;
  seconds: number;
}

export function generateBusyClinic(device: Device, counts: { contacts: number; events: number }): Promise<GeneratedOrg> {
  return device.evaluate(
    async ({ contactCount, eventCount }) => {
      const { core, Y } = window as unknown as BenchWindow;
      let seed = 20_240_506;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
      const pad = (value: number) => String(value).padStart(2, '0');
      const given = ['Anna', 'Jürgen', 'Zoë', 'Émile', 'Søren', 'Fatma', 'Luca', 'Marie', 'Jan', 'Ines', 'Noah', 'Mia', 'Yusuf', 'Hanna', 'Piotr', 'Chloé'];
      const family = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Yılmaz', 'Kowalski', 'Dubois', 'Jensen', 'Rossi', 'Novák', 'Straße', 'Öztürk'];
      const tags = ['patient', 'diabetes', 'physio', 'staff', 'supplier', 'insurance', 'paediatrics'];
      const zones = ['Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin', 'Europe/Vienna', 'America/New_York'];
      const started = performance.now();
      const registry = await core.OrgRegistry.open();
      const org = await registry.create({ name: 'Busy clinic', color: '#0e7490' });
      // The org this device opens by default, as an element without a session given opens that one.
      await registry.switchTo(org.id);
      const session = await core.openOrg(org.id);
      const contactIds: string[] = [];
      const CHUNK = 2_000;
      for (let index = 0; index < contactCount; index += CHUNK) {
        session.doc.transact(() => {
          for (let offset = index; offset < Math.min(contactCount, index + CHUNK); offset++) {
            const givenName = pick(given);
            const familyName = pick(family);
            const contact = session.contacts.create({
              givenName, familyName, displayName: '', organisation: random() < 0.1 ? 'Nordklinik GmbH' : '',
              emails: random() < 0.7 ? [{ label: 'home', value: `${givenName}.${familyName}.${offset}@example.org`.toLowerCase() }] : [],
              phones: [{ label: 'mobile', value: `+49 170 ${1_000_000 + offset}` }], addresses: [], notes: random() < 0.2 ? 'Prefers mornings.' : '',
              tags: [pick(tags)], birthday: `19${50 + Math.floor(random() * 50)}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`,
            });
            contactIds.push(contact.id);
          }
        });
      }
      const day0 = Date.UTC(2021, 0, 4);
      const days = 5 * 365;
      const dateOf = (day: number) => new Date(day0 + day * 86_400_000).toISOString().slice(0, 10);
      const weekdayOf = (day: number) => new Date(day0 + day * 86_400_000).getUTCDay();
      const randomWorkday = () => {
        for (;;) {
          const day = Math.floor(random() * days);
          if (weekdayOf(day) !== 0 && weekdayOf(day) !== 6) return day;
        }
      };
      const timeOn = (day: number, minutes: number) => `${dateOf(day)}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
      const recurring = Math.round(eventCount * 0.021);
      const allDay = Math.round(eventCount * 0.009);
      for (let index = 0; index < eventCount; index += CHUNK) {
        session.doc.transact(() => {
          for (let offset = index; offset < Math.min(eventCount, index + CHUNK); offset++) {
            const day = randomWorkday();
            const begin = 8 * 60 + 15 * Math.floor(random() * 40);
            const length = pick([15, 30, 30, 45, 60]);
            const base = {
              location: pick(['Room 1', 'Room 2', 'Physio', '']), notes: '', attendees: [pick(contactIds)], reminders: random() < 0.5 ? [15] : [60, 1440],
              resources: [], status: 'booked' as const, category: '',
            };
            if (offset < allDay) {
              session.events.create({ ...base, title: pick(['Training', 'Holiday', 'Inspection']), allDay: true, start: dateOf(day), end: dateOf(day + 1 + Math.floor(random() * 5)), timeZone: 'Europe/Berlin', reminders: [] });
            } else if (offset < allDay + recurring) {
              // Therapy series of 10–20 weeks; one in twenty is an open-ended staff meeting.
              const openEnded = offset % 20 === 0;
              session.events.create({
                ...base, title: openEnded ? 'Staff meeting' : 'Physiotherapy', allDay: false, timeZone: pick(zones),
                start: timeOn(day, begin), end: timeOn(day, begin + length),
                recurrence: { rrule: openEnded ? 'FREQ=WEEKLY;INTERVAL=2' : `FREQ=WEEKLY;COUNT=${10 + Math.floor(random() * 11)}`, exdates: [timeOn(day + 14, begin)], rdates: [], overrides: [] },
              });
            } else {
              session.events.create({ ...base, title: pick(['Check-up', 'Consultation', 'Vaccination', 'Follow-up', 'Blood test']), allDay: false, timeZone: pick(zones), start: timeOn(day, begin), end: timeOn(day, begin + length) });
            }
          }
        });
      }
      const documentBytes = Y.encodeStateAsUpdate(session.doc).byteLength;
      await session.close();
      registry.close();
      return { orgId: org.id, documentBytes, seconds: (performance.now() - started) / 1000 };
    },
    { contactCount: counts.contacts, eventCount: counts.events },
  );
}
