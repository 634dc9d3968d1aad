declare module 'better-sqlite3/lib/util.js' {
  /** The property under which a Database keeps its native object. */
  export const cppdb: unique symbol;
}
