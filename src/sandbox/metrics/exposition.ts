/**
 * Reads the Prometheus text exposition format (0.0.4), what the Pods' prom-client serves:
 * `name{label="value",...} value [timestamp]`, `# HELP` / `# TYPE` comments skipped.
 * Follows prometheus/common expfmt/text_parse.go for escapes and special values.
 */
export type Labels = Readonly<Record<string, string>>;

export interface ScrapedSample {
  readonly labels: Labels;
  readonly value: number;
}

function parseFloatValue(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
  }
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new Error(`expected a float, got "${text}"`);
  return v;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

export function parseExposition(text: string): ScrapedSample[] {
  const out: ScrapedSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not a sample: ${line}`);
    const labels: Record<string, string> = { __name__: m[1]! };
    const body = m[3] ?? '';
    const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
    let pos = 0;
    while (pos < body.length) {
      re.lastIndex = pos;
      const lm = re.exec(body);
      if (!lm) throw new Error(`line ${i + 1}: bad labels: ${body}`);
      labels[lm[1]!] = unescape(lm[2]!);
      pos = re.lastIndex;
    }
    out.push({ labels, value: parseFloatValue(m[4]!) });
  }
  return out;
}
