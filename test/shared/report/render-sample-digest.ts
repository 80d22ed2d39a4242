/**
 * Renders the sample report in a fresh process and prints its SHA-256, for the determinism test
 * (process state such as the start time or random seeds must not reach the PDF).
 * Run: node --import tsx test/shared/report/render-sample-digest.ts
 */
import { createHash } from 'node:crypto';
import { renderReportPdf } from '../../../shared/report/index.ts';
import { sampleInput } from './report-inputs.ts';

const pdf = await renderReportPdf(sampleInput());
process.stdout.write(`${createHash('sha256').update(pdf).digest('hex')}\n`);
