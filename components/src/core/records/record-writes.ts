/**
 * A store's write of one record, as a value: the entries it sets (see record-map.ts) or the record's removal. A
 * store makes it in the document at once when the document has loaded. Before that, the write is shown from
 * the records snapshot (records-snapshot.ts), stored beside the document (org-persistence.ts) and made in the
 * document once it has loaded, so that a person can edit while a busy org's document is still loading.
 */
import * as Y from 'yjs';
import { recordsMap, type RecordKind } from './org-document.ts';
import { isDefault, writeFields } from './record-map.ts';
import type { SnapshotRecords } from './records-snapshot.ts';

export interface RecordWrite {
  kind: RecordKind;
  id: string;
  /** `create` makes a record of the entries, `update` writes them into the record, `remove` removes it. */
  action: 'create' | 'update' | 'remove';
  /** Every entry of a new record, or the entries an update changes; absent for a removal. */
  entries?: Record<string, unknown>;
}

const KINDS: readonly RecordKind[] = ['contacts', 'events', 'resources'];
const ACTIONS: readonly RecordWrite['action'][] = ['create', 'update', 'remove'];

/** Whether a value read back from the device's storage is a write this code made. */
export function isRecordWrite(value: unknown): value is RecordWrite {
  if (typeof value !== 'object' || value === null) return false;
  const write = value as Partial<RecordWrite>;
  return (
    KINDS.includes(write.kind as RecordKind) &&
    typeof write.id === 'string' &&
    ACTIONS.includes(write.action as RecordWrite['action']) &&
    (write.action === 'remove' || (typeof write.entries === 'object' && write.entries !== null))
  );
}

/** Makes the write in the document; call inside a transaction to group it with others. */
export function makeRecordWrite(doc: Y.Doc, write: RecordWrite): void {
  const records = recordsMap(doc, write.kind);
  if (write.action === 'remove') {
    records.delete(write.id);
  } else if (write.action === 'create') {
    const record = new Y.Map<unknown>();
    records.set(write.id, record);
    writeFields(record, write.entries!);
  } else {
    // Gone only if another device removed it, and a removal wins over an edit in the document too.
    const record = records.get(write.id);
    if (record instanceof Y.Map) writeFields(record, write.entries!);
  }
}

/** Makes the write in a records snapshot's copy of the records, as the document would hold it. */
export function makeRecordWriteInSnapshot(records: SnapshotRecords, write: RecordWrite): void {
  if (write.action === 'remove') {
    records.delete(write.id);
    return;
  }
  const before = write.action === 'create' ? undefined : records.get(write.id);
  if (write.action === 'update' && !before) return;
  // A copy: the stores freeze what they read, and the document is handed the write's own values later.
  const entries: Record<string, unknown> = { ...before };
  for (const [key, value] of Object.entries(structuredClone(write.entries!))) {
    if (isDefault(value)) delete entries[key];
    else entries[key] = value;
  }
  records.set(write.id, entries);
}
