/**
 * What `<p2p-calendar>` hands its view templates: the range, the occurrences of that range (queried once), the
 * keyboard cursor and how to label and colour an event. Views only render; the element handles input through
 * delegated listeners that read the `data-*` attributes views put on cells and events.
 */
import type { Occurrence, Resource } from '../../core/index.ts';
import type { MessageKey } from '../shared/messages.ts';
import type { ViewRange } from './calendar-range.ts';
import type { GridColumn } from './time-grid-layout.ts';

export interface CalendarCursor {
  /** The focused day. */
  day: number;
  /** The focused slot of a time grid, in slots after midnight. */
  slot: number;
  /** The focused column of a resource day view. */
  column: number;
}

export interface ViewContext {
  locale: string;
  zone: string;
  hour12: boolean | undefined;
  slotMinutes: number;
  readonly: boolean;
  range: ViewRange;
  /** The grid's columns, for time grids. */
  columns: GridColumn[];
  resources: readonly Resource[];
  occurrences: readonly Occurrence[];
  /** Occurrences double-booking a resource, by `eventId|recurrenceId`. */
  conflicts: ReadonlySet<string>;
  cursor: CalendarCursor;
  today: number;
  /** Minutes after midnight now, in the view's zone. */
  nowMinute: number;
  /** The `secondary-time-zone` of time grids: its short name and each hour's time there (see SecondZone). */
  secondZone: SecondZone | undefined;
  /** The short name of the view's zone (`GMT+1`, `EST`), for the gutter's heading beside a second zone. */
  zoneName: string;
  /** Lines of events a month cell has room for. */
  monthLines: number;
  /** The all-day row of a time grid shows every bar, not only its first lines (ALL_DAY_LINES). */
  allDayExpanded: boolean;
  /** The index of the occurrence being dragged, and where it would land. */
  drag: DragPreview | undefined;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

/**
 * A second zone's times beside the hours of a time grid, for the focused day: in a week where only one of the two
 * zones changes to summer time, the hours read right for the day being looked at (and its neighbours until the change).
 */
export interface SecondZone {
  zone: string;
  name: string;
  /** The second zone's time at each hour of the view's zone, 0–23. */
  hours: string[];
}

export interface DragPreview {
  /** The occurrence's index in `occurrences`, or -1 for an event being created. */
  index: number;
  /** The column it would land in; in a month, the day. */
  column: number;
  startMinute: number;
  endMinute: number;
  /** Dropped on a time grid's all-day row: the event would become all-day on the column's day. */
  allDay?: boolean;
}

export const occurrenceKey = (occurrence: Pick<Occurrence, 'eventId' | 'recurrenceId'>) => `${occurrence.eventId}|${occurrence.recurrenceId}`;
