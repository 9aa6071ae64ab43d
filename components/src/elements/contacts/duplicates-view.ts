/**
 * Duplicates and merge for `<p2p-contacts>`, loaded the first time someone asks for them: the likely pairs, and
 * for one pair the field-by-field choice of what survives (lists are joined), previewed before merging.
 */
import { html, nothing } from 'lit';
import { MERGE_CHOICE_FIELDS, defaultMergeChoices, mergedFields, type MergeChoiceField, type MergeChoices } from '../../core/contacts/contact-merge.ts';
import { findDuplicates, type DuplicatePair } from '../../core/contacts/contact-duplicates.ts';
import type { Contact } from '../../core/records/records.ts';

export { findDuplicates, defaultMergeChoices };

export interface MergeState {
  survivor: Contact;
  other: Contact;
  choices: MergeChoices;
}

export interface DuplicatesHost {
  pairs: DuplicatePair[];
  merge: MergeState | undefined;
  startMerge(pair: DuplicatePair): void;
  change(): void;
  confirmMerge(): void;
  close(): void;
}

const REASONS = { email: 'same email', phone: 'same phone', name: 'similar name' } as const;
const CHOICE_LABELS: Record<MergeChoiceField, string> = {
  givenName: 'Given name',
  familyName: 'Family name',
  displayName: 'Display name',
  organisation: 'Organisation',
  birthday: 'Birthday',
  notes: 'Notes',
};

const summary = (contact: Contact) => [contact.organisation, contact.emails[0]?.value, contact.phones[0]?.value].filter(Boolean).join(' · ');

export function renderDuplicates(host: DuplicatesHost) {
  return html`
    <section class="duplicates" part="duplicates" aria-labelledby="duplicates-title">
      <header>
        <button class="p2p-button icon back" aria-label="Back to the list" @click=${() => host.close()}>←</button>
        <h2 id="duplicates-title" tabindex="-1">Possible duplicates</h2>
      </header>
      ${host.merge ? renderMerge(host, host.merge) : renderPairs(host)}
    </section>
  `;
}

function renderPairs(host: DuplicatesHost) {
  if (host.pairs.length === 0) return html`<p class="muted">No likely duplicates.</p>`;
  return html`
    <ul class="pairs">
      ${host.pairs.map(
        (pair) => html`
          <li>
            <div>
              <strong>${pair.first.displayName}</strong> <span class="muted">${summary(pair.first)}</span><br />
              <strong>${pair.second.displayName}</strong> <span class="muted">${summary(pair.second)}</span><br />
              <span class="reasons">${pair.reasons.map((reason) => REASONS[reason]).join(', ')}</span>
            </div>
            <button class="p2p-button" aria-label=${`Merge ${pair.first.displayName} and ${pair.second.displayName}`} @click=${() => host.startMerge(pair)}>
              Merge…
            </button>
          </li>
        `,
      )}
    </ul>
  `;
}

function renderMerge(host: DuplicatesHost, merge: MergeState) {
  const { survivor, other, choices } = merge;
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
      aria-label="Merge two contacts"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        host.confirmMerge();
      }}
    >
      <p>
        Keeping <strong>${survivor.displayName}</strong>; <strong>${other.displayName}</strong> is removed and its appointments move to the contact kept.
        <button type="button" class="p2p-button" @click=${swap}>Keep the other one</button>
      </p>
      ${differing.length === 0 ? html`<p class="muted">Their names and details agree.</p>` : nothing}
      ${differing.map(
        (field) => html`
          <fieldset>
            <legend>${CHOICE_LABELS[field]}</legend>
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
                  ${(side === 'survivor' ? survivor : other)[field] || html`<span class="muted">(empty)</span>`}
                </label>
              `,
            )}
          </fieldset>
        `,
      )}
      <p class="muted">
        Joined: ${preview.emails.length} email${preview.emails.length === 1 ? '' : 's'}, ${preview.phones.length}
        phone${preview.phones.length === 1 ? '' : 's'}, ${preview.addresses.length} address${preview.addresses.length === 1 ? '' : 'es'},
        tags ${preview.tags.join(', ') || '—'}.
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
          Cancel
        </button>
        <button type="submit" class="p2p-button primary">Merge</button>
      </div>
    </form>
  `;
}
