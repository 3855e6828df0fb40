/**
 * The ways an Aadhaar or card number arrives: the formats an adversarial review found stored in
 * full (issue 14) and more. Each builder takes the number's ASCII digits.
 */
const inScript = (s: string, zero: number) => [...s].map((d) => (/\d/.test(d) ? String.fromCodePoint(zero + Number(d)) : d)).join('');

export function aadhaarFormats(a: string): Array<[string, string]> {
  const g = (sep: string) => [a.slice(0, 4), a.slice(4, 8), a.slice(8, 12)].join(sep);
  return [
    ['plain', a],
    ['spaces', g(' ')],
    ['dashes', g('-')],
    ['dots', g('.')],
    ['two spaces', g('  ')],
    ['no-break space', g('\u00A0')],
    ['thin space', g('\u2009')],
    ['narrow no-break space', g('\u202F')],
    ['zero-width space', g('\u200B')],
    ['word joiner and space', g('\u2060 ')],
    ['soft hyphen', g('\u00AD')],
    ['en dash', g('\u2013')],
    ['em dash', g('\u2014')],
    ['minus sign', g('\u2212')],
    ['slashes', g('/')],
    ['spaced dashes', g(' - ')],
    ['commas', g(',')],
    ['tab', g('\t')],
    ['line breaks', g('\n')],
    ['ideographic space', g('\u3000')],
    ['a space between every digit', [...a].join(' ')],
    ['mobile number just before', `9876543210 ${g(' ')}`],
    ['mobile number glued before', `9876543210${a}`],
    ['full-width digits', inScript(a, 0xff10)],
    ['full-width, spaced', inScript(g(' '), 0xff10)],
    ['Devanagari digits', inScript(g(' '), 0x0966)],
    ['Bengali digits', inScript(g(' '), 0x09e6)],
    ['Gujarati digits', inScript(g(' '), 0x0ae6)],
    ['Tamil digits', inScript(a, 0x0be6)],
    ['Arabic-Indic digits', inScript(a, 0x0660)],
    ['mathematical bold digits', inScript(a, 0x1d7ce)],
    ['mixed scripts', `${a.slice(0, 4)} ${inScript(a.slice(4, 8), 0x09e6)} ${a.slice(8)}`],
    ['brackets', `(${a.slice(0, 4)})(${a.slice(4, 8)})(${a.slice(8)})`],
    ['emoji keycaps', [...a].map((d) => `${d}\uFE0F\u20E3`).join('')],
  ];
}

export function cardFormats(c: string): Array<[string, string]> {
  const g = (sep: string) => [c.slice(0, 4), c.slice(4, 8), c.slice(8, 12), c.slice(12)].join(sep);
  return [
    ['plain', c],
    ['spaces', g(' ')],
    ['dots', g('.')],
    ['no-break space', g('\u00A0')],
    ['zero-width space', g('\u200B')],
    ['en dash', g('\u2013')],
    ['slashes', g('/')],
    ['followed by its CVV', `${g(' ')} 839`],
    ['followed by expiry and CVV', `${g(' ')} 12/28 839`],
    ['full-width digits', inScript(c, 0xff10)],
    ['Bengali digits', inScript(g(' '), 0x09e6)],
  ];
}
