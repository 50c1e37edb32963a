/** Chromium's install offer (not in TypeScript's DOM types). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/**
 * Shows `button` while the browser offers to install the app, and asks the browser to install
 * it on click. Browsers without the offer (Firefox, Safari, incognito) never show it.
 */
export function offerInstall(button: HTMLButtonElement): void {
  let offer: BeforeInstallPromptEvent | null = null;
  addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    offer = event as BeforeInstallPromptEvent;
    button.hidden = false;
  });
  addEventListener('appinstalled', () => {
    offer = null;
    button.hidden = true;
  });
  button.addEventListener('click', async () => {
    const { outcome } = (await offer?.prompt()) ?? { outcome: 'dismissed' };
    if (outcome === 'accepted') button.hidden = true;
  });
}
