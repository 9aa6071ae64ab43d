import { randomBytes } from 'node:crypto';
import encodeQR from '@paulmillr/qr';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { encodeQrCode, type QrCode } from './qr-code.ts';

const MODULE_PX = 3;
const QUIET_ZONE = 4;

/** Paints the path's rectangles (`M x y h w v1 H x z`, as qr-code.ts writes them) as a camera would see them. */
function paint(code: QrCode): { data: Uint8ClampedArray; side: number } {
  const side = (code.size + 2 * QUIET_ZONE) * MODULE_PX;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [, x, y, width] of code.path.matchAll(/M(\d+) (\d+)h(\d+)v1H\d+z/g)) {
    for (let py = 0; py < MODULE_PX; py++) {
      for (let px = 0; px < Number(width) * MODULE_PX; px++) {
        const offset = (((Number(y) + QUIET_ZONE) * MODULE_PX + py) * side + (Number(x) + QUIET_ZONE) * MODULE_PX + px) * 4;
        data.fill(0, offset, offset + 3);
      }
    }
  }
  return { data, side };
}

describe('QR codes', () => {
  it('draw text another reader gets back whole, for kits of every length a kit has', async () => {
    for (let length = 520; length < 720; length += 13) {
      const text = `p2pkit1.${randomBytes(length).toString('base64url').slice(0, length)}`;
      const code = await encodeQrCode(text);
      const { data, side } = paint(code);
      expect(jsQR(data, side, side)?.data, `a ${text.length}-character kit`).toBe(text);
    }
  });

  it('draws each run of dark modules as one rectangle', async () => {
    const text = 'p2pkit1.short';
    const code = await encodeQrCode(text);
    const dark = encodeQR(text, 'raw', { ecc: 'medium', border: 0 }).flat().filter(Boolean).length;
    const runs = [...code.path.matchAll(/h(\d+)/g)].map(([, width]) => Number(width));
    // The finder pattern's top edge is a run of seven.
    expect(code.path.startsWith('M0 0h7v1H0z')).toBe(true);
    expect(runs.reduce((sum, width) => sum + width, 0)).toBe(dark);
    expect(runs.length).toBeLessThan(dark * 0.6);
  });
});
