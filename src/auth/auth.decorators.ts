import { SetMetadata } from '@nestjs/common';
import type { ApiRole } from './api-key.entity';

export const ROLES_KEY = 'wismo:roles';
export const PUBLIC_KEY = 'wismo:public';

/** Routes are closed by default; a route opens to API keys of these roles (`admin` is always allowed). */
export const Roles = (...roles: ApiRole[]) => SetMetadata(ROLES_KEY, roles);

/** Routes that authenticate another way (provider signatures, signed tokens) or are meant to be open. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AuthenticatedKey {
  id: string;
  role: ApiRole;
  label: string;
}
