import {
  buildTemplateVariables,
  customerToday,
  delayBaseline,
  delayIsNews,
  messageTrackingUrl,
  parcelPosition,
  presentableEta,
  type MessageFacts,
  type SiblingParcel,
} from './message-variables';

const NOW = new Date('2026-12-04T09:00:00Z');

function facts(change: (f: MessageFacts) => void = () => undefined): MessageFacts {
  const f: MessageFacts = {
    locale: 'de',
    now: NOW,
    customer: { name: 'Jonas Weber', timeZone: 'Europe/Berlin', country: 'DE' },
    order: { number: 'WS-009302' },
    shipment: {
      id: 'a',
      carrier: 'dhl',
      trackingNumber: '00340434161094042557',
      status: 'in_transit',
      reason: null,
      eta: { date: '2026-12-07' },
      originalEta: { date: '2026-12-05' },
      promisedDate: '2026-12-05',
      pickup: null,
      collectedAtPickup: false,
      deliveredAt: null,
    },
    parcels: [],
    lastToldEtaDate: null,
    brand: { name: 'Shop', supportUrl: 'https://shop.example/help' },
    unsubscribeUrl: null,
  };
  change(f);
  return f;
}

const p = (
  id: string,
  status: SiblingParcel['status'],
  created: string,
  delivered: string | null = null,
) => ({
  id,
  status,
  createdAt: new Date(created),
  deliveredAt: delivered ? new Date(delivered) : null,
  trackingNumber: id,
});

describe('message variables', () => {
  it('names the carrier and links its own page for the service, country and language', () => {
    const vars = buildTemplateVariables(facts());
    expect(vars.shipment.carrier).toBe('DHL Paket');
    expect(vars.shipment.trackingUrl).toBe(
      'https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557',
    );
    expect(messageTrackingUrl(facts())).toBe(vars.shipment.trackingUrl);
  });

  it('gives no link, never the help page, for a carrier it cannot link to', () => {
    const vars = buildTemplateVariables(facts((f) => (f.shipment.carrier = 'Bluebird Couriers')));
    expect(vars.shipment.trackingUrl).toBeNull();
    expect(vars.shipment.carrier).toBe('Bluebird Couriers');
  });

  it('never shows the code "unknown" for a parcel nobody named a carrier for', () => {
    const vars = buildTemplateVariables(
      facts((f) => ((f.shipment.carrier = 'unknown'), (f.shipment.trackingNumber = 'X1'))),
    );
    expect(vars.shipment.carrier).toBe('Der Paketdienst');
    expect(vars.shipment.trackingUrl).toBeNull();
  });

  it('never presents a past day as expected, nor any day at a pickup point or after delivery', () => {
    expect(customerToday(new Date('2026-12-03T23:30:00Z'), 'Europe/Berlin')).toBe('2026-12-04');
    expect(presentableEta({ date: '2026-12-03' }, 'in_transit', NOW, 'Europe/Berlin')).toBeNull();
    expect(presentableEta({ date: '2026-12-04' }, 'in_transit', NOW, 'Europe/Berlin')?.date).toBe(
      '2026-12-04',
    );
    expect(presentableEta({ date: '2026-12-09' }, 'available_for_pickup', NOW, 'Europe/Berlin')).toBeNull();
    expect(presentableEta({ date: '2026-12-09' }, 'delivered', NOW, 'Europe/Berlin')).toBeNull();
  });

  it('measures a delay against what the customer was told, else the promise, else the first ETA', () => {
    expect(delayBaseline(facts((f) => (f.lastToldEtaDate = '2026-12-06')))).toBe('2026-12-06');
    expect(delayBaseline(facts())).toBe('2026-12-05');
    expect(delayBaseline(facts((f) => (f.shipment.promisedDate = null)))).toBe('2026-12-05');
    expect(delayIsNews(facts())).toBe(true);
    expect(delayIsNews(facts((f) => (f.lastToldEtaDate = '2026-12-07')))).toBe(false);
    expect(delayIsNews(facts((f) => (f.lastToldEtaDate = '2026-12-09')))).toBe(false);
    expect(delayIsNews(facts((f) => (f.shipment.eta = null)))).toBe(true);
  });

  it('names the previous day only when it differs from the new one', () => {
    expect(buildTemplateVariables(facts()).shipment.previousEta?.date).toBe('2026-12-05');
    const same = buildTemplateVariables(facts((f) => (f.lastToldEtaDate = '2026-12-07')));
    expect(same.shipment.previousEta).toBeNull();
  });

  it('says which parcel of a split order, and completes the order with the last delivery', () => {
    const parcels = [
      p('a', 'delivered', '2026-11-28T10:00:00Z', '2026-12-03T10:00:00Z'),
      p('b', 'in_transit', '2026-11-28T10:01:00Z'),
    ];
    expect(parcelPosition('a', parcels)).toEqual({ number: 1, count: 2, completesOrder: false });
    expect(parcelPosition('b', parcels)).toEqual({ number: 2, count: 2, completesOrder: false });
    const done = [parcels[0], p('b', 'delivered', '2026-11-28T10:01:00Z', '2026-12-04T08:00:00Z')];
    expect(parcelPosition('b', done)).toEqual({ number: 2, count: 2, completesOrder: true });
    expect(parcelPosition('a', done).completesOrder).toBe(false);
    expect(parcelPosition('a', [])).toEqual({ number: 1, count: 1, completesOrder: true });
    const vars = buildTemplateVariables(
      facts((f) => {
        f.shipment.id = 'b';
        f.shipment.status = 'delivered';
        f.parcels = done;
      }),
    );
    expect(vars.shipment.parcel).toEqual({ number: 2, count: 2 });
    expect(vars.order.complete).toBe(true);
    // A single-parcel order is never "complete" in words: there is nothing else to wait for.
    expect(buildTemplateVariables(facts((f) => (f.shipment.status = 'delivered'))).order.complete).toBe(
      false,
    );
  });
});
