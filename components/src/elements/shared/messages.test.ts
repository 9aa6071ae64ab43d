import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadMessages, message, messageParts, plural, registerMessages } from './messages.ts';

describe('message table', () => {
  beforeAll(() => Promise.all([loadMessages('de'), loadMessages('ar')]));

  it('brings German and Arabic on first use, in English until they have loaded, strings a host registered first', async () => {
    vi.resetModules();
    const fresh = await import('./messages.ts');
    fresh.registerMessages('de', { 'calendar.next': 'Weiter!' });
    expect(fresh.message('de-DE', 'calendar.today')).toBe('Today');
    await fresh.loadMessages('de-DE');
    expect(fresh.message('de-DE', 'calendar.today')).toBe('Heute');
    expect(fresh.message('de-DE', 'calendar.next')).toBe('Weiter!');
    expect(fresh.message('ar-EG', 'calendar.today')).toBe('Today');
    await fresh.loadMessages('ar');
    expect(fresh.message('ar-EG', 'calendar.today')).toBe('اليوم');
  });

  it('fills placeholders, formatting counts for the locale', () => {
    expect(message('en-US', 'calendar.more', { count: 1200 })).toBe('+1,200 more');
    expect(message('de-DE', 'calendar.more', { count: 1200 })).toBe('+1.200 weitere');
  });

  it('speaks German and Arabic, and takes a format no language needs its own of from English', () => {
    expect(message('de-AT', 'calendar.today')).toBe('Heute');
    expect(message('ar-EG', 'calendar.today')).toBe('اليوم');
    expect(message('ar-EG', 'reminders.label')).toBe('التذكيرات');
    expect(message('de-CH', 'members.kitsReplaced', { date: '3. März 2026' })).toContain('am 3. März 2026 zu einem neuen Schlüssel');
    expect(message('ar-EG', 'members.removeDevice')).toBe('إزالة الجهاز');
    expect(message('ar-EG', 'calendar.showing', { view: 'أسبوع', range: '1–7' })).toBe('أسبوع: 1–7');
  });

  it('looks a locale up, then its language, then English', () => {
    registerMessages('xx', { 'calendar.today': 'Xday', 'calendar.next': 'Xnext' });
    registerMessages('xx-YY', { 'calendar.today': 'XYday' });
    expect(message('xx-YY', 'calendar.today')).toBe('XYday');
    expect(message('xx-YY', 'calendar.next')).toBe('Xnext');
    expect(message('xx-YY', 'calendar.previous')).toBe('Previous');
  });

  it('chooses the plural form by the language’s rules: one and other in English and German, six forms in Arabic', () => {
    expect(plural('en-GB', 'app.relayVersions', 1)).toBe('1 version of history');
    expect(plural('en-GB', 'app.relayVersions', 1200)).toBe('1,200 versions of history');
    expect(plural('de-DE', 'org.wrongPassword', 1)).toBe('Falsches Passwort. Noch 1 Versuch.');
    expect(plural('de-DE', 'org.wrongPassword', 2)).toBe('Falsches Passwort. Noch 2 Versuche.');
    expect(plural('ar-EG', 'org.wrongPassword', 2)).toBe('كلمة مرور خاطئة. بقيت محاولتان.');
    expect(plural('ar-EG', 'org.wrongPassword', 3)).toBe('كلمة مرور خاطئة. بقيت ٣ محاولات.');
    expect(plural('ar-EG', 'org.wrongPassword', 11)).toBe('كلمة مرور خاطئة. بقيت ١١ محاولة.');
  });

  it('falls back to the other form, then to English, for a plural form a language lacks', () => {
    registerMessages('yy', { 'contacts.imported.other': '{count} Y' });
    expect(plural('yy', 'contacts.imported', 1)).toBe('1 Y');
    expect(plural('fr-FR', 'contacts.imported', 2)).toBe('2 contacts imported');
  });

  it('puts given parts in a sentence’s places, for markup inside it', () => {
    const name = { bold: 'Ada' };
    expect(messageParts('en', 'org.leave', { org: name })).toEqual(['Leave ', name, '']);
    expect(messageParts('de', 'org.leave', { org: name })).toEqual(['', name, ' verlassen']);
  });
});
