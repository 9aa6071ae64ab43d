/**
 * Free-form labels ("work", "mobile", "Clinic") ↔ vCard TYPE parameters. Labels made of standard types travel
 * as TYPE; any other label travels as Apple's `itemN.X-ABLabel`, which Apple, Google and Thunderbird read.
 */

/** vCard TYPE values → label words. `cell` reads as "mobile", the word people use. */
const LABEL_OF_TYPE: Readonly<Record<string, string>> = { home: 'home', work: 'work', cell: 'mobile', fax: 'fax', pager: 'pager', main: 'main', other: 'other', iphone: 'mobile' };
const TYPE_OF_LABEL: Readonly<Record<string, string>> = { home: 'home', work: 'work', mobile: 'cell', fax: 'fax', pager: 'pager', main: 'main', other: 'other' };

/** Apple writes its own labels as `_$!<Mobile>!$_` and people's labels as typed. */
const APPLE_BUILT_IN_LABEL = /^_\$!<(.+)>!\$_$/;

/** Android writes a label of its own as an X- type: `TEL;X-Sykehus:` (vCard 2.1) or `TYPE=X-Sykehus`. */
const CUSTOM_TYPE = /^x-(.+)$/i;

/** The label of an email, phone or address from its TYPE values and, if grouped with one, its X-ABLabel. */
export function labelFromVcard(types: readonly string[], customLabel: string | undefined): string {
  if (customLabel) {
    const builtIn = APPLE_BUILT_IN_LABEL.exec(customLabel);
    return builtIn ? builtIn[1]!.toLowerCase() : customLabel;
  }
  const custom = types.map((type) => CUSTOM_TYPE.exec(type)?.[1]).find((label) => label !== undefined);
  if (custom) return custom;
  const words = types.map((type) => LABEL_OF_TYPE[type.toLowerCase()]).filter((word): word is string => word !== undefined);
  return [...new Set(words)].join(' ');
}

/** TYPE values for a label made only of standard words, or undefined when the label needs X-ABLabel. */
export function typesForLabel(label: string): string[] | undefined {
  const words = label.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const types = words.map((word) => TYPE_OF_LABEL[word]);
  return types.every((type) => type !== undefined) && words.join(' ') === label ? (types as string[]) : undefined;
}
