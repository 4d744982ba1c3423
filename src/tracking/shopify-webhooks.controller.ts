import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { mapOrReject } from './tracking-payload.error';
import { parseShopifyTopic, SHOPIFY_TOPICS } from './shopify.mapper';
import { ShopifyOrdersService, ShopifyResult } from './shopify-orders.service';
import { assertVerified, VerifiedWebhook } from './webhook-verifiers.service';

/** A shop's permanent domain as Shopify names it in `X-Shopify-Shop-Domain` ("my-shop.myshopify.com"). */
const SHOP_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,60}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,60}[a-z0-9])?)+$/i;

/**
 * Shopify as an order source (issue 21): order and fulfillment webhooks, verified by `X-Shopify-Hmac-Sha256` over the
 * raw bytes before parsing (feed-webhook-verifiers.ts), de-duplicated by `X-Shopify-Webhook-Id`, several shops told
 * apart by `X-Shopify-Shop-Domain`.
 */
@ApiTags('webhooks')
@Public()
@Controller('v1/webhooks')
export class ShopifyWebhooksController {
  constructor(private readonly shopify: ShopifyOrdersService) {}

  @Post('shopify')
  @HttpCode(200)
  @ApiHeader({
    name: 'X-Shopify-Hmac-Sha256',
    required: true,
    description: 'base64 HMAC-SHA256 of the raw body',
  })
  @ApiHeader({ name: 'X-Shopify-Topic', required: true, description: SHOPIFY_TOPICS.join(', ') })
  @ApiHeader({ name: 'X-Shopify-Shop-Domain', required: true, description: 'e.g. my-shop.myshopify.com' })
  @ApiHeader({ name: 'X-Shopify-Webhook-Id', required: false, description: 'processed once' })
  @ApiOperation({ summary: 'Shopify orders/*, fulfillments/* and fulfillment_events/create' })
  @VerifiedWebhook('shopify')
  handle(
    @Req() req: FastifyRequest,
    @Headers('x-shopify-topic') topic?: string,
    @Headers('x-shopify-shop-domain') shopDomain?: string,
    @Headers('x-shopify-webhook-id') webhookId?: string,
  ): Promise<ShopifyResult> {
    assertVerified(req, 'shopify');
    if (!topic) throw new AppException('malformed_payload', 'X-Shopify-Topic header is missing');
    const shop = shopDomain?.trim().toLowerCase() ?? '';
    if (!SHOP_DOMAIN.test(shop) || shop.length > 255)
      throw new AppException('malformed_payload', 'X-Shopify-Shop-Domain header is missing or not a domain');
    const id = webhookId?.trim() ? webhookId.trim().slice(0, 255) : null;
    const message = mapOrReject(req.body, (body) => parseShopifyTopic(topic.trim(), body, id));
    return this.shopify.handle(shop, id, message);
  }
}
