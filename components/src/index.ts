/**
 * What the app build publishes as `p2p-components.js` for other sites to load (see docs/embedding.md): the client
 * core's public API, and the elements, registered on load. Registration is safe to repeat (a page may load this
 * module twice); importers that want a class without its tag import from `elements/` instead.
 */
import './define/p2p-dialog.ts';
import './define/p2p-reminders.ts';
import './define/p2p-contacts.ts';
import './define/p2p-app.ts';

export * from './core/index.ts';
export { P2PDialog } from './define/p2p-dialog.ts';
export { P2PReminders, type DueReminderDetail } from './define/p2p-reminders.ts';
export { P2PContacts } from './define/p2p-contacts.ts';
export { P2PApp } from './define/p2p-app.ts';
export { StoreController, type Subscribable } from './elements/shared/store-controller.ts';
export { registerMessages, type MessageKey, type MessageTable } from './elements/shared/messages.ts';
