/**
 * Every function of abtest in one module: package.json's `main` (`dist/functions/index.js`
 * once built). Cloud Functions deploys the same source once per entry point and starts
 * functions-framework with `--target=<entry point>`; the framework serves the one registered
 * under that name (docs/deploy.md "How the code is deployed").
 */
import './ingest/index.ts';
import './validate/index.ts';
import './analyze/index.ts';
import './train/index.ts';
import './report/index.ts';
import './results/index.ts';
import './webhooks/index.ts';
import './monitor/index.ts';
