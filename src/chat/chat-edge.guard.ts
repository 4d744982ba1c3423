import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SlidingWindowRateLimiter } from './chat-rate-limiter';

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
 * The public chat endpoint's front door: CORS headers and the per-IP rate limit. A guard rather than code in the
 * handler because guards run before validation, so a rejected request is still counted and still readable by
 * the store page that sent it.
 */
@Injectable()
export class ChatEdgeGuard implements CanActivate {
  private readonly limiter: SlidingWindowRateLimiter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.limiter = new SlidingWindowRateLimiter(config.chat.rateLimitPerMinute);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    applyChatCors(this.config, request, http.getResponse<FastifyReply>());
    const decision = this.limiter.hit(request.ip);
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
