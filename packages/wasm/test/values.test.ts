/** The glue's own copies of a few Winsock values equal the browser library's exports. */
import { expect, it } from 'vitest';
import * as ws2 from '../../browser/src/index.js';
import * as values from '../src/values.js';

it('every value in src/values.ts matches @ws2web/browser', () => {
  for (const [name, value] of Object.entries(values)) {
    expect((ws2 as Record<string, unknown>)[name], name).toBe(value);
  }
});
