// The baseline for `npm run bench`: the same inventory collected by a
// straightforward script on Heroku's official Node client, one request after
// another, as one would write it. Plain JavaScript, run with plain node.
// Usage: node bench/baseline-heroku-client.mjs <api-url> <token> <audit-days>
import Heroku from 'heroku-client';

const [apiUrl, token, days] = process.argv.slice(2);
const heroku = new Heroku({ token, host: apiUrl });
const started = performance.now();
const counts = {};
const keep = (name, items) => (counts[name] = (counts[name] ?? 0) + (Array.isArray(items) ? items.length : 1));

keep('account', await heroku.get('/account'));
keep('rate_limits', await heroku.get('/account/rate-limits'));
const teams = await heroku.get('/teams');
keep('teams', teams);
for (const team of teams) {
  keep('team_members', await heroku.get(`/teams/${team.id}/members`));
  keep('team_features', await heroku.get(`/teams/${team.id}/features`));
  keep('team_apps', await heroku.get(`/teams/${team.id}/apps`));
}
const enterprises = await heroku.get('/enterprise-accounts');
keep('enterprise_accounts', enterprises);
for (const enterprise of enterprises) {
  keep('enterprise_members', await heroku.get(`/enterprise-accounts/${enterprise.id}/members`));
  for (let d = 0; d < Number(days); d++) {
    const day = new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    keep('audit_events', await heroku.get(`/enterprise-accounts/${enterprise.id}/events?day=${day}`));
  }
}
const apps = await heroku.get('/apps');
keep('apps', apps);
for (const app of apps) {
  keep('config_vars', Object.keys(await heroku.get(`/apps/${app.id}/config-vars`)));
  keep('domains', await heroku.get(`/apps/${app.id}/domains`));
  keep('sni_endpoints', await heroku.get(`/apps/${app.id}/sni-endpoints`));
  keep('collaborators', await heroku.get(app.team ? `/teams/apps/${app.id}/collaborators` : `/apps/${app.id}/collaborators`));
  keep('formations', await heroku.get(`/apps/${app.id}/formation`));
  keep('log_drains', await heroku.get(`/apps/${app.id}/log-drains`));
  const releases = await heroku.request({ method: 'GET', path: `/apps/${app.id}/releases`, headers: { Range: 'version ..; max=10, order=desc' }, partial: true });
  keep('releases', releases.slice(0, 1));
  const current = releases.find((r) => r.current);
  if (current?.slug) keep('slugs', await heroku.get(`/apps/${app.id}/slugs/${current.slug.id}`));
}
keep('addons', await heroku.get('/addons'));
keep('addon_attachments', await heroku.get('/addon-attachments'));
keep('addon_services', await heroku.get('/addon-services'));
keep('pipelines', await heroku.get('/pipelines'));
keep('pipeline_couplings', await heroku.get('/pipeline-couplings'));
keep('oauth_authorizations', await heroku.get('/oauth/authorizations'));

process.stdout.write(`${JSON.stringify({ durationMs: Math.round(performance.now() - started), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), counts })}\n`);
