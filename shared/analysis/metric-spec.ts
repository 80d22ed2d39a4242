/**
 * A metric as the analysis computes it, and the metrics of an experiment that names none.
 */
import { defaultPurchaseEvent } from '../events/events-contract.ts';

/** A metric with every default filled in. */
export interface MetricSpec {
  readonly name: string;
  readonly type: 'binomial' | 'continuous';
  readonly eventType: string;
  readonly aggregate: 'any' | 'count' | 'sum';
}

/** The default metrics: conversion (any purchase) and revenue (sum of purchase values). */
export const defaultMetrics: readonly MetricSpec[] = [
  { name: 'conversion', type: 'binomial', eventType: defaultPurchaseEvent, aggregate: 'any' },
  { name: 'revenue', type: 'continuous', eventType: defaultPurchaseEvent, aggregate: 'sum' },
];
