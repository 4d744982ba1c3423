import { NOTIFICATION_TYPES } from '../shared/notification.types';
import {
  sampleVariables,
  TEMPLATE_VARIABLES,
  templateVariablesFor,
  toTemplateEta,
  toTemplatePickup,
} from './template-variables';

function lookup(root: unknown, dotted: string): { found: boolean; value?: unknown; nullParent?: boolean } {
  let node = root;
  for (const part of dotted.split('.')) {
    if (node === null) return { found: true, nullParent: true };
    if (typeof node !== 'object' || !(part in (node as object))) return { found: false };
    node = (node as Record<string, unknown>)[part];
  }
  return { found: true, value: node };
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leafPaths(child, prefix ? `${prefix}.${key}` : key),
  );
}

describe('template variables', () => {
  it.each(NOTIFICATION_TYPES)('declares a consistent schema for %s', (type) => {
    const names = TEMPLATE_VARIABLES[type].map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      const parent = name.split('.').slice(0, -1).join('.');
      if (parent) expect(names).toContain(parent);
    }
    for (const d of TEMPLATE_VARIABLES[type]) expect(d.description.length).toBeGreaterThan(5);
  });

  it.each(NOTIFICATION_TYPES)('has sample data for every %s variable, null only where allowed', (type) => {
    for (const channel of ['sms', 'email'] as const) {
      const sample = sampleVariables(type, { channel });
      for (const d of templateVariablesFor(type, channel)) {
        const result = lookup(sample, d.name);
        expect({ name: d.name, found: result.found }).toEqual({ name: d.name, found: true });
        if (!result.nullParent && result.value === null)
          expect({ name: d.name, nullable: d.nullable }).toEqual({ name: d.name, nullable: true });
      }
    }
  });

  it('documents every value the context carries', () => {
    const declared = new Set(
      NOTIFICATION_TYPES.flatMap((type) => TEMPLATE_VARIABLES[type].map((d) => d.name)),
    );
    for (const type of NOTIFICATION_TYPES) {
      for (const path of leafPaths(sampleVariables(type)))
        expect({ path, declared: declared.has(path) }).toEqual({ path, declared: true });
    }
  });

  it('offers type-specific variables only where they make sense', () => {
    const names = (type: (typeof NOTIFICATION_TYPES)[number]) =>
      templateVariablesFor(type).map((d) => d.name);
    expect(names('available_for_pickup')).toEqual(
      expect.arrayContaining(['shipment.pickup.name', 'shipment.pickup.deadline']),
    );
    expect(names('shipped')).not.toContain('shipment.pickup');
    expect(names('exception')).toContain('shipment.reason');
    expect(names('delayed')).toEqual(expect.arrayContaining(['shipment.previousEta', 'shipment.reason']));
    expect(names('delivered')).toEqual(
      expect.arrayContaining(['shipment.collectedAtPickup', 'shipment.deliveredAt']),
    );
  });

  it('keeps email-only variables out of SMS', () => {
    const sms = templateVariablesFor('shipped', 'sms').map((d) => d.name);
    expect(sms).not.toContain('unsubscribeUrl');
    expect(templateVariablesFor('shipped', 'email').map((d) => d.name)).toContain('unsubscribeUrl');
    expect(sampleVariables('shipped', { channel: 'sms' }).unsubscribeUrl).toBeNull();
    expect(sampleVariables('shipped', { channel: 'email' }).unsubscribeUrl).toMatch(/^https:\/\//);
  });

  it('builds samples per locale and zone', () => {
    const sample = sampleVariables('out_for_delivery', { locale: 'de', timeZone: 'Asia/Tokyo' });
    expect(sample).toMatchObject({
      locale: 'de',
      timeZone: 'Asia/Tokyo',
      shipment: { status: 'out_for_delivery' },
    });
    expect(sample.shipment.trackingUrl?.length).toBeGreaterThanOrEqual(45);
  });

  it('normalises tracking ETAs and pickup points into always-keyed objects', () => {
    expect(toTemplateEta({ date: '2026-05-12' })).toEqual({
      date: '2026-05-12',
      windowStart: null,
      windowEnd: null,
    });
    expect(toTemplateEta(null)).toBeNull();
    expect(toTemplatePickup({ name: 'Locker 12', address: null, deadline: '2026-05-19' })).toEqual({
      name: 'Locker 12',
      address: null,
      deadline: '2026-05-19',
    });
    expect(toTemplatePickup(undefined)).toBeNull();
  });
});
