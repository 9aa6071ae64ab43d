/**
 * What the app build publishes as `p2p-components.js` for other sites to load (see docs/embedding.md): the client
 * core's public API, and the elements, registered on load. Registration is safe to repeat (a page may load this
 * module twice); importers that want a class without its tag import from `elements/` instead.
 */
import './define/p2p-dialog.ts';
import './define/p2p-reminders.ts';
import './define/p2p-calendar.ts';
import './define/p2p-contacts.ts';
import './define/p2p-app.ts';

export {
  OrgRegistry,
  openOrg,
  ContactsStore,
  EventsStore,
  RemindersStore,
  ValidationError,
  RecordNotFoundError,
  type OrgSession,
} from './core/index.ts';
export type * from './core/records/records.ts';
/**
 * The whole client core (import and export of ICS and vCard, sharing, invites, sync, crypto), loaded on first
 * call: `const { importIcs, OrgSync } = await loadCore();`. Kept out of the first load (see docs/embedding.md).
 */
export const loadCore = () => import('./core/index.ts');
export { P2PDialog } from './define/p2p-dialog.ts';
export { P2PReminders, type DueReminderDetail } from './define/p2p-reminders.ts';
export { P2PCalendar, P2PEventEditor } from './define/p2p-calendar.ts';
export { P2PContacts } from './define/p2p-contacts.ts';
export { P2PApp } from './define/p2p-app.ts';
export { StoreController, type Subscribable } from './elements/shared/store-controller.ts';
export { loadMessages, registerMessages, type MessageKey, type MessageTable } from './elements/shared/messages.ts';
export { errorText, refusalText, importReasonText } from './elements/shared/core-reasons.ts';
export type { ValidationReason } from './core/records/validation-error.ts';
export type { ImportIssue, ImportReason } from './core/interop/import-report.ts';
export type { CalendarView } from './elements/calendar/calendar-range.ts';
export type { EventSelectDetail, ViewChangeDetail, RequestCreateDetail, RequestChangeDetail, RequestDeleteDetail } from './elements/calendar/calendar.ts';
