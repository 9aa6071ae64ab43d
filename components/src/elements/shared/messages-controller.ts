import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MESSAGES_LOADED_EVENT } from './messages.ts';

/**
 * Renders its element again when a language of the message table has loaded: messages.ts loads German and Arabic on
 * first use, so an element's first render in them may be in English.
 */
export class MessagesController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #renderAgain = () => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    globalThis.addEventListener(MESSAGES_LOADED_EVENT, this.#renderAgain);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener(MESSAGES_LOADED_EVENT, this.#renderAgain);
  }
}
