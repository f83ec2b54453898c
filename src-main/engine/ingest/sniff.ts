/**
 * Dialect sniffing on the first ~64 KiB: delimiter, quote, decimal mark,
 * header, line ending and encoding. Pure functions over bytes, so they are
 * easy to test one by one.
 */
import { isUtf8 } from 'node:buffer';
import type { Dialect } from '../../../src-shared/dataset.ts';
import { splitRecords } from './tokenizer.ts';
import { K_EMPTY, K_STRING, classify, isMissing } from './values.ts';
import { joinKind } from './infer.ts';

export const SNIFF_BYTES = 64 * 1024;
const DELIMS = [',', ';', '\t', '|'];

const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Windows-1252 bytes → string (Node's TextDecoder treats the label as ISO-8859-1). */
export function decodeCp1252(b: Uint8Array): string {
  const s = latin1.decode(b);
   
  if (!/[\x80-\x9f]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >= 0x80 && c <= 0x9f ? CP1252_HIGH[c - 0x80]! : c);
  }
  return out;
}

export function decoderFor(encoding: Dialect['encoding']): (b: Uint8Array) => string {
  return encoding === 'utf-8' ? (b) => utf8.decode(b) : decodeCp1252;
}

/** Valid UTF-8, allowing the sample to end inside a multi-byte character. */
export function looksUtf8(b: Uint8Array, complete: boolean): boolean {
  if (isUtf8(b)) return true;
  if (complete) return false;
  for (let k = 1; k <= 3 && k < b.length; k++) if (isUtf8(b.subarray(0, b.length - k))) return true;
  return false;
}

export interface Sniffed {
  delimiter: string;
  quote: string;
  decimal: '.' | ',';
  header: boolean;
  lineEnding: Dialect['lineEnding'];
  encoding: Dialect['encoding'];
}

function fieldCountScore(sample: Uint8Array, delim: string, quote: string, eof: boolean): { score: number; width: number } {
  const { records } = splitRecords(sample, delim.charCodeAt(0), quote.charCodeAt(0), 400, eof, (b) => (b.length ? 'x' : ''));
  if (records.length === 0) return { score: 0, width: 1 };
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let width = 1;
  let best = 0;
  for (const [w, n] of counts) {
    if (n > best || (n === best && w > width)) {
      best = n;
      width = w;
    }
  }
  if (width <= 1) return { score: 0, width };
  return { score: best / records.length, width };
}

function countQuotes(text: string, q: string): number {
  const e = q === '"' ? '"' : "'";
  const open = new RegExp(`(^|[,;\\t|])${e}`, 'gm');
  const close = new RegExp(`${e}([,;\\t|]|$)`, 'gm');
  return (text.match(open)?.length ?? 0) + (text.match(close)?.length ?? 0);
}

/**
 * Guesses the dialect of `sample` (the file's first bytes after any BOM).
 * `eof` says the sample is the whole file.
 */
export function sniff(sample: Uint8Array, eof: boolean): Sniffed {
  const encoding: Dialect['encoding'] = looksUtf8(sample, eof) ? 'utf-8' : 'windows-1252';
  const text = latin1.decode(sample);

  // line endings
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i];
    if (c === 13) {
      if (sample[i + 1] === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10) lf++;
  }
  const lineEnding: Dialect['lineEnding'] = crlf >= lf && crlf >= cr && crlf > 0 ? 'CRLF' : cr > lf ? 'CR' : 'LF';

  const dq = countQuotes(text, '"');
  const sq = countQuotes(text, "'");
  const quote = sq > 0 && dq === 0 ? "'" : '"';

  // delimiter: the most consistent field count; ties go to the rarer characters,
  // because a ; or tab on every line is stronger evidence than a comma
  let delimiter = ',';
  let bestScore = -1;
  for (const d of [';', '\t', '|', ',']) {
    const { score } = fieldCountScore(sample, d, quote, eof);
    if (score > bestScore + 1e-9) {
      bestScore = score;
      delimiter = d;
    }
  }
  if (bestScore <= 0) delimiter = ',';

  const dcode = delimiter.charCodeAt(0);
  const decode = decoderFor(encoding);
  const { records } = splitRecords(sample, dcode, quote.charCodeAt(0), 200, eof, decode);

  // decimal comma: a non-comma delimiter and numbers written like 1,5
  let decimal: '.' | ',' = '.';
  if (delimiter !== ',') {
    let commaNums = 0;
    let dotNums = 0;
    for (const r of records.slice(1)) {
      for (const f of r) {
        if (/^\s*[-+]?\d+,\d+\s*$/.test(f)) commaNums++;
        else if (/^\s*[-+]?\d+\.\d+\s*$/.test(f)) dotNums++;
      }
    }
    if (commaNums > 0 && commaNums >= dotNums) decimal = ',';
  }

  const header = guessHeader(records, decimal === ',' ? 44 : 46);
  return { delimiter, quote, decimal, header, lineEnding, encoding };
}

const enc = new TextEncoder();

/** A header row holds words where the columns below hold numbers, dates or booleans. */
export function guessHeader(records: string[][], dec: number): boolean {
  if (records.length < 2) return true;
  const first = records[0]!;
  let votes = 0;
  for (let j = 0; j < first.length; j++) {
    let k = K_EMPTY;
    let dmask = -1;
    for (let r = 1; r < records.length; r++) {
      const v = records[r]![j];
      if (v === undefined) continue;
      const b = enc.encode(v);
      if (isMissing(b, 0, b.length)) continue;
      const c = classify(b, 0, b.length, dec);
      const jk = joinKind(k, dmask, c);
      k = jk.k;
      dmask = jk.dmask;
    }
    if (k === K_EMPTY || k === K_STRING) continue;
    const h = enc.encode(first[j] ?? '');
    if (isMissing(h, 0, h.length)) continue;
    const c = classify(h, 0, h.length, dec);
    const jk = joinKind(k, dmask, c);
    if (jk.k === k) votes--;
    else votes++;
  }
  return votes >= 0;
}

export function _testing(): { fieldCountScore: typeof fieldCountScore } {
  return { fieldCountScore };
}

export { DELIMS };
