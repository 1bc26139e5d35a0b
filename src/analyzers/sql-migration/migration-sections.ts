/**
 * Tools that keep up and down in one file (dbmate `-- migrate:up/down`, goose `-- +goose Up/Down`).
 * The down part is blanked (not cut) so line and column numbers of the up part stay true.
 */
export interface Sections {
  readonly up: string;
  readonly down: string | undefined;
  readonly style: 'dbmate' | 'goose' | undefined;
}

const markers = [
  { style: 'dbmate', up: /^--\s*migrate:up\b.*$/m, down: /^--\s*migrate:down\b.*$/m },
  { style: 'goose', up: /^--\s*\+goose\s+Up\b.*$/im, down: /^--\s*\+goose\s+Down\b.*$/im },
] as const;

export function splitSections(text: string): Sections {
  // NOTE: every marker needs "migrate:" (case as written) or "+goose" (any case): most files have
  // neither, and two plain scans cost less than four line-anchored ones (twice per file: pairDown).
  if (!text.includes('migrate:') && !hasGoose(text)) return { up: text, down: undefined, style: undefined };
  for (const m of markers) {
    const down = m.down.exec(text);
    if (!down && !m.up.test(text)) continue;
    if (!down) return { up: text, down: undefined, style: m.style };
    const downText = text.slice(down.index);
    return { up: text.slice(0, down.index) + downText.replace(/[^\n]/g, ' '), down: downText, style: m.style };
  }
  return { up: text, down: undefined, style: undefined };
}

const gooseAt = /\+goose/iy;

/** /\+goose/i.test(text), tried only at each '+' (indexOf): a case-insensitive scan tries every character. */
function hasGoose(text: string): boolean {
  for (let i = text.indexOf('+'); i >= 0; i = text.indexOf('+', i + 1)) {
    gooseAt.lastIndex = i;
    if (gooseAt.test(text)) return true;
  }
  return false;
}
