import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMetricChart } from '../report/postmortem/metric-chart.ts';
import { svgToPng } from './postmortem-service.ts';

test('--png renders the chart at twice its size through resvg', async () => {
  const svg = renderMetricChart({ title: 'p99', samples: [{ t: 0, v: 0.2 }, { t: 60, v: 0.9 }, { t: 120, v: 0.2 }], threshold: 0.5, marks: [{ kind: 'deploy', at: '1970-01-01T00:00:30.000Z', label: 'deploy' }] });
  const png = await svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1760, 720]);
});
