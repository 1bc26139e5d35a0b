import { S } from '../schema.ts';
import { defineStep } from './step-definition.ts';

/** Step 3c: every Pod runs the good digest (`containerStatuses[].imageID`, not the spec). */
export const verifyDigest = defineStep({
  kind: 'verify.digest',
  phase: 'verify',
  params: S.object({ expectedImages: S.array(S.string()) }),
  ports: ['cluster'],
  expectedSeconds: 10,
  failure: 'verification',
});
