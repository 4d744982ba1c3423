/**
 * The support shell's navigation: the same links, in the same order, on every support page
 * (views/layouts/support.hbs). A new support page adds its entry here.
 */
export const SUPPORT_NAV = [
  { key: 'home', href: '/admin', title: 'Home' },
  { key: 'orders', href: '/admin/orders', title: 'Orders' },
  { key: 'templates', href: '/admin/templates', title: 'Templates' },
  { key: 'analytics', href: '/admin/analytics', title: 'Analytics' },
  { key: 'outbox', href: '/outbox', title: 'Outbox' },
  { key: 'docs', href: '/docs', title: 'API docs' },
] as const;

export type SupportSection = (typeof SUPPORT_NAV)[number]['key'];
