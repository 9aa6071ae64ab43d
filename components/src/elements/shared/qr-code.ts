/**
 * A QR code for text a person carries from paper or a screen to another device (a recovery kit). The encoder
 * (@paulmillr/qr) loads on first use, so that pages which never show a code do not carry it.
 */
import { html, type TemplateResult } from 'lit';

export interface QrCode {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** The dark modules as one SVG path, in module units. */
  path: string;
}

/** The light margin the QR standard asks for around a code, in modules: readers find the code by it. */
const QUIET_ZONE = 4;

/**
 * Medium error correction (15% of the code may be lost): a printed kit may be creased or stained, and the kit's
 * ~570 characters still fit a version-19 code that prints legibly at 6 cm.
 */
export async function encodeQrCode(text: string): Promise<QrCode> {
  const { default: encodeQR } = await import('@paulmillr/qr');
  const modules = encodeQR(text, 'raw', { ecc: 'medium', border: 0 });
  let path = '';
  modules.forEach((row, y) => {
    // One rectangle per run of dark modules: a tenth of the path a square per module would make.
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      path += `M${start} ${y}h${x - start + 1}v1H${start}z`;
    }
  });
  return { size: modules.length, path };
}

/**
 * The code as an SVG image named `label`, black on white whatever the theme (readers need the contrast), its
 * quiet zone included; it scales to the width its container gives it.
 */
export function qrCodeImage(code: QrCode, label: string): TemplateResult {
  const side = code.size + 2 * QUIET_ZONE;
  return html`<svg
    part="qr-code"
    class="qr-code"
    role="img"
    aria-label=${label}
    viewBox="${-QUIET_ZONE} ${-QUIET_ZONE} ${side} ${side}"
    shape-rendering="crispEdges"
  >
    <rect x=${-QUIET_ZONE} y=${-QUIET_ZONE} width=${side} height=${side} fill="#fff"></rect>
    <path d=${code.path} fill="#000"></path>
  </svg>`;
}
