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

/** What a screen reader says for an event: everything needed to know when and what it is. */
export function eventLabel(occurrence: Occurrence, context: ViewContext): string {
  const start = instantToWallClock(occurrence.start, context.zone);
  const lastDay = Math.floor((instantToWallClock(occurrence.end, context.zone) - (occurrence.allDay ? 1 : 0)) / DAY_MS);
  const date = formatLocal(start, context.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const untilDate = lastDay > Math.floor(start / DAY_MS) ? ` – ${formatLocal(lastDay * DAY_MS, context.locale, { weekday: 'long', day: 'numeric', month: 'long' })}` : '';
  const parts = [`${date}${untilDate}`, timeRangeOf(occurrence, context)];
  if (occurrence.status && occurrence.status !== 'booked') parts.push(context.t(STATUS_MESSAGE[occurrence.status]));
  if (occurrence.event.recurrence) parts.push(context.t('calendar.recurring'));
  const names = resourceNames(occurrence, context.resources);
  if (names) parts.push(names);
  if (occurrence.location) parts.push(occurrence.location);
  if (context.conflicts.has(occurrenceKey(occurrence))) parts.push(context.t('calendar.doubleBooked'));
  return context.t('calendar.eventLabel', { title: titleOf(occurrence, context), when: parts.join(', ') });
}

export const titleOf = (occurrence: Occurrence, context: ViewContext) => occurrence.title || context.t('calendar.untitled');

/**
 * The visible content of an event: its title, its start time before it (month lines) or after it (time grids, where
 * the block's place already says when), its status, and resources and location when there is room.
 */
export function chipContent(occurrence: Occurrence, context: ViewContext, options: { time: 'before' | 'after' | 'none'; detail: boolean }) {
  const status = occurrence.status ?? 'booked';
  const conflict = context.conflicts.has(occurrenceKey(occurrence));
  const names = options.detail ? resourceNames(occurrence, context.resources) : '';
  const time =
    options.time !== 'none' && !occurrence.allDay
      ? html`<span class="ev-time" aria-hidden="true">${formatTimeOfDay(instantToWallClock(occurrence.start, context.zone), context.locale, context.hour12)}</span>`
      : nothing;
  return html`${conflict ? html`<span class="ev-conflict" aria-hidden="true" title=${context.t('calendar.doubleBooked')}>⚠</span>` : nothing}${options.time === 'before'
      ? time
      : nothing}<span class="ev-title" aria-hidden="true">${titleOf(occurrence, context)}</span>${options.time === 'after' ? time : nothing}${status !== 'booked'
      ? html`<span class="ev-status" aria-hidden="true">${context.t(STATUS_MESSAGE[status])}</span>`
      : nothing}${options.detail && (names || occurrence.location) ? html`<span class="ev-detail" aria-hidden="true">${[names, occurrence.location].filter(Boolean).join(' · ')}</span>` : nothing}`;
}

/**
 * An event's accessible name, as its first child: the visible text beside it is hidden from assistive technology,
 * since the name says all of it and more (a name given by `aria-label` would have to start with the visible text).
 */
export function eventName(occurrence: Occurrence, context: ViewContext) {
  return html`<span class="visually-hidden">${eventLabel(occurrence, context)}</span>`;
}

/** The parts of an event element: `event` plus its status, and state names a page may style. */
export function eventParts(occurrence: Occurrence, context: ViewContext, extra = ''): string {
  const conflict = context.conflicts.has(occurrenceKey(occurrence)) ? ' conflict' : '';
  return `event ${occurrence.status ?? 'booked'}${occurrence.allDay ? ' all-day' : ''}${conflict}${extra ? ` ${extra}` : ''}`;
}
