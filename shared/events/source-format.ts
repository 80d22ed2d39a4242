/**
 * Which of the four formats an upload is, from its Content-Type or its file name.
 */
import type { SourceFormat } from './events-contract.ts';

const byMediaType: Readonly<Record<string, SourceFormat>> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/json': 'json',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
};

const byExtension: Readonly<Record<string, SourceFormat>> = {
  csv: 'csv',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'json',
  parquet: 'parquet',
  pq: 'parquet',
};

/** The file extension raw objects of each format are stored under. */
export const formatExtension: Readonly<Record<SourceFormat, string>> = {
  csv: 'csv',
  ndjson: 'ndjson',
  json: 'json',
  parquet: 'parquet',
};

/** The Content-Type of each format. */
export const formatMediaType: Readonly<Record<SourceFormat, string>> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
};

/**
 * The format a media type names, ignoring parameters (`; charset=utf-8`).
 * @param contentType - a Content-Type header value
 * @returns the format, or undefined when the type is not one abtest reads
 * @example formatFromMediaType('text/csv; charset=utf-8') // 'csv'
 */
export function formatFromMediaType(contentType: string | undefined): SourceFormat | undefined {
  if (contentType === undefined) return undefined;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return byMediaType[mediaType];
}

/**
 * The format a file name's extension names.
 * @param fileName - a path or object key
 * @returns the format, or undefined for an unknown extension
 * @example formatFromFileName('uploads/day1.NDJSON') // 'ndjson'
 */
export function formatFromFileName(fileName: string): SourceFormat | undefined {
  const base = fileName.split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot < 0) return undefined;
  return byExtension[base.slice(dot + 1).toLowerCase()];
}
