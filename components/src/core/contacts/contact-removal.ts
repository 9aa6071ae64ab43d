/**
 * Deleting contacts with an undo. The undo restores the very records (same ids, same fields), so that
 * appointments that name them as attendees point at them again; it is a Yjs undo, scoped to this one removal,
 * so it neither reverts other edits made meanwhile nor anything that arrived from other devices.
 */
import * as Y from 'yjs';
import { recordsMap } from '../records/org-document.ts';
import type { ContactsStore } from './contacts-store.ts';

export interface ContactRemoval {
  /** How many contacts were removed (some may already have gone on another device). */
  readonly removed: number;
  /** Puts the removed contacts back; does nothing the second time. */
  undo(): void;
  /** Forgets the removal once undo is no longer offered. */
  dispose(): void;
}

export function removeContacts(stores: { doc: Y.Doc; contacts: ContactsStore }, ids: readonly string[]): ContactRemoval {
  const { doc, contacts } = stores;
  const origin = Symbol('contact removal');
  const history = new Y.UndoManager(recordsMap(doc, 'contacts'), { trackedOrigins: new Set([origin]), captureTimeout: 0 });
  let removed = 0;
  doc.transact(() => {
    for (const id of ids) if (contacts.remove(id)) removed += 1;
  }, origin);
  let open = true;
  return {
    removed,
    undo() {
      if (!open) return;
      open = false;
      history.undo();
      history.destroy();
    },
    dispose() {
      if (!open) return;
      open = false;
      history.destroy();
    },
  };
}
