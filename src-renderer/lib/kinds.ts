/** How column kinds and roles look: short badges and colours, shared by the grid and the panel. */
import type { ColumnKind, ColumnRole } from '../../src-shared/dataset.ts';

export interface KindLook {
  /** A short badge drawn before the column name. */
  badge: string;
  /** A readable name for menus and tooltips. */
  label: string;
  /** A CSS colour for the badge. */
  color: string;
}

export const KIND_LOOK: Record<ColumnKind, KindLook> = {
  integer: { badge: '123', label: 'Integer', color: '#2f6fb0' },
  float: { badge: '1.5', label: 'Decimal', color: '#3a8f8a' },
  boolean: { badge: 'T/F', label: 'Boolean', color: '#8a6d1f' },
  date: { badge: 'DAY', label: 'Date', color: '#7a4fa3' },
  datetime: { badge: 'TIME', label: 'Date and time', color: '#7a4fa3' },
  categorical: { badge: 'ABC', label: 'Categorical', color: '#b0532f' },
  text: { badge: 'TXT', label: 'Text', color: '#666c75' },
};

export const ROLE_LABEL: Record<ColumnRole, string> = {
  feature: 'Feature',
  target: 'Target',
  ignored: 'Ignored',
};

export function kindLook(kind: ColumnKind): KindLook {
  return KIND_LOOK[kind];
}
