import { describe, expect, it } from 'vitest';
import { message, registerMessages } from './messages.ts';

describe('message table', () => {
  it('fills placeholders, formatting counts for the locale', () => {
    expect(message('en-US', 'calendar.more', { count: 1200 })).toBe('+1,200 more');
    expect(message('de-DE', 'calendar.more', { count: 1200 })).toBe('+1.200 weitere');
  });

  it('speaks German and Arabic in the calendar, English where a language has no string', () => {
    expect(message('de-AT', 'calendar.today')).toBe('Heute');
    expect(message('ar-EG', 'calendar.today')).toBe('اليوم');
    expect(message('ar-EG', 'reminders.label')).toBe('Reminders');
  });

  it('looks a locale up, then its language, then English', () => {
    registerMessages('xx', { 'calendar.today': 'Xday', 'calendar.next': 'Xnext' });
    registerMessages('xx-YY', { 'calendar.today': 'XYday' });
    expect(message('xx-YY', 'calendar.today')).toBe('XYday');
    expect(message('xx-YY', 'calendar.next')).toBe('Xnext');
    expect(message('xx-YY', 'calendar.previous')).toBe('Previous');
  });
});
