import { resolveLocale } from '../../components/src/elements/shared/locale.ts';
import { message } from '../../components/src/elements/shared/messages.ts';

/**
 * Registers the service worker and offers a new version instead of forcing it: a new build installs beside the
 * running one and waits (app/src/service-worker.ts); a banner asks, and only "Reload" activates it and reloads,
 * so nothing being typed is lost to an update.
 */
export async function offerUpdates(scriptUrl: string): Promise<void> {
  const registration = await navigator.serviceWorker.register(scriptUrl);
  // Set once the person accepts: the first install also changes the controller (the worker claims the page), and
  // that must not reload anything.
  let accepted = false;
  const offer = (worker: ServiceWorker) =>
    showBanner(() => {
      accepted = true;
      worker.postMessage({ type: 'skip-waiting' });
    });
  // A version that finished installing while no page listened (e.g. in another tab) is waiting already.
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      // With no controller this is the first install, not an update.
      if (installing.state === 'installed' && navigator.serviceWorker.controller) offer(installing);
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (accepted) location.reload();
  });
}

function showBanner(accept: () => void): void {
  if (document.querySelector('#update-offer')) return;
  const banner = document.createElement('div');
  banner.id = 'update-offer';
  banner.setAttribute('role', 'status');
  banner.style.cssText =
    'position:fixed;inset-inline:1rem;bottom:1rem;z-index:30;display:flex;gap:.75rem;align-items:center;justify-content:center;padding:.75rem 1rem;border-radius:6px;background:#1b1f24;color:#fff;font:14px system-ui,sans-serif;box-shadow:0 8px 28px rgb(0 0 0/.3)';
  const text = document.createElement('span');
  // In the browser's language, as the app speaks it.
  const locale = resolveLocale('');
  text.textContent = message(locale, 'app.updateReady');
  const reload = document.createElement('button');
  reload.textContent = message(locale, 'app.updateReload');
  reload.addEventListener('click', accept);
  const later = document.createElement('button');
  later.textContent = message(locale, 'app.updateLater');
  later.addEventListener('click', () => banner.remove());
  banner.append(text, reload, later);
  document.body.append(banner);
}
