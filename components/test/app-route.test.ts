import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from '../src/elements/app/app-route.ts';
import { passwordStrength } from '../src/elements/app/password-strength.ts';

describe('the app’s deep links', () => {
  it('reads org, view, date and contact from the query string', () => {
    expect(parseRoute('?org=abc-1&view=contacts&contact=c-9')).toEqual({ org: 'abc-1', view: 'contacts', date: '', contact: 'c-9' });
    expect(parseRoute('?view=calendar&date=2026-11-30')).toMatchObject({ view: 'calendar', date: '2026-11-30' });
  });

  it('falls back to the calendar of the current org for anything it does not understand', () => {
    expect(parseRoute('?view=admin&date=tomorrow&org=%3Cscript%3E')).toEqual({ org: '', view: 'calendar', date: '', contact: '' });
  });

  it('writes back what it reads, leaving out defaults and what the view does not use', () => {
    for (const search of ['?org=o1&view=contacts&contact=c1', '?org=o1&date=2026-01-05', '?view=settings', '']) {
      expect(formatRoute(parseRoute(search))).toBe(search);
    }
    expect(formatRoute({ org: '', view: 'settings', date: '2026-01-05', contact: 'c1' })).toBe('?view=settings');
  });
});

describe('the org password meter', () => {
  it('calls short, common or repetitive passwords weak and long varied ones strong', () => {
    expect(passwordStrength('abc')).toBe('too-short');
    expect(passwordStrength('password123')).toBe('weak');
    expect(passwordStrength('aaaaaaaaaaaaaaaa')).toBe('weak');
    expect(passwordStrength('Apfel7baum')).toBe('fair');
    expect(passwordStrength('correct-Horse-battery-9')).toBe('strong');
  });
});
