/**
 * Lathe's own view of a column chunk: typed arrays, no Arrow classes. Arrow
 * stays behind src-main/engine/arrow/ (encode/decode) so the library under it
 * can change. Missing values: `nulls[i] === 1`; floats and timestamps also
 * hold NaN there and string codes hold -1, so hot loops need not look at
 * `nulls`.
 */
export type ColumnData =
  | { storage: 'float64'; values: Float64Array; nulls?: Uint8Array }
  | { storage: 'int32'; values: Int32Array; nulls?: Uint8Array }
  | { storage: 'bool'; values: Uint8Array; nulls?: Uint8Array }
  /** epoch milliseconds (UTC) */
  | { storage: 'timestamp'; values: Float64Array; nulls?: Uint8Array }
  /** dictionary-encoded strings; the dictionary is local to the chunk */
  | { storage: 'string'; codes: Int32Array; dictionary: string[]; nulls?: Uint8Array };

export interface Batch {
  names: string[];
  columns: ColumnData[];
  rows: number;
}
