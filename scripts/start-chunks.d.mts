// Types of start-chunks.mjs (plain JavaScript, so that scripts/check-size.mjs runs it under Node without a loader).
import type { CodeSplittingOptions } from 'rolldown';

export const HOME_START: string;
export const ENTRY: string;
export const KEPT_APART: readonly string[];
export function startChunks(root: string): CodeSplittingOptions;
