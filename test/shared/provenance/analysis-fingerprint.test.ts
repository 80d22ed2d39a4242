/**
 * The fingerprint (shared/provenance/): it changes with any byte of any input, with the
 * definition and with a setting that changes the numbers, and not with the order the batches
 * arrived in nor the order the definition's keys are stored in.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExperimentDefinition } from '../../../shared/analysis/experiment-definition.ts';
import {
  analysisFingerprint,
  analysisIdOf,
  canonicalJson,
} from '../../../shared/provenance/analysis-fingerprint.ts';
import {
  experimentFingerprint,
  provenanceRequest,
  requestOfProvenance,
  type AnalysedExperiment,
} from '../../../shared/provenance/analysis-provenance.ts';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const definition = {
  id: 'checkout',
  variants: [
    { key: 'control', weight: 1, control: true },
    { key: 'treatment', weight: 1, control: false },
  ],
  alpha: 0.05,
} as unknown as ExperimentDefinition;

const experiment: AnalysedExperiment = {
  experiment_id: 'checkout',
  definition,
  unit_table: null,
  version: 1,
};
const version = 'a'.repeat(64);
const files = [Buffer.from('user_id,variant\nu1,control\n'), Buffer.from('user_id\nu2\n')];
const inputs = files.map((bytes, i) => ({ batch_id: `b_${i}`, sha256: sha256(bytes) }));
const base = experimentFingerprint(experiment, inputs, version);

describe('the fingerprint', () => {
  it('is 64 hex digits, and the analysis id is an_ and its first 24', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(analysisIdOf(base)).toBe(`an_${base.slice(0, 24)}`);
  });

  it('changes with any byte of any input', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (which, at, delta) => {
          const changed = files.map((bytes) => Buffer.from(bytes));
          const bytes = changed[which]!;
          const position = at % bytes.length;
          bytes[position] = (bytes[position]! + delta) % 256;
          const moved = changed.map((b, i) => ({ batch_id: `b_${i}`, sha256: sha256(b) }));
          expect(experimentFingerprint(experiment, moved, version)).not.toBe(base);
        },
      ),
    );
  });

  it('changes when a batch is added or dropped', () => {
    expect(experimentFingerprint(experiment, inputs.slice(1), version)).not.toBe(base);
    const more = [...inputs, { batch_id: 'b_9', sha256: sha256(Buffer.from('x')) }];
    expect(experimentFingerprint(experiment, more, version)).not.toBe(base);
  });

  it('does not change with the order the batches arrived in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(inputs, { minLength: inputs.length }), (order) => {
        expect(experimentFingerprint(experiment, order, version)).toBe(base);
      }),
    );
  });

  it('changes with the definition, and not with the order of its keys', () => {
    const renamed = { ...definition, name: 'Checkout' } as ExperimentDefinition;
    expect(experimentFingerprint({ ...experiment, definition: renamed }, inputs, version)).not.toBe(
      base,
    );
    const reordered = Object.fromEntries(
      Object.entries(definition).reverse(),
    ) as ExperimentDefinition;
    expect(experimentFingerprint({ ...experiment, definition: reordered }, inputs, version)).toBe(
      base,
    );
    expect(experimentFingerprint({ ...experiment, definition: null }, inputs, version)).not.toBe(
      base,
    );
  });

  it('changes with alpha, also when the definition leaves it to the default', () => {
    const alpha = (value: number | undefined) =>
      experimentFingerprint(
        { ...experiment, definition: { ...definition, alpha: value } as ExperimentDefinition },
        inputs,
        version,
      );
    expect(alpha(0.05)).toBe(base);
    expect(alpha(0.1)).not.toBe(base);
    const unset = { ...definition } as Record<string, unknown>;
    delete unset.alpha;
    const withoutAlpha = experimentFingerprint(
      { ...experiment, definition: unset as unknown as ExperimentDefinition },
      inputs,
      version,
    );
    expect(withoutAlpha).not.toBe(base);
    expect(withoutAlpha).not.toBe(alpha(0.1));
  });

  it('changes with the unit-table settings, the experiment and the analysis version', () => {
    const unitTable = { variant_column: 'version', control: 'gate_30' };
    expect(
      experimentFingerprint(
        { ...experiment, unit_table: unitTable as AnalysedExperiment['unit_table'] },
        inputs,
        version,
      ),
    ).not.toBe(base);
    expect(
      experimentFingerprint({ ...experiment, experiment_id: 'other' }, inputs, version),
    ).not.toBe(base);
    expect(experimentFingerprint(experiment, inputs, 'b'.repeat(64))).not.toBe(base);
  });

  it('changes with what an analytics/run request narrowed, not with the order of its metrics', () => {
    const asked = (request: { metrics?: string[]; alpha?: number }) =>
      experimentFingerprint(experiment, inputs, version, request);
    const subset = asked({ metrics: ['revenue', 'conversion'] });
    expect(asked({})).toBe(base);
    expect(subset).not.toBe(base);
    expect(asked({ metrics: ['conversion', 'revenue', 'conversion'] })).toBe(subset);
    expect(asked({ metrics: ['conversion'] })).not.toBe(subset);
    expect(asked({ alpha: 0.1 })).not.toBe(base);
    expect(asked({ alpha: 0.1 })).not.toBe(asked({ alpha: 0.1, metrics: ['conversion'] }));
  });

  it('records the request in provenance so that the fingerprint can be recomputed from it', () => {
    expect(provenanceRequest({})).toBeNull();
    const member = provenanceRequest({ metrics: ['revenue', 'conversion'], alpha: 0.1 });
    expect(member).toEqual({ metrics: ['conversion', 'revenue'], alpha: 0.1 });
    expect(provenanceRequest({ alpha: 0.2 })).toEqual({ metrics: null, alpha: 0.2 });
    expect(requestOfProvenance(null)).toEqual({});
    expect(requestOfProvenance({ metrics: null, alpha: 0.2 })).toEqual({ alpha: 0.2 });
    const request = { metrics: ['revenue', 'conversion'], alpha: 0.1 };
    expect(experimentFingerprint(experiment, inputs, version, requestOfProvenance(member))).toBe(
      experimentFingerprint(experiment, inputs, version, request),
    );
  });

  it('does not change with the experiment version alone (a status change)', () => {
    expect(experimentFingerprint({ ...experiment, version: 7 }, inputs, version)).toBe(base);
  });

  it('is the SHA-256 of the canonical material, inputs sorted by batch id', () => {
    const material = {
      experimentId: 'e',
      inputs: [
        { batch_id: 'b_2', sha256: '2'.repeat(64) },
        { batch_id: 'b_1', sha256: '1'.repeat(64) },
      ],
      definition: null,
      settings: { alpha: 0.05 },
      analysisVersion: 'v',
    };
    const text =
      '{"analysis_version":"v","definition":null,"experiment_id":"e","fingerprint":1,' +
      `"inputs":[{"batch_id":"b_1","sha256":"${'1'.repeat(64)}"},{"batch_id":"b_2","sha256":"${'2'.repeat(64)}"}],` +
      '"settings":{"alpha":0.05}}';
    expect(analysisFingerprint(material)).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).toBe(
      '{"a":[2,{"c":4,"d":3}],"b":1}',
    );
  });
});
