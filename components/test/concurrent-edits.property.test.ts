/**
 * Property: devices applying random concurrent edits through the stores, and exchanging their updates in a
 * random order, all end with the same records, and every field edit that no later edit overwrote survives.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contactFields, eventFields, memoryStores } from './core-fixtures.ts';
import type { OrgStores } from '../src/core/org/org-session.ts';
import { seededRandom } from './seeded-random.ts';

interface Device {
  stores: OrgStores;
  /** Updates this device made, in order, for delivery to the others. */
  outbox: Uint8Array[];
}

/** Field edits each device made, as (record, field) → value; a later edit of the same field on any device may win. */
type EditLog = Map<string, { value: unknown; device: number }[]>;

async function runScenario(seed: number): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const devices: Device[] = [];
  for (let index = 0; index < 3; index++) {
    const doc = new Y.Doc();
    const outbox: Uint8Array[] = [];
    // Listen before the stores attach: stamping the schema version is an update the others need too.
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'delivery') outbox.push(update);
    });
    devices.push({ stores: await memoryStores(doc), outbox });
  }
  const log: EditLog = new Map();
  const delivered = devices.map(() => devices.map(() => 0));
  const deliverSome = () => {
    const to = Math.floor(random() * devices.length);
    const from = pick(devices.map((_, index) => index).filter((index) => index !== to));
    const pending = devices[from]!.outbox.length - delivered[to]![from]!;
    const count = Math.ceil(random() * pending);
    // Deliver a random slice in shuffled order: Yjs must cope with updates arriving before their dependencies.
    const batch = devices[from]!.outbox.slice(delivered[to]![from]!, delivered[to]![from]! + count).sort(() => random() - 0.5);
    for (const update of batch) Y.applyUpdate(devices[to]!.stores.doc, update, 'delivery');
    delivered[to]![from]! += count;
  };

  for (let step = 0; step < 150; step++) {
    const deviceIndex = Math.floor(random() * devices.length);
    const { contacts, events } = devices[deviceIndex]!.stores;
    const action = random();
    if (action < 0.15) {
      contacts.create(contactFields({ givenName: `G${seed}-${step}` }));
    } else if (action < 0.3) {
      events.create(eventFields({ title: `T${seed}-${step}` }));
    } else if (action < 0.6 && contacts.list().length > 0) {
      const contact = pick(contacts.list());
      const field = pick(['notes', 'organisation', 'familyName'] as const);
      const value = `${field}-${deviceIndex}-${step}`;
      contacts.update(contact.id, { [field]: value });
      log.set(`contact:${contact.id}:${field}`, [...(log.get(`contact:${contact.id}:${field}`) ?? []), { value, device: deviceIndex }]);
    } else if (action < 0.85 && events.list().length > 0) {
      const event = pick(events.list());
      const field = pick(['title', 'location', 'notes'] as const);
      const value = `${field}-${deviceIndex}-${step}`;
      events.update(event.id, { [field]: value });
      log.set(`event:${event.id}:${field}`, [...(log.get(`event:${event.id}:${field}`) ?? []), { value, device: deviceIndex }]);
    } else {
      deliverSome();
    }
  }
  // Finally everyone hears everything, in a shuffled order.
  for (const to of devices) for (const from of devices) if (to !== from) for (const update of [...from.outbox].sort(() => random() - 0.5)) Y.applyUpdate(to.stores.doc, update, 'delivery');

  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  const snapshots = devices.map(({ stores }) => JSON.stringify({ contacts: [...stores.contacts.list()].sort(byId), events: [...stores.events.list()].sort(byId) }));
  expect(new Set(snapshots).size).toBe(1);
  const [{ stores }] = devices as [Device];
  for (const [key, edits] of log) {
    const [kind, id, field] = key.split(':') as ['contact' | 'event', string, string];
    const record = (kind === 'contact' ? stores.contacts.get(id) : stores.events.get(id)) as unknown as Record<string, unknown> | undefined;
    // The field holds one of the edits made to it (the last one of some device): no edit vanished into another field's.
    expect(record, `${key} lost its record`).toBeDefined();
    const lastPerDevice = new Set(devices.map((_, device) => edits.filter((edit) => edit.device === device).at(-1)?.value).filter(Boolean));
    expect(lastPerDevice.has(record![field]), `${key} = ${String(record![field])}`).toBe(true);
  }
}

describe('concurrent edits through the stores', () => {
  it('leaves every device with identical records and no field edit lost', async () => {
    const firstSeed = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000);
    for (let run = 0; run < 20; run++) {
      const seed = firstSeed + run;
      try {
        await runScenario(seed);
      } catch (error) {
        console.error(`concurrent edits property failed with seed ${seed} (rerun with PROPERTY_SEED=${seed})`);
        throw error;
      }
    }
  });
});
