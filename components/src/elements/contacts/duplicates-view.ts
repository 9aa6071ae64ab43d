/**
 * Duplicates and merge for `<p2p-contacts>`, loaded the first time someone asks for them: the likely pairs, and
 * for one pair the field-by-field choice of what survives (lists are joined), previewed before merging.
 */
import { html, nothing } from 'lit';
import { MERGE_CHOICE_FIELDS, defaultMergeChoices, mergedFields, type MergeChoiceField, type MergeChoices } from '../../core/contacts/contact-merge.ts';
import { findDuplicates, type DuplicatePair } from '../../core/contacts/contact-duplicates.ts';
import type { Contact } from '../../core/records/records.ts';
import { listFormatter } from '../shared/locale.ts';
import { message, messageParts, plural, type MessageKey } from '../shared/messages.ts';

export { findDuplicates, defaultMergeChoices };

export interface MergeState {
  survivor: Contact;
  other: Contact;
  choices: MergeChoices;
}

export interface DuplicatesHost {
  /** The resolved locale the view speaks. */
  locale: string;
  pairs: DuplicatePair[];
  merge: MergeState | undefined;
  startMerge(pair: DuplicatePair): void;
  change(): void;
  confirmMerge(): void;
  close(): void;
}

const REASONS = { email: 'contacts.reason.email', phone: 'contacts.reason.phone', name: 'contacts.reason.name' } as const satisfies Record<string, MessageKey>;
const CHOICE_LABELS: Record<MergeChoiceField, MessageKey> = {
  givenName: 'contacts.field.givenName',
  familyName: 'contacts.field.familyName',
  displayName: 'contacts.displayName',
  organisation: 'contacts.field.organisation',
  birthday: 'contacts.field.birthday',
  notes: 'contacts.field.notes',
};

const summary = (contact: Contact) => [contact.organisation, contact.emails[0]?.value, contact.phones[0]?.value].filter(Boolean).join(' · ');

export function renderDuplicates(host: DuplicatesHost) {
  return html`
    <section class="duplicates" part="duplicates" aria-labelledby="duplicates-title">
      <header>
        <button class="p2p-button icon back" aria-label=${message(host.locale, 'contacts.back')} @click=${() => host.close()}>←</button>
        <h2 id="duplicates-title" tabindex="-1">${message(host.locale, 'contacts.duplicatesTitle')}</h2>
      </header>
      ${host.merge ? renderMerge(host, host.merge) : renderPairs(host)}
    </section>
  `;
}

function renderPairs(host: DuplicatesHost) {
  const t = (key: MessageKey, params?: Record<string, string>) => message(host.locale, key, params);
  if (host.pairs.length === 0) return html`<p class="muted">${t('contacts.noDuplicates')}</p>`;
  return html`
    <ul class="pairs">
      ${host.pairs.map(
        (pair) => html`
          <li>
            <div>
              <strong>${pair.first.displayName}</strong> <span class="muted">${summary(pair.first)}</span><br />
              <strong>${pair.second.displayName}</strong> <span class="muted">${summary(pair.second)}</span><br />
              <span class="reasons">${listFormatter(host.locale, 'unit').format(pair.reasons.map((reason) => t(REASONS[reason])))}</span>
            </div>
            <button class="p2p-button" aria-label=${t('contacts.mergePair', { first: pair.first.displayName, second: pair.second.displayName })} @click=${() => host.startMerge(pair)}>
              ${t('contacts.mergeStart')}
            </button>
          </li>
        `,
      )}
    </ul>
  `;
}

function renderMerge(host: DuplicatesHost, merge: MergeState) {
  const { survivor, other, choices } = merge;
  const t = (key: MessageKey) => message(host.locale, key);
  const preview = mergedFields(survivor, other, choices);
  const differing = MERGE_CHOICE_FIELDS.filter((field) => (survivor[field] ?? '') !== (other[field] ?? ''));
  const swap = () => {
    merge.survivor = other;
    merge.other = survivor;
    merge.choices = defaultMergeChoices(other, survivor);
    host.change();
  };
  return html`
    <form
      class="merge"
      aria-label=${t('contacts.mergeTitle')}
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        host.confirmMerge();
      }}
    >
      <p>${messageParts(host.locale, 'contacts.keeping', { survivor: html`<strong>${survivor.displayName}</strong>`, other: html`<strong>${other.displayName}</strong>` })}</p>
      <button type="button" class="p2p-button swap" @click=${swap}>${t('contacts.keepOther')}</button>
      ${differing.length === 0 ? html`<p class="muted">${t('contacts.detailsAgree')}</p>` : nothing}
      ${differing.map(
        (field) => html`
          <fieldset>
            <legend>${t(CHOICE_LABELS[field])}</legend>
            ${(['survivor', 'other'] as const).map(
              (side) => html`
                <label class="choice">
                  <input
                    type="radio"
                    name=${field}
                    .checked=${choices[field] === side}
                    @change=${() => {
                      choices[field] = side;
                      host.change();
                    }}
                  />
                  ${(side === 'survivor' ? survivor : other)[field] || html`<span class="muted">${t('contacts.emptyField')}</span>`}
                </label>
              `,
            )}
          </fieldset>
        `,
      )}
      <p class="muted">
        ${message(host.locale, 'contacts.mergeKeeps', {
          emails: plural(host.locale, 'contacts.emails', preview.emails.length),
          phones: plural(host.locale, 'contacts.phones', preview.phones.length),
          addresses: plural(host.locale, 'contacts.addresses', preview.addresses.length),
          tags: preview.tags.length ? listFormatter(host.locale, 'unit').format(preview.tags) : t('contacts.noTags'),
        })}
      </p>
      <div class="actions">
        <button
          type="button"
          class="p2p-button"
          @click=${() => {
            host.merge = undefined;
            host.change();
          }}
        >
          ${t('contacts.cancel')}
        </button>
        <button type="submit" class="p2p-button primary">${t('contacts.merge')}</button>
      </div>
    </form>
  `;
}
