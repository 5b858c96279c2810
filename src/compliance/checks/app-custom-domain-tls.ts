import { defineCheck, fail, pass, resources, unknown, type CheckResult } from '../check.js';
import type { SniEndpoint } from '../inventory.js';

/** Whether a certificate name covers a hostname (`*.example.com` covers one label). */
export function certificateCovers(certDomains: string[], hostname: string): boolean {
  const host = hostname.toLowerCase();
  return certDomains.some((name) => {
    const pattern = name.toLowerCase();
    if (pattern === host) return true;
    if (!pattern.startsWith('*.')) return false;
    const rest = host.slice(host.indexOf('.') + 1);
    return host.includes('.') && rest === pattern.slice(2);
  });
}

export function validAt(endpoint: SniEndpoint, now: Date): boolean {
  const starts = endpoint.starts_at ? Date.parse(endpoint.starts_at) : -Infinity;
  const expires = endpoint.expires_at ? Date.parse(endpoint.expires_at) : Infinity;
  return starts <= now.getTime() && now.getTime() < expires;
}

export const appCustomDomainTls = defineCheck({
  id: 'app_custom_domain_tls',
  title: 'Custom domains serve a valid certificate',
  severity: 'high',
  resourceType: 'domain',
  reads: ['apps', 'domains', 'sniEndpoints'],
  risk: 'A custom domain without a valid certificate serves traffic in the clear or with browser warnings people learn to click through, exposing sessions and credentials.',
  remediation: {
    text: 'Turn on Automated Certificate Management for the app, or upload a certificate that covers the hostname and is valid.',
    command: 'heroku certs:auto:enable --app APP',
  },
  references: ['https://devcenter.heroku.com/articles/automated-certificate-management', 'https://devcenter.heroku.com/articles/ssl'],
  evaluate(inventory) {
    const apps = new Map(inventory.apps.map((a) => [a.id, a]));
    const endpoints = new Map(inventory.sniEndpoints.map((e) => [e.id, e]));
    const results: CheckResult[] = [];
    for (const domain of inventory.domains.filter((d) => d.kind === 'custom')) {
      const resource = resources.domain(domain);
      const app = apps.get(domain.app_id);
      if (app?.acm && domain.acm_status === 'cert issued') {
        results.push(pass(resource, `${domain.hostname}: ACM has issued its certificate.`));
        continue;
      }
      if (domain.sni_endpoint_id) {
        const gap = inventory.coverage.gap('sni_endpoints', domain.app_id);
        const endpoint = endpoints.get(domain.sni_endpoint_id);
        if (!endpoint && gap) {
          results.push(unknown(resource, gap));
          continue;
        }
        if (endpoint) {
          const covers = certificateCovers(endpoint.cert_domains, domain.hostname);
          const valid = validAt(endpoint, inventory.now);
          if (covers && valid) {
            results.push(
              pass(
                resource,
                `${domain.hostname}: certificate ${endpoint.name} covers it and is valid until ${endpoint.expires_at?.slice(0, 10) ?? 'an unknown date'}.`,
              ),
            );
            continue;
          }
          const why = !covers
            ? `certificate ${endpoint.name} does not cover it (it covers ${endpoint.cert_domains.join(', ') || 'no names'})`
            : endpoint.expires_at && Date.parse(endpoint.expires_at) <= inventory.now.getTime()
              ? `certificate ${endpoint.name} expired on ${endpoint.expires_at.slice(0, 10)}`
              : `certificate ${endpoint.name} is not valid before ${endpoint.starts_at?.slice(0, 10)}`;
          results.push(
            fail(
              resource,
              `${domain.hostname} on ${domain.app_name}: ${why}${app?.acm ? `; ACM is on but its status is ${domain.acm_status ?? 'unknown'}` : ''}.`,
            ),
          );
          continue;
        }
      }
      const why = app?.acm
        ? `ACM is on but has not issued a certificate (status ${domain.acm_status ?? 'unknown'}${domain.acm_status_reason ? `: ${domain.acm_status_reason}` : ''})`
        : 'ACM is off and no certificate is attached';
      results.push(fail(resource, `${domain.hostname} on ${domain.app_name}: ${why}.`));
    }
    return results;
  },
});
