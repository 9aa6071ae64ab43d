/**
 * Permission to show system notifications, asked once per device: when the person first sets a reminder (browsers
 * grant it only in answer to something the person did, and asking on load is what teaches people to say no).
 * `<p2p-reminders>` asks through the core's `reminders.onReminderSet`; an editor elsewhere may call
 * `askNotificationPermission()` from its own save handler.
 */
const ASKED_KEY = 'p2p-clinic.notifications-asked';

export type NotificationSupport = NotificationPermission | 'unsupported';

export function notificationSupport(): NotificationSupport {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

function alreadyAsked(): boolean {
  try {
    return localStorage.getItem(ASKED_KEY) !== null;
  } catch {
    // Storage blocked (a sandboxed frame): asking again is better than never asking.
    return false;
  }
}

function rememberAsked(): void {
  try {
    localStorage.setItem(ASKED_KEY, String(Date.now()));
  } catch {
    // As above: nothing to remember it in.
  }
}

/** Asks for permission unless this device was asked before or has answered; resolves to the permission now held. */
export async function askNotificationPermission(): Promise<NotificationSupport> {
  const support = notificationSupport();
  if (support !== 'default' || alreadyAsked()) return support;
  rememberAsked();
  return Notification.requestPermission();
}
