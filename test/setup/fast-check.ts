/**
 * Property tests draw from a fixed seed, so a run in CI is the run on a laptop; change the
 * seed here to explore other cases.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: 20261126 });
