import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

// Loaded with import() by password-strength.ts at the first check, since its lists are large.
// The packages are imported statically here, not with import() there: bundled by the launcher,
// a CommonJS package loaded with import() would show only its default export.
export function createZxcvbn(): ZxcvbnFactory {
  return new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
}
