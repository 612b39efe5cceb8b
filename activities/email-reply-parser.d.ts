/** email-reply-parser 2.1 (the last CommonJS release, which jest and Node 20 load) ships no types. */
declare module 'email-reply-parser' {
  interface ParsedEmail {
    /** The text without quoted history and signatures. */
    getVisibleText(options?: { aggressive?: boolean }): string;
  }
  export default class EmailReplyParser {
    read(text: string): ParsedEmail;
  }
}
