/** Reminders announced on this device as they fall due: on start, on changes and on time; once each. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { attachStores } from '../src/core/org/org-session.ts';
import { memoryReminderStorage, type ReminderStateStorage } from '../src/core/calendar/reminder-state-storage.ts';
import { ReminderAlarms } from '../src/core/calendar/reminder-alarms.ts';
import { eventFields, syncDocs, utc } from './core-fixtures.ts';
import type { UpcomingReminder } from '../src/core/calendar/reminders.ts';

/** 09:00 UTC on 6 May 2024, with a reminder 15 minutes before: due at 08:45. */
const APPOINTMENT = eventFields({ timeZone: 'UTC', reminders: [15] });
const DUE = utc('2024-05-06T08:45:00Z');
const MINUTE = 60_000;

/** One device: its document and its reminder storage, which outlive a page. */
function device() {
  return { doc: new Y.Doc(), storage: memoryReminderStorage() as ReminderStateStorage };
}

/** A page open on the device: the stores and alarms announcing into a list. */
async function openPage(on: ReturnType<typeof device>) {
  const stores = await attachStores(on.doc, on.storage);
  const announced: UpcomingReminder[] = [];
  const alarms = new ReminderAlarms(stores.reminders, { announce: (due) => announced.push(...due), viewZone: 'UTC' });
  return { ...stores, alarms, announced };
}

describe('announcing reminders', () => {
  beforeEach(() => {
    // The clock and timers are the test's: time passes when the test says so.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: DUE - 10 * MINUTE });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('announces nothing before a reminder is due', async () => {
    const on = device();
    const page = await openPage(on);
    page.events.create(APPOINTMENT);
    page.alarms.start();
    expect(page.announced).toEqual([]);
  });

  it('announces a reminder when its time comes, once', async () => {
    const on = device();
    const page = await openPage(on);
    page.events.create(APPOINTMENT);
    page.alarms.start();
    vi.advanceTimersByTime(10 * MINUTE);
    expect(page.announced.map((reminder) => reminder.firesAt)).toEqual([DUE]);
  });

  it('announces on opening a reminder that fell due while the page was closed', async () => {
    const on = device();
    (await openPage(on)).events.create(APPOINTMENT);
    vi.setSystemTime(DUE + 30 * MINUTE);
    const page = await openPage(on);
    page.alarms.start();
    expect(page.announced).toHaveLength(1);
  });

  it('does not announce again after a reload what it announced before', async () => {
    const on = device();
    const first = await openPage(on);
    first.events.create(APPOINTMENT);
    vi.setSystemTime(DUE);
    first.alarms.start();
    first.alarms.stop();
    await Promise.resolve();
    const reloaded = await openPage(on);
    reloaded.alarms.start();
    expect(first.announced).toHaveLength(1);
    expect(reloaded.announced).toEqual([]);
    expect(reloaded.alarms.outstanding()).toHaveLength(1);
  });

  it('announces a reminder that a sync brings in already due', async () => {
    const desk = device();
    const phone = device();
    const page = await openPage(desk);
    syncDocs(page.doc, phone.doc);
    vi.setSystemTime(DUE + MINUTE);
    page.alarms.start();
    const other = await attachStores(phone.doc, phone.storage);
    other.events.create(APPOINTMENT);
    syncDocs(phone.doc, page.doc);
    expect(page.announced).toHaveLength(1);
  });

  it('announces a snoozed reminder again when the snooze ends', async () => {
    const on = device();
    const page = await openPage(on);
    page.events.create(APPOINTMENT);
    vi.setSystemTime(DUE);
    page.alarms.start();
    await page.reminders.snooze(page.announced[0]!, DUE + 5 * MINUTE);
    expect(page.announced).toHaveLength(1);
    vi.advanceTimersByTime(5 * MINUTE);
    expect(page.announced.map((reminder) => reminder.firesAt)).toEqual([DUE, DUE + 5 * MINUTE]);
  });

  it('leaves a dismissed reminder alone, announced or not', async () => {
    const on = device();
    const page = await openPage(on);
    const event = page.events.create(APPOINTMENT);
    await page.reminders.dismiss({ eventId: event.id, recurrenceId: event.start, offset: 15 });
    vi.setSystemTime(DUE);
    page.alarms.start();
    expect(page.announced).toEqual([]);
    expect(page.alarms.outstanding()).toEqual([]);
  });

  it('sets its timer for the next reminder, and follows changes', async () => {
    const on = device();
    const page = await openPage(on);
    page.alarms.start();
    const event = page.events.create(APPOINTMENT);
    page.events.update(event.id, { reminders: [5] });
    vi.advanceTimersByTime(20 * MINUTE);
    expect(page.announced.map((reminder) => reminder.offset)).toEqual([5]);
  });
});

describe('asking to notify', () => {
  it('tells when this device saves an event with a reminder, not when one arrives by sync', async () => {
    const desk = await attachStores(new Y.Doc());
    const phone = await attachStores(new Y.Doc());
    let asked = 0;
    desk.reminders.onReminderSet(() => asked++);
    desk.events.create(eventFields());
    expect(asked).toBe(0);
    desk.events.create(APPOINTMENT);
    expect(asked).toBe(1);
    phone.events.create(APPOINTMENT);
    syncDocs(phone.doc, desk.doc);
    expect(asked).toBe(1);
  });
});
