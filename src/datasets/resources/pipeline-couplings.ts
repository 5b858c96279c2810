import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'pipeline_couplings',
  description: 'Which app is in which stage of which pipeline.',
  path: '/pipeline-couplings',
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    always(col.text('app_id', 'Id of the app', 'app.id')),
    col.text('app_name', 'Name of the app (when Heroku gives it)', 'app.name'),
    always(col.text('pipeline_id', 'Id of the pipeline', 'pipeline.id')),
    col.text('pipeline_name', 'Name of the pipeline (when Heroku gives it)', 'pipeline.name'),
    col.text('stage', 'review, development, staging or production'),
    col.created(),
    col.updated(),
  ],
});
