/**
 * The sample-ratio check: users per variant against the expected shares, with a warning the
 * reader cannot miss when the split is off (p < 0.001): the results may then be biased.
 */
import { h, notice, numberCell, table } from './dom.js';
import { formatCount, formatPValue, formatPercent } from './format.js';

/**
 * The SRM section.
 * @param {object} srm - the result document's `srm`
 * @returns {HTMLElement} the section
 */
export function srmSection(srm) {
  const total = Object.values(srm.observed).reduce((sum, users) => sum + users, 0);
  const rows = Object.keys(srm.observed)
    .sort()
    .map((variant) => [
      variant,
      numberCell(formatCount(srm.observed[variant]), srm.observed[variant], 'observed'),
      numberCell(
        formatPercent(total === 0 ? null : srm.observed[variant] / total, 1),
        null,
        'share',
      ),
      numberCell(
        formatPercent(srm.expected_share[variant] ?? null, 1),
        srm.expected_share[variant] ?? null,
        'expected',
      ),
    ]);
  const verdict = srm.flagged
    ? notice(
        'warning',
        h('strong', null, 'Sample ratio mismatch. '),
        `The users are not split across the variants as expected (p = ${formatPValue(srm.p_value)}). `,
        'Assignment or logging may be broken, and the results below may be biased.',
      )
    : h(
        'p',
        { class: 'ok' },
        `No sample ratio mismatch: the split matches the expected shares (p = ${formatPValue(srm.p_value)}).`,
      );
  return h(
    'section',
    { class: `srm ${srm.flagged ? 'flagged' : ''}`, 'aria-labelledby': 'srm-heading' },
    h('h2', { id: 'srm-heading' }, 'Sample ratio check'),
    verdict,
    table(
      'Users per variant against the expected split',
      ['Variant', 'Users', 'Share', 'Expected'],
      rows,
      {
        class: 'compact',
      },
    ),
  );
}
