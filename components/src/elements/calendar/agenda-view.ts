/**
 * The agenda: a month of events from the chosen date as a list, day by day, virtualised (@lit-labs/virtualizer)
 * so that a busy month of thousands of appointments keeps only what is on screen in the DOM.
 */
import { html, type TemplateResult } from 'lit';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
// Named here rather than left to the virtualizer's default, which it would import lazily on first use.
import { flow } from '@lit-labs/virtualizer/layouts/flow.js';
import { instantToWallClock } from '../../core/calendar/wall-clock-time.ts';
import type { Occurrence } from '../../core/index.ts';
import { formatLocal } from '../shared/locale.ts';
import { DAY_MS } from './calendar-range.ts';
import { chipContent, colourOf, eventLabel, eventParts, titleOf } from './event-chip.ts';
import type { ViewContext } from './view-context.ts';

type AgendaItem = { kind: 'day'; day: number } | { kind: 'event'; occurrence: Occurrence; index: number; day: number };

/** The list's rows: a heading per day that has events, then its events; multi-day events under each day. */
export function agendaItems(context: ViewContext): AgendaItem[] {
  const perDay = new Map<number, AgendaItem[]>();
  context.occurrences.forEach((occurrence, index) => {
    const start = Math.floor(instantToWallClock(occurrence.start, context.zone) / DAY_MS);
    const endLocal = instantToWallClock(occurrence.end, context.zone);
    const last = Math.max(start, Math.ceil(endLocal / DAY_MS) - 1);
    for (let day = Math.max(start, context.range.start); day <= Math.min(last, context.range.end - 1); day++) {
      const list = perDay.get(day) ?? [];
      list.push({ kind: 'event', occurrence, index, day });
      perDay.set(day, list);
    }
  });
  return [...perDay.keys()].sort((a, b) => a - b).flatMap((day) => [{ kind: 'day', day } as AgendaItem, ...perDay.get(day)!]);
}

export function renderAgenda(context: ViewContext): TemplateResult {
  const items = agendaItems(context);
  if (items.length === 0) return html`<p class="agenda-empty" part="empty">${context.t('calendar.noEvents')}</p>`;
  return html`<div class="agenda" role="list" aria-label=${context.t('calendar.view.agenda')} data-grid="agenda">
    ${virtualize({
      items,
      scroller: true,
      layout: flow(),
      keyFunction: (item: AgendaItem) => (item.kind === 'day' ? `d${item.day}` : `e${item.index}:${item.day}`),
      renderItem: (item: AgendaItem) =>
        item.kind === 'day'
          ? html`<div role="listitem" class="ag-day ${item.day === context.today ? 'today' : ''}" part="agenda-day">
              ${formatLocal(item.day * DAY_MS, context.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}
            </div>`
          : html`<div role="listitem" class="ag-row">
              <button
                type="button"
                class="ag-event"
                part=${eventParts(item.occurrence, context)}
                data-occ=${item.index}
                data-title=${titleOf(item.occurrence, context)}
                aria-label=${eventLabel(item.occurrence, context)}
                style="--event-colour:${colourOf(item.occurrence, context.resources)}"
              >${chipContent(item.occurrence, context, { time: 'range', detail: true })}</button>
            </div>`,
    })}
  </div>`;
}
