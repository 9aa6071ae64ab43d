/**
 * A small clinic's week for element tests and screenshots, seeded inside a page of scripts/elements-page.html:
 * three resources, appointments in two zones around the change to summer time in Europe (Sunday 30 March 2025),
 * a weekly series, an all-day training, statuses of every kind and a double booking. Runs in the page
 * (`device.evaluate(seedClinic, options)`), so it is self-contained.
 */
export interface ClinicSeedOptions {
  /** Extra timed events to add per weekday, for busy-month pictures. */
  busy?: number;
}

export interface SeededClinic {
  orgId: string;
  resources: Record<'amir' | 'berg' | 'room', string>;
  events: Record<'checkup' | 'series' | 'training' | 'newYork' | 'clash' | 'cancelled' | 'arrived' | 'noShow', string>;
  contacts: Record<'ada' | 'grace', string>;
}

export async function seedClinic(options: ClinicSeedOptions = {}): Promise<SeededClinic> {
  const p2p = (window as unknown as { p2p: typeof import('../src/index.ts') }).p2p;
  const registry = await p2p.OrgRegistry.open();
  const org = registry.current();
  registry.close();
  const session = await p2p.openOrg(org.id);
  const base = { location: '', notes: '', attendees: [] as string[], reminders: [] as number[], resources: [] as string[], status: 'booked' as 'booked' | 'arrived' | 'no-show' | 'cancelled', category: '', allDay: false, timeZone: 'Europe/Berlin' };
  const resources = session.resources;
  const amir = resources.create({ name: 'Dr Amir Haddad', kind: 'practitioner', color: '#2563eb' }).id;
  const berg = resources.create({ name: 'Dr Lena Berg', kind: 'practitioner', color: '#059669' }).id;
  const room = resources.create({ name: 'Room 2', kind: 'room', color: '#d97706' }).id;
  const ada = session.contacts.create({ givenName: 'Ada', familyName: 'Lovelace', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] }).id;
  const grace = session.contacts.create({ givenName: 'Grace', familyName: 'Hopper', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] }).id;
  const event = (fields: Partial<typeof base> & { title: string; start: string; end: string; recurrence?: { rrule: string; exdates: string[]; rdates: string[]; overrides: never[] } }) =>
    session.events.create({ ...base, ...fields }).id;
  const events = {
    checkup: event({ title: 'Check-up Ada', start: '2025-03-26T09:00:00', end: '2025-03-26T09:30:00', resources: [amir, room], attendees: [ada], location: 'Room 2' }),
    series: event({
      title: 'Physio Grace',
      start: '2025-03-24T10:00:00',
      end: '2025-03-24T10:45:00',
      resources: [berg],
      attendees: [grace],
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=8', exdates: [], rdates: [], overrides: [] },
    }),
    training: event({ title: 'First-aid training', allDay: true, start: '2025-03-27', end: '2025-03-29' }),
    // 09:00 in New York is 14:00 in Berlin before 30 March and 15:00 after.
    newYork: event({ title: 'Video consult (New York)', start: '2025-03-25T09:00:00', end: '2025-03-25T09:30:00', timeZone: 'America/New_York', resources: [berg] }),
    clash: event({ title: 'Blood test', start: '2025-03-26T09:15:00', end: '2025-03-26T09:45:00', resources: [amir] }),
    cancelled: event({ title: 'Dental review', start: '2025-03-28T11:00:00', end: '2025-03-28T11:30:00', resources: [amir], status: 'cancelled' }),
    arrived: event({ title: 'Vaccination', start: '2025-03-26T11:00:00', end: '2025-03-26T11:15:00', resources: [room], status: 'arrived' }),
    noShow: event({ title: 'Follow-up', start: '2025-03-31T08:30:00', end: '2025-03-31T09:00:00', resources: [amir], status: 'no-show' }),
  };
  // Sunday 30 March: 01:30 is before the clocks go forward at 02:00, 03:30 after.
  event({ title: 'Night shift handover', start: '2025-03-30T01:30:00', end: '2025-03-30T03:30:00', resources: [room] });
  for (let index = 0; index < (options.busy ?? 0); index++) {
    for (let day = 3; day <= 28; day++) {
      const date = `2025-03-${String(day).padStart(2, '0')}`;
      const hour = String(8 + (index % 9)).padStart(2, '0');
      event({ title: `Appointment ${index + 1}`, start: `${date}T${hour}:00:00`, end: `${date}T${hour}:20:00`, resources: [[amir, berg, room][index % 3]!] });
    }
  }
  (window as unknown as { clinic: unknown }).clinic = session;
  return { orgId: org.id, resources: { amir, berg, room }, events, contacts: { ada, grace } };
}
