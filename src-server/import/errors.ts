/** An import the server refuses before writing anything; the message is for the administrator, in Italian. */
export class ImportRefused extends Error {
  override name = 'ImportRefused';
}
