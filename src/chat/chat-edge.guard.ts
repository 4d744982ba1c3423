import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ChatLimiter } from './chat-rate-limiter';

/** CORS headers for an allowed store origin; none otherwise, so the browser refuses the cross-origin call. */
export function applyChatCors(config: AppConfig, request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || !config.chat.allowedOrigins.includes(origin)) return;
  void reply.header('Access-Control-Allow-Origin', origin);
  void reply.header('Vary', 'Origin');
  void reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
  void reply.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  void reply.header('Access-Control-Expose-Headers', 'Retry-After');
  void reply.header('Access-Control-Max-Age', '600');
}

/**
 * The public chat endpoint's front door: CORS headers and the per-IP rate limit (shared by every API process; the
 * address is the TCP peer unless TRUST_PROXY names the proxy in front). A guard rather than code in the handler
 * because guards run before validation, so a rejected request is still counted and still readable by the store
 * page that sent it.
 */
@Injectable()
export class ChatEdgeGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: ChatLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    applyChatCors(this.config, request, http.getResponse<FastifyReply>());
    const decision = await this.limiter.hitRequest(request.ip);
    if (!decision.allowed) {
      throw new AppException(
        'rate_limited',
        `Too many chat messages; try again in ${decision.retryAfterSeconds} s`,
        {
          retryAfterSeconds: decision.retryAfterSeconds,
        },
      );
    }
    return true;
  }
}
