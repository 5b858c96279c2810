import { defineCheck, fail, pass, resources, unknown, type CheckResult } from '../check.js';
import { DAY_MS } from '../../time.js';

export const sniEndpointCertificateValid = defineCheck({
  id: 'sni_endpoint_certificate_valid',
  title: 'Uploaded certificates are trusted and not about to expire',
  severity: 'high',
  resourceType: 'sni_endpoint',
  reads: ['apps', 'sniEndpoints'],
  risk: 'An expired or self-signed certificate breaks clients or trains people to ignore warnings; one about to expire is an outage on a known date.',
  remediation: {
    text: 'Renew the certificate with a trusted authority and upload it, or switch the app to Automated Certificate Management.',
    command: 'heroku certs:update CERT.crt KEY.key --app APP --name ENDPOINT',
  },
  references: ['https://devcenter.heroku.com/articles/ssl'],
  evaluate(inventory, settings) {
    const results: CheckResult[] = [];
    const now = inventory.now.getTime();
    const withEndpoints = new Set(inventory.sniEndpoints.map((e) => e.app_id));
    for (const app of inventory.apps) {
      const gap = inventory.coverage.gap('sni_endpoints', app.id);
      if (gap && !withEndpoints.has(app.id)) results.push(unknown(resources.app(app), gap));
    }
    // ACM's own certificates are Heroku's to renew; whether it does shows on each domain (app_custom_domain_tls).
    for (const endpoint of inventory.sniEndpoints.filter((e) => !e.acm)) {
      const resource = resources.sniEndpoint(endpoint);
      const expires = endpoint.expires_at ? Date.parse(endpoint.expires_at) : null;
      const problems: string[] = [];
      if (expires !== null && expires <= now) problems.push(`expired on ${endpoint.expires_at!.slice(0, 10)}`);
      else if (expires !== null && expires - now < settings.certificate_expiry_warning_days * DAY_MS) {
        problems.push(`expires on ${endpoint.expires_at!.slice(0, 10)}, in ${Math.ceil((expires - now) / DAY_MS)} days`);
      }
      if (endpoint.self_signed) problems.push('is self-signed');
      if (problems.length > 0) results.push(fail(resource, `Certificate ${endpoint.name} on ${endpoint.app_name} ${problems.join(' and ')}.`));
      else if (expires === null) {
        // Without an expiry date its validity cannot be judged: unknown, never a pass.
        results.push(
          unknown(resource, {
            status: 'missing',
            reason: `Heroku reported no expiry date for certificate ${endpoint.name} on ${endpoint.app_name}.`,
            fix: `heroku certs:info --app ${endpoint.app_name}`,
          }),
        );
      } else
        results.push(
          pass(
            resource,
            `Certificate ${endpoint.name} on ${endpoint.app_name} is valid until ${endpoint.expires_at!.slice(0, 10)}${endpoint.issuer ? `, issued by ${endpoint.issuer}` : ''}.`,
          ),
        );
    }
    return results;
  },
});
