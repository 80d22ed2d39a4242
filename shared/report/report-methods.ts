/**
 * The methods and formulas behind the numbers, as text for the appendix (DESIGN.md
 * "Statistics conventions", docs/models.md), each tagged with when it applies so the appendix
 * lists the methods an analysis used. Formulas are plain text: the standard fonts have no
 * Greek letters or math symbols.
 */
import type { ExperimentResult } from '../result/result-document.ts';

/** One method of the appendix. */
export interface ReportMethod {
  readonly name: string;
  readonly text: string;
}

interface MethodEntry extends ReportMethod {
  readonly applies: (e: ExperimentResult) => boolean;
}

const always = (): boolean => true;
const hasType = (type: 'binomial' | 'continuous') => (e: ExperimentResult) =>
  e.metrics.some((m) => m.type === type);
const usesTest = (test: string) => (e: ExperimentResult) =>
  e.metrics.some((m) => m.comparisons.some((c) => c.test === test));
const hasModel = (model: string) => (e: ExperimentResult) =>
  e.models.some((m) => m.model === model);
const hasModels = (e: ExperimentResult): boolean => e.models.length > 0;

const methods: readonly MethodEntry[] = [
  {
    name: 'Unit of analysis',
    applies: always,
    text:
      'The user. A user enters at their first exposure event and belongs to its variant; events ' +
      'before it or outside the experiment window do not count. Users exposed to two variants ' +
      'are excluded. z = z(1 - alpha/2) is the normal quantile of the interval level.',
  },
  {
    name: 'Wilson score interval (rates)',
    applies: hasType('binomial'),
    text:
      'p = x/n; centre = (p + z^2/(2n)) / (1 + z^2/n); half-width = z/(1 + z^2/n) * ' +
      'sqrt(p(1 - p)/n + z^2/(4n^2)).',
  },
  {
    name: 'Mean interval (continuous)',
    applies: hasType('continuous'),
    text: 'mean +/- t(1 - alpha/2, n - 1) * sd/sqrt(n), sd the sample standard deviation (n - 1).',
  },
  {
    name: 'Pearson chi-square test (2x2, no continuity correction)',
    applies: usesTest('chi_square'),
    text:
      'X2 = sum over the four cells of (O - E)^2/E, E = row total * column total / N; ' +
      'p-value = P(chi-square with 1 df > X2), computed as an upper tail.',
  },
  {
    name: "Fisher's exact test (two-sided)",
    applies: (e) => hasType('binomial')(e),
    text:
      'Used instead of chi-square when any expected cell is below 5: p-value = sum of the ' +
      'hypergeometric probabilities of all tables with the same margins that are no more ' +
      'likely than the observed one.',
  },
  {
    name: 'Difference of rates (Wald, unpooled)',
    applies: hasType('binomial'),
    text: 'd = p_t - p_c; d +/- z * sqrt(p_t(1 - p_t)/n_t + p_c(1 - p_c)/n_c).',
  },
  {
    name: "Welch's t-test",
    applies: usesTest('welch_t'),
    text:
      't = (m_t - m_c)/SE, SE = sqrt(s_t^2/n_t + s_c^2/n_c); Welch-Satterthwaite df = SE^4 / ' +
      '[(s_t^2/n_t)^2/(n_t - 1) + (s_c^2/n_c)^2/(n_c - 1)]; difference interval ' +
      '(m_t - m_c) +/- t(1 - alpha/2, df) * SE.',
  },
  {
    name: "Cohen's d",
    applies: hasType('continuous'),
    text: 'd = (m_t - m_c)/s_p, s_p^2 = ((n_t - 1)s_t^2 + (n_c - 1)s_c^2)/(n_t + n_c - 2).',
  },
  {
    name: 'Mann-Whitney U',
    applies: hasType('continuous'),
    text:
      'U = R_t - n_t(n_t + 1)/2, R_t the rank sum of the treatment (mid-ranks for ties); ' +
      'z = (max(U, n_t n_c - U) - n_t n_c/2 - 1/2)/sigma, sigma^2 = n_t n_c/12 * ((N + 1) - ' +
      'sum(t^3 - t)/(N(N - 1))); two-sided p-value = 2 P(Z > z).',
  },
  {
    name: 'Relative lift (delta method)',
    applies: always,
    text:
      'L = mu_t/mu_c - 1; var = s_t^2/(n_t mu_c^2) + mu_t^2 s_c^2/(n_c mu_c^4); L +/- z * ' +
      'sqrt(var); s^2 = p(1 - p) for rates and the sample variance for continuous metrics.',
  },
  {
    name: 'Benjamini-Hochberg adjustment',
    applies: always,
    text:
      'Over all m (metric, treatment) comparisons with p-values sorted p_(1) <= ... <= p_(m): ' +
      'adjusted p_(i) = min over j >= i of min(1, m p_(j)/j). Significant: adjusted p-value < alpha.',
  },
  {
    name: 'Sample ratio mismatch (SRM)',
    applies: always,
    text:
      'X2 = sum over variants of (O_v - N w_v)^2/(N w_v), w_v the expected share, df = ' +
      'variants - 1; flagged when the p-value is below 0.001.',
  },
  {
    name: 'Bayesian Beta-Binomial',
    applies: hasType('binomial'),
    text:
      'Posterior Beta(1 + x, 1 + n - x) per arm (uniform prior); P(beat control) = ' +
      'P(p_t > p_c) by numerical integration; expected loss of shipping = E[max(p_c - p_t, 0)].',
  },
  {
    name: 'Logistic regression (binomial metrics)',
    applies: hasModel('logistic_regression'),
    text:
      'logit P(y = 1) = b0 + sum b_j x_j over the variant and one-hot attributes; maximum ' +
      "likelihood by Newton/IRLS, b <- b + (X'WX)^-1 X'(y - p), W = diag(p(1 - p)); SE = " +
      "sqrt(diag((X'WX)^-1)); ridge fallback (lambda = 1) on separation.",
  },
  {
    name: 'Linear regression, HC1 (continuous metrics)',
    applies: hasModel('linear_regression'),
    text: "b = (X'X)^-1 X'y; V = n/(n - k) (X'X)^-1 X' diag(e_i^2) X (X'X)^-1 (HC1 robust).",
  },
  {
    name: 'Quasi-Poisson regression (count metrics)',
    applies: hasModel('quasi_poisson_regression'),
    text:
      'log E[y] = b0 + sum b_j x_j; IRLS as statsmodels GLM(Poisson); dispersion phi = Pearson ' +
      "X2/(n - k); V = phi (X'WX)^-1, W = diag(mu). Effect: average change in the expected count.",
  },
  {
    name: 'Model-adjusted treatment effect',
    applies: hasModels,
    text:
      'Average over users of prediction(as treatment) - prediction(as control); SE = ' +
      "sqrt(J'VJ) by the delta method; Wald z p-values and intervals. For the linear model " +
      'it equals the variant coefficient.',
  },
  {
    name: 'Cross-validation',
    applies: hasModels,
    text:
      '5 folds assigned from a hash of the user id (stratified by outcome for the logistic ' +
      'model). AUC; log loss = -mean(y log p + (1 - y) log(1 - p)); RMSE = sqrt(SSE/n); ' +
      'R2 = 1 - SSE/SST.',
  },
  {
    name: 'Feature importance',
    applies: hasModels,
    text: "Standard deviation over users of the feature's contribution to the linear predictor.",
  },
];

/**
 * The methods an analysis used, in appendix order.
 * @param experiment - the experiment result
 * @returns name and formula text of each method that applies
 * @example reportMethods(experiment).map((m) => m.name)
 */
export function reportMethods(experiment: ExperimentResult): ReportMethod[] {
  return methods.filter((m) => m.applies(experiment)).map(({ name, text }) => ({ name, text }));
}
