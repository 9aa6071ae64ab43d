/**
 * The printed day sheet: for the day shown, one page per practitioner (then rooms and equipment, then events that
 * book none) listing each appointment's time, title, attendees, location and status, as the desk keeps on paper.
 * Hidden on screen; the print stylesheet shows only this.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Contact, Occurrence } from '../../core/index.ts';
import { formatLocal } from '../shared/locale.ts';
import { DAY_MS } from './calendar-range.ts';
import { STATUS_MESSAGE } from './event-editor.ts';
import { timeRangeOf, titleOf } from './event-chip.ts';
import { booksColumn } from './time-grid-layout.ts';
import type { ViewContext } from './view-context.ts';

interface ContactNames {
  get(id: string): Contact | undefined;
}

export function renderDaySheets(context: ViewContext, contacts: ContactNames): TemplateResult {
  const day = context.range.start;
  const date = formatLocal(day * DAY_MS, context.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const sheets: { name: string; occurrences: readonly Occurrence[] }[] = context.resources.length
    ? [
        ...context.resources.map((resource) => ({ name: resource.name, occurrences: context.occurrences.filter((occurrence) => booksColumn(occurrence, { day, resourceId: resource.id })) })),
        { name: context.t('calendar.unassigned'), occurrences: context.occurrences.filter((occurrence) => booksColumn(occurrence, { day, resourceId: '' })) },
      ].filter((sheet) => sheet.occurrences.length > 0)
    : [{ name: '', occurrences: context.occurrences }];
  return html`<div class="day-sheets" aria-hidden="true">
    ${sheets.map(
      (sheet) => html`<section class="day-sheet">
        <h1>${sheet.name ? html`${sheet.name} — ` : nothing}${date}</h1>
        ${sheet.occurrences.length
          ? html`<table>
              <thead>
                <tr>
                  <th>${context.t('editor.start')}</th>
                  <th>${context.t('editor.title')}</th>
                  <th>${context.t('editor.attendees')}</th>
                  <th>${context.t('editor.location')}</th>
                  <th>${context.t('editor.status')}</th>
                </tr>
              </thead>
              <tbody>
                ${sheet.occurrences.map(
                  (occurrence) => html`<tr class=${occurrence.status ?? 'booked'}>
                    <td>${timeRangeOf(occurrence, context)}</td>
                    <td>${titleOf(occurrence, context)}</td>
                    <td>${occurrence.event.attendees.map((id) => contacts.get(id)?.displayName ?? '').filter(Boolean).join(', ')}</td>
                    <td>${occurrence.location}</td>
                    <td>${context.t(STATUS_MESSAGE[occurrence.status ?? 'booked'])}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p>${context.t('calendar.noEvents')}</p>`}
      </section>`,
    )}
  </div>`;
}
