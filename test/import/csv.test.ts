import { CsvParser, CsvRecordTooLong, type CsvEvent } from '../../db/import/csv';

function parse(chunks: string[], maxRecordChars?: number): CsvEvent[] {
  const parser = new CsvParser(maxRecordChars);
  const out: CsvEvent[] = [];
  for (const chunk of chunks) out.push(...parser.push(chunk));
  out.push(...parser.end());
  return out;
}

const SAMPLE = [
  'a,b,c\r\n',
  '1,"x,y",3\r\n',
  '\r\n',
  '"multi\nline ""quoted""",,\n',
  '"bad"q,1,2\n',
  '4,5,6\n',
  '"",z,\n',
  '7,8',
].join('');

describe('CsvParser', () => {
  it('reads quoted fields, doubled quotes, line breaks in quotes and CRLF, with the line each record starts on', () => {
    expect(parse([SAMPLE])).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x,y', '3'] },
      { line: 4, fields: ['multi\nline "quoted"', '', ''] },
      { line: 6, error: 'unexpected text after the closing quote of field 1' },
      { line: 7, fields: ['4', '5', '6'] },
      { line: 8, fields: ['', 'z', ''] },
      { line: 9, fields: ['7', '8'] },
    ]);
  });

  it('gives the same records however the text is split into chunks', () => {
    const whole = parse([SAMPLE]);
    for (let a = 0; a <= SAMPLE.length; a++) {
      for (let b = a; b <= SAMPLE.length; b += 5) {
        expect(parse([SAMPLE.slice(0, a), SAMPLE.slice(a, b), SAMPLE.slice(b)])).toEqual(whole);
      }
    }
  });

  it('reports a quote left open at the end of the input, on the line the record started', () => {
    expect(parse(['id,cause\n', 'o1,"never\n', 'closed\n'])).toEqual([
      { line: 1, fields: ['id', 'cause'] },
      { line: 2, error: 'a quoted field is never closed (the record runs to the end of the file)' },
    ]);
  });

  it('refuses a record longer than the limit instead of buffering the rest of the file', () => {
    expect(() => parse(['a\n"', 'x'.repeat(50)], 20)).toThrow(CsvRecordTooLong);
  });
});
