/**
 * Reading procfs and sysfs for samplers: a file or folder that is not there
 * is an absent reading (null or empty), never an exception and never zero.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** The file's text, or null when it cannot be read. */
export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The folder's entries, or none when it cannot be read. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
