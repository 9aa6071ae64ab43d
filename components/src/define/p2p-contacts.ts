/** Registers `<p2p-contacts>`; safe to import twice (see shared/define-element.ts). */
import { P2PContacts } from '../elements/contacts/contacts.ts';
import { defineElement } from '../elements/shared/define-element.ts';

defineElement('p2p-contacts', P2PContacts);

export { P2PContacts };
