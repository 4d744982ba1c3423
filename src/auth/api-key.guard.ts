import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppException } from '../common/app.exception';
import type { ApiRole } from './api-key.entity';
import { ApiKeyService } from './api-key.service';
import { AuthenticatedKey, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

export type AuthenticatedRequest = FastifyRequest & { apiKey?: AuthenticatedKey };

/** Global guard: 401 without a known key, 403 with a key of the wrong role. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<ApiRole[]>(ROLES_KEY, targets) ?? ['admin'];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = await this.keyFrom(request);
    if (!key)
      throw new AppException('unauthorized', 'A valid API key is required: Authorization: Bearer <key>');
    if (key.role !== 'admin' && !roles.includes(key.role)) {
      throw new AppException(
        'forbidden',
        `This API key's role (${key.role}) cannot do this; needs ${roles.join(' or ')}`,
      );
    }
    request.apiKey = key;
    return true;
  }

  async keyFrom(request: FastifyRequest): Promise<AuthenticatedKey | null> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S{8,200})$/i.exec(header) : null;
    if (!match) return null;
    return this.apiKeys.authenticate(match[1]);
  }
}
