/**
 * Field-level readers that work straight on the file's bytes: numbers,
 * booleans, dates and missing markers, with no per-field string. They are
 * the hot loop of the importer, so they return plain numbers and report
 * their verdict through the `scan` record instead of allocating objects.
 */

/** Verdicts of the last scanNumber / scanDate call. */
export const scan = {
  /** 0: not a number, 1: integer syntax, 2: float syntax */
  cls: 0,
  /** date formats the value fits (DATE_* bits), 0 when not a date */
  dmask: 0,
  /** the value had a time of day */
  hasTime: false,
};

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const latin1 = new TextDecoder('latin1');

function slowNumber(b: Uint8Array, s: number, e: number, dec: number): number {
  let str = latin1.decode(b.subarray(s, e)).trim();
  if (dec === 44) str = str.replace(',', '.');
  return Number(str);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Parses [s, e) as a decimal number (`dec` is the decimal mark: 46 '.' or
 * 44 ','). Sets scan.cls. Results are correctly rounded: the fast path is
 * exact (≤ 15 significant digits, |exponent| ≤ 22, one rounding), anything
 * else goes through Number().
 */
export function scanNumber(b: Uint8Array, s: number, e: number, dec: number): number {
  while (s < e && isSpace(b[s]!)) s++;
  while (e > s && isSpace(b[e - 1]!)) e--;
  let i = s;
  const c = b[i];
  let neg = false;
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let mant = 0;
  const ds = i;
  while (i < e) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    i++;
  }
  let nd = i - ds;
  let frac = 0;
  let isFloat = false;
  if (i < e && b[i] === dec) {
    isFloat = true;
    i++;
    const fs = i;
    while (i < e) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      i++;
    }
    frac = i - fs;
    nd += frac;
  }
  if (nd === 0) {
    scan.cls = 0;
    return infinity(b, s, e);
  }
  let exp = 0;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    isFloat = true;
    i++;
    let eneg = false;
    if (b[i] === 45) {
      eneg = true;
      i++;
    } else if (b[i] === 43) i++;
    const es = i;
    while (i < e) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      if (exp < 100000) exp = exp * 10 + d;
      i++;
    }
    if (i === es) {
      scan.cls = 0;
      return 0;
    }
    if (eneg) exp = -exp;
  }
  if (i !== e) {
    scan.cls = 0;
    return 0;
  }
  scan.cls = isFloat ? 2 : 1;
  if (nd > 15) return slowNumber(b, s, e, dec);
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0) v = mant;
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10]!;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10]!;
  else return slowNumber(b, s, e, dec);
  return neg ? -v : v;
}

/**
 * The common case of scanNumber in one tight loop: [s, e) is exactly
 * -?digits[<dec>digits] with 1 to 15 digits in all. Sets scan.cls to 1
 * (integer) or 2 (float) and returns the same value scanNumber would (the
 * same exact formula), or sets scan.cls to 0 when the field is anything else
 * (spaces, a sign +, an exponent, more digits, not a number): the caller then
 * asks scanNumber.
 */
export function fastNumber(b: Uint8Array, s: number, e: number, dec: number): number {
  let i = s;
  let neg = false;
  if (b[i] === 45) {
    neg = true;
    i++;
  }
  const ds = i;
  let mant = 0;
  while (i < e) {
    const d = b[i]! - 48;
    if (d >>> 0 > 9) break;
    mant = mant * 10 + d;
    i++;
  }
  let nd = i - ds;
  let cls = 1;
  let v: number;
  if (i < e && b[i] === dec) {
    cls = 2;
    i++;
    const fs = i;
    while (i < e) {
      const d = b[i]! - 48;
      if (d >>> 0 > 9) break;
      mant = mant * 10 + d;
      i++;
    }
    const frac = i - fs;
    nd += frac;
    v = frac === 0 ? mant : mant / POW10[frac]!;
  } else v = mant;
  if (i !== e || nd === 0 || nd > 15) {
    scan.cls = 0;
    return 0;
  }
  scan.cls = cls;
  return neg ? -v : v;
}

/**
 * An ISO date YYYY-MM-DD of exactly ten bytes, as epoch milliseconds; NaN
 * for anything else (then scanDate decides). The same value as scanDate
 * followed by dateValue(DATE_ISO) for those fields.
 */
export function fastIsoDate(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return NaN;
  let y = 0;
  for (let k = s; k < s + 4; k++) {
    const d = b[k]! - 48;
    if (d >>> 0 > 9) return NaN;
    y = y * 10 + d;
  }
  const m1 = b[s + 5]! - 48;
  const m2 = b[s + 6]! - 48;
  const d1 = b[s + 8]! - 48;
  const d2 = b[s + 9]! - 48;
  if (m1 >>> 0 > 9 || m2 >>> 0 > 9 || d1 >>> 0 > 9 || d2 >>> 0 > 9) return NaN;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return NaN;
  return daysFromCivil(y, m, d) * 86400000;
}

