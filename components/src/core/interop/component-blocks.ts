/**
 * Splits an iCalendar file into the text of its items before anything parses them, so that one broken item (a
 * bad line, a missing END) fails alone instead of making ical.js reject the whole file. (vCards are split as
 * their lines are read, by vcard-properties.ts.)
 */

/** The text of one item: a VEVENT, VTODO or VTIMEZONE inside a VCALENDAR. */
export interface ComponentBlock {
  /** Upper-case component name, e.g. `VEVENT`. */
  name: string;
  /** Unfolded content lines, BEGIN and END included. */
  lines: string[];
  /** False when the file ended, or the next item began, before this one's END line. */
  complete: boolean;
}

/** The component name of a BEGIN or END line, upper-cased, or undefined for any other line. */
function markerOf(line: string, keyword: 'BEGIN' | 'END'): string | undefined {
  const match = new RegExp(`^${keyword}:(.+)$`, 'i').exec(line.trim());
  return match ? match[1]!.trim().toUpperCase() : undefined;
}

/**
 * The child components of every VCALENDAR in the file's unfolded lines, in file order, or undefined when the
 * file holds no VCALENDAR at all.
 */
export function splitComponentBlocks(lines: readonly string[]): ComponentBlock[] | undefined {
  const wrapper = 'VCALENDAR';
  const blocks: ComponentBlock[] = [];
  let insideWrapper = false;
  let foundWrapper = false;
  let current: { block: ComponentBlock; depth: number } | undefined;

  const close = (complete: boolean) => {
    if (current) {
      current.block.complete = complete;
      blocks.push(current.block);
    }
    current = undefined;
  };

  for (const line of lines) {
    const begins = markerOf(line, 'BEGIN');
    const ends = markerOf(line, 'END');
    if (current) {
      // A new item of the same kind, or the end of the wrapper, means this item lost its END line.
      if (begins === current.block.name || ends === wrapper) {
        close(false);
      } else {
        current.block.lines.push(line);
        if (begins) current.depth += 1;
        if (ends && current.depth === 0) close(ends === current.block.name);
        else if (ends) current.depth -= 1;
        continue;
      }
    }
    if (begins === wrapper) {
      foundWrapper = true;
      insideWrapper = true;
    } else if (ends === wrapper) {
      insideWrapper = false;
    } else if (insideWrapper && begins) {
      current = { block: { name: begins, lines: [line], complete: false }, depth: 0 };
    }
  }
  close(false);
  return foundWrapper ? blocks : undefined;
}

/** The raw text of an item's first `name` property, for naming an item that does not parse. */
export function rawPropertyValue(block: ComponentBlock, name: string): string | undefined {
  const pattern = new RegExp(`^(?:[A-Za-z0-9-]+\\.)?${name}[;:]`, 'i');
  const line = block.lines.find((candidate) => pattern.test(candidate));
  if (!line) return undefined;
  const colon = line.indexOf(':', line.search(/[;:]/));
  return line.slice(colon + 1).replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' ').trim() || undefined;
}
