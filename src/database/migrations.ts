import { Initial1795483032609 } from './migrations/1795483032609-initial';
/** Every migration in order; `npm run migration:generate` appends to this list. */
export const MIGRATIONS: Function[] = [Initial1795483032609];
