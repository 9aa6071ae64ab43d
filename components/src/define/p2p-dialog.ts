/** Registers `<p2p-dialog>`; safe to import twice (see shared/define-element.ts). */
import { P2PDialog } from '../elements/shared/dialog.ts';
import { defineElement } from '../elements/shared/define-element.ts';

defineElement('p2p-dialog', P2PDialog);

export { P2PDialog };
