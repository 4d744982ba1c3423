/**
 * The support shell (views/layouts/support.hbs) in the browser: sign-in with an API key, sign-out, the time zone
 * picker, and the one API client. Every support page's script starts with `startShell()`; a page whose view asks
 * for sign-in (`data-sign-in="required"` on <body>) gets its `onSignedIn` callback once the key is accepted.
 *
 * The key lives in sessionStorage under ONE name for every page, so one sign-in serves them all and it is gone
 * when the tab closes. It is stored only once the server accepted it, so a wrong key never lingers.
 */
import { type ApiClient, ApiError, createApiClient } from './api.client';
import { chooseTimeZone, chosenTimeZone, formatDateTime, timeZoneChoices } from './dates';
import { byId } from './dom';

export const API_KEY_STORAGE = 'wismo.apiKey';

export interface Shell {
  api: ApiClient;
  signOut(message?: string): void;
}

export interface ShellOptions {
  /** Runs each time the person is signed in (at load with a kept key, or after the form). */
  onSignedIn?: (shell: Shell) => void | Promise<void>;
  /** Runs after the time zone changed, so the page can redraw its dates. */
  onTimeZoneChange?: () => void;
}

export function startShell(options: ShellOptions = {}): Shell {
  const needsKey = document.body.dataset.signIn === 'required';
  let key: string | null = readKey();
  const api = createApiClient(
    () => key,
    (status) =>
      signOut(
        status === 403
          ? 'That key needs the support or admin role.'
          : 'That key was not recognised. Sign in again.',
      ),
  );
  const shell: Shell = { api, signOut };
  const signOutButton = byId<HTMLButtonElement>('sign-out');
  const main = byId('main');

  setUpTimeZonePicker(options.onTimeZoneChange);
  signOutButton.hidden = !key;
  signOutButton.addEventListener('click', () => signOut('Signed out.'));

  if (!needsKey) return shell;

  const form = byId<HTMLFormElement>('sign-in-form');
  const input = byId<HTMLInputElement>('api-key');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = input.value.trim();
    if (!typed) {
      showSignIn('Enter an API key.');
      return;
    }
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    key = typed;
    api
      .get('/v1/admin/session')
      .then(
        () => {
          storeKey(typed);
          input.value = '';
          enter();
        },
        (err: unknown) => {
          key = null;
          if (!(err instanceof ApiError && err.signedOut)) showSignIn(messageOf(err));
        },
      )
      .finally(() => {
        if (button) button.disabled = false;
      });
  });

  if (key) {
    // A kept key is checked once: it may have been revoked since.
    api.get('/v1/admin/session').then(enter, (err: unknown) => {
      if (!(err instanceof ApiError && err.signedOut)) showSignIn(`Sign in again: ${messageOf(err)}`);
    });
  } else {
    showSignIn();
  }
  return shell;

  function enter(): void {
    byId('sign-in').hidden = true;
    main.hidden = false;
    signOutButton.hidden = false;
    void options.onSignedIn?.(shell);
  }

  function showSignIn(message?: string): void {
    byId('sign-in').hidden = false;
    main.hidden = true;
    signOutButton.hidden = true;
    const error = byId('sign-in-error');
    error.hidden = !message;
    error.textContent = message ?? '';
    input.focus();
  }

  function signOut(message?: string): void {
    key = null;
    try {
      sessionStorage.removeItem(API_KEY_STORAGE);
    } catch {
      // storage blocked: nothing was kept
    }
    if (needsKey) showSignIn(message);
    else signOutButton.hidden = true;
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function readKey(): string | null {
  try {
    return sessionStorage.getItem(API_KEY_STORAGE);
  } catch {
    return null;
  }
}

function storeKey(key: string): void {
  try {
    sessionStorage.setItem(API_KEY_STORAGE, key);
  } catch {
    // storage blocked: signed in for this page only
  }
}

/** Fills the header's zone picker and rewrites every server-rendered <time datetime> in the chosen zone. */
function setUpTimeZonePicker(onChange?: () => void): void {
  const select = byId<HTMLSelectElement>('shell-time-zone');
  const current = chosenTimeZone();
  for (const zone of timeZoneChoices()) {
    const option = document.createElement('option');
    option.value = zone;
    option.textContent = zone.replace(/_/g, ' ');
    option.selected = zone === current;
    select.appendChild(option);
  }
  const redrawTimes = () => {
    for (const time of document.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
      time.textContent = formatDateTime(time.dateTime);
    }
  };
  redrawTimes();
  select.addEventListener('change', () => {
    chooseTimeZone(select.value);
    redrawTimes();
    onChange?.();
  });
}
