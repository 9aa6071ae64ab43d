/**
 * The day, work-week, week and resource-day views: a grid of hours (rows) by days or resources (columns), all-day
 * events above it. The hours are the keyboard grid (`role="grid"`, one roving tab stop); the keyboard cursor moves
 * by slot within them, and the focused cell names the slot it is on. Each event sits in the cell of the hour it
 * starts in, so that it is reached from there, and is drawn over the grid at its times. An hour a cell (not a
 * slot a cell) keeps a week of 5-minute slots to 168 cells.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatLocal, formatTimeOfDay } from '../shared/locale.ts';
import { DAY_MS, dateOf } from './calendar-range.ts';
import { chipContent, colourOf, eventLabel, eventParts, titleOf } from './event-chip.ts';
import { ALL_DAY_LINES, layoutTimeGrid, type TimedBlock } from './time-grid-layout.ts';
import type { ViewContext } from './view-context.ts';

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

export function columnLabel(context: ViewContext, column: number): string {
  const gridColumn = context.columns[column]!;
  if (gridColumn.resourceId !== undefined) {
    return gridColumn.resourceId === '' ? context.t('calendar.unassigned') : (context.resources.find((r) => r.id === gridColumn.resourceId)?.name ?? '');
  }
  return formatLocal(gridColumn.day * DAY_MS, context.locale, { weekday: 'long', day: 'numeric', month: 'long' });
}

export function renderTimeGrid(context: ViewContext): TemplateResult {
  const { columns, slotMinutes, occurrences, cursor, readonly } = context;
  const layout = layoutTimeGrid(occurrences, columns, context.zone, slotMinutes, context.allDayExpanded ? Infinity : ALL_DAY_LINES);
  const indexOf = new Map(occurrences.map((occurrence, index) => [occurrence, index]));
  const byCell = new Map<string, TimedBlock[]>();
  for (const block of layout.timed) {
    const key = `${block.column}:${Math.min(23, Math.floor(block.startMinute / 60))}`;
    const list = byCell.get(key);
    if (list) list.push(block);
    else byCell.set(key, [block]);
  }
  const dayLabels = columns.map((_, column) => columnLabel(context, column));
  const dates = columns.map((column) => dateOf(column.day));
  const cursorColumn = context.range.view === 'resource-day' ? Math.min(cursor.column, columns.length - 1) : Math.max(0, columns.findIndex((column) => column.day === cursor.day));
  const hourLabels = HOURS.map((hour) => formatTimeOfDay(hour * 3_600_000, context.locale, context.hour12));
  const cursorMinute = cursor.slot * slotMinutes;
  const cursorHour = Math.floor(cursorMinute / 60);
  const cursorLabel = formatTimeOfDay(cursorMinute * 60_000, context.locale, context.hour12);
  const todayColumns = columns.flatMap((column, index) => (column.day === context.today ? [index] : []));
  const isResourceView = context.range.view === 'resource-day';
  const second = context.secondZone;

  const block = (item: TimedBlock) => {
    const index = indexOf.get(item.occurrence)!;
    const dragged = context.drag?.index === index;
    return html`<button
      type="button"
      class="tg-event ${readonly || item.endsAfter ? '' : 'resizable'} ${item.endMinute - item.startMinute < 45 ? 'short' : ''} ${item.lanes > 2 || (item.lanes > 1 && columns.length > 3) ? 'narrow' : ''} ${item.startsBefore ? 'starts-before' : ''} ${item.endsAfter ? 'ends-after' : ''} ${dragged ? 'dragging' : ''}"
      part=${eventParts(item.occurrence, context)}
      data-occ=${index}
      tabindex="-1"
      data-title=${titleOf(item.occurrence, context)}
      aria-label=${eventLabel(item.occurrence, context)}
      style="--col:${item.column};--lane:${item.lane};--lanes:${item.lanes};--start:${item.startMinute};--end:${item.endMinute};--event-colour:${colourOf(item.occurrence, context.resources)}"
    >${chipContent(item.occurrence, context, { time: item.endMinute - item.startMinute >= 45 ? 'range' : 'start', detail: item.endMinute - item.startMinute >= 45 })}</button>`;
  };

  return html`
    <div class="timegrid ${context.hour12 ? 'hour12' : ''} ${columns.length > 3 ? 'many' : ''} ${second ? 'two-zones' : ''}" style="--columns:${columns.length}">
      <div class="tg-sticky">
      <div class="tg-head" aria-hidden="true">
        <div class="tg-gutter">${second ? html`<span class="zone-name second">${second.name}</span><span class="zone-name">${context.zoneName}</span>` : nothing}</div>
        ${columns.map(
          (column, index) => html`<div class="tg-colhead ${todayColumns.includes(index) ? 'today' : ''}" part="column-header${todayColumns.includes(index) ? ' today' : ''}">
            ${isResourceView
              ? html`<span class="swatch" style="--swatch:${context.resources.find((r) => r.id === column.resourceId)?.color ?? 'transparent'}"></span>${dayLabels[index]}`
              : html`<span class="weekday">${formatLocal(column.day * DAY_MS, context.locale, { weekday: 'short' })}</span>
                  <span class="daynum">${formatLocal(column.day * DAY_MS, context.locale, { day: 'numeric' })}</span>`}
          </div>`,
        )}
      </div>
      <div class="tg-allday ${context.allDayExpanded ? 'expanded' : ''}" style="--lanes:${layout.allDayLanes}">
        <div class="tg-gutter">
          ${context.t('calendar.allDay')}
          ${context.allDayExpanded && layout.allDayLanes > ALL_DAY_LINES
            ? html`<button type="button" class="fold" part="all-day-fold" data-all-day="fewer" aria-expanded="true">${context.t('calendar.allDayFewer')}</button>`
            : nothing}
        </div>
        ${layout.allDay.map((bar) => {
          const index = indexOf.get(bar.occurrence)!;
          return html`<button
            type="button"
            class="bar ${bar.startsBefore ? 'starts-before' : ''} ${bar.endsAfter ? 'ends-after' : ''}"
            part=${eventParts(bar.occurrence, context)}
            data-occ=${index}
            data-title=${titleOf(bar.occurrence, context)}
            aria-label=${eventLabel(bar.occurrence, context)}
            style="--first:${bar.firstColumn};--span:${bar.lastColumn - bar.firstColumn + 1};--lane:${bar.lane};--event-colour:${colourOf(bar.occurrence, context.resources)}"
          >${chipContent(bar.occurrence, context, { time: 'none', detail: false })}</button>`;
        })}
        ${layout.allDayHidden.map((hidden, column) =>
          hidden > 0
            ? html`<button
                type="button"
                class="more"
                part="more"
                data-all-day="more"
                aria-expanded="false"
                aria-label=${context.t('calendar.moreLabel', { count: hidden, date: formatLocal(columns[column]!.day * DAY_MS, context.locale, { day: 'numeric', month: 'long' }) })}
                style="--first:${column};--lane:${ALL_DAY_LINES - 1}"
              >
                <span class="more-words">${context.t('calendar.more', { count: hidden })}</span><span class="more-count">${context.t('calendar.moreCount', { count: hidden })}</span>
              </button>`
            : nothing,
        )}
        ${context.drag?.allDay
          ? html`<div class="bar preview" aria-hidden="true" style="--first:${context.drag.column};--span:1;--lane:${layout.allDayLanes};--event-colour:var(--_p2p-color-accent)">
              ${context.t('calendar.allDay')}
            </div>`
          : nothing}
      </div>
      </div>
      <div class="tg-body" role="grid" aria-label=${context.t('calendar.label')} aria-readonly=${readonly ? 'true' : 'false'} data-grid="time">
        ${hourLabels.map(
          (label, hour) => html`<div role="row" class="tg-row">
            ${second
              ? html`<div role="rowheader" class="tg-time" aria-label=${context.t('calendar.hourInZones', { time: label, secondTime: second.hours[hour]!, second: second.name })}>
                  <span class="second">${second.hours[hour]}</span><span>${label}</span>
                </div>`
              : html`<div role="rowheader" class="tg-time"><span>${label}</span></div>`}
            ${columns.map((_, column) => {
              const focused = column === cursorColumn && hour === cursorHour;
              const name = `${dayLabels[column]}, ${focused ? cursorLabel : label}`;
              const blocks = byCell.get(`${column}:${hour}`);
              return html`<div
                role="gridcell"
                class="tg-cell ${todayColumns.includes(column) ? 'today' : ''}"
                data-column=${column}
                data-date=${dates[column]}
                data-hour=${hour}
                tabindex=${focused ? 0 : -1}
                aria-label=${blocks ? nothing : name}
              >
                ${blocks ? html`<span class="visually-hidden">${name}</span>${blocks.map(block)}` : nothing}
              </div>`;
            })}
          </div>`,
        )}
        ${todayColumns.map((column) => html`<div class="now" part="now" style="--col:${column};--start:${context.nowMinute}" aria-hidden="true"></div>`)}
        ${context.drag && !context.drag.allDay
          ? html`<div
              class="tg-event preview"
              aria-hidden="true"
              style="--col:${context.drag.column};--lane:0;--lanes:1;--start:${context.drag.startMinute};--end:${context.drag.endMinute};--event-colour:var(--_p2p-color-accent)"
            >
              ${formatTimeOfDay(context.drag.startMinute * 60_000, context.locale, context.hour12)} – ${formatTimeOfDay(context.drag.endMinute * 60_000, context.locale, context.hour12)}
            </div>`
          : nothing}
      </div>
    </div>
  `;
}
