/** Registers `<p2p-members-dialog>`, an org's members and devices and its recovery kits; loaded when first opened. */
import { P2PMembersDialog } from '../elements/app/members-dialog.ts';
import { defineElement } from '../elements/shared/define-element.ts';

defineElement('p2p-members-dialog', P2PMembersDialog);

export { P2PMembersDialog };