/** inf, -inf, +inf, infinity (any case) → ±Infinity as a float; else cls 0. */
function infinity(b: Uint8Array, s: number, e: number): number {
  let neg = false;
  if (b[s] === 45 || b[s] === 43) {
    neg = b[s] === 45;
    s++;
  }
  const n = e - s;
  if (n !== 3 && n !== 8) return 0;
  const w = lowerWord(b, s, e);
  if (w === 'inf' || w === 'infinity') {
    scan.cls = 2;
    return neg ? -Infinity : Infinity;
  }
  return 0;
}

function lowerWord(b: Uint8Array, s: number, e: number): string {
  let w = '';
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    w += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  return w;
}

/** Missing markers: empty, NA, N/A, NaN, null, None, ?, - (any case, spaces around ignored). */
export function isMissing(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && isSpace(b[s]!)) s++;
  while (e > s && isSpace(b[e - 1]!)) e--;
  const n = e - s;
  if (n === 0) return true;
  if (n > 4) return false;
  const c0 = b[s]! | 0x20;
  if (n === 1) return b[s] === 63 || b[s] === 45;
  if (c0 !== 110) return false; // every word marker starts with n
  const w = lowerWord(b, s, e);
  return w === 'na' || w === 'n/a' || w === 'nan' || w === 'null' || w === 'none';
}

/** true/false, yes/no, t/f, y/n (any case) → 1/0; anything else → -1. */
export function scanBool(b: Uint8Array, s: number, e: number): number {
  while (s < e && isSpace(b[s]!)) s++;
  while (e > s && isSpace(b[e - 1]!)) e--;
  const n = e - s;
  if (n === 0 || n > 5) return -1;
  const c0 = b[s]! | 0x20;
  if (c0 !== 116 && c0 !== 102 && c0 !== 121 && c0 !== 110) return -1;
  if (n === 1) return c0 === 116 || c0 === 121 ? 1 : 0;
  const w = lowerWord(b, s, e);
  if (w === 'true' || w === 'yes') return 1;
  if (w === 'false' || w === 'no') return 0;
  return -1;
}

// ---------------------------------------------------------------- dates

/** ISO YYYY-MM-DD (with optional time) */
export const DATE_ISO = 1;
/** YYYY/MM/DD or YYYY.MM.DD */
export const DATE_YMD = 2;
/** DD/MM/YYYY (also with . or -) */
export const DATE_DMY = 4;
/** MM/DD/YYYY (also with . or -) */
export const DATE_MDY = 8;

