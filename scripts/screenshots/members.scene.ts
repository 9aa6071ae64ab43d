/**
 * The org's members and devices (`<p2p-members-dialog>` in the app): two people's devices, the removal
 * confirmation, the removed device's message, a recovery kit made, its printed sheet and a kit refused on restore; and the app's
 * "Relay problem" state with the sync panel listing it.
 */
import type { Device } from '../device-lab/device.ts';
import type { AppPage } from '../../app/test/pages/app-page.ts';
import { clickButton, fillIn, pasteInto, waitForElement, waitForText } from '../../app/test/pages/shadow-query.ts';
import { openApp, PASSWORD } from './app.scene.ts';
import type { Scene, SceneContext } from './scene.ts';

const MEMBERS = ['p2p-app', 'p2p-members-dialog'];
const KIT_PASSPHRASE = 'otters under the bridge';


/** The app on `device`, started on it and signed in to the relay as `name` of the practice. */
async function signedInApp(context: Pick<SceneContext, 'pageUrl' | 'workerUrl'>, device: Device, name: string): Promise<AppPage> {
  const app = await openApp({ ...context, device });
  await app.startOnThisDevice();
  // Each picture has a fresh Worker (run.ts): the account is new to it.
  await app.signUp(`${name}@praxis-am-park.example`, PASSWORD);
  return app;
}

/** The front desk's practice, with no records: every screen here is a dialog over Settings, where none show. */
async function frontDesk(context: Pick<SceneContext, 'pageUrl' | 'workerUrl'>, device: Device): Promise<AppPage> {
  const front = await signedInApp(context, device, 'empfang');
  await front.createOrg('Praxis am Park');
  return front;
}

/** The front desk invites the doctor, who joins on the device photographed. */
async function practiceOfTwo(context: SceneContext): Promise<{ front: AppPage; doctor: AppPage }> {
  const front = await frontDesk(context, await context.newDevice());
  const doctor = await signedInApp(context, context.device, 'dr.weber');
  await doctor.joinInviteFrom(front, PASSWORD, 'Praxis am Park');
  return { front, doctor };
}

/** The front desk's shared practice on `device`, its member list open with a recovery kit made. */
async function kitMadeOn(context: Pick<SceneContext, 'pageUrl' | 'workerUrl'>, device: Device): Promise<{ front: AppPage; kit: string }> {
  const front = await frontDesk(context, device);
  await front.invite(PASSWORD);
  await front.closeDialog('Cancel invite');
  await front.openMembers();
  return { front, kit: await makeKit(front) };
}

/** Makes a recovery kit in the open member list and returns its text. */
async function makeKit(app: AppPage): Promise<string> {
  const { kit, error } = await app.members.makeKit(KIT_PASSPHRASE);
  if (!kit) throw new Error(`no recovery kit: ${error}`);
  return kit;
}

export const scenes: Scene[] = [
  {
    name: 'members-list',
    async setup(context) {
      const { doctor } = await practiceOfTwo(context);
      await doctor.openMembers();
      await doctor.waitForMemberDevices(2);
      // The front desk's device as the doctor's sees it while the two are connected.
      await waitForText(context.device, [...MEMBERS, '.last-seen'], 'Online now');
    },
  },
  {
    name: 'members-remove',
    async setup(context) {
      const { doctor } = await practiceOfTwo(context);
      await doctor.openMembers();
      await doctor.waitForMemberDevices(2);
      await context.device.click([...MEMBERS, '.remove-device']);
      await waitForElement(context.device, [...MEMBERS, '.confirm']);
    },
  },
  {
    name: 'members-removed',
    async setup(context) {
      const { front, doctor } = await practiceOfTwo(context);
      await front.openMembers();
      await front.waitForMemberDevices(2);
      await doctor.openMembers();
      await front.device.click([...MEMBERS, '.remove-device']);
      await front.members.confirmRemoval();
      await doctor.waitForRemovedNotice();
      await doctor.members.waitForNotice('removed from the org');
    },
  },
  {
    name: 'members-recovery-kit',
    async setup(context) {
      await kitMadeOn(context, context.device);
    },
  },
  {
    // The sheet "Print kit" hands to the printer, shown as the page, laid out for print.
    name: 'members-kit-sheet',
    async setup(context) {
      const { front } = await kitMadeOn(context, context.device);
      await front.members.printKit();
      await context.device.evaluate((path) => {
        let root: ParentNode = document;
        for (const selector of path) root = root.querySelector(selector)!.shadowRoot!;
        const sheet = root.querySelector<HTMLIFrameElement>('iframe.kit-print')!.contentDocument!.documentElement;
        document.documentElement.replaceWith(document.importNode(sheet, true));
      }, MEMBERS);
      await context.device.setMediaType('print');
    },
  },
  {
    name: 'members-restore',
    async setup(context) {
      const { kit } = await kitMadeOn(context, await context.newDevice());
      const app = await openApp(context);
      await app.startOnThisDevice();
      await app.openOrgMenu();
      await clickButton(context.device, ['p2p-app', '#org-menu'], 'Restore from a recovery kit…');
      await waitForElement(context.device, [...MEMBERS, 'form.restore']);
      await pasteInto(context.device, [...MEMBERS, 'textarea[name="kit"]'], kit);
      await fillIn(context.device, [...MEMBERS, 'input[name="passphrase"]'], 'otters over the bridge');
      await clickButton(context.device, MEMBERS, 'Restore');
      await waitForText(context.device, [...MEMBERS, '.error'], 'does not open');
    },
  },
  {
    name: 'relay-problem',
    async setup(context) {
      const front = await frontDesk(context, context.device);
      await front.invite(PASSWORD);
      await front.closeDialog('Cancel invite');
      await front.waitForSyncStatus('Synced', 60_000);
      await front.waitForNothingToSend();
      await front.wipeRelayHistory(context.workerUrl);
      // The app finds the new snapshot when it next connects: here, when the page is opened again.
      await front.close();
      await front.open(context.pageUrl, context.workerUrl);
      await front.waitForSyncStatus('Relay problem', 60_000);
      await front.openSyncStatus();
      await waitForElement(context.device, ['p2p-app', '.sync-panel .integrity']);
    },
  },
];
