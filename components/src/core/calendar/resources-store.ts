/** The resources of an org (practitioners, rooms, equipment) that events book, over its Yjs document. */
import type * as Y from 'yjs';
import { RecordStore, type SnapshotServing } from '../records/record-store.ts';
import { readNumber, readString, type RecordEntries } from '../records/record-map.ts';
import { RESOURCE_KINDS, validateResourceFields } from './resource-validation.ts';
import type { Resource, ResourceFields, ResourceKind } from '../records/records.ts';

/** What a record whose kind was written by a newer or broken peer reads as. */
const FALLBACK_KIND: ResourceKind = 'equipment';
const FALLBACK_COLOR = '#777777';

export class ResourcesStore extends RecordStore<ResourceFields, Resource> {
  readonly #collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  constructor(doc: Y.Doc, snapshot?: SnapshotServing) {
    super(doc, 'resources', 'resource', snapshot);
  }

  protected override validate(input: unknown): ResourceFields {
    return validateResourceFields(input);
  }

  protected override toEntries(fields: ResourceFields): Record<string, unknown> {
    return { ...fields };
  }

  protected override fieldsOf(resource: Resource): ResourceFields {
    return { name: resource.name, kind: resource.kind, color: resource.color };
  }

  protected override materialise(id: string, record: RecordEntries): Resource {
    const kind = readString(record, 'kind') as ResourceKind;
    const color = readString(record, 'color');
    return {
      id,
      name: readString(record, 'name'),
      kind: RESOURCE_KINDS.includes(kind) ? kind : FALLBACK_KIND,
      color: /^#[0-9a-f]{6}$/.test(color) ? color : FALLBACK_COLOR,
      createdAt: readNumber(record, 'createdAt'),
      updatedAt: readNumber(record, 'updatedAt'),
    };
  }

  /** Practitioners first, then rooms, then equipment, each by name: the order of a resource day view's columns. */
  protected override compare(a: Resource, b: Resource): number {
    return RESOURCE_KINDS.indexOf(a.kind) - RESOURCE_KINDS.indexOf(b.kind) || this.#collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1);
  }

  /** Nothing to keep up to date: an org has tens of resources, which views list whole. */
  protected override reindex(): void {}
}
