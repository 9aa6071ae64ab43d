/**
 * The layout of an org's Yjs document and its schema version.
 *
 * Layout (version 2): map `meta` holds `schemaVersion`; maps `contacts`, `events` and `resources` hold one nested
 * Y.Map per record, keyed by id, with one entry per field so that concurrent edits of different fields both survive.
 * Fields equal to their default (empty text, empty list, false) are left out: a busy org holds tens of
 * thousands of records, and every entry costs memory and load time on every member's devices.
 *
 * Version 0 is a document from before versioning, whose records were plain JSON objects; merging two edits of
 * one such record kept only one of them. Opening it migrates each record to a nested map.
 *
 * Version 2 added resources (their own map) and each event's `resources`, `status` and `category`. Their
 * defaults (none, 'booked', none) are stored as absent entries, so a version 1 document already reads as one of
 * version 2 with every event booked and booking nothing; the bump is what makes an older app open a document
 * carrying the new fields read-only instead of editing records it does not fully understand.
 */
import * as Y from 'yjs';

export const CURRENT_SCHEMA_VERSION = 2;

export type RecordKind = 'contacts' | 'events' | 'resources';

export const metaMap = (doc: Y.Doc) => doc.getMap<unknown>('meta');
export const recordsMap = (doc: Y.Doc, kind: RecordKind) => doc.getMap<Y.Map<unknown>>(kind);

/** The version the document's data is in; 0 when unversioned. */
export function schemaVersionOf(doc: Y.Doc): number {
  const version = metaMap(doc).get('schemaVersion');
  return typeof version === 'number' ? version : 0;
}

/** Writes refused because the document was written by a newer version of p2p-clinic. */
export class ReadOnlyDocumentError extends Error {
  readonly code = 'DOCUMENT_FROM_NEWER_VERSION';
  constructor(readonly documentVersion: number) {
    super(readOnlyMessage(documentVersion));
    this.name = 'ReadOnlyDocumentError';
  }
}

export function readOnlyMessage(documentVersion: number): string {
  return (
    `This org was saved by a newer version of p2p-clinic (data version ${documentVersion}; this app knows up to ` +
    `${CURRENT_SCHEMA_VERSION}). It is shown read-only so that nothing is lost; update the app to edit it.`
  );
}

/** Writes refused because this device was removed from the org: what it already had stays on it, read only. */
export class RemovedFromOrgError extends Error {
  readonly code = 'REMOVED_FROM_ORG';
  constructor() {
    super(REMOVED_FROM_ORG_MESSAGE);
    this.name = 'RemovedFromOrgError';
  }
}

export const REMOVED_FROM_ORG_MESSAGE =
  'This device was removed from the org. What it already had stays here, read only; nothing written since reaches it.';

/**
 * Documents of orgs this device was removed from (the member list says so, org/org-membership.ts), with what wants
 * to hear of it. Kept on this device only, never in the document: the others must not see it, and the member list
 * says it again every time the org opens.
 */
const removedFrom = new WeakSet<Y.Doc>();
const removalListeners = new WeakMap<Y.Doc, Set<() => void>>();

/** From now on every write to the document is refused with RemovedFromOrgError; its stores tell their listeners. */
export function refuseWritesAfterRemoval(doc: Y.Doc): void {
  if (removedFrom.has(doc)) return;
  removedFrom.add(doc);
  for (const listener of removalListeners.get(doc) ?? []) listener();
}

export function wasRemovedFrom(doc: Y.Doc): boolean {
  return removedFrom.has(doc);
}

/** Calls `listener` once the document's writes are refused after a removal; returns how to stop. */
export function onRemovalFrom(doc: Y.Doc, listener: () => void): () => void {
  const listeners = removalListeners.get(doc) ?? new Set();
  listeners.add(listener);
  removalListeners.set(doc, listeners);
  return () => listeners.delete(listener);
}

/**
 * Refuses writes to the org of a device removed from it, and to a document of a newer schema; checked on every
 * write, as a sync may bring a newer version.
 */
export function assertWritable(doc: Y.Doc): void {
  if (removedFrom.has(doc)) throw new RemovedFromOrgError();
  const version = schemaVersionOf(doc);
  if (version > CURRENT_SCHEMA_VERSION) throw new ReadOnlyDocumentError(version);
}

function migrateFrom0(doc: Y.Doc): void {
  for (const kind of ['contacts', 'events'] as const) {
    const records = recordsMap(doc, kind) as Y.Map<unknown>;
    for (const [id, value] of [...records.entries()]) {
      if (value instanceof Y.Map || typeof value !== 'object' || value === null) continue;
      const record = new Y.Map<unknown>();
      for (const [field, fieldValue] of Object.entries(value)) {
        if (field === 'recurrence' && fieldValue && typeof fieldValue === 'object') {
          for (const [part, partValue] of Object.entries(fieldValue)) record.set(part, partValue);
        } else if (field !== 'id' && fieldValue !== undefined) {
          record.set(field, fieldValue);
        }
      }
      records.set(id, record);
    }
  }
}

/** Nothing to rewrite: version 2's new fields read as their defaults where absent (see above). */
function migrateFrom1(): void {}

/** Migrations by the version they upgrade from; each takes a document one version up. */
const MIGRATIONS: Record<number, (doc: Y.Doc) => void> = { 0: migrateFrom0, 1: migrateFrom1 };

export interface SchemaCheck {
  readOnly: boolean;
  /** Why the document is read-only, for the UI to show; absent when writable. */
  readOnlyReason?: string;
}

/** Brings an older document up to the current version (in one transaction), or reports a newer one as read-only. */
export function prepareDocument(doc: Y.Doc): SchemaCheck {
  const version = schemaVersionOf(doc);
  if (version > CURRENT_SCHEMA_VERSION) return { readOnly: true, readOnlyReason: readOnlyMessage(version) };
  if (version < CURRENT_SCHEMA_VERSION) {
    doc.transact(() => {
      for (let from = version; from < CURRENT_SCHEMA_VERSION; from++) MIGRATIONS[from]!(doc);
      metaMap(doc).set('schemaVersion', CURRENT_SCHEMA_VERSION);
    });
  }
  return { readOnly: false };
}
