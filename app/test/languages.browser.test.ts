/**
 * The app in the person's language: `<p2p-app locale>` (or the browser's language) reaches every screen, its
 * dialogs, the sentences it builds and the core's reasons it words, with counts in the plural form the language's
 * rules choose.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../scripts/device-lab/axe.ts';
import type { P2PApp } from '../../components/src/elements/app/app.ts';
import { openApp, type AppPage } from './pages/app-page.ts';
import { clickButton, fillIn, textsIn, waitForElement, waitForText } from './pages/shadow-query.ts';

const lab = useDeviceLab();

/** Three cards a person's address book might hold, the last one with nothing to name it by. */
const VCARDS = [
  ['BEGIN:VCARD', 'VERSION:4.0', 'FN:Ada Lovelace', 'N:Lovelace;Ada;;;', 'END:VCARD'],
  ['BEGIN:VCARD', 'VERSION:4.0', 'FN:Grace Hopper', 'N:Hopper;Grace;;;', 'END:VCARD'],
  ['BEGIN:VCARD', 'VERSION:4.0', 'FN:Hedy Lamarr', 'N:Lamarr;Hedy;;;', 'END:VCARD'],
  ['BEGIN:VCARD', 'VERSION:4.0', 'EMAIL:not an address', 'END:VCARD'],
];
const vcardFile = (cards: string[][]) => [...cards.flat(), ''].join('\r\n');

async function appIn(locale: string): Promise<AppPage> {
  const app = await openApp(lab);
  await app.device.evaluate((locale) => {
    (document.querySelector('p2p-app') as P2PApp).locale = locale;
  }, locale);
  return app;
}

/** The contacts view, reached by its place in the tabs, whatever they are called. */
async function openContacts(app: AppPage): Promise<void> {
  await app.device.click(['p2p-app', 'nav a:nth-of-type(2)']);
  await app.contacts.ready();
}

describe('the app in the person’s language', () => {
  it('speaks German from the first screen and the device’s own org to the org dialog, the import summary and the core’s reasons', async () => {
    const app = await appIn('de-DE');
    await waitForText(app.device, ['p2p-app', '.onboarding h1'], 'Willkommen bei P2P Clinic');
    await app.startOnThisDevice();
    expect(await textsIn(app.device, ['p2p-app', 'nav a'])).toEqual(['Kalender', 'Kontakte', 'Erinnerungen', 'Einstellungen']);
    // The device's own org, named by the core in English, is shown in German until someone renames it.
    await app.waitForOrg('Persönlich');

    await app.openOrgMenu();
    await clickButton(app.device, ['p2p-app', '#org-menu'], 'Neue Organisation…');
    await waitForText(app.device, ['p2p-app', 'p2p-org-dialog', 'label'], 'Name');
    expect(await textsIn(app.device, ['p2p-app', 'p2p-org-dialog', 'button[type="submit"]'])).toEqual(['Anlegen']);
    await fillIn(app.device, ['p2p-app', 'p2p-org-dialog', 'input[name="name"]'], 'Praxis am Park');
    await app.device.keyboard.press('Enter');
    await app.waitForOrg('Praxis am Park');

    await openContacts(app);
    await app.contacts.dropFile('adressen.vcf', vcardFile([VCARDS[0]!, VCARDS[1]!, VCARDS[3]!]));
    await waitForText(app.device, app.contacts.at('.import-summary [role="status"]'), '2 Kontakte importiert, 1 Karte abgelehnt.');
    await waitForText(app.device, app.contacts.at('.import-summary h2'), 'adressen.vcf importiert');
    // Why the card was refused: the core's code and data, worded in German.
    await waitForText(
      app.device,
      app.contacts.at('.import-summary .issues li'),
      'Karte 3: Ein Kontakt braucht einen Namen, eine Organisation, eine E-Mail-Adresse oder eine Telefonnummer.',
    );
    await expectNoAxeViolations(app.device, ['p2p-app', 'p2p-contacts']);

    await clickButton(app.device, app.contacts.root, 'Fertig');
    await app.contacts.clickButton('Neuer Kontakt');
    await app.contacts.fill('field-givenName', 'Rosa');
    await app.contacts.fill('field-emails-0-value', 'rosa at example');
    await app.device.keyboard.press('Enter');
    await app.contacts.waitForError('E-Mail 1 ist keine E-Mail-Adresse.');
  });

  it('counts in Arabic by its own plural rules: two, then three to ten', async () => {
    const app = await appIn('ar-EG');
    await app.startOnThisDevice();
    await openContacts(app);
    await app.contacts.dropFile('two.vcf', vcardFile([VCARDS[0]!, VCARDS[1]!]));
    await waitForText(app.device, app.contacts.at('.import-summary [role="status"]'), 'تم استيراد جهتي اتصال.');
    await clickButton(app.device, app.contacts.root, 'تم');
    await app.contacts.dropFile('three.vcf', vcardFile([VCARDS[2]!, VCARDS[0]!, VCARDS[1]!]));
    await waitForText(app.device, app.contacts.at('.import-summary [role="status"]'), 'تم استيراد ٣ جهات اتصال.');
    await waitForElement(app.device, app.contacts.at('.import-summary button'));
    await expectNoAxeViolations(app.device, ['p2p-app', 'p2p-contacts']);
  });
});
