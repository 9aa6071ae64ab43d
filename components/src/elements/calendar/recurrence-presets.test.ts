import { describe, expect, it } from 'vitest';
import { presetOfRule, ruleOfPreset } from './recurrence-presets.ts';

describe('recurrence presets', () => {
  it('write rules relative to the first day', () => {
    expect(ruleOfPreset('weekly', '2025-03-31')).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(ruleOfPreset('monthly', '2025-03-09')).toBe('FREQ=MONTHLY;BYMONTHDAY=9');
    expect(ruleOfPreset('none', '2025-03-09')).toBe('');
  });

  it('read a stored rule back as its preset, anything else as custom', () => {
    expect(presetOfRule('FREQ=WEEKLY;BYDAY=MO', '2025-03-31')).toBe('weekly');
    expect(presetOfRule('FREQ=WEEKLY;BYDAY=MO', '2025-04-01')).toBe('custom');
    expect(presetOfRule('freq=daily', '2025-04-01')).toBe('daily');
    expect(presetOfRule('FREQ=DAILY;COUNT=3', '2025-04-01')).toBe('custom');
    expect(presetOfRule(undefined, '2025-04-01')).toBe('none');
  });
});