/** The format a column uses, given the formats every value fits. Ambiguous day/month → month first, like pandas. */
export function chooseDateFormat(mask: number): number {
  if (mask & DATE_ISO) return DATE_ISO;
  if (mask & DATE_YMD) return DATE_YMD;
  if (mask & DATE_MDY) return DATE_MDY;
  if (mask & DATE_DMY) return DATE_DMY;
  return 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(y: number, m: number): number {
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return MONTH_DAYS[m - 1]!;
}

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// parts of the last scanDate call
let pY = 0;
let pA = 0;
let pB = 0;
let pTimeMs = 0;

function digits(b: Uint8Array, i: number, e: number, min: number, max: number): number {
  // returns the end index of a run of min..max digits starting at i, or -1
  let j = i;
  while (j < e && j - i < max) {
    const c = b[j]!;
    if (c < 48 || c > 57) break;
    j++;
  }
  if (j - i < min) return -1;
  if (j < e) {
    const c = b[j]!;
    if (c >= 48 && c <= 57) return -1;
  }
  return j;
}

function num(b: Uint8Array, i: number, j: number): number {
  let v = 0;
  for (let k = i; k < j; k++) v = v * 10 + (b[k]! - 48);
  return v;
}

/** Parses an optional time part at i: [T ]HH:MM[:SS[.fff]][Z|±HH[:MM]]. Returns ms offset-corrected, or NaN. */
function scanTime(b: Uint8Array, i: number, e: number): number {
  const sep = b[i];
  if (sep !== 84 && sep !== 32 && sep !== 116) return NaN;
  i++;
  let j = digits(b, i, e, 1, 2);
  if (j < 0 || b[j] !== 58) return NaN;
  const H = num(b, i, j);
  i = j + 1;
  j = digits(b, i, e, 2, 2);
  if (j < 0) return NaN;
  const Mi = num(b, i, j);
  i = j;
  let S = 0;
  let ms = 0;
  if (b[i] === 58) {
    j = digits(b, i + 1, e, 2, 2);
    if (j < 0) return NaN;
    S = num(b, i + 1, j);
    i = j;
    if (b[i] === 46 || b[i] === 44) {
      let k = i + 1;
      let scale = 100;
      while (k < e && b[k]! >= 48 && b[k]! <= 57) {
        ms += (b[k]! - 48) * scale;
        scale /= 10;
        k++;
      }
      if (k === i + 1) return NaN;
      i = k;
    }
  }
  if (H > 23 || Mi > 59 || S > 60) return NaN;
  let off = 0;
  if (i < e) {
    const c = b[i]!;
    if (c === 90 || c === 122) i++;
    else if (c === 43 || c === 45) {
      j = digits(b, i + 1, e, 2, 2);
      if (j < 0) return NaN;
      const oh = num(b, i + 1, j);
      let om = 0;
      let k = j;
      if (b[k] === 58) k++;
      const j2 = digits(b, k, e, 2, 2);
      if (j2 > 0) {
        om = num(b, k, j2);
        k = j2;
      } else if (k !== j) return NaN;
      off = (oh * 60 + om) * (c === 45 ? -1 : 1);
      i = k;
    }
    if (i !== e) return NaN;
  }
  return ((H * 60 + Mi - off) * 60 + S) * 1000 + Math.round(ms);
}

/**
 * Reads [s, e) as a date or date-time. Sets scan.dmask to the formats the
 * value fits (0 when it is no date) and scan.hasTime. Call dateValue(fmt)
 * afterwards for the epoch milliseconds under a chosen format.
 */
export function scanDate(b: Uint8Array, s: number, e: number): void {
  while (s < e && isSpace(b[s]!)) s++;
  while (e > s && isSpace(b[e - 1]!)) e--;
  scan.dmask = 0;
  scan.hasTime = false;
  if (e - s < 8 || e - s > 40) return;
  const c0 = b[s]!;
  if (c0 < 48 || c0 > 57) return;
  const j = digits(b, s, e, 1, 4);
  if (j < 0) return;
  const sep = b[j]!;
  if (sep !== 45 && sep !== 47 && sep !== 46) return;
  let mask: number;
  let y: number;
  let a: number;
  let bb: number;
  let end: number;
  if (j - s === 4) {
    // year first
    y = num(b, s, j);
    const j1 = digits(b, j + 1, e, 1, 2);
    if (j1 < 0 || b[j1] !== sep) return;
    const j2 = digits(b, j1 + 1, e, 1, 2);
    if (j2 < 0) return;
    a = num(b, j + 1, j1);
    bb = num(b, j1 + 1, j2);
    if (a < 1 || a > 12 || bb < 1 || bb > daysIn(y, a)) return;
    mask = sep === 45 ? DATE_ISO : DATE_YMD;
    end = j2;
  } else {
    if (j - s > 2) return;
    a = num(b, s, j);
    const j1 = digits(b, j + 1, e, 1, 2);
    if (j1 < 0 || b[j1] !== sep) return;
    const j2 = digits(b, j1 + 1, e, 4, 4);
    if (j2 < 0) return;
    bb = num(b, j + 1, j1);
    y = num(b, j1 + 1, j2);
    mask = 0;
    if (bb >= 1 && bb <= 12 && a >= 1 && a <= daysIn(y, bb)) mask |= DATE_DMY;
    if (a >= 1 && a <= 12 && bb >= 1 && bb <= daysIn(y, a)) mask |= DATE_MDY;
    if (!mask) return;
    end = j2;
  }
  let t = 0;
  if (end < e) {
    t = scanTime(b, end, e);
    if (t !== t) return;
    scan.hasTime = true;
  }
  pY = y;
  pA = a;
  pB = bb;
  pTimeMs = t;
  scan.dmask = mask;
}

/** Epoch ms of the last scanDate value under format `fmt` (one DATE_* bit). */
export function dateValue(fmt: number): number {
  let m: number;
  let d: number;
  if (fmt === DATE_DMY) {
    d = pA;
    m = pB;
  } else {
    // ISO/YMD keep month in A; MDY too
    m = pA;
    d = pB;
  }
  return daysFromCivil(pY, m, d) * 86400000 + pTimeMs;
}

// ---------------------------------------------------------------- classification

export const K_EMPTY = 0;
export const K_BOOL = 1;
export const K_INT = 2;
export const K_FLOAT = 3;
export const K_DATE = 4;
export const K_STRING = 5;

/** What one non-missing value looks like: K_* (dates also set scan.dmask / scan.hasTime). */
export function classify(b: Uint8Array, s: number, e: number, dec: number): number {
  scanNumber(b, s, e, dec);
  if (scan.cls === 1) return K_INT;
  if (scan.cls === 2) return K_FLOAT;
  if (scanBool(b, s, e) >= 0) return K_BOOL;
  scanDate(b, s, e);
  if (scan.dmask) return K_DATE;
  return K_STRING;
}
