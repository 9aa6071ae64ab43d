import type { EncryptedChange, StoredChange } from '#protocol';

/**
 * A ciphertext larger than the relay's per-change limit travels as several changes whose ids say which part of
 * how many they are: `<id>_p<index>of<count>`. The relay sees only more, smaller opaque changes.
 * Base ids are made by the relay client and never end in that pattern.
 */
const PART_PATTERN = /^(.+)_p(\d+)of(\d+)$/;

export function splitIntoParts(id: string, encryptedData: string, maxBytes: number): EncryptedChange[] {
  if (encryptedData.length <= maxBytes) return [{ id, encryptedData }];
  const count = Math.ceil(encryptedData.length / maxBytes);
  return Array.from({ length: count }, (_, index) => ({
    id: `${id}_p${index}of${count}`,
    encryptedData: encryptedData.slice(index * maxBytes, (index + 1) * maxBytes),
  }));
}

/**
 * Returns the whole change once all its parts have arrived (immediately for a change that is not split),
 * holding incomplete ones in `waiting`.
 */
export function joinParts(change: StoredChange, waiting: Map<string, StoredChange[]>): StoredChange | null {
  const match = PART_PATTERN.exec(change.id);
  if (!match) return change;
  const [, base, , countText] = match as unknown as [string, string, string, string];
  const parts = waiting.get(base) ?? [];
  if (!parts.some((part) => part.id === change.id)) parts.push(change);
  if (parts.length < Number(countText)) {
    waiting.set(base, parts);
    return null;
  }
  waiting.delete(base);
  parts.sort((a, b) => partIndex(a.id) - partIndex(b.id));
  return { id: base, version: Math.max(...parts.map((part) => part.version)), encryptedData: parts.map((part) => part.encryptedData).join('') };
}

/** The id of the change a part belongs to; a change that is not split is its own. */
export function wholeIdOf(id: string): string {
  return PART_PATTERN.exec(id)?.[1] ?? id;
}

function partIndex(id: string): number {
  return Number(PART_PATTERN.exec(id)?.[2] ?? 0);
}
