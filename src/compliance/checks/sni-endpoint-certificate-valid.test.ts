import { app, checkCases, endpoint, inventory } from '../../../test/support/check-cases.js';
import { sniEndpointCertificateValid } from './sni-endpoint-certificate-valid.js';

checkCases(sniEndpointCertificateValid, [
  { name: 'no endpoints', inventory: inventory({ apps: [app('shop')] }), expect: [] },
  {
    name: 'a certificate without an expiry date is unknown, never a pass',
    inventory: inventory({ apps: [app('shop')], sniEndpoints: [endpoint('dateless', 'shop', { expires_at: null })] }),
    expect: ['UNKNOWN app/shop/dateless'],
    says: 'Heroku reported no expiry date for certificate dateless on shop.',
  },
  {
    name: 'expired, expiring and self-signed fail; valid passes',
    inventory: inventory({
      apps: [app('shop')],
      sniEndpoints: [
        endpoint('ok', 'shop'),
        endpoint('expired', 'shop', { expires_at: '2026-10-01T00:00:00Z' }),
        endpoint('soon', 'shop', { expires_at: '2026-12-05T00:00:00Z' }),
        endpoint('self', 'shop', { self_signed: true }),
      ],
    }),
    expect: ['PASS app/shop/ok', 'FAIL app/shop/expired', 'FAIL app/shop/soon', 'FAIL app/shop/self'],
    says: 'Certificate expired on shop expired on 2026-10-01.',
  },
  {
    name: 'certificates ACM issued are left to ACM, even inside the warning window',
    inventory: inventory({
      apps: [app('shop')],
      sniEndpoints: [endpoint('auto', 'shop', { acm: true, expires_at: '2026-12-05T00:00:00Z' }), endpoint('uploaded', 'shop', { acm: null })],
    }),
    expect: ['PASS app/shop/uploaded'],
  },
  {
    name: 'warning window from settings',
    inventory: inventory({ apps: [app('shop')], sniEndpoints: [endpoint('soon', 'shop', { expires_at: '2026-12-05T00:00:00Z' })] }),
    settings: { certificate_expiry_warning_days: 7 },
    expect: ['PASS app/shop/soon'],
  },
  { name: 'endpoints not readable', inventory: inventory({ apps: [app('shop')], gaps: ['sni_endpoints@id-shop'] }), expect: ['UNKNOWN app/shop'] },
]);
