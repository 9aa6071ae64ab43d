/**
 * Prints a recovery kit alone, not the page around the dialog: one sheet with the org's name, when it was made, how
 * to restore it, its QR code and its text. The sheet is a hidden frame of its own inside the dialog's shadow root,
 * so a page that embeds the app is left untouched; it stays until the next print or until the dialog goes, since
 * browsers differ on when (and whether) they say printing ended.
 */

export interface KitSheet {
  lang: string;
  dir: 'ltr' | 'rtl';
  title: string;
  /** What the reader needs to know, one paragraph each: when it was made, how to restore it, what to keep apart. */
  paragraphs: string[];
  /** The kit's QR code as shown in the dialog; copied into the sheet. */
  qrCode: SVGElement;
  kit: string;
}

/** Characters per group of the printed text: someone typing it from paper keeps their place; restoring ignores spaces. */
const GROUP = 6;

const SHEET_STYLES = `
  @page { margin: 18mm; }
  body { font: 11pt/1.45 system-ui, sans-serif; color: #000; margin: 0; }
  h1 { font-size: 16pt; margin: 0 0 8pt; }
  p { margin: 0 0 6pt; max-width: 42em; }
  svg { display: block; width: 62mm; height: 62mm; margin: 10pt 0; }
  pre { font: 10pt/1.6 ui-monospace, Menlo, monospace; white-space: pre-wrap; word-spacing: 0.3em; direction: ltr; text-align: left; }
`;

/** Opens the browser's print dialog for `sheet`, from a frame appended to `root`, and returns that frame. */
export async function printRecoveryKit(root: ShadowRoot, sheet: KitSheet): Promise<HTMLIFrameElement> {
  root.querySelector('iframe.kit-print')?.remove();
  const frame = document.createElement('iframe');
  frame.className = 'kit-print';
  frame.tabIndex = -1;
  frame.setAttribute('aria-hidden', 'true');
  frame.style.cssText = 'position: fixed; inset-block-end: 0; inset-inline-start: 0; width: 0; height: 0; border: 0;';
  // A document of our own to fill: an empty frame's first document may be swapped for another once it loads.
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.srcdoc = '<!doctype html><meta charset="utf-8"><title></title>';
  root.append(frame);
  await loaded;
  const doc = frame.contentDocument!;
  doc.documentElement.lang = sheet.lang;
  doc.documentElement.dir = sheet.dir;
  doc.title = sheet.title;
  const style = doc.createElement('style');
  style.textContent = SHEET_STYLES;
  const heading = doc.createElement('h1');
  heading.textContent = sheet.title;
  const paragraphs = sheet.paragraphs.map((text) => Object.assign(doc.createElement('p'), { textContent: text }));
  const code = doc.importNode(sheet.qrCode, true);
  const text = doc.createElement('pre');
  text.className = 'kit';
  text.textContent = sheet.kit.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join(' ');
  doc.head.append(style);
  doc.body.append(heading, ...paragraphs, code, text);
  frame.contentWindow!.print();
  return frame;
}
