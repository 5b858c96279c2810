import { always, appPath, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'domains',
  description: 'Domains of each app: its herokuapp.com domain and custom domains, with ACM status and SNI endpoint.',
  parent: 'apps',
  path: appPath('/domains'),
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    ...col.app(),
    always(col.text('hostname', 'Host name')),
    always(col.text('kind', "`heroku` (the app's own domain) or `custom`")),
    col.text('cname', 'DNS target for a custom domain'),
    col.text('status', 'Domain status'),
    col.text('acm_status', 'ACM certificate status: cert issued, pending, failing, failed'),
    col.text('acm_status_reason', 'Why ACM is not issuing, if it is not'),
    col.text('sni_endpoint_id', 'SNI endpoint serving its certificate', 'sni_endpoint.id'),
    col.text('sni_endpoint_name', 'Name of that SNI endpoint', 'sni_endpoint.name'),
    col.created(),
    col.updated(),
  ],
});
