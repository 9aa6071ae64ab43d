/**
 * vCard in and out of `<p2p-contacts>`, loaded on first use: an import from a picked or dropped file, summarised
 * (imported, likely duplicates of contacts already there, refused and why), and an export of all, the selection or
 * one contact as a `.vcf` download.
 */
import { html, nothing } from 'lit';
import { importVcard } from '../../core/interop/vcard-import.ts';
import { exportVcard } from '../../core/interop/vcard-export.ts';
import { findDuplicates } from '../../core/contacts/contact-duplicates.ts';
import type { ImportIssue } from '../../core/interop/import-report.ts';
import type { ContactsStore } from '../../core/contacts/contacts-store.ts';
import type { Contact, ContactFields } from '../../core/records/records.ts';
import { offerDownload } from '../shared/file-download.ts';
import { message, plural } from '../shared/messages.ts';
import { importReasonText } from '../shared/core-reasons.ts';

export interface ContactImportSummary {
  fileName: string;
  imported: number;
  /** Imported contacts that look like one already there (same email or phone, close name). */
  likelyDuplicates: number;
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

export async function importContactsFile(contacts: ContactsStore, file: File): Promise<ContactImportSummary> {
  const before = new Set(contacts.list().map((contact) => contact.id));
  const created = new Set<string>();
  const report = await importVcard(
    {
      create: (fields: ContactFields) => {
        const contact = contacts.create(fields);
        created.add(contact.id);
        return contact;
      },
    },
    file,
  );
  const likelyDuplicates = new Set(
    findDuplicates(contacts.list())
      .filter((pair) => (created.has(pair.first.id) && before.has(pair.second.id)) || (created.has(pair.second.id) && before.has(pair.first.id)))
      .map((pair) => (created.has(pair.first.id) ? pair.first.id : pair.second.id)),
  ).size;
  return { fileName: file.name, imported: report.imported, likelyDuplicates, errors: report.errors, warnings: report.warnings };
}

/** Offers the contacts as a `.vcf` file to save. */
export function downloadVcard(contacts: readonly Contact[], fileName: string): void {
  offerDownload(exportVcard(contacts), 'text/vcard', fileName);
}

/** "Card 4: A contact needs a name, …": which card (its name, or its place in the file), then why. */
function describeIssue(locale: string, issue: ImportIssue): string {
  const reason = importReasonText(locale, issue);
  if (issue.summary) return message(locale, 'contacts.importNamedCard', { name: issue.summary, reason });
  return issue.index === undefined ? reason : message(locale, 'contacts.importCard', { number: issue.index + 1, reason });
}

export function renderImportSummary(summary: ContactImportSummary, locale: string, actions: { reviewDuplicates(): void; close(): void }) {
  const imported = plural(locale, 'contacts.imported', summary.imported);
  return html`
    <section class="import-summary" aria-labelledby="import-title">
      <header>
        <button class="p2p-button icon back" aria-label=${message(locale, 'contacts.back')} @click=${() => actions.close()}>←</button>
        <h2 id="import-title" tabindex="-1">${message(locale, 'contacts.importTitle', { file: summary.fileName })}</h2>
      </header>
      <p role="status">
        ${summary.errors.length
          ? message(locale, 'contacts.importResultRefused', { imported, refused: plural(locale, 'contacts.refused', summary.errors.length) })
          : message(locale, 'contacts.importResult', { imported })}
      </p>
      ${summary.likelyDuplicates
        ? html`<p>${plural(locale, 'contacts.likelyDuplicates', summary.likelyDuplicates)}</p>
            <button class="p2p-button" @click=${() => actions.reviewDuplicates()}>${message(locale, 'contacts.reviewDuplicates')}</button>`
        : nothing}
      ${summary.errors.length
        ? html`<h3>${message(locale, 'contacts.importRefused')}</h3>
            <ul class="issues">
              ${summary.errors.map((issue) => html`<li>${describeIssue(locale, issue)}</li>`)}
            </ul>`
        : nothing}
      ${summary.warnings.length
        ? html`<h3>${message(locale, 'contacts.importWithout')}</h3>
            <ul class="issues">
              ${summary.warnings.map((issue) => html`<li>${describeIssue(locale, issue)}</li>`)}
            </ul>`
        : nothing}
      <div class="actions"><button class="p2p-button primary" @click=${() => actions.close()}>${message(locale, 'contacts.done')}</button></div>
    </section>
  `;
}
