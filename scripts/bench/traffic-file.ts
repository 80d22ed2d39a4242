/**
 * A bench file shaped like real traffic, where most users bring one or two events: about 1.3
 * events per user (10M events, 7.7M users), three variants, device and channel attributes, a
 * purchase value on about one event in twelve. Written by DuckDB from hashes of the row number
 * (deterministic for the pinned DuckDB), so 100M rows take a minute, not the JS generator's
 * quarter of an hour. Run as its own process: `tsx scripts/bench/traffic-file.ts EVENTS FILE`.
 */
import { DuckDBInstance } from '@duckdb/node-api';

/** Events per user: 1 (75%), 2 (20%), 3 (4%), 4 (1%): 1.31 on average. */
export const eventsPerUser = 1.31;

const [eventsText, file] = process.argv.slice(2);
const events = Number(eventsText);
if (!Number.isInteger(events) || events <= 0 || file === undefined) {
  process.stderr.write('usage: tsx scripts/bench/traffic-file.ts EVENTS FILE\n');
  process.exit(2);
}
const users = Math.round(events / eventsPerUser);
// A uniform draw in [0, 1) per user and purpose, from DuckDB's hash of (user, purpose).
const draw = (purpose: number) => `(hash(u, ${purpose}) % 1000000) / 1000000.0`;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(`
  COPY (
    WITH people AS (
      SELECT u,
        CASE WHEN ${draw(1)} < 0.75 THEN 1 WHEN ${draw(1)} < 0.95 THEN 2
             WHEN ${draw(1)} < 0.99 THEN 3 ELSE 4 END AS n,
        ['control', 'treatment_a', 'treatment_b'][1 + (hash(u, 2) % 3)::BIGINT] AS variant,
        CASE WHEN ${draw(3)} < 0.55 THEN 'mobile' WHEN ${draw(3)} < 0.9 THEN 'desktop'
             ELSE 'tablet' END AS device,
        CASE WHEN ${draw(4)} < 0.4 THEN 'organic' WHEN ${draw(4)} < 0.7 THEN 'ads'
             WHEN ${draw(4)} < 0.85 THEN 'email' ELSE 'social' END AS channel,
        TIMESTAMP '2026-01-05 00:00:00' + to_microseconds((${draw(5)} * 14 * 86400e6)::BIGINT)
          AS exposed_at
      FROM range(${users}) t(u)
    ),
    rows AS (
      SELECT u, k, variant, device, channel, exposed_at,
        (hash(u, k, 6) % 1000000) / 1000000.0 AS p
      FROM people, (SELECT unnest(range(n)) AS k)
    )
    SELECT
      'e' || lpad(u::VARCHAR, 9, '0') || '-' || k AS event_id,
      'u' || lpad(u::VARCHAR, 9, '0') AS user_id,
      'traffic' AS experiment_id,
      variant,
      CASE WHEN k = 0 THEN 'exposure'
           WHEN p < (CASE variant WHEN 'treatment_a' THEN 0.33 ELSE 0.30 END) THEN 'purchase'
           ELSE 'page_view' END AS event_type,
      strftime(exposed_at + to_microseconds((k * p * 3600e6)::BIGINT), '%Y-%m-%dT%H:%M:%SZ')
        AS timestamp,
      CASE WHEN k > 0 AND p < (CASE variant WHEN 'treatment_a' THEN 0.33 ELSE 0.30 END)
           THEN round(20 + 80 * p / 0.33, 2) END AS value,
      device,
      channel
    FROM rows
  ) TO '${file}' (HEADER, DELIMITER ',')`);
process.stdout.write(`${JSON.stringify({ file, users, events })}\n`);
