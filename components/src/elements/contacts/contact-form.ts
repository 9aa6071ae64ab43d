/**
 * The contact form of `<p2p-contacts>`: the fields a person edits, read back into `ContactFields`, and the core's
 * ValidationError shown beside the field it names. Kept apart from the list so the list renders without it.
 */
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Contact, ContactFields, LabeledValue, PostalAddress } from '../../core/records/records.ts';
import type { MessageKey } from '../shared/messages.ts';
import { fieldLabel, refusalText } from '../shared/core-reasons.ts';
import type { ValidationReason } from '../../core/records/validation-error.ts';

/** The element's strings, in its language. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A field the form shows an error for: the core's dotted path (`emails.1.value`) or a plain field name. */
export interface FieldError {
  field: string;
  reason: ValidationReason;
}

export const emptyContactFields = (): ContactFields => ({
  givenName: '',
  familyName: '',
  displayName: '',
  organisation: '',
  emails: [{ label: 'work', value: '' }],
  phones: [{ label: 'mobile', value: '' }],
  addresses: [],
  notes: '',
  tags: [],
});

const emptyAddress = (): PostalAddress => ({ label: 'home', street: '', locality: '', region: '', postalCode: '', country: '' });

/** The stored fields of a contact, for editing; a display name equal to the names is left for the store to derive. */
export function editableFields(contact: Contact): ContactFields {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = contact;
  const derived = `${contact.givenName} ${contact.familyName}`.trim();
  // Copies of the lists, which the form edits in place: the contact's own arrays are the store's.
  return {
    ...fields,
    displayName: contact.displayName === derived ? '' : contact.displayName,
    emails: fields.emails.map((email) => ({ ...email })),
    phones: fields.phones.map((phone) => ({ ...phone })),
    addresses: fields.addresses.map((address) => ({ ...address })),
    tags: [...fields.tags],
  };
}

/** What the person typed, as the store takes it: blank list rows dropped, tags split on commas. */
export function fieldsToSave(draft: ContactFields): ContactFields {
  const filled = (item: LabeledValue) => item.value.trim() !== '';
  const fields: ContactFields = {
    ...draft,
    emails: draft.emails.filter(filled).map((item) => ({ ...item, value: item.value.trim() })),
    phones: draft.phones.filter(filled).map((item) => ({ ...item, value: item.value.trim() })),
    addresses: draft.addresses.filter((address) => [address.street, address.locality, address.postalCode, address.country].some((line) => line.trim() !== '')),
    tags: draft.tags.map((tag) => tag.trim()).filter(Boolean),
  };
  if (!fields.birthday) delete fields.birthday;
  return fields;
}

/**
 * The fields a form changed between opening (`before`) and saving (`after`), both as `fieldsToSave` gives them:
 * saving only these leaves every other field as it is now, including another device's edit made meanwhile.
 */
export function changedFields(before: ContactFields, after: ContactFields): Partial<ContactFields> {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as (keyof ContactFields)[]);
  return Object.fromEntries([...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map((key) => [key, after[key]]));
}

/**
 * The error's path among the form's rows. The store reports list rows by their index after blank rows are dropped,
 * so the index is mapped back to the row the person sees.
 */
export function formFieldOf(error: FieldError, draft: ContactFields): string {
  const match = /^(emails|phones)\.(\d+)(\..*)?$/.exec(error.field);
  if (!match) return error.field;
  const list = match[1] as 'emails' | 'phones';
  const filledRows = draft[list].map((item, index) => ({ item, index })).filter(({ item }) => item.value.trim() !== '');
  const row = filledRows[Number(match[2])]?.index ?? Number(match[2]);
  return `${list}.${row}${match[3] ?? ''}`;
}

const inputId = (field: string) => `field-${field.replace(/\./g, '-')}`;

export interface ContactFormHost {
  draft: ContactFields;
  error: FieldError | undefined;
  isNew: boolean;
  locale: string;
  t: Translate;
  change(): void;
  save(): void;
  cancel(): void;
}

