/**
 * The unambiguous byte encoding of what a MAC or an AEAD's associated data covers. Each field is length-prefixed,
 * so no two different lists of fields encode to the same bytes (["ab","c"] ≠ ["a","bc"]), and the first field is a
 * label naming the protocol and its version, so bytes made for one purpose never verify for another.
 */
const utf8 = new TextEncoder();

export function encodeTranscript(label: string, fields: readonly (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  const parts = [label, ...fields].map((field) => (typeof field === 'string' ? utf8.encode(field) : field));
  const out = new Uint8Array(parts.reduce((size, part) => size + 4 + part.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.byteLength);
    out.set(part, offset + 4);
    offset += 4 + part.byteLength;
  }
  return out;
}
