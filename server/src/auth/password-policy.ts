import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { problems } from '../errors.js';

/**
 * At least 10 characters: NIST SP 800-63B asks for 8 at the least and for a check against known
 * breached and common passwords; 10 gives headroom for passwords people choose, and a strength
 * estimate refuses the long but guessable ones ("password1234", "qwertyuiop").
 */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * zxcvbn's score 3 ("safely unguessable: moderate protection from offline slow-hash scenario",
 * >= 10^8 guesses). Measured on the fixtures: "correct horse battery" 4, "load-password-1" 3,
 * "password1234" 1, "Password123!" 1, "samsamsam1" 1.
 */
const MIN_SCORE = 3;

// zxcvbn's matching grows with the input (a 1,000-character password took ~80 ms here); the first
// 128 characters decide: if they are strong, the whole is.
const ASSESSED_LENGTH = 128;

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

/**
 * Why a password is refused, or null when it may be used. Checks length (code points) and, with
 * zxcvbn's dictionaries of common passwords, English words and names, keyboard patterns,
 * repeats and dates, how guessable it is; the username and display name count as known words.
 */
export function passwordWeakness(
  password: string,
  context: { readonly username?: string; readonly displayName?: string } = {},
): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `use at least ${MIN_PASSWORD_LENGTH} characters`;
  const userInputs = [context.username, context.displayName].filter((s): s is string => !!s);
  const result = zxcvbn.check(password.slice(0, ASSESSED_LENGTH), userInputs);
  if (result.score >= MIN_SCORE) return null;
  const warning = result.feedback.warning;
  return `it is too easy to guess${warning ? ` (${warning.replace(/\.$/, '')})` : ''}; use a longer phrase of uncommon words`;
}

/** Throws 400 `PASSWORD_TOO_WEAK` (pointing at `pointer`) unless the policy accepts the password. */
export function assertPasswordPolicy(
  password: string,
  context: { readonly username?: string; readonly displayName?: string },
  pointer = '/password',
): void {
  const weakness = passwordWeakness(password, context);
  if (weakness) throw problems.passwordTooWeak(weakness, pointer);
}
