import { describe, expect, it } from 'vitest';
import { linearFormats, ORIGINAL_FORMATS } from './ajv-formats.js';

function original(name: string): (text: string) => boolean {
  const format = ORIGINAL_FORMATS[name];
  const re = format instanceof RegExp ? format : (format as { validate: RegExp }).validate;
  return (text) => re.test(text);
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible input. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces each format is made of, so random strings land near the edges of what it accepts.
const PIECES: Record<string, string[]> = {
  duration: ['P', 'T', '1', '12', 'Y', 'M', 'D', 'H', 'S', 'W', 'x'],
  hostname: ['a', 'b1', '-', '.', 'x'.repeat(61), 'é', '_', 'z'.repeat(63)],
  url: [
    'http://',
    'https://',
    'ftp://',
    'mailto:',
    'a',
    'example',
    '.com',
    '.',
    '-',
    '10',
    '127',
    '169',
    '254',
    '172',
    '16',
    '31',
    '32',
    '192',
    '168',
    '8',
    '223',
    '224',
    '0',
    '255',
    '@',
    ':',
    ':8080',
    '/',
    '/p?q=1#f',
    ' ',
    '\u00a0',
    'ü',
    'user',
  ],
  'uri-reference': ['http:', '//', 'a', '%20', '%zz', '[::1]', '/', '?', '#', ' ', ':', '@', '"', '\\'],
  'uri-template': ['{', '}', 'a', '+', ',', ':3', '*', '%41', ' ', '/', '.'],
  email: ['a', '.', '@', 'b', '-', 'c1', '+', '!', ' ', '@@'],
  ipv4: ['1', '25', '255', '256', '0', '.', '01', 'a'],
  ipv6: ['::', ':', 'ffff', '0', '1.2.3.4', 'g', 'abcd'],
  uuid: ['urn:uuid:', '0123abcd', '-', 'ef01', '0123456789ab', 'g'],
  'json-pointer': ['/', 'a', '~0', '~1', '~', '~2', ''],
  'json-pointer-uri-fragment': ['#', '/', 'a', '%20', '~0', '~1', '~', '%', ' '],
  'relative-json-pointer': ['0', '1', '12', '#', '/', 'a', '~0', '~'],
};

const SAMPLES: Record<string, string[]> = {
  duration: ['P', 'PT', 'P1D', 'PT1H', 'P1Y2M3DT4H5M6S', 'P1W', 'P1DT', 'PT1H1M1S', 'P1W1D'],
  hostname: [
    'example.com',
    'a.',
    `${'a'.repeat(63)}.com`,
    `${'a.'.repeat(126)}a`,
    `${'a.'.repeat(127)}`,
    '-a.com',
  ],
  url: [
    'http://example.com',
    'http://10.0.0.1',
    'http://11.0.0.1',
    'http://127.0.0.1:8080/x',
    'http://169.254.1.1',
    'http://169.253.1.1',
    'http://192.168.0.1',
    'http://192.169.0.1',
    'http://172.16.0.1',
    'http://172.15.0.1',
    'http://172.32.0.1',
    'http://10.0.0.1@example.com',
    'http://user:pw@8.8.8.8/p',
    'ftp://müller.de',
    'http://a b.com',
    'http://exa\u00a0mple.com',
    'http://1.2.3.255',
  ],
  'uri-reference': ['http://a.b/c?d#e', '//[::1]:80/x', '../a', 'a b'],
  'uri-template': ['http://x/{a}', '{+path:3}/{x,y*}', '{a', 'a b'],
  email: ['kim@example.org', 'a.b+c@d-e.f', 'a..b@c.d', 'a@-b.c'],
  ipv4: ['1.2.3.4', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3'],
  ipv6: ['::1', 'fe80::1', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', '1::2::3'],
  uuid: ['0123abcd-ef01-ef01-ef01-0123456789ab', 'urn:uuid:0123ABCD-EF01-EF01-EF01-0123456789AB', '0123abcd'],
  'json-pointer': ['', '/a~0b/c~1d', '/~2', 'a'],
  'json-pointer-uri-fragment': ['#', '#/a%20b/~0', '#/%zz', '/a'],
  'relative-json-pointer': ['0', '1/a', '2#', '01', '-1'],
};

describe('linear formats', () => {
  for (const [name, check] of Object.entries(linearFormats)) {
    it(`accepts exactly what ajv-formats accepts for ${name}`, () => {
      // given ajv-formats' own expression and a few thousand strings near its edges
      const expected = original(name);
      const next = random(name.length * 7919);
      const pieces = PIECES[name] ?? ['a'];
      const inputs = [...(SAMPLES[name] ?? [])];
      for (let i = 0; i < 4000; i++) {
        const length = 1 + Math.floor(next() * 8);
        inputs.push(Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]).join(''));
      }
      // then both agree on every one (and some are accepted, some refused)
      const disagreements = inputs.filter((text) => check(text) !== expected(text));
      expect(disagreements).toEqual([]);
      expect(inputs.some((text) => check(text))).toBe(true);
      expect(inputs.some((text) => !check(text))).toBe(true);
    });
  }

  it('checks a url in linear time where ajv-formats takes quadratic time', () => {
    // given the input that makes ajv-formats' url backtrack (0.4 s at 8,000 repetitions there)
    const hostile = (n: number) => `http://${'1:'.repeat(n)}!`;
    const time = (text: string) => {
      const start = performance.now();
      linearFormats.url?.(text);
      return performance.now() - start;
    };
    time(hostile(1000));
    // when the input grows 8x
    const small = Math.min(time(hostile(25_000)), time(hostile(25_000)));
    const large = Math.min(time(hostile(200_000)), time(hostile(200_000)));
    // then the time grows about 8x, far from the 64x of quadratic time (generous: a shared machine)
    expect(linearFormats.url?.(hostile(200_000))).toBe(false);
    expect(large).toBeLessThan(Math.max(small, 1) * 30);
  });
});
