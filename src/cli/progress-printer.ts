import type { ProgressEvent } from '../app/rollback-service.ts';
import { paint, type CliIO } from './io.ts';

/** Prints a run's progress to stderr, so stdout stays one clean document with --output json. */
/** `total` may be a getter when the plan is known only later (the demo). */
export function progressPrinter(io: CliIO, total: number | (() => number)): (e: ProgressEvent) => void {
  const steps = () => (typeof total === 'number' ? total : total());
  return (e) => {
    switch (e.kind) {
      case 'step-started':
        io.stderr.write(`${paint(io, 'bold', `[${e.step + 1}/${steps()}]`)} ${e.title} ...\n`);
        return;
      case 'waiting':
        io.stderr.write(`      ${paint(io, 'dim', e.message)}\n`);
        return;
      case 'step-ended': {
        const colour = e.status === 'succeeded' ? 'green' : e.status === 'failed' ? 'red' : 'yellow';
        io.stderr.write(`      ${paint(io, colour, e.status)} in ${e.seconds.toFixed(1)}s${e.error ? `: ${e.error}` : ''}\n`);
        for (const ev of e.evidence.slice(0, 6)) io.stderr.write(`      ${paint(io, 'dim', `- ${ev}`)}\n`);
        return;
      }
    }
  };
}
