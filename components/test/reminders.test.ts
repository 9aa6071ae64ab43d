import { describe, expect, it } from 'vitest';
import { eventFields, memoryStores, utc, weekly } from './core-fixtures.ts';

const MINUTE = 60_000;

async function storesWithWeeklyAppointment() {
  const stores = await memoryStores();
  const event = stores.events.create(eventFields({ timeZone: 'UTC', reminders: [15, 60], recurrence: weekly('FREQ=WEEKLY;COUNT=3') }));
  return { ...stores, event };
}

describe('upcoming reminders', () => {
  it('fires each offset before each occurrence, earliest first', async () => {
    const { reminders } = await storesWithWeeklyAppointment();
    const upcoming = reminders.upcoming(utc('2024-05-06T00:00:00Z'), utc('2024-05-07T00:00:00Z'));
    expect(upcoming.map((reminder) => [reminder.offset, reminder.firesAt])).toEqual([
      [60, utc('2024-05-06T08:00:00Z')],
      [15, utc('2024-05-06T08:45:00Z')],
    ]);
  });

  it('includes a reminder that fires before its occurrence’s range', async () => {
    const { reminders } = await storesWithWeeklyAppointment();
    const upcoming = reminders.upcoming(utc('2024-05-13T08:00:00Z'), utc('2024-05-13T08:01:00Z'));
    expect(upcoming.map((reminder) => reminder.recurrenceId)).toEqual(['2024-05-13T09:00:00']);
  });

  it('leaves out a dismissed reminder', async () => {
    const { reminders } = await storesWithWeeklyAppointment();
    const [first] = reminders.upcoming(utc('2024-05-06T00:00:00Z'), utc('2024-05-07T00:00:00Z'));
    await reminders.dismiss(first!);
    expect(reminders.upcoming(utc('2024-05-06T00:00:00Z'), utc('2024-05-07T00:00:00Z')).map((reminder) => reminder.offset)).toEqual([15]);
  });

  it('fires a snoozed reminder again when its snooze ends', async () => {
    const { reminders } = await storesWithWeeklyAppointment();
    const [first] = reminders.upcoming(utc('2024-05-06T08:00:00Z'), utc('2024-05-06T08:01:00Z'));
    const until = utc('2024-05-06T08:30:00Z');
    await reminders.snooze(first!, until);
    const later = reminders.upcoming(utc('2024-05-06T08:29:00Z'), utc('2024-05-06T08:31:00Z'));
    expect(later).toMatchObject([{ offset: 60, firesAt: until, snoozed: true }]);
  });

  it('fires a reminder snoozed past its occurrence’s own window', async () => {
    const { reminders } = await storesWithWeeklyAppointment();
    const [first] = reminders.upcoming(utc('2024-05-06T08:00:00Z'), utc('2024-05-06T08:01:00Z'));
    await reminders.snooze(first!, utc('2024-05-08T12:00:00Z'));
    expect(reminders.upcoming(utc('2024-05-08T11:59:00Z'), utc('2024-05-08T12:01:00Z'))).toHaveLength(1);
  });

  it('keeps dismissals on this device only, out of the shared document', async () => {
    const { doc, reminders } = await storesWithWeeklyAppointment();
    const before = doc.getMap('events').toJSON();
    const [first] = reminders.upcoming(utc('2024-05-06T00:00:00Z'), utc('2024-05-07T00:00:00Z'));
    await reminders.dismiss(first!);
    expect(doc.getMap('events').toJSON()).toEqual(before);
  });

  it('tells subscribers when an event’s reminders change', async () => {
    const { events, reminders, event } = await storesWithWeeklyAppointment();
    let calls = 0;
    reminders.subscribe(() => calls++);
    events.update(event.id, { reminders: [5] });
    expect(calls).toBe(1);
    expect(reminders.upcoming(utc('2024-05-06T08:55:00Z') - MINUTE, utc('2024-05-06T09:00:00Z')).map((reminder) => reminder.offset)).toEqual([5]);
  });
});
