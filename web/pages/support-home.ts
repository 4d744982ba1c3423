import { startShell } from '../lib/shell';

// Home and outbox: no data fetched in the browser; the shell runs sign-out and the time zone picker.
startShell();
