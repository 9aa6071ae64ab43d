/** Small factories for the ICS and vCard tests: fixture files and a writer that keeps what it is given. */
import { readFileSync } from 'node:fs';

export function interopFixture(name: string): string {
  return readFileSync(new URL(`./fixtures/interop/${name}`, import.meta.url), 'utf8');
}

/** A fixture's bytes, as a file picker hands them over: for files that are not UTF-8 or fold inside a character. */
export function interopFixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(readFileSync(new URL(`./fixtures/interop/${name}`, import.meta.url)));
}

/** A writer that validates nothing, so that a test sees exactly what the importer produced. */
export function collector<Fields>() {
  const written: Fields[] = [];
  return {
    written,
    create(fields: Fields) {
      written.push(fields);
    },
  };
}

/** Turns imported fields into the stored record an exporter takes. */
export function asStored<Fields>(fields: Fields, index: number): Fields & { id: string; createdAt: number; updatedAt: number } {
  return { ...fields, id: `record-${index}`, createdAt: Date.UTC(2024, 0, 1), updatedAt: Date.UTC(2024, 0, 2) };
}
