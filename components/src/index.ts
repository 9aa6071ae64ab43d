/**
 * What the app build publishes as `p2p-components.js` for other sites to load (see docs/embedding.md): the client
 * core's public API, and the elements, registered on load. Registration is safe to repeat (a page may load this
 * module twice); importers that want a class without its tag import from `elements/` instead.
 */
import './define/p2p-dialog.ts';
import './define/p2p-reminders.ts';
import './define/p2p-calendar.ts';

export * from './core/index.ts';
export { P2PDialog } from './define/p2p-dialog.ts';
export { P2PReminders, type DueReminderDetail } from './define/p2p-reminders.ts';
export { P2PCalendar, P2PEventEditor } from './define/p2p-calendar.ts';
export { StoreController, type Subscribable } from './elements/shared/store-controller.ts';
export { registerMessages, type MessageKey, type MessageTable } from './elements/shared/messages.ts';
export type { CalendarView } from './elements/calendar/calendar-range.ts';
export type { EventSelectDetail, ViewChangeDetail, RequestCreateDetail, RequestChangeDetail, RequestDeleteDetail } from './elements/calendar/calendar.ts';
