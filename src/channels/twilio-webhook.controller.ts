import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { Public } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TwilioParams, TwilioWebhookService } from './twilio-webhook.service';

/**
 * Twilio's callbacks: delivery status and inbound texts. Authenticated by `X-Twilio-Signature`, computed over
 * the public URL Twilio called (PUBLIC_BASE_URL + path and query) and the form parameters.
 */
@ApiTags('messaging callbacks')
@Public()
@Controller('v1/webhooks/twilio')
export class TwilioWebhookController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly service: TwilioWebhookService,
  ) {}

  @Post('status')
  @HttpCode(200)
  @ApiOperation({ summary: 'Twilio delivery status callback (signed); moves a message status forward only' })
  async status(@Req() request: FastifyRequest): Promise<{ ok: true; outcome: string }> {
    const params = this.verified(request);
    return { ok: true, outcome: await this.service.handleStatus(params) };
  }

  @Post('inbound')
  @ApiOperation({
    summary: 'Inbound SMS (signed): STOP/START/HELP, anything else to the chat; answers TwiML',
  })
  async inbound(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = this.verified(request);
    const twiml = await this.service.handleInbound(params);
    await reply.status(200).header('content-type', 'text/xml; charset=utf-8').send(twiml);
  }

  private verified(request: FastifyRequest): TwilioParams {
    const authToken = this.config.sms.authToken;
    if (!authToken) {
      throw new AppException(
        'webhook_not_configured',
        'Twilio is not configured (TWILIO_AUTH_TOKEN is unset)',
      );
    }
    const body = request.body;
    const params: TwilioParams =
      body && typeof body === 'object' && !Buffer.isBuffer(body) ? { ...(body as TwilioParams) } : {};
    const signature = request.headers['x-twilio-signature'];
    const url = `${this.config.http.publicBaseUrl}${request.url}`;
    if (
      typeof signature !== 'string' ||
      !signature ||
      !twilio.validateRequest(authToken, signature, url, params)
    ) {
      // 403 rather than 401: the caller did authenticate, with a signature that does not match.
      throw new AppException(
        'forbidden',
        'invalid_signature: X-Twilio-Signature does not match this request',
      );
    }
    return params;
  }
}
