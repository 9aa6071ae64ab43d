/**
 * CPace against the known answers of draft-irtf-cfrg-cpace, appendix "Test vector for CPace using group
 * ristretto255 and hash SHA-512", and the string utilities' vectors: an implementation that passes these computes
 * the same keys as every other conforming one.
 */
import { describe, expect, it } from 'vitest';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import {
  calculateGenerator,
  CpaceParty,
  generatorString,
  lvCat,
  prependLen,
  scalarMultVfy,
  transcriptIr,
} from '../src/core/crypto/cpace.ts';
import { ascii, hex, toHex } from './crypto-fixtures.ts';

const VECTOR = {
  inputs: {
    prs: ascii('Password'),
    ci: hex('0b415f696e69746961746f720b425f726573706f6e646572'),
    sid: hex('7e4b4791d6a8ef019b936c79fb7f2c57'),
  },
  generatorString: `11435061636552697374726574746f3235350850617373776f726464
    00000000000000000000000000000000000000000000000000000000
    00000000000000000000000000000000000000000000000000000000
    00000000000000000000000000000000000000000000000000000000
    00000000000000000000000000000000180b415f696e69746961746f
    720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f
    2c57`,
  generator: '222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56',
  ya: 'da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08',
  Ya: 'd6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157',
  yb: 'd2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d',
  Yb: '3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258',
  K: '80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f',
  transcriptIr: `20d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0e
    ec482b915703414461203ea7e0b19560d7c0b0f5734f63b955286dfa
    8232b5ebe63324e2d9e7433f725803414462`,
  isk: `b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dc
    ae7b35cd2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c
    3fa2068af7900447`,
};

const scalar = (littleEndianHex: string) => bytesToNumberLE(hex(littleEndianHex));

describe('CPace string utilities (draft vectors)', () => {
  it('prepends lengths in LEB128', () => {
    expect(toHex(prependLen(new Uint8Array()))).toBe('00');
    expect(toHex(prependLen(ascii('1234')))).toBe('0431323334');
    expect(toHex(prependLen(Uint8Array.from({ length: 127 }, (_, i) => i))).slice(0, 4)).toBe('7f00');
    expect(toHex(prependLen(Uint8Array.from({ length: 128 }, (_, i) => i))).slice(0, 6)).toBe('800100');
  });

  it('length-value concatenates', () => {
    expect(toHex(lvCat(ascii('1234'), ascii('5'), ascii(''), ascii('678')))).toBe('043132333401350003363738');
  });

  it('builds the initiator-responder transcript', () => {
    expect(toHex(transcriptIr(ascii('123'), ascii('PartyA'), ascii('234'), ascii('PartyB')))).toBe('03313233065061727479410332333406506172747942');
  });
});

describe('CPace over ristretto255 with SHA-512 (draft vectors)', () => {
  it('computes the generator string and the generator', async () => {
    expect(toHex(generatorString(VECTOR.inputs))).toBe(toHex(hex(VECTOR.generatorString)));
    expect((await calculateGenerator(VECTOR.inputs)).toBytes()).toEqual(hex(VECTOR.generator));
  });

  it("computes both parties' shares and the same ISK on both sides", async () => {
    const a = await CpaceParty.start('initiator', VECTOR.inputs, ascii('ADa'), scalar(VECTOR.ya));
    const b = await CpaceParty.start('responder', VECTOR.inputs, ascii('ADb'), scalar(VECTOR.yb));
    expect(toHex(a.share)).toBe(VECTOR.Ya);
    expect(toHex(b.share)).toBe(VECTOR.Yb);
    expect(toHex(transcriptIr(a.share, a.ad, b.share, b.ad))).toBe(toHex(hex(VECTOR.transcriptIr)));
    expect(toHex(await a.sessionKey(b.share, b.ad))).toBe(toHex(hex(VECTOR.isk)));
    expect(toHex(await b.sessionKey(a.share, a.ad))).toBe(toHex(hex(VECTOR.isk)));
  });

  it('computes the secret point K', () => {
    expect(toHex(scalarMultVfy(scalar(VECTOR.ya), hex(VECTOR.Yb))!)).toBe(VECTOR.K);
    expect(toHex(scalarMultVfy(scalar(VECTOR.yb), hex(VECTOR.Ya))!)).toBe(VECTOR.K);
  });

  it('multiplies a valid element and refuses an invalid encoding and the neutral element', () => {
    const s = scalar('7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05');
    expect(toHex(scalarMultVfy(s, hex('2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'))!)).toBe(
      '7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e7f6b600e',
    );
    expect(scalarMultVfy(s, hex('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'))).toBeNull();
    expect(scalarMultVfy(s, new Uint8Array(32))).toBeNull();
  });

  it('aborts a run whose peer sends the neutral element or a non-element', async () => {
    const a = await CpaceParty.start('initiator', VECTOR.inputs, ascii('ADa'));
    await expect(a.sessionKey(new Uint8Array(32), ascii('ADb'))).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_CHALLENGE' });
    await expect(a.sessionKey(hex('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'), ascii('ADb'))).rejects.toMatchObject({
      code: 'INVALID_CHALLENGE',
    });
  });
});
