/**
 * A rendered report or comparison as data: headings, paragraphs, lists,
 * tables and charts. The text, Markdown and HTML printers are views of it
 * (text and Markdown leave the charts out; HTML draws them as inline SVG).
 */
import type { TopLevelSpec } from '../report/charts/svg.js';
import type { Column } from '../report/table.js';

export interface Table {
  columns: readonly Column[];
  rows: readonly string[][];
  /** Cells to mark (a setting that differs between reports, a significant verdict); same shape as rows. */
  marked?: readonly boolean[][];
}

export type Block =
  | { kind: 'heading'; text: string; level: 2 | 3 }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: readonly string[] }
  | { kind: 'table'; table: Table }
  /** A chart: its Vega-Lite specification and a text alternative saying what it shows. */
  | { kind: 'chart'; id: string; title: string; spec: TopLevelSpec; alt: string };

export interface Document {
  title: string;
  /** One line under the title: where the data came from. */
  subtitle: string;
  blocks: Block[];
}

export const heading = (text: string, level: 2 | 3 = 2): Block => ({ kind: 'heading', text, level });
export const paragraph = (text: string): Block => ({ kind: 'paragraph', text });
export const list = (items: readonly string[]): Block => ({ kind: 'list', items });
export const table = (t: Table): Block => ({ kind: 'table', table: t });
