/** `<p2p-contacts>` as a person uses it: search box, rows, card, form, duplicates. Device interface only. */
import type { Device } from '../../../scripts/device-lab/device.ts';
import { clickButton, fillIn, textsIn, waitForElement, waitForText } from './shadow-query.ts';

export class ContactsPage {
  constructor(
    readonly device: Device,
    /** The chain to the element, e.g. `['p2p-app', 'p2p-contacts']`. */
    readonly root: readonly string[],
  ) {}

  at(...selectors: string[]): string[] {
    return [...this.root, ...selectors];
  }

  async ready(): Promise<void> {
    await waitForElement(this.device, this.at('.toolbar'));
  }

  /** The names the list shows now (only the rendered rows, as the list is virtualised). */
  renderedNames(): Promise<string[]> {
    return textsIn(this.device, this.at('.row .name'));
  }

  count(): Promise<string> {
    return textsIn(this.device, this.at('.count')).then((texts) => texts[0] ?? '');
  }

  async waitForCount(text: string): Promise<void> {
    await waitForText(this.device, this.at('.count'), text);
  }

  async search(query: string): Promise<void> {
    await fillIn(this.device, this.at('.search'), query);
  }

  async waitForName(name: string): Promise<void> {
    await waitForText(this.device, this.at('.row .name'), name);
  }

  async open(name: string): Promise<void> {
    const id = await this.#rowId(name);
    await this.device.click(this.at(`.row[data-id="${id}"] .open`));
    await waitForText(this.device, this.at('#card-name'), name);
  }

  async select(name: string): Promise<void> {
    const id = await this.#rowId(name);
    await this.device.click(this.at(`.row[data-id="${id}"] input[type="checkbox"]`));
  }

  cardText(): Promise<string> {
    return textsIn(this.device, this.at('.card')).then((texts) => texts[0] ?? '');
  }

  async clickButton(text: string): Promise<void> {
    await clickButton(this.device, this.root, text);
  }

  /** Opens the duplicates panel, which loads on first use. */
  async openDuplicates(): Promise<void> {
    await this.clickButton('Duplicates');
    await waitForElement(this.device, this.at('.duplicates'));
  }

  /** Drops a file on the list, as dragging it from the desktop does: a drop event carrying the file. */
  async dropFile(name: string, text: string, type = 'text/vcard'): Promise<void> {
    await this.device.evaluate(
      ({ chain, name, text, type }) => {
        let root: ParentNode = document;
        for (const selector of chain) {
          const element = root.querySelector(selector)!;
          root = element.shadowRoot ?? element;
        }
        const list = root.querySelector('.master')!;
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type }));
        list.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        list.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { chain: [...this.root], name, text, type },
    );
  }

  /** Fills a form field by its id (`field-givenName`, `field-emails-0-value`). */
  async fill(fieldId: string, text: string): Promise<void> {
    await fillIn(this.device, this.at(`#${fieldId}`), text);
  }

  async fieldInvalid(fieldId: string): Promise<boolean> {
    return this.device.evaluate(
      (chain) => {
        let root: ParentNode = document;
        let element: Element | null = null;
        for (const selector of chain) {
          element = root.querySelector(selector);
          root = element!.shadowRoot ?? element!;
        }
        return element?.getAttribute('aria-invalid') === 'true';
      },
      this.at(`#${fieldId}`),
    );
  }

  async waitForError(text: string): Promise<void> {
    await waitForText(this.device, this.at('.field-error'), text);
  }

  async waitForToast(text: string): Promise<void> {
    await waitForText(this.device, this.at('.toast'), text);
  }

  async #rowId(name: string): Promise<string> {
    await this.waitForName(name);
    return this.device.evaluate(
      ({ chain, name }) => {
        let root: ParentNode = document;
        for (const selector of chain) {
          const element = root.querySelector(selector)!;
          root = element.shadowRoot ?? element;
        }
        const row = [...root.querySelectorAll<HTMLElement>('.row')].find((candidate) => candidate.querySelector('.name')?.textContent?.trim() === name);
        return row?.dataset.id ?? '';
      },
      { chain: [...this.root], name },
    );
  }
}
