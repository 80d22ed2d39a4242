import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainModels } from '../../../shared/models/train-models.ts';
import { modelResultSchema } from '../../../shared/result/result-document.ts';
import { tableOf } from './fixtures.ts';

const record = fc.record({
  variant: fc.constantFrom('control', 'b', 'c'),
  device: fc.constantFrom('desktop', 'mobile', 'tablet', ''),
  channel: fc.constantFrom('ads', 'email'),
  converted: fc.constantFrom(0, 1, 1, Number.NaN),
  revenue: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 500, noNaN: true })),
});

describe('trainModels on arbitrary small tables', () => {
  it('never throws, never reports an internal error, and always fits the result schema', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), (records) => {
        const rows = records.map((r, i) => ({ ...r, id: `u${String(i).padStart(3, '0')}` }));
        const models = trainModels(tableOf(rows), { control: 'control', alpha: 0.05 });
        expect(models).toHaveLength(2);
        for (const model of models) {
          expect(() => modelResultSchema.parse(model)).not.toThrow();
          expect(model.flags.some((flag) => flag.startsWith('not_fitted: error'))).toBe(false);
        }
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });
});
