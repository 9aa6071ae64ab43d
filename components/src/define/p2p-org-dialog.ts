/** Registers `<p2p-org-dialog>`, the app's org and account dialogs; loaded when the first one opens. */
import { P2POrgDialog } from '../elements/app/org-dialog.ts';
import { defineElement } from '../elements/shared/define-element.ts';

defineElement('p2p-org-dialog', P2POrgDialog);

export { P2POrgDialog };
