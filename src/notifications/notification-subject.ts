import type {
  CanonicalStatus,
  Eta,
  EtaSource,
  ExceptionReason,
  PickupPoint,
  StoredEstimate,
} from '../shared/tracking.types';

/**
 * What a notification reads of the rows tracking owns (tables `shipments`, `orders`, `customers`, `eta_history`):
 * notifications sits below tracking, so it reads those tables by name into these shapes and imports none of
 * tracking's classes. Only the columns it uses are listed; rows carry the rest harmlessly.
 */
export interface SubjectShipment {
  id: string;
  /** The number in the shipment's signed tracking-page link. */
  linkRef: string;
  orderId: string | null;
  carrier: string;
  trackingNumber: string;
  status: CanonicalStatus;
  exceptionReason: ExceptionReason | null;
  eta: Eta | null;
  originalEta: Eta | null;
  promisedDate: string | null;
  lastEventAt: Date | null;
  deliveredAt: Date | null;
  collectedAtPickup: boolean;
  pickup: PickupPoint | null;
  pickupAvailableAt: Date | null;
  /** Our estimate and the source shown (issue 20); absent on rows read before they existed. */
  estimate?: StoredEstimate | null;
  etaSource?: EtaSource | null;
}

export interface SubjectOrder {
  id: string;
  externalId: string;
  customerId: string;
  contactName: string;
  contactEmail: string | null;
  contactPhone: string | null;
  contactPostcode: string | null;
  contactLocale: string;
  contactTimeZone: string;
  contactCountry: string | null;
}

export interface SubjectCustomer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string;
  timeZone: string;
  country: string | null;
  postcode: string | null;
}

/** Tracking's tables as TypeORM knows them (entity metadata is found by table name). */
export const SHIPMENTS = 'shipments';
export const ORDERS = 'orders';
export const CUSTOMERS = 'customers';
