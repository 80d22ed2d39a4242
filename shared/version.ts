/**
 * The version of abtest, printed in reports and model artifacts. Kept equal to package.json's
 * `version` (a test checks it).
 */
export const abtestVersion = '0.1.0';
