import { DEFAULT_ORDER_NUMBER_PATTERN, extractEntities } from './entity-extractor';

const opts = { orderNumberPattern: new RegExp(DEFAULT_ORDER_NUMBER_PATTERN) };
const extract = (text: string) => extractEntities(text, opts);

describe('extractEntities', () => {
  describe('tracking numbers by carrier', () => {
    it.each([
      ['1Z999AA10123456784', 'ups', '1Z999AA10123456784'],
      ['1z999aa10123456784', 'ups', '1Z999AA10123456784'],
      ['9400111899223197428490', 'usps', '9400111899223197428490'],
      ['9400 1118 9922 3197 4284 90', 'usps', '9400111899223197428490'],
      ['92055901755477000000000', undefined, undefined],
      ['123456789012', 'fedex', '123456789012'],
      ['123456789012345', 'fedex', '123456789012345'],
      ['dhl 1234567890', 'dhl', '1234567890'],
      ['JX123456789GB', 'royal_mail', 'JX123456789GB'],
      ['RR123456789US', 'usps', 'RR123456789US'],
      ['LX123456789CN', 'unknown', 'LX123456789CN'],
    ])('%s → %s', (text, carrier, value) => {
      const { trackingNumbers } = extract(`my tracking is ${text} thanks`);
      if (carrier === undefined) expect(trackingNumbers).toEqual([]);
      else expect(trackingNumbers).toEqual([{ value, carrier }]);
    });
  });

  describe('order numbers', () => {
    it('finds the default shapes and drops the #', () => {
      expect(extract('order #1042, WS-100234 and order 10423').orderNumbers).toEqual([
        '1042',
        'WS-100234',
        '10423',
      ]);
    });

    it('treats a ten-digit number after "order" as an order, not a DHL waybill', () => {
      const entities = extract('order number 1234567890');
      expect(entities.orderNumbers).toEqual(['1234567890']);
      expect(entities.trackingNumbers).toEqual([]);
    });

    it('ignores dates, money and years', () => {
      expect(extract('ordered on 12/03/2024 for $1500, it was 2023').orderNumbers).toEqual([]);
    });

    it('uses the shop pattern when given', () => {
      const shop = { orderNumberPattern: /SHOP-\d{6}/ };
      expect(extractEntities('where is SHOP-123456 and 1042', shop).orderNumbers).toEqual(['SHOP-123456']);
    });

    describe('as shoppers type them, against the store pattern WS-\\d{6}', () => {
      const store = { orderNumberPattern: /WS-\d{6}/ };
      it.each([
        ['ws9307', 'WS-009307'],
        ['WS9307', 'WS-009307'],
        ['ws-9307', 'WS-009307'],
        ['WS 9307', 'WS-009307'],
        ['#ws009307', 'WS-009307'],
        ['where is ws-009307?', 'WS-009307'],
        ['order number 9307', 'WS-009307'],
        ['my order is #9307', 'WS-009307'],
        ['Bestellung 9307', 'WS-009307'],
        ['commande n° 9307', 'WS-009307'],
      ])('%s → %s', (text, value) => {
        expect(extractEntities(text, store).orderNumbers).toEqual([value]);
      });

      it('never pads a bare number nobody called an order', () => {
        expect(extract('i bought 3 things for 123').orderNumbers).toEqual([]);
      });

      it('does not give a bare number the store prefix without a reason', () => {
        expect(extractEntities('i live at 28013', store).orderNumbers).toEqual([]);
      });

      it('gives a bare number the prefix when the chat just asked for the order number', () => {
        expect(extractEntities('9307', { ...store, expecting: 'order' }).orderNumbers).toEqual(['WS-009307']);
      });
    });

    it('lists every accepted form, most likely first, when the pattern does not settle it', () => {
      const e = extract('ws9307');
      expect(e.orderNumbers).toEqual(['WS9307']);
      expect(e.orderNumberForms.WS9307.slice(0, 4)).toEqual(['WS9307', 'WS-9307', 'WS09307', 'WS-09307']);
      expect(e.orderNumberForms.WS9307).toContain('WS-009307');
    });
  });

  describe('postcodes and order numbers told apart', () => {
    const store = { orderNumberPattern: /WS-\d{6}/ };
    it('reads a bare five digits next to a named order number as the postcode', () => {
      const e = extractEntities('WS-009307 28013', store);
      expect(e.orderNumbers).toEqual(['WS-009307']);
      expect(e.postcodes).toEqual(['28013']);
    });

    it('with the default pattern too', () => {
      const e = extract('order #10423, 90210');
      expect(e.orderNumbers).toEqual(['10423']);
      expect(e.postcodes).toEqual(['90210']);
    });

    it('reads a bare number as a postcode when the chat asked for the email or postcode', () => {
      for (const text of ['28013', '1010', '1012 AB']) {
        const e = extractEntities(text, { ...store, expecting: 'contact' });
        expect(e.orderNumbers).toEqual([]);
        expect(e.postcodes).toHaveLength(1);
      }
    });

    it('keeps "order 28013" an order even when a postcode was asked for', () => {
      const e = extract('order 28013');
      expect(e.orderNumbers).toEqual(['28013']);
      expect(e.postcodes).toEqual([]);
    });
  });

  it('never reports the same digits as both an order and a tracking number or phone', () => {
    const texts = [
      '1Z999AA10123456784 order #2231',
      '9400111899223197428490',
      '123456789012 and 1042',
      'call me at +1 415 555 0199 about order 5521',
      'JX123456789GB',
    ];
    for (const text of texts) {
      const e = extract(text);
      const tracking = e.trackingNumbers.map((t) => t.value);
      for (const order of e.orderNumbers) {
        expect(tracking.some((t) => t.includes(order))).toBe(false);
        expect(e.phones.some((p) => p.includes(order))).toBe(false);
      }
      for (const phone of e.phones)
        expect(tracking.some((t) => t.includes(phone.replace('+', '')))).toBe(false);
    }
  });

  it('lower-cases emails', () => {
    expect(extract('it is Jane.Doe@Gmail.COM, order #4471').emails).toEqual(['jane.doe@gmail.com']);
  });

  describe('postcodes', () => {
    it.each([
      ['zip 90210', '90210'],
      ['94110-1234', '94110-1234'],
      ['my address is 12 Main St, New York, NY 10001', '10001'],
      ['SW1A 1AA', 'SW1A 1AA'],
      ['postcode m41hn', 'M4 1HN'],
      ['k1a 0b1', 'K1A 0B1'],
      ['código postal 28013', '28013'],
      ['PLZ 10115', '10115'],
    ])('%s → %s', (text, postcode) => {
      expect(extract(text).postcodes).toEqual([postcode]);
    });

    it('reads a bare five-digit number as an order number, not a postcode', () => {
      const e = extract('where is 10423');
      expect(e.orderNumbers).toEqual(['10423']);
      expect(e.postcodes).toEqual([]);
    });

    it('does not read "ps5 2nd" as a UK postcode', () => {
      expect(extract('my ps5 2nd controller').postcodes).toEqual([]);
    });
  });

  describe('phones', () => {
    it.each([
      ['+44 7700 900123', '+447700900123'],
      ['(415) 555-0199', '4155550199'],
      ['call me on 5551234567', '5551234567'],
      ['mi teléfono es 612 345 678', '612345678'],
    ])('%s → %s', (text, phone) => {
      const e = extract(text);
      expect(e.phones).toEqual([phone]);
      expect(e.orderNumbers).toEqual([]);
      expect(e.trackingNumbers).toEqual([]);
    });
  });
});
