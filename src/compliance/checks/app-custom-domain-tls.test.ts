import { app, checkCases, domain, endpoint, inventory } from '../../../test/support/check-cases.js';
import { appCustomDomainTls } from './app-custom-domain-tls.js';

checkCases(appCustomDomainTls, [
  { name: 'no domains', inventory: inventory({ apps: [app('shop')] }), expect: [] },
  {
    name: 'each way to pass and to fail',
    inventory: inventory({
      apps: [app('shop', { acm: true }), app('blog')],
      domains: [
        domain('shop.acme.example', 'shop', { acm_status: 'cert issued' }),
        domain('pay.acme.example', 'shop', { acm_status: 'failing', acm_status_reason: 'CNAME not pointing to Heroku' }),
        domain('blog.herokuapp.com', 'blog', { kind: 'heroku' }),
        domain('www.acme.example', 'blog', { sni_endpoint_id: 'sni-good' }),
        domain('old.acme.example', 'blog', { sni_endpoint_id: 'sni-expired' }),
        domain('other.acme.example', 'blog', { sni_endpoint_id: 'sni-good' }),
        domain('plain.acme.example', 'blog'),
      ],
      sniEndpoints: [
        endpoint('good', 'blog', { cert_domains: ['*.acme.example'] }),
        endpoint('expired', 'blog', { cert_domains: ['old.acme.example'], expires_at: '2026-11-01T00:00:00Z' }),
      ],
    }),
    expect: [
      'PASS app/shop/shop.acme.example',
      'FAIL app/shop/pay.acme.example',
      'PASS app/blog/www.acme.example',
      'FAIL app/blog/old.acme.example',
      'PASS app/blog/other.acme.example',
      'FAIL app/blog/plain.acme.example',
    ],
    says: 'pay.acme.example on shop: ACM is on but has not issued a certificate (status failing: CNAME not pointing to Heroku).',
  },
  {
    name: 'a certificate for another name fails, saying which',
    inventory: inventory({
      apps: [app('blog')],
      domains: [domain('api.acme.example', 'blog', { sni_endpoint_id: 'sni-www' })],
      sniEndpoints: [endpoint('www', 'blog')],
    }),
    expect: ['FAIL app/blog/api.acme.example'],
    says: 'api.acme.example on blog: certificate www does not cover it (it covers www.acme.example).',
  },
  {
    name: 'certificates not readable',
    inventory: inventory({ apps: [app('blog')], domains: [domain('www.acme.example', 'blog', { sni_endpoint_id: 'sni-x' })], gaps: ['sni_endpoints@id-blog'] }),
    expect: ['UNKNOWN app/blog/www.acme.example'],
  },
]);
