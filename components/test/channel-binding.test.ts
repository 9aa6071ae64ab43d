/** The DTLS fingerprints the invite's PAKE is bound to, read from SDP as Chromium and Firefox write it. */
import { describe, expect, it } from 'vitest';
import { channelBindingOf, sdpFingerprints } from '../src/core/sync/channel-binding.ts';

const CHROMIUM_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=fingerprint:sha-256 1D:8E:5A:20:C8:0B:0B:C4:2E:B9:64:37:A6:4C:1F:0A:52:32:49:07:0C:8C:46:0E:4D:F1:5E:D8:95:37:4A:10',
  'a=setup:actpass',
  '',
].join('\r\n');

/** Firefox writes the fingerprint at session level, and may list more than one algorithm. */
const FIREFOX_FINGERPRINTS = [
  'a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
  'a=fingerprint:sha-1 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD',
];
const firefoxSdp = (fingerprints: string[]) =>
  ['v=0', 'o=mozilla...THIS_IS_SDPARTA-115.0 2917305290125476338 0 IN IP4 0.0.0.0', 's=-', 't=0 0', ...fingerprints, 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', ''].join(
    '\r\n',
  );
const FIREFOX_SDP = firefoxSdp(FIREFOX_FINGERPRINTS);

describe('channel binding', () => {
  it("reads a description's fingerprint line, lower-cased", () => {
    expect(sdpFingerprints(CHROMIUM_SDP)).toBe('sha-256 1d:8e:5a:20:c8:0b:0b:c4:2e:b9:64:37:a6:4c:1f:0a:52:32:49:07:0c:8c:46:0e:4d:f1:5e:d8:95:37:4a:10');
  });

  it('gives the same text whatever the order and case of several fingerprint lines', () => {
    const reordered = firefoxSdp([FIREFOX_FINGERPRINTS[1]!.toLowerCase(), FIREFOX_FINGERPRINTS[0]!]);
    expect(sdpFingerprints(reordered)).toBe(sdpFingerprints(FIREFOX_SDP));
    expect(sdpFingerprints(FIREFOX_SDP).split(',')).toHaveLength(2);
  });

  it("tells two certificates' descriptions apart", () => {
    expect(sdpFingerprints(CHROMIUM_SDP)).not.toBe(sdpFingerprints(CHROMIUM_SDP.replace('1D:8E', '1D:8F')));
  });

  it('binds a connection only once both descriptions carry a fingerprint', () => {
    const description = (sdp: string) => ({ sdp, type: 'offer' }) as RTCSessionDescription;
    expect(channelBindingOf({ localDescription: description(CHROMIUM_SDP), remoteDescription: null })).toBeNull();
    expect(channelBindingOf({ localDescription: description(CHROMIUM_SDP), remoteDescription: description('v=0\r\n') })).toBeNull();
    expect(channelBindingOf({ localDescription: description(CHROMIUM_SDP), remoteDescription: description(FIREFOX_SDP) })).toEqual({
      local: sdpFingerprints(CHROMIUM_SDP),
      remote: sdpFingerprints(FIREFOX_SDP),
    });
  });
});
