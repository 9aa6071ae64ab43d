/**
 * The look of `<p2p-calendar>`: built on the shared tokens, themed through `--p2p-*` properties and `::part`s only.
 * Event colours come in as `--event-colour` per event and are mixed into the background, so text keeps the
 * contrast of the theme's text colour in light and dark alike.
 */
import { css } from 'lit';
import { tokens } from '../shared/tokens.styles.ts';
import { buttonStyles } from '../shared/buttons.styles.ts';

export const calendarStyles = [
  tokens,
  buttonStyles,
  css`
    :host {
      display: block;
      block-size: var(--p2p-calendar-height, 40rem);
      min-block-size: 20rem;
      --_hour: var(--p2p-calendar-hour-height, 3rem);
      --_gutter-24h: 3.75rem;
      --_gutter-12h: 4.75rem;
      --_gutter: var(--_gutter-24h);
      --_month-date: 26px;
      --_month-line: 22px;
    }
    .calendar {
      box-sizing: border-box;
      display: flex;
      flex-direction: column;
      block-size: 100%;
      overflow: hidden;
      border: 1px solid var(--_p2p-color-border);
      border-radius: var(--_p2p-radius);
      background: var(--_p2p-color-bg);
    }
    .opening {
      display: grid;
      place-items: center;
      block-size: 100%;
      color: var(--_p2p-color-text-muted);
      background: var(--_p2p-color-bg);
      border: 1px solid var(--_p2p-color-border);
      border-radius: var(--_p2p-radius);
    }

    /* Toolbar */
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_p2p-space-2) var(--_p2p-space-3);
      padding: var(--_p2p-space-2) var(--_p2p-space-3);
      border-bottom: 1px solid var(--_p2p-color-border);
    }
    .title {
      flex: 1 1 12rem;
      margin: 0;
      font-size: var(--_p2p-font-size-large);
      font-weight: 600;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .chevron::before {
      content: '‹';
      font-size: 1.25rem;
      line-height: 1;
    }
    .chevron.next::before {
      content: '›';
    }
    [dir='rtl'] .chevron {
      display: inline-block;
      transform: scaleX(-1);
    }
    .picker input {
      min-height: 2rem;
      padding: 0 var(--_p2p-space-2);
      border: 1px solid var(--_p2p-color-border-strong);
      border-radius: var(--_p2p-radius);
      background: var(--_p2p-color-bg);
      color: var(--_p2p-color-text);
      font: inherit;
    }
    .views {
      flex-wrap: wrap;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_p2p-space-1) var(--_p2p-space-3);
      margin: 0;
      padding: var(--_p2p-space-1) var(--_p2p-space-3);
      list-style: none;
      font-size: var(--_p2p-font-size-small);
      border-bottom: 1px solid var(--_p2p-color-border);
    }
    .legend li {
      display: inline-flex;
      align-items: center;
      gap: var(--_p2p-space-1);
    }
    .swatch {
      display: inline-block;
      inline-size: 0.75rem;
      block-size: 0.75rem;
      border-radius: 2px;
      background: var(--swatch);
      flex: none;
    }
    .view {
      position: relative;
      display: flex;
      flex-direction: column;
      flex: 1;
      min-block-size: 0;
    }
    .zone-note {
      margin: 0;
      padding: var(--_p2p-space-1) var(--_p2p-space-3);
      border-top: 1px solid var(--_p2p-color-border);
      color: var(--_p2p-color-text-muted);
      font-size: var(--_p2p-font-size-small);
    }
    :focus-visible {
      outline: var(--_p2p-focus-ring);
      outline-offset: -2px;
    }

    /* Events, wherever they are */
    [part~='event'] {
      box-sizing: border-box;
      display: flex;
      align-items: baseline;
      gap: 0 var(--_p2p-space-1);
      overflow: hidden;
      margin: 0;
      padding: 1px var(--_p2p-space-1);
      border: 0;
      border-inline-start: 3px solid var(--event-colour);
      border-radius: var(--_p2p-radius-small);
      background: color-mix(in srgb, var(--event-colour) 18%, var(--_p2p-color-bg));
      color: var(--_p2p-color-text);
      font: inherit;
      font-size: var(--_p2p-font-size-small);
      line-height: 1.3;
      text-align: start;
      white-space: nowrap;
      cursor: pointer;
    }
    [part~='event'] .ev-title {
      /* A Latin name in a right-to-left page (or the reverse) reads, and is cut, in its own direction. */
      unicode-bidi: plaintext;
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    [part~='event'] .ev-time {
      font-variant-numeric: tabular-nums;
    }
    .ev-time:empty {
      display: none;
    }
    [part~='event'] .ev-status {
      white-space: nowrap;
      padding: 0 0.3em;
      border: 1px solid currentColor;
      border-radius: 3px;
      font-size: 0.6875rem;
      font-weight: 600;
    }
    /* Drawn, not written: the event's name already says "Double booked", and a written mark would sit in the middle of it. */
    [part~='conflict'] .ev-title::before {
      content: '⚠ ';
      color: var(--_p2p-color-warning);
      font-weight: 700;
    }
    [part~='arrived'] {
      border-inline-start-width: 7px;
    }
    [part~='arrived'] .ev-status::before {
      content: '✓ ';
    }
    [part~='no-show'] {
      background: repeating-linear-gradient(135deg, color-mix(in srgb, var(--event-colour) 18%, var(--_p2p-color-bg)) 0 6px, var(--_p2p-color-bg) 6px 10px);
    }
    [part~='cancelled'] {
      background: var(--_p2p-color-bg);
      outline: 1px dashed var(--_p2p-color-border-strong);
      outline-offset: -1px;
    }
    [part~='cancelled'] .ev-title {
      text-decoration: line-through;
      font-weight: 400;
    }
    [part~='conflict'] {
      box-shadow: inset 0 0 0 2px var(--_p2p-color-warning);
    }

    /* Time grids: day, work week, week, resource day */
    .timegrid {
      flex: 1;
      min-block-size: 0;
      overflow: auto;
      overscroll-behavior: contain;
    }
    .tg-sticky {
      position: sticky;
      top: 0;
      z-index: 3;
      background: var(--_p2p-color-bg);
      border-bottom: 1px solid var(--_p2p-color-border);
    }
    .timegrid.hour12 {
      --_gutter: var(--_gutter-12h);
    }
    .tg-head,
    .tg-allday,
    .tg-body {
      display: grid;
      grid-template-columns: var(--_gutter) repeat(var(--columns), minmax(0, 1fr));
    }
    .tg-colhead {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: var(--_p2p-space-1);
      min-inline-size: 0;
      padding: var(--_p2p-space-1);
      border-inline-start: 1px solid var(--_p2p-color-border);
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    .tg-colhead .weekday {
      color: var(--_p2p-color-text-muted);
      text-transform: uppercase;
      font-size: var(--_p2p-font-size-small);
    }
    .tg-colhead .daynum {
      display: inline-grid;
      place-items: center;
      min-inline-size: 1.75rem;
      block-size: 1.75rem;
      border-radius: 999px;
      font-size: 1rem;
      font-weight: 600;
    }
    .tg-colhead.today .daynum {
      background: var(--_p2p-color-accent);
      color: var(--_p2p-color-on-accent);
    }
    .tg-allday {
      grid-auto-rows: 1.375rem;
      row-gap: 2px;
      padding-block: 2px;
      border-top: 1px solid var(--_p2p-color-border);
    }
    .tg-allday .tg-gutter {
      grid-row: 1 / span max(1, var(--lanes));
      align-self: center;
      color: var(--_p2p-color-text-muted);
      font-size: var(--_p2p-font-size-small);
      text-align: end;
      padding-inline-end: var(--_p2p-space-2);
    }
    .tg-allday .bar {
      grid-column: calc(var(--first) + 2) / span var(--span);
      grid-row: calc(var(--lane) + 1);
      margin-inline: 2px;
    }
    .tg-allday .more {
      grid-column: calc(var(--first) + 2);
      grid-row: calc(var(--lane) + 1);
      margin-inline: 2px;
      overflow: hidden;
      white-space: nowrap;
    }
    .tg-allday .more .more-count {
      display: none;
    }
    /* Unfolded, a clinic's dozens of birthdays a day scroll within the row rather than push the hours off screen. */
    .tg-allday.expanded {
      max-block-size: calc(6 * 1.375rem + 5 * 2px + 4px);
      overflow-y: auto;
    }
    .tg-allday .fold {
      display: block;
      margin-inline-start: auto;
      text-align: end;
      color: var(--_p2p-color-accent);
    }
    /* Where an event dragged over the all-day row would land. */
    .tg-allday .bar.preview {
      box-sizing: border-box;
      padding: 1px var(--_p2p-space-1);
      border-radius: var(--_p2p-radius-small);
      background: color-mix(in srgb, var(--_p2p-color-accent) 25%, var(--_p2p-color-bg));
      outline: 2px dashed var(--_p2p-color-accent);
      outline-offset: -2px;
      font-size: var(--_p2p-font-size-small);
      pointer-events: none;
    }
    .tg-body {
      position: relative;
      grid-auto-rows: var(--_hour);
      --_minute: calc(var(--_hour) / 60);
    }
    .tg-row {
      display: contents;
    }
    .tg-time {
      position: relative;
      padding-inline-end: var(--_p2p-space-2);
      color: var(--_p2p-color-text-muted);
      font-size: var(--_p2p-font-size-small);
      font-variant-numeric: tabular-nums;
      text-align: end;
    }
    .tg-time span {
      white-space: nowrap;
      position: absolute;
      inset-inline-end: var(--_p2p-space-2);
      top: -0.6em;
      background: var(--_p2p-color-bg);
      padding-inline: 2px;
    }
    .tg-row:first-child .tg-time span {
      top: 0;
    }
    /* A second zone: its hours in a column of their own, before the view's, both named in the heading. */
    .timegrid.two-zones {
      --_gutter: calc(2 * var(--_gutter-24h));
    }
    .timegrid.two-zones.hour12 {
      --_gutter: calc(2 * var(--_gutter-12h));
    }
    .tg-time .second {
      inset-inline-end: calc(50% + var(--_p2p-space-1));
    }
    .tg-head .tg-gutter {
      display: flex;
      align-items: flex-end;
      justify-content: space-around;
      padding-block-end: var(--_p2p-space-1);
      color: var(--_p2p-color-text-muted);
      font-size: var(--_p2p-font-size-small);
      white-space: nowrap;
    }
    .tg-cell {
      min-inline-size: 0;
      border-inline-start: 1px solid var(--_p2p-color-border);
      border-top: 1px solid var(--_p2p-color-border);
      /* The half hour, fainter than the hour. */
      background-image: linear-gradient(
        to bottom,
        transparent calc(50% - 0.5px),
        color-mix(in srgb, var(--_p2p-color-border) 45%, transparent) calc(50% - 0.5px) calc(50% + 0.5px),
        transparent calc(50% + 0.5px)
      );
    }
    .tg-cell.today {
      background: color-mix(in srgb, var(--_p2p-color-accent) 5%, transparent);
    }
    .tg-event {
      position: absolute;
      z-index: 1;
      top: calc(var(--start) * var(--_minute) + 1px);
      block-size: max(calc((var(--end) - var(--start)) * var(--_minute) - 2px), 1.125rem);
      inset-inline-start: calc(var(--_gutter) + (100% - var(--_gutter)) * (var(--col) + var(--lane) / var(--lanes)) / var(--columns) + 1px);
      inline-size: calc((100% - var(--_gutter)) / var(--columns) / var(--lanes) - 4px);
      flex-wrap: wrap;
      align-content: flex-start;
      white-space: normal;
      cursor: grab;
      touch-action: none;
      /* Sized by the grid, so its content never changes the layout around it: a week lays out hundreds of these. */
      contain: strict;
    }
    .tg-event.short {
      flex-wrap: nowrap;
      white-space: nowrap;
    }
    /* A narrow block (side by side with others) gives its line to the title. */
    .tg-event.narrow .ev-time,
    .tg-event.narrow .ev-detail {
      display: none;
    }
    .tg-event .ev-time {
      color: var(--_p2p-color-text-muted);
    }
    .tg-event .ev-detail {
      flex-basis: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      color: var(--_p2p-color-text-muted);
    }
    .tg-event.ends-after {
      border-end-start-radius: 0;
      border-end-end-radius: 0;
    }
    .tg-event.starts-before {
      border-start-start-radius: 0;
      border-start-end-radius: 0;
    }
    .tg-event.dragging {
      opacity: 0.45;
    }
    .tg-event.preview {
      z-index: 2;
      opacity: 0.9;
      border-inline-start-width: 3px;
      border-inline-start-style: solid;
      box-shadow: var(--_p2p-shadow);
      font-size: var(--_p2p-font-size-small);
      pointer-events: none;
    }
    /* The resize handle: 6px, as RESIZE_EDGE_PX in calendar.ts. Drawn under the pointer only: a box per event of
       a busy week costs its layout, and calendar.ts finds the edge by geometry, not by this box. */
    .tg-event.resizable:hover::after {
      content: '';
      position: absolute;
      inset-inline: 0;
      bottom: 0;
      block-size: 6px;
      cursor: ns-resize;
    }
    .now {
      position: absolute;
      z-index: 2;
      top: calc(var(--start) * var(--_minute));
      inset-inline-start: calc(var(--_gutter) + (100% - var(--_gutter)) * var(--col) / var(--columns));
      inline-size: calc((100% - var(--_gutter)) / var(--columns));
      border-top: 2px solid var(--_p2p-color-now);
      pointer-events: none;
    }
    .now::before {
      content: '';
      position: absolute;
      inset-inline-start: -5px;
      top: -6px;
      inline-size: 10px;
      block-size: 10px;
      border-radius: 50%;
      background: var(--_p2p-color-now);
    }

    /* Month */
    .month {
      flex: 1;
      min-block-size: 0;
      display: grid;
      grid-template-rows: auto repeat(var(--weeks), minmax(0, 1fr));
    }
    .mo-head,
    .mo-week {
      display: grid;
      grid-template-columns: repeat(7, minmax(0, 1fr));
    }
    .mo-weekday {
      padding: var(--_p2p-space-1);
      color: var(--_p2p-color-text-muted);
      font-size: var(--_p2p-font-size-small);
      text-align: center;
      text-transform: uppercase;
    }
    .mo-week {
      position: relative;
      min-block-size: 0;
      overflow: hidden;
      border-top: 1px solid var(--_p2p-color-border);
    }
    .mo-cell {
      min-inline-size: 0;
      border-inline-start: 1px solid var(--_p2p-color-border);
      cursor: default;
    }
    .mo-cell:first-child {
      border-inline-start: 0;
    }
    .mo-cell.weekend,
    .mo-cell.outside {
      background: var(--_p2p-color-surface);
    }
    .mo-cell.drop-target {
      background: var(--_p2p-color-accent-soft);
      box-shadow: inset 0 0 0 2px var(--_p2p-color-accent);
    }
    .mo-date {
      display: block;
      block-size: var(--_month-date);
      padding: 3px var(--_p2p-space-2) 0;
      box-sizing: border-box;
      font-size: var(--_p2p-font-size-small);
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .mo-cell.outside .mo-date {
      color: var(--_p2p-color-text-muted);
      font-weight: 400;
    }
    .mo-cell.today .mo-date {
      color: var(--_p2p-color-accent);
    }
    .mo-cell.today .mo-date::after {
      content: '';
      display: block;
      inline-size: 1.25rem;
      border-bottom: 2px solid var(--_p2p-color-accent);
    }
    .month .bar,
    .month .more {
      contain: strict;
      position: absolute;
      top: calc(var(--_month-date) + var(--lane) * var(--_month-line));
      block-size: calc(var(--_month-line) - 2px);
      inset-inline-start: calc(100% * var(--first) / 7 + 2px);
      inline-size: calc(100% * var(--span, 1) / 7 - 4px);
    }
    /* A month line reads "09:00 Check-up": the time drawn first, read after the title (see chipContent). */
    .month .bar .ev-time {
      order: -1;
    }
    .month .bar.short {
      background: transparent;
      border-inline-start: 0;
    }
    .month .bar.short::before {
      order: -2;
      content: '';
      flex: none;
      align-self: center;
      inline-size: 0.5rem;
      block-size: 0.5rem;
      border-radius: 50%;
      background: var(--event-colour);
    }
    .month .bar.short:hover {
      background: var(--_p2p-color-surface);
    }
    .month .bar.short[part~='cancelled']::before {
      background: transparent;
      border: 1px dashed var(--_p2p-color-border-strong);
    }
    .more,
    .tg-allday .fold {
      padding: 0 var(--_p2p-space-1);
      border: 0;
      border-radius: var(--_p2p-radius-small);
      background: transparent;
      color: var(--_p2p-color-text);
      font: inherit;
      font-size: var(--_p2p-font-size-small);
      font-weight: 600;
      text-align: start;
      cursor: pointer;
    }
    .more:hover,
    .tg-allday .fold:hover {
      background: var(--_p2p-color-surface-raised);
    }

    /* Agenda */
    .agenda {
      flex: 1;
      min-block-size: 0;
      overflow: auto;
    }
    .agenda-empty {
      margin: var(--_p2p-space-4);
      color: var(--_p2p-color-text-muted);
    }
    .ag-day {
      box-sizing: border-box;
      inline-size: 100%;
      padding: var(--_p2p-space-2) var(--_p2p-space-3) var(--_p2p-space-1);
      border-top: 1px solid var(--_p2p-color-border);
      font-weight: 600;
    }
    .ag-day.today {
      color: var(--_p2p-color-accent);
    }
    .ag-row {
      box-sizing: border-box;
      inline-size: 100%;
      padding: 2px var(--_p2p-space-3);
    }
    .ag-event {
      inline-size: 100%;
      padding: var(--_p2p-space-1) var(--_p2p-space-2);
      font-size: var(--_p2p-font-size);
      gap: 0 var(--_p2p-space-2);
    }
    /* The times first, as a column: drawn before the title, read after it (see chipContent). */
    .ag-event .ev-time {
      order: -1;
      flex: none;
      inline-size: 9rem;
      margin-inline-end: var(--_p2p-space-1);
      color: var(--_p2p-color-text);
    }
    .ag-event .ev-detail {
      min-inline-size: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      color: var(--_p2p-color-text-muted);
    }

    /* Files: import and export in a menu of the toolbar, and a file dragged over the calendar */
    .files {
      position: relative;
    }
    .files summary {
      list-style: none;
      cursor: pointer;
    }
    .files summary::-webkit-details-marker {
      display: none;
    }
    .files-menu {
      position: absolute;
      inset-inline-end: 0;
      top: calc(100% + var(--_p2p-space-1));
      z-index: 10;
      display: grid;
      gap: var(--_p2p-space-1);
      min-inline-size: 13rem;
      padding: var(--_p2p-space-2);
      border: 1px solid var(--_p2p-color-border);
      border-radius: var(--_p2p-radius);
      background: var(--_p2p-color-bg);
      box-shadow: var(--_p2p-shadow);
    }
    .files-menu .p2p-button {
      justify-content: flex-start;
    }
    .calendar.dropping {
      position: relative;
    }
    .drop-hint {
      position: absolute;
      inset: 0;
      z-index: 5;
      display: grid;
      place-items: center;
      padding: var(--_p2p-space-4);
      background: color-mix(in srgb, var(--_p2p-color-accent) 12%, var(--_p2p-color-bg));
      outline: 3px dashed var(--_p2p-color-accent);
      outline-offset: -6px;
      color: var(--_p2p-color-text);
      font-weight: 600;
      pointer-events: none;
    }
    .import-summary h3 {
      margin: var(--_p2p-space-3) 0 var(--_p2p-space-1);
      font-size: var(--_p2p-font-size);
    }
    .import-summary ul {
      margin: 0;
      padding-inline-start: var(--_p2p-space-4);
    }

    /* Dialog content */
    .scope-choices {
      display: grid;
      gap: var(--_p2p-space-2);
    }
    .scope-choices .p2p-button {
      justify-content: flex-start;
      min-height: 2.5rem;
    }

    /* Phones: less chrome, the grid first */
    @media (max-width: 40rem) {
      :host {
        --_gutter-24h: 2.75rem;
        --_gutter-12h: 4.25rem;
      }
      .toolbar {
        padding: var(--_p2p-space-2);
      }
      .title {
        order: -1;
        flex-basis: 100%;
      }
      .picker,
      .files {
        display: none;
      }
      .views .p2p-button {
        padding: 0 var(--_p2p-space-2);
        font-size: var(--_p2p-font-size-small);
      }
      .tg-colhead .weekday {
        display: none;
      }
      .timegrid.many .tg-event .ev-time,
      .timegrid.many .tg-event .ev-detail {
        display: none;
      }
      /* A week on a phone has a finger's width a day: "+12" says it, the button's label says the rest. */
      .timegrid.many .tg-allday .more .more-words {
        display: none;
      }
      .timegrid.many .tg-allday .more .more-count {
        display: inline;
      }
      .ag-event .ev-time {
        inline-size: 6.5rem;
        font-size: var(--_p2p-font-size-small);
      }
    }

    /* Print: the day sheets only */
    .day-sheets {
      display: none;
    }
    @media print {
      :host {
        block-size: auto;
        color: #000;
        background: #fff;
      }
      .calendar {
        display: block;
        border: 0;
        background: #fff;
      }
      .calendar > :not(.day-sheets),
      p2p-event-editor,
      p2p-dialog {
        display: none !important;
      }
      .day-sheets {
        display: block;
        color: #000;
      }
      .day-sheet {
        break-after: page;
      }
      .day-sheet h1 {
        font-size: 14pt;
        margin: 0 0 8pt;
      }
      .day-sheet table {
        inline-size: 100%;
        border-collapse: collapse;
        font-size: 10pt;
      }
      .day-sheet th,
      .day-sheet td {
        padding: 4pt 6pt;
        border-bottom: 0.5pt solid #999;
        text-align: start;
        vertical-align: top;
      }
      .day-sheet tr.cancelled td {
        text-decoration: line-through;
      }
    }
  `,
];
