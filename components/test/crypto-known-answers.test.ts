/**
 * Published test vectors run through Web Crypto exactly as the crypto modules call it, so a platform that got a
 * primitive wrong (or a parameter shape we rely on) fails here. The wrappers are tested in their own files.
 */
import { describe, expect, it } from 'vitest';
import { ascii, byteRange, hex, repeated, toHex } from './crypto-fixtures.ts';

async function hkdf(ikm: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, length: number) {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return toHex(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8));
}

async function hmac(rawKey: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) {
  const key = await crypto.subtle.importKey('raw', rawKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(await crypto.subtle.sign('HMAC', key, data));
}

async function pbkdf2(password: string, salt: string, iterations: number, length: number) {
  const key = await crypto.subtle.importKey('raw', ascii(password), 'PBKDF2', false, ['deriveBits']);
  return toHex(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: ascii(salt), iterations }, key, length * 8));
}

describe('HKDF-SHA256 (RFC 5869, appendix A)', () => {
  it('reproduces test case 1 (basic)', async () => {
    expect(await hkdf(repeated(0x0b, 22), byteRange(0x00, 0x0c), byteRange(0xf0, 0xf9), 42)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('reproduces test case 2 (longer inputs and outputs)', async () => {
    expect(await hkdf(byteRange(0x00, 0x4f), byteRange(0x60, 0xaf), byteRange(0xb0, 0xff), 82)).toBe(
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });

  it('reproduces test case 3 (zero-length salt and info)', async () => {
    expect(await hkdf(repeated(0x0b, 22), new Uint8Array(), new Uint8Array(), 42)).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });
});

describe('HMAC-SHA256 (RFC 4231, section 4)', () => {
  it.each([
    ['1', repeated(0x0b, 20), ascii('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['2 (key shorter than the output)', ascii('Jefe'), ascii('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['3', repeated(0xaa, 20), repeated(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    ['4', byteRange(0x01, 0x19), repeated(0xcd, 50), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    [
      '6 (key larger than a block)',
      repeated(0xaa, 131),
      ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      '7 (key and data larger than a block)',
      repeated(0xaa, 131),
      ascii(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ])('reproduces test case %s', async (_name, key, data, expected) => {
    expect(await hmac(key, data)).toBe(expected);
  });
});

describe('PBKDF2-HMAC-SHA256 (RFC 7914, section 11)', () => {
  it('reproduces P="passwd", S="salt", c=1, dkLen=64', async () => {
    expect(await pbkdf2('passwd', 'salt', 1, 64)).toBe(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
    );
  });

  it('reproduces P="Password", S="NaCl", c=80000, dkLen=64', async () => {
    expect(await pbkdf2('Password', 'NaCl', 80_000, 64)).toBe(
      '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d',
    );
  });
});

describe('AES-256-GCM (McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 14 and 16)', () => {
  async function gcm(rawKey: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>, plaintext: Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>) {
    const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt', 'decrypt']);
    const params = { name: 'AES-GCM', iv, additionalData, tagLength: 128 };
    const sealed = new Uint8Array(await crypto.subtle.encrypt(params, key, plaintext));
    const opened = new Uint8Array(await crypto.subtle.decrypt(params, key, sealed));
    return { sealed: toHex(sealed), opened: toHex(opened) };
  }

  it('reproduces test case 14 (zero key and IV, one zero block)', async () => {
    const result = await gcm(new Uint8Array(32), new Uint8Array(12), new Uint8Array(16), new Uint8Array());
    expect(result.sealed).toBe('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919');
    expect(result.opened).toBe(toHex(new Uint8Array(16)));
  });

  it('reproduces test case 16 (96-bit IV, associated data, partial last block)', async () => {
    const plaintext = hex(`d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
                           1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39`);
    const result = await gcm(
      hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
      hex('cafebabefacedbaddecaf888'),
      plaintext,
      hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
    );
    expect(result.sealed).toBe(
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
        '76fc6ece0f4e1768cddf8853bb2d551b',
    );
    expect(result.opened).toBe(toHex(plaintext));
  });
});
