/** Registers `<p2p-reminders>`; safe to import twice (see shared/define-element.ts). */
import { P2PReminders } from '../elements/reminders/reminders.ts';
import { defineElement } from '../elements/shared/define-element.ts';

defineElement('p2p-reminders', P2PReminders);

export { P2PReminders };
export type { DueReminderDetail } from '../elements/reminders/reminders.ts';
