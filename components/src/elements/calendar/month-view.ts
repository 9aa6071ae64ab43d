/**
 * The month view: a grid of days (`role="grid"`, one roving tab stop), each week a row whose events are bars over
 * the days they cover. Cells keep a fixed size; a day with more events than fit says `+N more`, which opens that
 * day. Every event element is in the DOM only if shown: a busy month stays a few hundred nodes.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatLocal } from '../shared/locale.ts';
import { DAY_MS, dateOf, weekdayOf } from './calendar-range.ts';
import { chipContent, colourOf, eventLabel, eventParts, titleOf } from './event-chip.ts';
import { layoutMonth } from './month-layout.ts';
import type { ViewContext } from './view-context.ts';

export function renderMonth(context: ViewContext): TemplateResult {
  const { range, occurrences, cursor } = context;
  const weeks = layoutMonth(occurrences, range.days, context.zone, context.monthLines);
  const indexOf = new Map(occurrences.map((occurrence, index) => [occurrence, index]));
  const monthStart = range.monthStart ?? range.start;
  const monthEnd = Date.UTC(new Date(monthStart * DAY_MS).getUTCFullYear(), new Date(monthStart * DAY_MS).getUTCMonth() + 1, 1) / DAY_MS;
  const title = formatLocal(monthStart * DAY_MS, context.locale, { month: 'long', year: 'numeric' });
  const cursorDay = cursor.day >= range.start && cursor.day < range.end ? cursor.day : monthStart;

  return html`
    <div class="month" role="grid" aria-label=${title} aria-readonly=${context.readonly ? 'true' : 'false'} data-grid="month" style="--weeks:${weeks.length};--lines:${context.monthLines}">
      <div role="row" class="mo-head">
        ${range.days.slice(0, 7).map(
          (day) => html`<div role="columnheader" class="mo-weekday" aria-label=${formatLocal(day * DAY_MS, context.locale, { weekday: 'long' })} part="column-header">
            ${formatLocal(day * DAY_MS, context.locale, { weekday: 'short' })}
          </div>`,
        )}
      </div>
      ${weeks.map(
        (week) => html`<div role="row" class="mo-week">
          ${week.days.map((day, column) => {
            const outside = day < monthStart || day >= monthEnd;
            const today = day === context.today;
            const bars = week.bars.filter((bar) => bar.firstColumn === column);
            const hidden = week.hidden[column]!;
            const weekend = weekdayOf(day) === 0 || weekdayOf(day) === 6;
            const dropTarget = context.drag?.column === day;
            return html`<div
              role="gridcell"
              class="mo-cell ${outside ? 'outside' : ''} ${today ? 'today' : ''} ${weekend ? 'weekend' : ''} ${dropTarget ? 'drop-target' : ''}"
              part="day${today ? ' today' : ''}${outside ? ' outside' : ''}"
              data-day=${day}
              data-date=${dateOf(day)}
              tabindex=${day === cursorDay ? 0 : -1}
              aria-current=${today ? 'date' : nothing}
            >
              <span class="visually-hidden">${formatLocal(day * DAY_MS, context.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}</span>
              <span class="mo-date" aria-hidden="true">${formatLocal(day * DAY_MS, context.locale, { day: 'numeric' })}</span>
              ${bars.map((bar) => {
                const index = indexOf.get(bar.occurrence)!;
                const long = bar.occurrence.allDay || bar.lastColumn > bar.firstColumn || bar.startsBefore || bar.endsAfter;
                return html`<button
                  type="button"
                  class="bar ${long ? 'long' : 'short'} ${bar.startsBefore ? 'starts-before' : ''} ${bar.endsAfter ? 'ends-after' : ''}"
                  part=${eventParts(bar.occurrence, context)}
                  data-occ=${index}
                  tabindex="-1"
                  data-title=${titleOf(bar.occurrence, context)}
                  aria-label=${eventLabel(bar.occurrence, context)}
                  style="--first:${bar.firstColumn};--span:${bar.lastColumn - bar.firstColumn + 1};--lane:${bar.lane};--event-colour:${colourOf(bar.occurrence, context.resources)}"
                >${chipContent(bar.occurrence, context, { time: long ? 'none' : 'start', detail: false })}</button>`;
              })}
              ${hidden > 0
                ? html`<button
                    type="button"
                    class="more"
                    part="more"
                    data-more=${day}
                    tabindex="-1"
                    aria-label=${context.t('calendar.moreLabel', { count: hidden, date: formatLocal(day * DAY_MS, context.locale, { day: 'numeric', month: 'long' }) })}
                    style="--first:${column};--lane:${context.monthLines - 1}"
                  >
                    ${context.t('calendar.more', { count: hidden })}
                  </button>`
                : nothing}
            </div>`;
          })}
        </div>`,
      )}
    </div>
  `;
}
