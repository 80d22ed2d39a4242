/**
 * Row checks as polars expressions: a list of (failed?, column, reason) checks becomes one
 * integer column holding the index of the first check a row fails (null when it passes all),
 * so each check is evaluated once and reasons are looked up only for the rejected rows.
 */
import pl from 'nodejs-polars';

/** One check: an expression true when the row fails it, the column at fault, and why. */
export type RowCheck = readonly [failed: pl.Expr, column: string, reason: string];

/**
 * The index of the first failing check of each row.
 * @param checks - the checks, in the order their reasons take precedence
 * @returns an Int32 expression, null for a row that passes every check
 * @example firstFailingCheck([[pl.col('v').isNull(), 'v', 'empty v']])
 */
export function firstFailingCheck(checks: readonly RowCheck[]): pl.Expr {
  let chain: pl.Then | pl.ChainedThen | undefined;
  checks.forEach(([failed], index) => {
    chain =
      chain === undefined
        ? pl.when(failed).then(pl.lit(index))
        : chain.when(failed).then(pl.lit(index));
  });
  if (chain === undefined) return pl.lit(null).cast(pl.Int32);
  return (chain as unknown as pl.ChainedThen).otherwise(pl.lit(null)).cast(pl.Int32);
}
