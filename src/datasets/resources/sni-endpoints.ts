import { always, appPath, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'sni_endpoints',
  description: 'Certificates each app serves through SNI endpoints, as Heroku parsed them: uploaded ones, and those Automated Certificate Management issued.',
  parent: 'apps',
  path: appPath('/sni-endpoints'),
  shape: 'list',
  omit: ['certificate_chain'],
  requires: 'read',
  columns: [
    col.id(),
    ...col.app(),
    always(col.text('name', 'Endpoint name')),
    col.text('display_name', 'Display name'),
    col.json('cert_domains', 'Host names the certificate covers', 'ssl_cert.cert_domains'),
    col.time('starts_at', 'Start of validity', 'ssl_cert.starts_at'),
    col.time('expires_at', 'End of validity', 'ssl_cert.expires_at'),
    col.text('issuer', 'Issuer', 'ssl_cert.issuer'),
    col.text('subject', 'Subject', 'ssl_cert.subject'),
    col.bool('self_signed', 'Whether the certificate is self-signed', 'ssl_cert.self_signed?'),
    col.bool('ca_signed', 'Whether a certificate authority signed it', 'ssl_cert.ca_signed?'),
    col.bool('acm', 'Whether Automated Certificate Management issued it (and renews it)', 'ssl_cert.acm'),
    col.json('domain_ids', 'Ids of the domains using it', 'domains'),
    col.created(),
    col.updated(),
  ],
});