/** The form, bound to `host.draft` (mutated in place as the person types; `host.change()` re-renders). */
export function renderContactForm(host: ContactFormHost) {
  const { draft, error, locale, t } = host;
  const errorField = error ? formFieldOf(error, draft) : undefined;
  const described = (field: string) => (errorField === field || (errorField?.startsWith(`${field}.`) ?? false) ? 'field-error' : nothing);
  const invalid = (field: string) => (described(field) === nothing ? 'false' : 'true');
  const text = (field: 'givenName' | 'familyName' | 'displayName' | 'organisation', label: string, autocomplete: string) => html`
    <label for=${inputId(field)}>${label}</label>
    <input
      id=${inputId(field)}
      name=${field}
      autocomplete=${autocomplete}
      .value=${live(draft[field])}
      aria-invalid=${invalid(field)}
      aria-describedby=${described(field)}
      @input=${(event: InputEvent) => {
        draft[field] = (event.target as HTMLInputElement).value;
      }}
    />
  `;
  const rows = (list: 'emails' | 'phones', label: string, type: string, labels: string[]) => html`
    <fieldset>
      <legend>${label}</legend>
      ${draft[list].map(
        (item, index) => html`
          <div class="row">
            <select
              aria-label=${t('contacts.field.kind', { field: label, number: index + 1 })}
              .value=${live(item.label)}
              @change=${(event: Event) => {
                item.label = (event.target as HTMLSelectElement).value;
              }}
            >
              ${[...new Set([...labels, item.label])].map((option) => html`<option value=${option}>${option || '—'}</option>`)}
            </select>
            <input
              id=${inputId(`${list}.${index}.value`)}
              type=${type}
              aria-label=${t('contacts.field.numbered', { field: label, number: index + 1 })}
              .value=${live(item.value)}
              aria-invalid=${invalid(`${list}.${index}.value`)}
              aria-describedby=${described(`${list}.${index}.value`)}
              @input=${(event: InputEvent) => {
                item.value = (event.target as HTMLInputElement).value;
              }}
            />
            <button
              type="button"
              class="p2p-button icon"
              aria-label=${t('contacts.field.remove', { field: label, number: index + 1 })}
              @click=${() => {
                draft[list].splice(index, 1);
                host.change();
              }}
            >
              ✕
            </button>
          </div>
        `,
      )}
      <button
        type="button"
        class="p2p-button"
        @click=${() => {
          draft[list].push({ label: labels[0]!, value: '' });
          host.change();
        }}
      >
        ${t(type === 'email' ? 'contacts.addEmail' : 'contacts.addPhone')}
      </button>
    </fieldset>
  `;
  return html`
    <form
      class="form"
      part="form"
      novalidate
      aria-label=${t(host.isNew ? 'contacts.newTitle' : 'contacts.editTitle')}
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        host.save();
      }}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') host.cancel();
      }}
    >
      <h2>${t(host.isNew ? 'contacts.newTitle' : 'contacts.editTitle')}</h2>
      ${error
        ? html`<p id="field-error" class="field-error" role="alert">${refusalText(locale, error.field, error.reason, fieldLabel(locale, errorField ?? error.field))}</p>`
        : nothing}
      <div class="grid">
        ${text('givenName', t('contacts.field.givenName'), 'given-name')} ${text('familyName', t('contacts.field.familyName'), 'family-name')}
        ${text('displayName', t('contacts.field.displayName'), 'name')} ${text('organisation', t('contacts.field.organisation'), 'organization')}
      </div>
      ${rows('emails', t('contacts.field.emails'), 'email', ['work', 'home', 'other'])} ${rows('phones', t('contacts.field.phones'), 'tel', ['mobile', 'work', 'home', 'other'])}
      <fieldset>
        <legend>${t('contacts.field.addresses')}</legend>
        ${draft.addresses.map(
          (address, index) => html`
            <div class="address">
              ${(['street', 'postalCode', 'locality', 'country'] as const).map(
                (line) => html`
                  <input
                    aria-label=${t('contacts.addressLine', { number: index + 1, line: t(ADDRESS_LINES[line]) })}
                    placeholder=${t(ADDRESS_LINES[line])}
                    .value=${live(address[line])}
                    @input=${(event: InputEvent) => {
                      address[line] = (event.target as HTMLInputElement).value;
                    }}
                  />
                `,
              )}
            </div>
          `,
        )}
        <button
          type="button"
          class="p2p-button"
          @click=${() => {
            draft.addresses.push(emptyAddress());
            host.change();
          }}
        >
          ${t('contacts.addAddress')}
        </button>
      </fieldset>
      <div class="grid">
        <label for=${inputId('birthday')}>${t('contacts.field.birthday')}</label>
        <input
          id=${inputId('birthday')}
          type="date"
          .value=${live(draft.birthday && !draft.birthday.startsWith('--') ? draft.birthday : '')}
          aria-invalid=${invalid('birthday')}
          aria-describedby=${described('birthday')}
          @input=${(event: InputEvent) => {
            draft.birthday = (event.target as HTMLInputElement).value || undefined;
          }}
        />
        <label for=${inputId('tags')}>${t('contacts.field.tagsHint')}</label>
        <input
          id=${inputId('tags')}
          .value=${live(draft.tags.join(', '))}
          aria-invalid=${invalid('tags')}
          aria-describedby=${described('tags')}
          @input=${(event: InputEvent) => {
            draft.tags = (event.target as HTMLInputElement).value.split(',');
          }}
        />
      </div>
      <label for=${inputId('notes')}>${t('contacts.field.notes')}</label>
      <textarea
        id=${inputId('notes')}
        rows="3"
        .value=${live(draft.notes)}
        aria-invalid=${invalid('notes')}
        aria-describedby=${described('notes')}
        @input=${(event: InputEvent) => {
          draft.notes = (event.target as HTMLTextAreaElement).value;
        }}
      ></textarea>
      <div class="actions">
        <button type="button" class="p2p-button" @click=${() => host.cancel()}>${t('contacts.cancel')}</button>
        <button type="submit" class="p2p-button primary">${t('contacts.save')}</button>
      </div>
    </form>
  `;
}

const ADDRESS_LINES = {
  street: 'contacts.address.street',
  postalCode: 'contacts.address.postalCode',
  locality: 'contacts.address.locality',
  country: 'contacts.address.country',
} as const satisfies Record<string, MessageKey>;

/** Focuses the input the error names, so that a keyboard or screen-reader user lands on it. */
export function focusField(root: ParentNode, field: string): void {
  const [head = ''] = field.split('.');
  const input = root.querySelector<HTMLElement>(`#${inputId(field)}`) ?? root.querySelector<HTMLElement>(`#${inputId(head)}`) ?? root.querySelector<HTMLElement>('#field-givenName');
  input?.focus();
}
