import { describe, expect, it } from 'vitest';
import type { DurableObjectMigration } from '../../worker/manifest.ts';
import { migrationsToApply, UnknownMigrationTagError } from '../durable-object-migrations.ts';

function migration(tag: string, ...newSqliteClasses: string[]): DurableObjectMigration {
  return { tag, newSqliteClasses };
}

const MIGRATIONS = [migration('v1', 'A'), migration('v2', 'B'), migration('v3', 'C')];

describe('migrationsToApply', () => {
  it('sends every step and no old tag to a Worker that has none', () => {
    expect(migrationsToApply(MIGRATIONS, undefined)).toEqual({
      newTag: 'v3',
      steps: [{ newSqliteClasses: ['A'] }, { newSqliteClasses: ['B'] }, { newSqliteClasses: ['C'] }],
    });
  });

  it('treats an empty deployed tag as a Worker without migrations', () => {
    expect(migrationsToApply(MIGRATIONS, '')?.steps).toHaveLength(3);
  });

  it('sends the steps after the deployed tag, guarded by that tag', () => {
    expect(migrationsToApply(MIGRATIONS, 'v1')).toEqual({
      oldTag: 'v1',
      newTag: 'v3',
      steps: [{ newSqliteClasses: ['B'] }, { newSqliteClasses: ['C'] }],
    });
  });

  it('sends nothing when the deployed tag is the latest', () => {
    expect(migrationsToApply(MIGRATIONS, 'v3')).toBeUndefined();
  });

  it('refuses a deployed tag the manifest does not know', () => {
    expect(() => migrationsToApply(MIGRATIONS, 'v9')).toThrow(UnknownMigrationTagError);
  });
});
