/**
 * Which events each contact attends, so that a contact's card finds their appointments without reading every
 * event: a busy org's card materialised its 50,000 events to find a handful (docs/benchmarks.md).
 */
export class AttendeeIndex {
  readonly #eventsByContact = new Map<string, Set<string>>();
  readonly #attendeesByEvent = new Map<string, readonly string[]>();

  /** Records an event's attendees as they are now; none for an event removed. */
  update(eventId: string, attendees: readonly string[]): void {
    for (const contactId of this.#attendeesByEvent.get(eventId) ?? []) {
      const events = this.#eventsByContact.get(contactId);
      events?.delete(eventId);
      if (events?.size === 0) this.#eventsByContact.delete(contactId);
    }
    if (attendees.length === 0) {
      this.#attendeesByEvent.delete(eventId);
      return;
    }
    this.#attendeesByEvent.set(eventId, attendees);
    for (const contactId of attendees) {
      let events = this.#eventsByContact.get(contactId);
      if (!events) this.#eventsByContact.set(contactId, (events = new Set()));
      events.add(eventId);
    }
  }

  /** The ids of the events the contact attends, in no particular order. */
  eventsOf(contactId: string): readonly string[] {
    return [...(this.#eventsByContact.get(contactId) ?? [])];
  }
}
