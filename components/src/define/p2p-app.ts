/** Registers `<p2p-app>` (and the elements it shows); safe to import twice (see shared/define-element.ts). */
import { P2PApp } from '../elements/app/app.ts';
import { defineElement } from '../elements/shared/define-element.ts';

defineElement('p2p-app', P2PApp);

export { P2PApp };
