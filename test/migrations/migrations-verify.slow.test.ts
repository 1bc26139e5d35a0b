import { test } from 'node:test';
import { verifyBookstore } from './verify-scenario.ts';

test('verify on PGlite: the old binary’s query on the dropped column breaks after 0004, the others are attributed right', async () => {
  await verifyBookstore([]);
});
