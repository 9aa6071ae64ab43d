/**
 * How one event reads and looks wherever a view shows it: its accessible name (title, date and time, status,
 * resources, location), its visible text, and its colour (first resource's, else its category's). Status shows as
 * text and as a shape (dashed outline for cancelled, a diagonal stripe for no-show, a solid edge for arrived), so
 * that nothing relies on colour alone.
 */
import { html, nothing } from 'lit';
import { instantToWallClock } from '../../core/calendar/wall-clock-time.ts';
import type { Occurrence, Resource } from '../../core/index.ts';
import { formatLocal, formatTimeOfDay } from '../shared/locale.ts';
import { STATUS_MESSAGE } from './event-editor.ts';
import { DAY_MS } from './calendar-range.ts';
import { occurrenceKey, type ViewContext } from './view-context.ts';
import { isBirthday } from './birthdays.ts';

/** Category colours, picked by a hash of the name: distinct hues that keep text readable over their tint. */
const CATEGORY_COLOURS = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];

export function colourOf(occurrence: Occurrence, resources: readonly Resource[]): string {
  const resourceId = occurrence.resources?.[0];
  const resource = resourceId ? resources.find((candidate) => candidate.id === resourceId) : undefined;
  if (resource) return resource.color;
  const category = occurrence.event.category;
  if (!category) return 'var(--_p2p-color-accent)';
  let hash = 0;
  for (const char of category) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return CATEGORY_COLOURS[Math.abs(hash) % CATEGORY_COLOURS.length]!;
}

export function resourceNames(occurrence: Occurrence, resources: readonly Resource[]): string {
  return (occurrence.resources ?? [])
    .map((id) => resources.find((resource) => resource.id === id)?.name)
    .filter(Boolean)
    .join(', ');
}

/** "09:00 – 10:00" in the view's zone, or "All day". */
export function timeRangeOf(occurrence: Occurrence, context: ViewContext): string {
  if (occurrence.allDay) return context.t('calendar.allDay');
  const start = instantToWallClock(occurrence.start, context.zone);
  const end = instantToWallClock(occurrence.end, context.zone);
  return `${formatTimeOfDay(start, context.locale, context.hour12)} – ${formatTimeOfDay(end, context.locale, context.hour12)}`;
}

/**
 * What a screen reader says for an event: everything needed to know when and what it is. It starts with what the
 * event shows, in the same order (title, status, times, resources and location: see `chipContent`), so that the
 * name holds the visible text as a person reads it, and someone who speaks what they see reaches it.
 */
export function eventLabel(occurrence: Occurrence, context: ViewContext): string {
  if (isBirthday(occurrence)) {
    const date = formatLocal(instantToWallClock(occurrence.start, context.zone), context.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    return context.t('calendar.birthdayLabel', { name: occurrence.name, date });
  }
  const start = instantToWallClock(occurrence.start, context.zone);
  const lastDay = Math.floor((instantToWallClock(occurrence.end, context.zone) - (occurrence.allDay ? 1 : 0)) / DAY_MS);
  const date = formatLocal(start, context.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const untilDate = lastDay > Math.floor(start / DAY_MS) ? ` – ${formatLocal(lastDay * DAY_MS, context.locale, { weekday: 'long', day: 'numeric', month: 'long' })}` : '';
  const parts: string[] = [];
  if (occurrence.status && occurrence.status !== 'booked') parts.push(context.t(STATUS_MESSAGE[occurrence.status]));
  parts.push(timeRangeOf(occurrence, context));
  const names = resourceNames(occurrence, context.resources);
  if (names) parts.push(names);
  if (occurrence.location) parts.push(occurrence.location);
  parts.push(`${date}${untilDate}`);
  if (occurrence.event.recurrence) parts.push(context.t('calendar.recurring'));
  if (context.conflicts.has(occurrenceKey(occurrence))) parts.push(context.t('calendar.doubleBooked'));
  return context.t('calendar.eventLabel', { title: titleOf(occurrence, context), when: parts.join(', ') });
}

export const titleOf = (occurrence: Occurrence, context: ViewContext) => occurrence.title || context.t('calendar.untitled');

/**
 * The visible content of an event, in the order its name (`eventLabel`) starts with: its title, its status when not
 * booked, its start time or its times (month lines draw the time first, by CSS order, not by moving it), and its
 * resources and location when there is room. One flat template: a busy week draws hundreds of these, and every
 * nested template or element is work for the first render and for style and layout. The text is hidden from
 * assistive technology, since the element's name says all of it and more.
 */
export function chipContent(occurrence: Occurrence, context: ViewContext, options: { time: 'start' | 'range' | 'none'; detail: boolean }) {
  const time =
    options.time === 'none' || occurrence.allDay
      ? ''
      : options.time === 'range'
        ? timeRangeOf(occurrence, context)
        : formatTimeOfDay(instantToWallClock(occurrence.start, context.zone), context.locale, context.hour12);
  const status = occurrence.status ?? 'booked';
  const where = options.detail ? [resourceNames(occurrence, context.resources), occurrence.location].filter(Boolean).join(' · ') : '';
  // Each piece after the title starts with a space, in its own text: it keeps the words apart for whoever reads the
  // text, and costs no node. A double booking is marked by the stylesheet, before the title, and said by the name.
  return html`<span class="ev-title" aria-hidden="true">${titleOf(occurrence, context)}</span>${status === 'booked'
      ? nothing
      : html`<span class="ev-status" aria-hidden="true">${` ${context.t(STATUS_MESSAGE[status])}`}</span>`}<span class="ev-time" aria-hidden="true">${time && ` ${time}`}</span>${where
      ? html`<span class="ev-detail" aria-hidden="true">${` ${where}`}</span>`
      : nothing}`;
}

/** The parts of an event element: `event` plus its status, and state names a page may style. */
export function eventParts(occurrence: Occurrence, context: ViewContext, extra = ''): string {
  const conflict = context.conflicts.has(occurrenceKey(occurrence)) ? ' conflict' : '';
  const birthday = isBirthday(occurrence) ? ' birthday' : '';
  return `event ${occurrence.status ?? 'booked'}${occurrence.allDay ? ' all-day' : ''}${conflict}${birthday}${extra ? ` ${extra}` : ''}`;
}
