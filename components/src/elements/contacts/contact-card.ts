/** The card of `<p2p-contacts>`: every field of one contact, and their appointments before and after now. */
import { html, nothing } from 'lit';
import { wallClockToInstant } from '../../core/calendar/wall-clock-time.ts';
import type { CalendarEvent, Contact } from '../../core/records/records.ts';
import { formatLocal } from '../shared/locale.ts';
import type { MessageKey } from '../shared/messages.ts';

export interface Appointment {
  event: CalendarEvent;
  /** When it starts, as an instant (ms). */
  startsAt: number;
  /** Its start as a local wall-clock time (ms), for formatting. */
  localStart: number;
}

/** The contact's appointments among `events`: those still to come, soonest first; those past, latest first. */
export function appointmentsOf(contactId: string, events: readonly CalendarEvent[], now: number): { upcoming: Appointment[]; past: Appointment[] } {
  const upcoming: Appointment[] = [];
  const past: Appointment[] = [];
  for (const event of events) {
    if (!event.attendees.includes(contactId)) continue;
    const localStart = Date.parse(event.allDay ? `${event.start}T00:00:00Z` : `${event.start}Z`);
    const startsAt = wallClockToInstant(localStart, event.timeZone);
    (startsAt >= now || event.recurrence ? upcoming : past).push({ event, startsAt, localStart });
  }
  upcoming.sort((a, b) => a.startsAt - b.startsAt);
  past.sort((a, b) => b.startsAt - a.startsAt);
  return { upcoming, past };
}

export interface ContactCardHost {
  locale: string;
  /** The element's strings, in its language. */
  t(key: MessageKey, params?: Record<string, string | number>): string;
  edit(): void;
  remove(): void;
  exportCard(): void;
  newAppointment(): void;
  openAppointment(event: CalendarEvent): void;
  close(): void;
}

const formatBirthday = (birthday: string, locale: string) =>
  birthday.startsWith('--')
    ? formatLocal(Date.parse(`2000${birthday.slice(1)}T00:00:00Z`), locale, { month: 'long', day: 'numeric' })
    : formatLocal(Date.parse(`${birthday}T00:00:00Z`), locale, { dateStyle: 'long' });

export function renderContactCard(host: ContactCardHost, contact: Contact, appointments: ReturnType<typeof appointmentsOf>, readonly: boolean) {
  const { locale, t } = host;
  const when = (appointment: Appointment) =>
    formatLocal(appointment.localStart, locale, appointment.event.allDay ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' });
  const list = (title: string, items: Appointment[], empty: string) => html`
    <section aria-label=${title}>
      <h3>${title}</h3>
      ${items.length === 0
        ? html`<p class="muted">${empty}</p>`
        : html`<ul class="appointments">
            ${items.map(
              (appointment) => html`<li>
                <button class="link" @click=${() => host.openAppointment(appointment.event)}>
                  <span class="when">${when(appointment)}</span> ${appointment.event.title || t('calendar.untitled')}${appointment.event.recurrence ? ` · ${t('contacts.repeats')}` : ''}
                </button>
              </li>`,
            )}
          </ul>`}
    </section>
  `;
  const address = contact.addresses.map((item) => [item.street, [item.postalCode, item.locality].filter(Boolean).join(' '), item.region, item.country].filter(Boolean).join(', '));
  return html`
    <article class="card" part="card" aria-labelledby="card-name">
      <header>
        <button class="p2p-button icon back" aria-label=${t('contacts.back')} @click=${() => host.close()}>←</button>
        <h2 id="card-name" tabindex="-1">${contact.displayName || t('contacts.noName')}</h2>
      </header>
      ${contact.organisation ? html`<p class="muted">${contact.organisation}</p>` : nothing}
      <dl>
        ${contact.emails.map((email) => html`<dt>${email.label || t('contacts.email')}</dt><dd><a href=${`mailto:${email.value}`}>${email.value}</a></dd>`)}
        ${contact.phones.map((phone) => html`<dt>${phone.label || t('contacts.phone')}</dt><dd><a href=${`tel:${phone.value.replace(/[^\d+]/g, '')}`}>${phone.value}</a></dd>`)}
        ${address.map((line, index) => html`<dt>${contact.addresses[index]!.label || t('contacts.address')}</dt><dd>${line}</dd>`)}
        ${contact.birthday ? html`<dt>${t('contacts.birthday')}</dt><dd>${formatBirthday(contact.birthday, locale)}</dd>` : nothing}
        ${contact.tags.length ? html`<dt>${t('contacts.tags')}</dt><dd>${contact.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</dd>` : nothing}
        ${contact.notes ? html`<dt>${t('contacts.notes')}</dt><dd class="notes">${contact.notes}</dd>` : nothing}
      </dl>
      <div class="actions">
        ${readonly
          ? nothing
          : html`<button class="p2p-button primary" @click=${() => host.newAppointment()}>${t('contacts.newAppointment')}</button>
              <button class="p2p-button" @click=${() => host.edit()}>${t('contacts.edit')}</button>
              <button class="p2p-button danger" @click=${() => host.remove()}>${t('contacts.delete')}</button>`}
        <button class="p2p-button" @click=${() => host.exportCard()}>${t('contacts.exportCard')}</button>
      </div>
      ${list(t('contacts.upcoming'), appointments.upcoming, t('contacts.nothingBooked'))} ${list(t('contacts.past'), appointments.past, t('contacts.noPast'))}
    </article>
  `;
}
