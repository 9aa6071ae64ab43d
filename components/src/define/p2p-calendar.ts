/** Registers `<p2p-calendar>` and the elements it uses; safe to import twice (see shared/define-element.ts). */
import './p2p-dialog.ts';
import { P2PCalendar } from '../elements/calendar/calendar.ts';
import { P2PEventEditor } from '../elements/calendar/event-editor.ts';
import { defineElement } from '../elements/shared/define-element.ts';

defineElement('p2p-event-editor', P2PEventEditor);
defineElement('p2p-calendar', P2PCalendar);

export { P2PCalendar, P2PEventEditor };
