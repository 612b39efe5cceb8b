/**
 * A small streaming RFC 4180 CSV reader that knows the physical line each record starts on.
 *
 * Feed it text with `push()` (chunks may split records, quoted fields and `\r\n` anywhere) and call
 * `end()` once; each returns the records and record-level errors completed so far. Fields are
 * separated by `,`, records by `\n` or `\r\n`; a field in double quotes may hold commas, quotes
 * (doubled: `""`) and line breaks. Blank lines are skipped. A record with text after a closing
 * quote is reported as an error and the reader resumes at the next line; a quote left open runs to
 * the end of the file and is reported there.
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  error: string;
}

export type CsvEvent = CsvRecord | CsvError;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the closing quote, or the first half of `""`. */
  QuoteInQuoted,
  /** After a malformed record: discard up to the end of the physical line. */
  Skip,
}

export class CsvRecordTooLong extends Error {
  constructor(
    readonly line: number,
    limit: number,
  ) {
    super(`the record starting on line ${line} exceeds ${limit} characters (a quote left open?)`);
  }
}

export class CsvParser {
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;
  private skipError = '';

  /** @param maxRecordChars a record longer than this is a fatal error (the rest of the file cannot be trusted). */
  constructor(private readonly maxRecordChars = 1 << 20) {}

  push(text: string): CsvEvent[] {
    const out: CsvEvent[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.fields.push('');
            i++;
          } else if (c === LF) {
            this.endRecord(out, '', false);
            i++;
          } else {
            this.state = State.Unquoted; // scanned below, from this character
          }
          break;
        }
        case State.Unquoted: {
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === COMMA || d === LF) break;
            j++;
          }
          this.append(text.slice(i, j));
          if (j < n) {
            if (text.charCodeAt(j) === COMMA) this.endField();
            else this.endRecord(out, this.field, false);
          }
          i = j + 1;
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const end = q === -1 ? n : q;
          const part = text.slice(i, end);
          this.append(part);
          for (let k = part.indexOf('\n'); k !== -1; k = part.indexOf('\n', k + 1)) this.line++;
          if (q !== -1) this.state = State.QuoteInQuoted;
          i = end + 1;
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.append('"');
            this.state = State.Quoted;
          } else if (c === COMMA) {
            this.endField();
          } else if (c === LF) {
            this.endRecord(out, this.field, true);
          } else if (c !== CR) {
            this.state = State.Skip;
            this.skipError = `unexpected text after the closing quote of field ${this.fields.length + 1}`;
          }
          i++;
          break;
        }
        case State.Skip: {
          const nl = text.indexOf('\n', i);
          if (nl === -1) {
            i = n;
          } else {
            out.push({ line: this.recordLine, error: this.skipError });
            this.line++;
            this.resetRecord();
            i = nl + 1;
          }
          break;
        }
      }
    }
    return out;
  }

  end(): CsvEvent[] {
    const out: CsvEvent[] = [];
    switch (this.state) {
      case State.Quoted:
        out.push({
          line: this.recordLine,
          error: 'a quoted field is never closed (the record runs to the end of the file)',
        });
        break;
      case State.Skip:
        out.push({ line: this.recordLine, error: this.skipError });
        break;
      case State.QuoteInQuoted:
        this.endRecord(out, this.field, true);
        break;
      default:
        if (this.fields.length > 0 || this.field !== '') this.endRecord(out, this.field, false);
    }
    this.resetRecord();
    return out;
  }

  private append(part: string): void {
    this.recordChars += part.length;
    if (this.recordChars > this.maxRecordChars) throw new CsvRecordTooLong(this.recordLine, this.maxRecordChars);
    this.field += part;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  /** Ends the record at a line break (or at the end of the input). */
  private endRecord(out: CsvEvent[], last: string, quoted: boolean): void {
    // `\r\n`: the `\r` belongs to the line break, not to the last unquoted field.
    const value = !quoted && last.endsWith('\r') ? last.slice(0, -1) : last;
    if (quoted || this.fields.length > 0 || value !== '') {
      this.fields.push(value);
      out.push({ line: this.recordLine, fields: this.fields });
    } // else: a blank line
    this.line++;
    this.resetRecord();
  }

  private resetRecord(): void {
    this.fields = [];
    this.field = '';
    this.state = State.FieldStart;
    this.recordLine = this.line;
    this.recordChars = 0;
    this.skipError = '';
  }
}
